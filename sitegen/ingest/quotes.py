"""Direct quotes of an article and who said them, for the `speakers` and `quotes` front matter.

Rule-based (no model can be downloaded): find quote spans, drop scare quotes, titles and
nicknames, read the frame around each quote, and resolve names, surnames, pronouns and role nouns
to one canonical person per article. Linear in the article length, give or take small look-backs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.ingest.frames import (
    ALL_SPEECH_VERBS,
    NO_SUBJECT,
    OTHER_SUBJECT,
    SPEECH_VERBS,
    Subject,
    frame_after,
    frame_before,
    np_after,
    np_before,
    sentence_end,
    sentence_start,
    tokens,
)
from sitegen.ingest.gazetteer import is_demonym
from sitegen.ingest.names import (
    NON_NAME_WORDS,
    ORG_WORDS,
    ROLE_ADJECTIVES,
    ROLE_NOUNS,
    NameParts,
    clean_role,
    is_given_name,
    is_group,
    is_title,
    looks_like_org,
    norm,
    role_gender,
)
from sitegen.ingest.persons import is_person_name, not_a_person
from sitegen.ingest.registry import PAR_STRIDE, Person, Registry, name_mentions
from sitegen.ingest.spans import DOUBLE_ANY, QuoteSpan, Segment, find_spans
from sitegen.model import Quote, Speaker

_PAR_STRIDE = PAR_STRIDE
_REACH = 600  # characters before a speech verb in which reported speech looks for its subject
_NEAR_PARAGRAPHS = 1  # a speaker keeps the floor for pronouns this many paragraphs on
# "he said" in indirect speech keeps track of who is talking, for later pronoun frames.
_PRONOUN_SAYS_RE = re.compile(
    r"\b([Hh]e|[Ss]he)\s+(?:also\s+|later\s+|then\s+)?(?:"
    + "|".join(sorted(SPEECH_VERBS - {"say", "tell", "add"}, key=len, reverse=True))
    + r")\b"
)
_PRONOUN_OPENS_RE = re.compile(r"(?:^|(?<=[.!?]\s))(He|She)\b")
# "But a spokesman for the Home Office defended the plans.": an indefinite person opening a
# sentence is someone new whom the article does not name; a he/she after it is that person.
_INDEFINITE_RE = re.compile(
    r"\b(?:(?:But|And|However,|Meanwhile,)\s+[Aa]n?|An?)\s+"
    r"(?P<head>(?:[a-z][\w-]*\s+){0,3}?(?P<noun>[a-z][\w-]+))"
    r"(?:\s+(?:for|at|of|from|with|to)\s+[^.,;:|]{1,60}?)?"
    r"(?:,\s+(?:which|who)\s+[^.,;:|]{1,80}?,)?\s+"  # "A spokesman for X, which ..., said"
    r"(?P<verb>is|was|has|had|have|will|would|could|can|may|might|must|should|did|does|do|said|"
    r"says|told|tells|adds|[a-z]+ed)\b")
_HE = Subject("pronoun", "he", gender="m")
_SHE = Subject("pronoun", "she", gender="f")  # global position = paragraph index * stride + offset
_WORD_RE = re.compile(r"[\w'’-]+")
_ENDS_FRAME_RE = re.compile(r"[,?!—–-]\s*$")
_ACCORDING_AFTER_RE = re.compile(r"^[\s,]*according to\b", re.IGNORECASE)
_STARTS_FRAME_RE = re.compile(r"^\s*[,—–―]")
_NICKNAME_BEFORE_RE = re.compile(  # \b: "wrote on Facebook:" is no "book:"
    r"\b(?:nicknamed|dubbed|known as|so-called|aka|a\.k\.a\.|titled|entitled|named|hashtag"
    r"|slogan|motto|book|film|movie|song|album|show|series|novel|play|poem|memoir|documentary"
    r"|article|op-ed|essay|column|headline|program|programme|podcast|opera|painting"
    r"|terms? like|words? like|(?:what|which|that) (?:is|are|was|were) called|the (?:word|term"
    r"|phrase|label|name))"
    r"\s*,?\s*(?:the\s+|a\s+|his\s+|her\s+)?$",  # "... show:" introduces speech
    re.IGNORECASE,
)
_OWNER_BEFORE_RE = re.compile(r"\b[A-Z][\w.&-]*(?:['’]s|s['’])\s*$")
_CAP_WORD_END_RE = re.compile(r"\b[A-Z][\w.'’-]*\s+$")
_CAP_WORD_START_RE = re.compile(r"^\s+[A-Z][\w'’-]*")
_MINOR = "a an the of and or in on at to for by with from as vs"
_MINOR_WORDS = frozenset(_MINOR.split())


@dataclass(frozen=True)
class Attribution:
    """The article's quoted speakers (order of first appearance) and its direct quotes."""

    speakers: tuple[Speaker, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class FoundQuote:
    """A detected quote with where it sits (for benchmarks) and its resolved speaker."""

    span: QuoteSpan
    text: str
    speaker: str | None


def attribute_quotes(paragraphs: Sequence[str], headline: Sequence[str] = ()) -> Attribution:
    """Detect the direct quotes of an article's body paragraphs and attribute them; headline
    (title, standfirst) may give the full name of someone the body calls by surname only."""
    found, speakers = analyse(paragraphs, headline)
    quotes = tuple(Quote(q.text, q.speaker) for q in found)
    return Attribution(tuple(speakers), quotes)


def analyse(
    paragraphs: Sequence[str], headline: Sequence[str] = ()
) -> tuple[list[FoundQuote], list[Speaker]]:
    """Quotes with their spans and speakers, plus the speakers in order of first appearance."""
    paragraphs = list(paragraphs)
    spans = find_spans(paragraphs)
    speech = [s for s in spans if is_speech(s, paragraphs)]
    frames = [_frame(s, speech, paragraphs) for s in speech]
    registry = Registry(lambda pos: _sentence_key(paragraphs, pos), _near)
    reported: list[Person] = []
    people = _resolve(paragraphs, spans, speech, frames, registry, reported)
    people = _inherit(speech, frames, people, paragraphs, registry)
    people = _attributed_after(speech, people, spans, paragraphs, registry)
    _complete_names(registry.people, [*headline, *paragraphs])
    _roles_from_mentions(registry.people, [*headline, *paragraphs])
    text = "\n".join([*headline, *paragraphs])
    published = {id(p) for p in registry.people
                 if is_person_name(p.name, p.introduced, p.gender, text)}
    people = [p if p is not None and id(p) in published else None for p in people]
    found = [
        FoundQuote(s, s.text(paragraphs), p.name if p else None)
        for s, p in zip(speech, people, strict=True)
        if s.text(paragraphs)
    ]
    quoted = {id(p) for p in [*people, *reported] if p is not None and id(p) in published}
    ordered = sorted((p for p in registry.people if id(p) in quoted), key=lambda p: p.first_pos)
    return found, [Speaker(p.name, p.role) for p in ordered]


def _complete_names(people: list[Person], texts: Sequence[str]) -> None:
    """'Clinton said' where the article writes 'Hillary Clinton' only in its title, or in a
    stretch no frame read: the surname takes the given name most often written before it."""
    for person in people:
        if " " in person.name:
            continue
        before = re.compile(rf"\b([A-Z][\w'’-]+)\s+{re.escape(person.name)}\b")
        given = [m.group(1) for text in texts for m in before.finditer(text)
                 if is_given_name(m.group(1)) and m.group(1).lower() not in _NOT_GIVEN]
        if not given:  # "Yesterday, Eliud Kipchoge from Kenya ran": a given name the table
            given = _unlisted_given(person.name, texts)  # lacks, in a two-word name
        if given:
            first = max(set(given), key=lambda g: (given.count(g), -given.index(g)))
            person.name = f"{first} {person.name}"


_LONE_PAIR_RE = re.compile(r"(?:(?<=[a-z,;(]\s))([A-Z][a-z]{2,})\s+(?={surname}\b(?!\s+[A-Z]))")


def _unlisted_given(surname: str, texts: Sequence[str]) -> list[str]:
    """Capitalised words the article writes right before surname inside a sentence, as a name
    of exactly two words ('Yesterday, Eliud Kipchoge from ...'), that are no title, honorific,
    role, place, nationality, organisation or common capitalised word: a given name."""
    pattern = re.compile(_LONE_PAIR_RE.pattern.replace("{surname}", re.escape(surname)))
    found = [m.group(1) for text in texts for m in pattern.finditer(text)]
    return [w for w in found if not (
        w.lower() in _NOT_GIVEN or is_title(w) or norm(w) in ROLE_NOUNS or norm(w) in NON_NAME_WORDS
        or norm(w) in ORG_WORDS or norm(w) in ROLE_ADJECTIVES or is_demonym(w)
        or looks_like_org(w) or not_a_person(w))]


def _roles_from_mentions(people: list[Person], texts: Sequence[str]) -> None:
    """A role the article gives where no frame read it (the standfirst's 'Planetary scientist
    Vlada Stamenkovic'): the first role any mention of the full name carries."""
    missing = {p.name: p for p in people if p.role is None and " " in p.name}
    if not missing:
        return
    for text in texts:
        for _, parts, _subject in name_mentions(text):
            person = missing.get(parts.name)
            role = clean_role(parts.role)
            if person is not None and role and person.role is None:
                person.role = role
                person.introduced = True


_NOT_GIVEN = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "the", "and", "but", "as", "by"})


# --- scare quotes, titles, nicknames -------------------------------------------------------------


def is_speech(span: QuoteSpan, paragraphs: Sequence[str]) -> bool:
    """False for scare quotes, titles of works and nicknames; True for quoted speech."""
    first, last = span.segments[0], span.segments[-1]
    text = span.text(paragraphs)
    words = _WORD_RE.findall(text)
    if not words:
        return False
    before = paragraphs[first.par][: first.start]
    after = paragraphs[last.par][last.end:]
    if _NICKNAME_BEFORE_RE.search(before[-40:]):
        return False
    if _modifies_noun(after, words) and not _verb_in_sentence(before, after, _REPORTING_ONLY):
        return False  # 'offered "furry" versions'; but 'reached "shocking" levels, MPs warned
    if _OWNER_BEFORE_RE.search(before[-30:]) and len(words) <= 6 and text[-1:] not in ".?!":
        return False  # NBC's "Today", Trump's "very bad deal": a title or a label
    between_names = _CAP_WORD_END_RE.search(before[-30:]) and _CAP_WORD_START_RE.match(after)
    if between_names and len(words) <= 3:
        return False
    lo, hi = last.inner(paragraphs[last.par])
    raw_end = paragraphs[last.par][lo:hi].rstrip().rstrip("’'")[-1:]
    framed = raw_end in ",.?!—–-" or bool(_STARTS_FRAME_RE.match(after))
    verb_near = _verb_near(before, after, framed)
    if _title_case(text, words) and not verb_near:
        return False
    if span.single:
        opens_sentence = sentence_start(before + "x", len(before)) == len(before)
        return verb_near or (len(words) > 8 and opens_sentence)
    if len(words) <= 3:
        ends = text.rstrip().endswith((".", "?", "!"))
        whole = ends and not before.strip(" \t-—–")[-1:].isalpha()
        in_sentence = _verb_in_sentence(before, after) and text[:1].islower()
        return verb_near or whole or in_sentence or text.rstrip().endswith(("?", "!"))
    return True


def _verb_near(before: str, after: str, framed: bool) -> bool:
    """A speech verb within a few words before the opening mark, or right after the closing
    one when the quote ends like a framed one ('"Nonsense," he said'), not a title's clause."""
    head = before[sentence_start(before, len(before)):]
    prior = _WORD_RE.findall(head)[-6:]
    following = _WORD_RE.findall(after[:60])[:4] if framed else []
    run: list[str] = []
    if following and following[0][:1].isupper():  # "Labour home affairs spokesman Jo Lee said":
        clause = re.split(r"(?<=[a-z]{3})\.|[;:!?]", after[:100])[0]  # a name with its role
        run = list(itertools.takewhile(  # before the verb, no clause between
            lambda w: w.lower() in ALL_SPEECH_VERBS or w.lower() not in _NOT_A_NOUN,
            _WORD_RE.findall(clause)[:8]))
    return any(w.lower() in ALL_SPEECH_VERBS for w in prior + following + run)


_NOUN_AFTER_RE = re.compile(r"^\s+([a-z][a-z-]+)\b")
_NOT_A_NOUN_WORDS = """
and or but nor in on at for to of with by from as than that which who whom whose because if when
while after before since until so he she they it we i you said says is was are were be been has
had have will would could can may might should must do did does not also then about over into
like per via across against toward towards during through among between without within there
this these those its his her their our my your a an the
"""
_NOT_A_NOUN = frozenset(_NOT_A_NOUN_WORDS.split())


def _modifies_noun(after: str, words: list[str]) -> bool:
    """'offered "furry" versions', 'the "one country, two systems" model': a short quote
    followed at once by a noun it qualifies is a label, not speech."""
    m = _NOUN_AFTER_RE.match(after)
    if m is None or len(words) > 4:
        return False
    word = m.group(1)
    return word not in _NOT_A_NOUN and word not in ALL_SPEECH_VERBS and not word.endswith("ly")


def _verb_in_sentence(before: str, after: str, verbs: frozenset[str] = ALL_SPEECH_VERBS) -> bool:
    """A speech verb anywhere in the quote's sentence: 'Deaths have reached "shocking" levels,
    a committee has warned', 'said the White Paper was "fundamentally flawed"'."""
    head = before[sentence_start(before, len(before)):]
    tail = after[: sentence_end(after, 0)]
    return any(w.lower() in verbs for w in _WORD_RE.findall(head + " " + tail))


# Verbs that report words even around a quoted label; 'offered', 'posted', 'called' do not.
_NOT_REPORTING = "offered offer offers posted post posts called call calls answer answered report"
_REPORTING_ONLY = ALL_SPEECH_VERBS - frozenset(_NOT_REPORTING.split())


def _title_case(text: str, words: list[str]) -> bool:
    """'The Art of the Deal': every major word capitalised, no sentence punctuation."""
    if len(words) > 8 or len(words) < 2 or text.rstrip()[-1:] in ".,?!":
        return False
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return bool(major) and all(w[0].isupper() for w in major)


# --- frames --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The subject a quote's frame names, and where (global position); pos < 0: no frame."""

    subject: Subject
    pos: int


_NO_FRAME = Frame(NO_SUBJECT, -1)


def _neighbours(seg: Segment, speech: list[QuoteSpan]) -> tuple[int, int]:
    """End of the previous and start of the next speech segment in seg's paragraph."""
    prev_end, next_start = 0, -1
    for span in speech:
        for other in span.segments:
            if other.par != seg.par or other is seg:
                continue
            if other.end <= seg.start:
                prev_end = max(prev_end, other.end)
            elif other.start >= seg.end and (next_start < 0 or other.start < next_start):
                next_start = other.start
    return prev_end, next_start


def _frame(span: QuoteSpan, speech: list[QuoteSpan], paragraphs: Sequence[str]) -> Frame:
    """Read the frame after the quote (when it ends like one) or before it, in its sentence."""
    first, last = span.segments[0], span.segments[-1]
    par_last = paragraphs[last.par]
    _, next_start = _neighbours(last, speech)
    after = par_last[last.end: next_start if next_start >= 0 else len(par_last)]
    lo, hi = last.inner(par_last)
    inner = par_last[lo:hi]
    prev_end, _ = _neighbours(first, speech)
    before = paragraphs[first.par][prev_end: first.start]
    agent = _PASSIVE_AS_RE.search(before[-60:]) and _BY_AFTER_RE.match(after)
    if agent:  # 'Amman, who was described as "knife-obsessed" by the police': the police's
        subj = np_after(tokens(after[agent.end(): agent.end() + 80]))
        if subj.kind not in ("name", "pronoun"):
            subj = OTHER_SUBJECT
        return Frame(subj, last.par * _PAR_STRIDE + last.end + agent.end())
    framed = bool(_ENDS_FRAME_RE.search(inner.rstrip("’'")) or _STARTS_FRAME_RE.match(after))
    reporter = _ACCORDING_AFTER_RE.match(after)  # '"Q," according to NBC' names a reporter
    tries = [_after, _before] if framed and not reporter else [_before, _after]
    frames = [attempt(after, before, last, first, prev_end, framed) for attempt in tries]
    named = [f for f in frames if f.subject.kind != "none"]
    found = [f for f in frames if f.pos >= 0]
    if not found and not before.strip() and first.par > 0 and prev_end == 0:
        found = [_colon_intro(first.par - 1, speech, paragraphs)]
        if found[0].pos < 0:
            found = [_previous_paragraph(first.par - 1, speech, paragraphs)]
    if not found and before.strip() and (prev_end == 0 or _quote_ends_sentence(before)):
        found = [_previous_sentence(before, first)]  # (after a quote in an earlier sentence:
        # 'what it called a "patent commons". Adam Jollans ... said the move was ... "We ...')
    return (named or found or [_NO_FRAME])[0]


def _previous_paragraph(par: int, speech: list[QuoteSpan], paragraphs: Sequence[str]) -> Frame:
    """'Trump said the system is rigged.' then a paragraph that is only a quote: the speech verb
    of the previous paragraph's last sentence (after its own quotes) names the speaker."""
    ends = [seg.end for span in speech for seg in span.segments if seg.par == par]
    start = max(ends, default=0)
    text = paragraphs[par][start:].rstrip().rstrip(".!?")
    if not text.strip():
        return _NO_FRAME
    anchor = Segment(par, start, start, True)
    frame = _before("", text, anchor, anchor, start)
    return frame if frame.subject.kind in ("name", "pronoun", "role") else _NO_FRAME


def _quote_ends_sentence(before: str) -> bool:
    """Whether the text between an earlier quote and this one holds a whole sentence of its
    own after the earlier quote's sentence ended ('". Adam Jollans said the move ... .')."""
    text = before.lstrip("”\"’' ")
    return text[:1] in {".", "!", "?"} and len(_WORD_RE.findall(text)) > 4


def _previous_sentence(before: str, first: Segment) -> Frame:
    """'Smith said the plan failed. "It was a disaster."': a quote opening a sentence, with no
    frame of its own, is the speaker's of the speech verb in the sentence before it."""
    cut = sentence_start(before, len(before))
    if cut == 0 or before[cut:].strip():
        return _NO_FRAME
    frame = _before("", before[:cut].rstrip().rstrip(".!?"), first, first, 0)
    return frame if frame.subject.kind in ("name", "pronoun", "role") else _NO_FRAME


def _colon_intro(par: int, speech: list[QuoteSpan], paragraphs: Sequence[str]) -> Frame:
    """'The New York Times reports:' closing the previous paragraph introduces the quote."""
    text = paragraphs[par]
    if not text.rstrip().endswith(":"):
        return _NO_FRAME
    ends = [seg.end for span in speech for seg in span.segments if seg.par == par]
    start = max(ends, default=0)
    anchor = Segment(par, start, start, True)
    return _before("", text[start:], anchor, anchor, start)


def _after(
    after: str, before: str, last: Segment, first: Segment, prev_end: int, framed: bool = True
) -> Frame:
    subj, at = frame_after(after, 30 if framed else 4)
    if at < 0 or subj.kind == "none":
        return _NO_FRAME
    if not framed and _clause_after(after):
        return _NO_FRAME  # '"... as you go." Mr Armes warned that developers ...': his next point
    return Frame(subj, last.par * _PAR_STRIDE + last.end + at)


def _clause_after(after: str) -> bool:
    """Whether the sentence after a quote that ended a sentence goes on to report more speech
    ('Mr Armes warned that developers still had to learn ...') rather than only naming who
    spoke ('Smith said.', 'said Ana Ruiz, a lawyer.')."""
    words = _WORD_RE.findall(after[: sentence_end(after, 0)])
    if after.rstrip().endswith(":"):
        return True  # '"... our craft." Mr Gardner agreed: "..."' introduces the next quote
    return "that" in (w.lower() for w in words[:6]) or len(words) > 12


def _before(
    after: str, before: str, last: Segment, first: Segment, prev_end: int, framed: bool = True
) -> Frame:
    subj, at, _verb = frame_before(before)
    if at < 0 or subj.kind == "none":
        return _NO_FRAME
    return Frame(subj, first.par * _PAR_STRIDE + prev_end + at)


_PASSIVE_AS_RE = re.compile(
    r"\b(?:was|were|is|are|been|being)\s+(?:\w+ly\s+)?(?:described|called|labelled|labeled|"
    r"branded|dubbed|characterised|characterized)\s+(?:\w+\s+){0,2}as\s*$")
_BY_AFTER_RE = re.compile(r"^\s*[,.]?\s*by\s+")


# --- resolution ---


_REPORTING_RE = re.compile(
    r"\b(?:"
    + "|".join(sorted((v for v in SPEECH_VERBS if not v.endswith("ing")), key=len, reverse=True))
    + r")\b|\b[Aa]ccording to\s+[^,.;:]{1,60}"
)


# "Sean Conley issued a statement saying ...": the subject of issuing a statement speaks.
_STATEMENT_RE = re.compile(
    r"\b(?:issued|released|put out|published|posted|sent)\s+(?:a|an)\s+(?:[\w-]+\s+)?"
    r"(?:statement|letter|memo|note|message)\s+(?:saying|stating|that)\b")


def reported_speech(masked: str) -> list[tuple[int, Subject]]:
    """Who speaks in a paragraph outside quote marks: 'Smith said the plan would fail',
    'according to Smith', 'the minister told the BBC'. Offsets are of the verb's sentence."""
    found: list[tuple[int, Subject]] = []
    for m in _REPORTING_RE.finditer(masked):
        if _not_speech(masked, m):
            continue
        if masked[max(0, m.start() - _REACH): m.start()].rstrip().endswith(","):  # "..., argued"
            after = np_after(tokens(masked[m.end(): m.end() + 80]))
            if after.kind == "name" and not _OWNER_AFTER_RE.match(masked[m.end():]):
                found.append((m.end(), after))
                continue
        lo = max(0, m.start() - _REACH)  # bounded: the subject is near its verb
        start = lo + sentence_start(masked[lo: m.start()], m.start() - lo)
        subj, at, _verb = frame_before(masked[start: m.end()], last_verb_only=True)
        if at >= 0 and subj.kind == "name":  # role nouns and pronouns: too loose without a quote
            found.append((start + at, subj))
    for m in _STATEMENT_RE.finditer(masked):
        lo = max(0, m.start() - _REACH)
        start = lo + sentence_start(masked[lo: m.start()], m.start() - lo)
        subj = np_before(tokens(masked[start: m.start()]))
        if subj.kind == "name":
            found.append((m.start(), subj))
    found.sort(key=lambda item: item[0])
    return found


# "X, who studies tax, said Ivanka Trump's statement ...": an owner opens the reported clause,
# it is not the subject of an inverted frame ("..., said Ivanka Trump").
_OWNER_AFTER_RE = re.compile(r"^\s+(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w-]*['’]s\b")
_PASSIVE_BEFORE_RE = re.compile(
    r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_NOT_SPEECH_AFTER_RE = re.compile(r"^\s+(?:guilty|not guilty|innocent|ties|links)\b")
_AGENT_AFTER_RE = re.compile(r"^\s+(?:\w+\s+){0,4}?by\b")  # "was described by the CBCP"


def _not_speech(text: str, verb: re.Match[str]) -> bool:
    """'was quickly reported missing', 'pleaded guilty', 'has alleged ties': a speech verb's
    form that reports no one's words (a passive with no agent, a plea, an adjective)."""
    after = text[verb.end(): verb.end() + 30]
    if _NOT_SPEECH_AFTER_RE.match(after):
        return True
    return bool(_PASSIVE_BEFORE_RE.search(text[max(0, verb.start() - 30): verb.start()])) and \
        not _AGENT_AFTER_RE.match(after)


def _chain(masked: str) -> list[re.Match[str]]:
    """Pronoun subjects that keep track of who the text is about: 'he said', and a He/She
    opening a sentence ('She has faced ...')."""
    found = {m.start(): m for m in _PRONOUN_SAYS_RE.finditer(masked)}
    for m in _PRONOUN_OPENS_RE.finditer(masked):
        found.setdefault(m.start(), m)
    return [found[k] for k in sorted(found)]


def _indefinite(masked: str) -> list[re.Match[str]]:
    """Sentences whose subject is an unnamed person: 'a spokesman for the ministry said',
    'A local resident told the BBC' (a role noun after a/an, then a finite verb)."""
    found = []
    for m in _INDEFINITE_RE.finditer(masked):
        noun = m.group("noun").lower()
        if masked[:m.start()].rstrip()[-1:] not in {"", ".", "!", "?", "|", '"', "”"}:
            continue  # only at a sentence's start (a quote before it is masked as "|   ")
        if noun not in ROLE_NOUNS and not is_group(noun + "s"):
            continue
        found.append(m)
    return found


def _near(at: int, pos: int) -> bool:
    """Whether global position at is in pos's paragraph or the one before it."""
    return pos // _PAR_STRIDE - at // _PAR_STRIDE <= _NEAR_PARAGRAPHS


def _sentence_key(paragraphs: Sequence[str], pos: int) -> int:
    """Global position of the start of the sentence holding global position pos."""
    idx, off = divmod(pos, _PAR_STRIDE)
    return idx * _PAR_STRIDE + sentence_start(paragraphs[idx], off)


def _masked(par: str, segs: list[Segment]) -> str:
    """The paragraph with quoted stretches blanked, so names inside quotes are not mentions."""
    chars = list(par)
    for seg in segs:
        for i in range(seg.start, min(seg.end, len(chars))):
            chars[i] = " "
        chars[seg.start] = "|"  # a quote between two capitalised words breaks the name run
    return "".join(chars)


def _resolve(
    paragraphs: Sequence[str],
    spans: list[QuoteSpan],
    speech: list[QuoteSpan],
    frames: list[Frame],
    registry: Registry,
    reported: list[Person],
) -> list[Person | None]:
    """Walk the article in reading order, noting names and resolving each frame as it comes;
    people whose words are reported without quote marks ('Smith said the plan failed') are
    added to reported."""
    # (position, kind 0=mention 1=frame 2=pronoun chain 3=reported speech, index)
    events: list[tuple[int, int, int]] = []
    mentions: list[tuple[NameParts, bool]] = []
    indirect: list[Subject] = []
    someone: list[str | None] = []  # genders of unnamed people introduced as "a spokesman"
    for idx, par in enumerate(paragraphs):
        segs = [s for span in spans for s in span.segments if s.par == idx]
        masked = _masked(par, segs)
        for off, parts, subject in name_mentions(masked):
            events.append((idx * _PAR_STRIDE + off, 0, len(mentions)))
            mentions.append((parts, subject))
        for off, said in reported_speech(masked):
            events.append((idx * _PAR_STRIDE + off, 3, len(indirect)))
            indirect.append(said)
        for m in _chain(masked):
            gender = 0 if m.group(1).lower() == "he" else 1
            events.append((idx * _PAR_STRIDE + m.start(), 2, gender))
        for m in _indefinite(masked):
            events.append((idx * _PAR_STRIDE + m.start(), 4, len(someone)))
            someone.append(role_gender(m.group("noun")))
    for i, frame in enumerate(frames):
        if frame.pos >= 0:
            events.append((frame.pos, 1, i))
    events.sort()
    people: list[Person | None] = [None] * len(speech)
    for pos, kind, index in events:
        if kind == 0:
            parts, subject = mentions[index]
            registry.mention(parts, pos, subject)
        elif kind == 2:
            registry.resolve(_HE if index == 0 else _SHE, pos, speaks=False)
        elif kind == 4:
            registry.someone(pos, someone[index])
        elif kind == 3:
            person = registry.resolve(indirect[index], pos)
            if person is not None:
                reported.append(person)
        else:
            people[index] = registry.resolve(frames[index].subject, pos)
    return people


def _inherit(
    speech: list[QuoteSpan],
    frames: list[Frame],
    people: list[Person | None],
    paragraphs: Sequence[str],
    registry: Registry,
) -> list[Person | None]:
    """Frameless quotes take the speaker of a framed quote in the same paragraph, or continue
    the previous speaker when the paragraph opens with the quote and no one else was named."""
    result = list(people)
    text = "\n".join(paragraphs)
    for i, span in enumerate(speech):
        if frames[i].pos >= 0:
            continue
        par = span.segments[0].par
        same = [j for j in range(len(speech)) if speech[j].segments[-1].par == par and j != i]
        prev = [j for j in same if j < i and result[j] is not None]
        nxt = [j for j in same if j > i and frames[j].pos >= 0 and result[j] is not None]
        before = [j for j in same if j < i]
        framed = [j for j in before if frames[j].pos >= 0]  # the latest framed quote before
        if framed and result[framed[-1]] is None and len(
                _WORD_RE.findall(speech[framed[-1]].text(paragraphs))) > 3:
            continue  # the quote just before was framed by no one we can name ("a spokesman");
            # a label of a few words ("described as 'knife-obsessed' by police") holds no floor
        start = par * _PAR_STRIDE + span.segments[0].start
        if prev:
            last = speech[prev[-1]].segments[-1]
            reporter = _reporter_between(registry, result[prev[-1]],
                                         last.par * _PAR_STRIDE + last.end, start, text)
            result[i] = reporter or result[prev[-1]]
        elif _opens_paragraph(span, paragraphs) and i > 0 and result[i - 1] is not None:
            prev_span = speech[i - 1].segments[-1]
            lo = prev_span.par * _PAR_STRIDE + prev_span.end
            if not registry.others_named(result[i - 1], lo, start) or nxt:
                result[i] = result[nxt[0]] if nxt else result[i - 1]
            elif par - prev_span.par <= 1:
                result[i] = _reporter_between(registry, result[i - 1], lo, start, text)
        elif nxt:
            result[i] = result[nxt[0]]
        elif not before and len(_WORD_RE.findall(span.text(paragraphs))) > 3:
            result[i] = _topic_speaker(registry, par * _PAR_STRIDE, start, text)
    return result


def _topic_speaker(registry: Registry, lo: int, hi: int, text: str) -> Person | None:
    """The person a paragraph's sentences before a frameless quote are about, when that person
    has spoken in the article already ('Mauresmo spent five weeks at number one ... "Since
    then, I feel very confident."'): the last clause subject there, if no one else and no
    unnamed person ('a spokesman') was named as a subject after them."""
    subjects = [(at, p) for at, p in registry.salient if lo <= at < hi]
    if not subjects or any(lo <= at < hi for at, _ in [*registry.unnamed,
                                                       *registry.indefinite]):
        return None
    at, person = subjects[-1]
    if registry.sentence_key(at) == registry.sentence_key(hi):
        return None  # the quote's own sentence names them: a frame would have read it
    spoke = any(pos < lo and p is person for pos, p in registry.spoke)
    ok = is_person_name(person.name, person.introduced, person.gender, text)
    return person if spoke and ok else None


def _reporter_between(registry: Registry, speaker: Person | None, lo: int,
                      hi: int, text: str = "") -> Person | None:
    """Someone other than speaker whose words a sentence between lo and hi reports ('Mr Armes
    warned that developers ...') and who is the last person named as a subject there: the
    frameless quote that follows is theirs, not the earlier speaker's."""
    reporters = [(at, p) for at, p in registry.spoke if lo < at < hi and p is not speaker
                 and is_person_name(p.name, p.introduced, p.gender, text)
                 and registry.sentence_key(at) != registry.sentence_key(lo)]  # not in the
    # earlier quote's own frame ('..., Mr. Obama said at the dinner, where Mrs. Clinton spoke.')
    if not reporters:
        return None
    at, person = reporters[-1]
    later = [p for pos, p in registry.salient if at < pos < hi and p is not person
             and is_person_name(p.name, p.introduced, p.gender, text)]
    return None if later else person


def _attributed_after(
    speech: list[QuoteSpan],
    people: list[Person | None],
    spans: list[QuoteSpan],
    paragraphs: Sequence[str],
    registry: Registry,
) -> list[Person | None]:
    """A paragraph that is only a quote, still with no speaker, and a next paragraph that
    opens by attributing it ('So said Ana Ruiz at the rally.', 'Ruiz said it twice.')."""
    result = list(people)
    quoted = {seg.par for span in spans for seg in span.segments}
    for i, span in enumerate(speech):
        last = span.segments[-1]
        nxt = last.par + 1
        if result[i] is not None or not _only_quote(span, paragraphs) or nxt >= len(paragraphs):
            continue
        text = paragraphs[nxt]
        first = text[: sentence_end(text, 0)]
        if nxt in quoted and any(ch in first for ch in DOUBLE_ANY):
            continue
        subj, at = frame_after(first, 4)
        if at >= 0 and subj.kind == "name":
            result[i] = registry.resolve(subj, nxt * _PAR_STRIDE + at)
    return result


def _only_quote(span: QuoteSpan, paragraphs: Sequence[str]) -> bool:
    """Whether the quote fills its paragraphs (nothing but the quote before and after it)."""
    first, last = span.segments[0], span.segments[-1]
    after = paragraphs[last.par][last.end:].strip(" .,")
    return not paragraphs[first.par][: first.start].strip() and not after


def _opens_paragraph(span: QuoteSpan, paragraphs: Sequence[str]) -> bool:
    seg = span.segments[0]
    return not paragraphs[seg.par][: seg.start].strip()
