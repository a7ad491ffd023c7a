"""Read the attribution frame around a quote: who (name, pronoun or role noun) said it.

Frames covered: `"Q," S V`, `"Q," V S`, `S V: "Q"`, `S V ... "partial Q"`, `according to S`,
`"Q" ― Name`, with asides between speaker and verb ("X, a doctor, said").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

from sitegen.ingest.gazetteer import is_demonym
from sitegen.ingest.names import (
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NON_NAME_WORDS,
    ORG_WORDS,
    PARTY_NOUNS,
    ROLE_ADJECTIVES,
    ROLE_NOUNS,
    clean_role,
    first_name_gender,
    is_cap,
    is_group,
    is_title,
    norm,
    org_not_person,
    role_gender,
    role_like,
    split_name,
)

_VERBS = """
say says said saying tell tells told telling add adds added adding ask asks asked asking explain
explains explained note notes noted write writes wrote writing continue continues continued
conclude concludes concluded stress stresses stressed emphasize emphasized emphasizes emphasise
emphasised insist insists insisted argue argues argued claim claims claimed declare declares
declared state states stated remark remarked reply replies replied respond responds responded
answer answered warn warns warned tweet tweets tweeted tweeting post posted recall recalls
recalled acknowledge acknowledged admit admits admitted announce announced observe observed
suggest suggested urge urged joke joked quip quipped shout shouted shouting yell yells yelled
chant chanted chanting muse mused predict predicted promise promised vow vowed pledge pledged
caution cautioned counter countered concede conceded complain complained charge charged agree
agreed boast boasted lament lamented sing sings sang singing wonder wondered assert asserted
contend contended repeat repeated reiterate reiterated exclaim exclaimed whisper whispered
testify testified comment commented proclaim proclaimed demand demanded retort retorted affirm
affirmed confirm confirmed deny denied maintain maintained scold scolded laugh laughed
report reports reported reads describe described describing call calls called calling
label labeled labelled
recount recounted chime chimed interject interjected begin began begins explain
pointed offered thundered fumed raged griped chided lectured barked snapped gushed touted
bragged boasts implored pleaded begged opined reflected elaborated advised marveled marvelled
teased taunted scoffed hinted confided screamed interrupted underscored posited surmised
spoke speaks defended reacted likened compared accused challenged questioned praised thanked
dismissed derided ripped slammed blasted attacked criticized criticised emailed texted
recalls notes writes stresses insists
argues warns predicts tweets jokes quips admits adds asks explains continues concludes
assure assures assured reassure reassured grumble grumbled grumbles cried cries mutter muttered
murmur murmured mumble mumbled sighed groaned growled hissed sneer sneered gasped plead pleads
beg begs ranted raved vented shrugged protested objected reasoned propose proposed proposes
disclose disclosed reveal revealed reveals mentioned speculate speculated speculates estimated
allege alleged alleges confess confessed confesses concur concurred clarify clarified clarifies
informed remind reminded reminds rebut rebutted disputed decried decries crowed gloat gloated
messaged blogged inquire inquired enquired queried ordered instruct instructed recommend
recommended theorize theorized guessed swear swore vow vows threaten threatened threatens
chuckled deadpanned volunteered bemoan bemoaned railed seethe seethed assure cheered hailed
rebuked scoff scoffs counseled counselled summarize summarized summarise summarised elaborate
elaborates acknowledges announces cautions complains concedes contends declares denies insist
maintains observes proclaims promises recounts remarks replies responds retorts says states
suggests urges vows writes laments marvels muses boasts brags pleads testifies
claiming arguing insisting warning noting explaining suggesting urging declaring stating
predicting promising vowing complaining accusing blasting slamming praising joking posting
responding replying answering recalling admitting acknowledging announcing asserting boasting
bragging charging conceding contending demanding denying lamenting maintaining pleading
questioning quipping reiterating repeating stressing touting wondering alleging threatening
confirming emphasizing emphasising observing remarking retorting speculating musing
"""
# Verb plus particle: "shot back", "chimed in", "put it" ("as Smith put it, ...").
PHRASAL_VERBS: dict[str, frozenset[str]] = {
    "shot": frozenset({"back"}), "fired": frozenset({"back"}), "hit": frozenset({"back"}),
    "pushed": frozenset({"back"}), "weighed": frozenset({"in"}), "summed": frozenset({"up"}),
    "put": frozenset({"it"}), "puts": frozenset({"it"}),
    "spoke": frozenset({"out"}), "lashed": frozenset({"out"}),
}
# base forms that are more often nouns in news prose ("state officials", "a blog post")
_NOUNISH_WORDS = """
state post report claim charge counter answer comment call promise pledge joke quip tweet shout
chant remark reply repeat confirm deny demand label dub laugh
"""
# every form: enough to call a short quoted fragment speech ("calls people 'losers'")
ALL_SPEECH_VERBS: frozenset[str] = frozenset(_VERBS.split())
# forms that can head a frame
SPEECH_VERBS: frozenset[str] = ALL_SPEECH_VERBS - frozenset(_NOUNISH_WORDS.split())
# Verbs that introduce a quoted label ("called it a 'disaster'") rather than a statement.
_LABEL_VERBS = """
describe described describing call calls called calling label labeled labelled dub dubbed put mock
mocked
"""
LABEL_VERBS: frozenset[str] = frozenset(_LABEL_VERBS.split())
_ADVERB_WORDS = """
also later then previously once recently again further simply repeatedly has had have was is would
will could might may did does do just often already still quickly flatly famously reportedly
bluntly angrily publicly privately frequently long never always even since first initially
ultimately finally immediately separately subsequently recently later once famously so
"""
_ADVERBS = frozenset(_ADVERB_WORDS.split())
_NOT_ROLE_WORDS = """
who which whose speaking asked when while during in at on after before with for from according
referring adding noting saying
"""
_NOT_ROLE_STARTS = frozenset(_NOT_ROLE_WORDS.split())
_DOCUMENT_NOUN_WORDS = "report statement campaign website account office team release letter memo"
_DOCUMENT_NOUNS = frozenset(_DOCUMENT_NOUN_WORDS.split())
# Bodies and publications that "say" things ("the paper says", "the firm said"): no person.
_BODY_NOUN_WORDS = """
paper newspaper daily tabloid website site magazine channel network agency company firm club
ministry department report study survey statement document letter poll government council
committee court board bank group organisation organization charity union
"""
_BODY_NOUNS = frozenset(_BODY_NOUN_WORDS.split())
_SOURCE_NOUN_WORDS = "statement letter memo release tweet email message video post"
_SOURCE_NOUNS = frozenset(_SOURCE_NOUN_WORDS.split())
# "went on to say", "took to Twitter to write", "was quick to add": the infinitive frames too
_BEFORE_INFINITIVE = frozenset(
    {"on", "quick", "careful", "sure", "proceeded", "Twitter", "Facebook", "Instagram", "stage",
     "podium", "microphone"}
)
_WH = frozenset({"who", "which", "whose", "whom", "where"})
_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "this", "that", "our"})
_STOP_AFTER_VS = frozenset(
    {"in", "on", "at", "during", "after", "before", "to", "of", "for", "from", "when", "while",
     "as", "last", "this", "about", "that", "who", "which", "told", "with", "earlier", "per",
     "via"}
)

_NOT_BEFORE_VERB = frozenset({"to", "the", "a", "an", "his", "her"})
_ALL_PREPS = frozenset({"on", "in", "at", "of", "by", "to", "from", "with", "for"})
_PREPS = frozenset({"for", "of", "to", "at", "with", "from", "by", "on", "in"})
_PASSIVE_AUX = frozenset({"was", "were", "is", "are", "been", "being"})
_QUOTING_VERBS = frozenset({"quoted", "quotes", "cited", "cites", "quoting", "citing"})
_TOKEN_RE = re.compile(r"[\w.'’]+(?:-[\w.'’]+)*|[,;:()!?]|[—–]|--?(?=\s)")
MAX_SENTENCE = 2_000   # characters a sentence is looked back for
_MAX_VERBS = 8        # speech verbs of one sentence tried, nearest the quote first
_FRAME_REACH = 600    # characters before a quote or verb in which its frame is looked for
_MAX_ASIDES = 5  # "X, a fellow at Y in Washington, D.C., who ..., said"
_DASHES = frozenset({"—", "–", "--", "-"})  # "Ana Ruiz — who ... — said": an aside, like commas
_CONTRACTED_RE = re.compile(r"^([Hh]e|[Ss]he)['’](s|d|ll)$")
_CONTRACTIONS = {"s": "is", "d": "would", "ll": "will"}
_PARTY_STATE_RE = re.compile(r"^[RDI]-[A-Z][A-Za-z.]*$")  # "Mitch McConnell, R-Ky., said"
_PAREN_RE = re.compile(r"\([^()]{0,30}\)")
_ABBREV_DOT = r"(?:(?<=\b[A-Z])|(?<=\b[A-Z][a-z])|(?<=\b[A-Z][a-z]{2}))\."  # Dr. J. Gov.
_ACCORDING_RE = re.compile(rf"\b[Aa]ccording to\s+(?P<np>(?:[^,.;:]|{_ABBREV_DOT}){{1,80}})")
_DASH_RE = re.compile(rf"^\s*(?:[―—–]|--?(?=\s))\s*(?P<np>(?:[^,.;:\n]|{_ABBREV_DOT}){{1,60}})")
_SENT_END_RE = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘'A-Z(])|\n")
ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|St|Jr|Sr|Gen|Lt|Col|Capt|Sgt|Prof|Rev|Mt|No|vs|Inc|Co|"
    r"Corp|Ltd|Del|U\.S|U\.K|U\.N|a\.m|p\.m|Jan|Feb|Aug|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)

Kind = Literal["name", "pronoun", "role", "other", "none"]


@dataclass(frozen=True)
class Subject:
    """Who a frame names: a name (with role), a pronoun (with gender), or a role noun."""

    kind: Kind
    text: str
    role: str | None = None
    gender: str | None = None
    # The words themselves show a person, though no role is given: an honorific ("Mr Brown"),
    # a signature ("― Beck Pimentel"), a "who" clause ("Rucker Culpepper, who runs ...").
    introduced: bool = False


NO_SUBJECT = Subject("none", "")
OTHER_SUBJECT = Subject("other", "")  # a subject that is no one to attribute to: I, we, they


def sentence_start(text: str, end: int) -> int:
    """Start of the sentence that contains offset end (abbreviations like 'Mr.' don't end one).
    Only the last MAX_SENTENCE characters are read: a longer "sentence" starts there, so that a
    paragraph of thousands of quotes costs linear, not quadratic, time."""
    start = max(0, end - MAX_SENTENCE)
    for m in _SENT_END_RE.finditer(text + "X", start, end + 1):
        if m.group() == "\n" or not ABBREV_RE.search(text[max(0, m.start() - 6): m.start() + 1]):
            start = m.end()
    return start


def sentence_end(text: str, start: int) -> int:
    """End of the sentence that starts at or before start."""
    for m in _SENT_END_RE.finditer(text, start):
        if m.group() == "\n" or not ABBREV_RE.search(text[max(0, m.start() - 6): m.start() + 1]):
            return m.start() + 1
    return len(text)


def tokens(text: str) -> list[str]:
    """Words and the punctuation that matters for frames, parentheticals like (R-Ind.) dropped.

    A final dot stays on abbreviations ('Gov.', 'U.S.', 'J.') and is split off other words.
    """
    out: list[str] = []
    for tok in _TOKEN_RE.findall(_PAREN_RE.sub(" ", text)):
        if tok.endswith(".") and len(tok) > 1 and not ABBREV_RE.search(tok):
            out.extend((tok.rstrip("."), "."))
        elif m := _CONTRACTED_RE.match(tok):  # "He’s claiming" is "He is claiming"
            out.extend((m.group(1), _CONTRACTIONS[m.group(2)]))
        else:
            out.append("," if tok in _DASHES else tok)
    # "R-Ky., said": a dot before a comma ends an abbreviation, not a sentence
    return [t for i, t in enumerate(out) if not (t == "." and out[i + 1: i + 2] == [","])]


def _adverb(tok: str) -> bool:
    """'also', 'has long', 'angrily': words between a subject and its verb."""
    return norm(tok) in _ADVERBS or (tok.islower() and tok.endswith("ly") and len(tok) > 4)


def _is_np_token(tok: str) -> bool:
    low = norm(tok)
    return (
        is_cap(tok) or low in ROLE_NOUNS or low in ROLE_ADJECTIVES or low in NAME_PARTICLES
        or low in NAME_SUFFIXES or tok.endswith(("'s", "’s")) or ("-" in tok and tok.islower())
        or tok[:1].isdigit() or (tok.islower() and role_like(tok))  # "presenter Vic Galloway"
    )


def _strip_possessive(tok: str) -> str:
    return tok[:-2] if tok.endswith(("'s", "’s")) else tok


def interpret(np: list[str], aside: list[str] | None = None) -> Subject:
    """Turn the words of a subject phrase into a Subject."""
    np = [t for t in np if t not in {",", "(", ")"}]
    while np and _adverb(np[-1]):
        np = np[:-1]
    if not np:
        return NO_SUBJECT
    low = [norm(t) for t in np]
    if len(np) == 1 and _PARTY_STATE_RE.match(np[0]):
        return NO_SUBJECT
    if len(np) == 1 and (is_group(np[0]) or norm(np[0]) in ORG_WORDS):
        return OTHER_SUBJECT  # "Critics", or "Center" cut from "the Center for ..."
    if len(np) == 1 and low[0] in {"he", "she"}:
        return Subject("pronoun", np[0], gender="m" if low[0] == "he" else "f")
    if low[-1] in {"i", "we", "you", "they", "it", "me", "us", "one"}:
        return OTHER_SUBJECT
    if low[-1] in {"who", "which", "that"}:
        return NO_SUBJECT
    aside_role = _aside_role(aside)
    last = np[-1]
    if len(np) in (2, 3) and low[0] == "the" and low[1].endswith(("-year-old", "-years-old")) \
            and (len(np) == 2 or low[2] in ROLE_NOUNS or role_like(np[2]) or is_demonym(np[2])):
        return Subject("pronoun", np[1], gender=role_gender(np[-1]))  # "the 45-year-old
        # (fisherman) said": someone named already, like a 'he' or 'she'; gender from the noun
    if len(np) == 2 and low[0] == "the" and is_cap(last):  # "the Scot", "the Frenchman"
        return Subject("role", low[-1], " ".join(np), role_gender(last))
    owners = [i for i, t in enumerate(np[:-1]) if t.endswith(("'s", "’s"))]
    if owners and is_cap(last):  # "Deutsche Bank's Simon Champion": the owner is a role
        named = interpret(np[owners[-1] + 1:], aside)
        if named.kind == "name":
            owner = _strip_possessive(" ".join(np[: owners[-1] + 1]))
            return Subject("name", named.text, named.role or owner, named.gender)
    surname_title = len(np) >= 2 and first_name_gender(np[-2]) is not None  # "John Major"
    caps = len(np) - next((i for i in range(len(np) - 1, -1, -1) if not is_cap(np[i])), -1) - 1
    indefinite = low[0] in {"a", "an"} and caps < 2  # "a Republican"; not "an attendee Om Prakash"
    if is_cap(last) and (surname_title or not is_title(last)) and not indefinite:
        parts = split_name([_strip_possessive(t) for t in np])
        if parts is not None:
            role = (parts.role if clean_role(parts.role) else None) or aside_role  # "Dr X, a ..."
            return Subject("name", parts.name, role, parts.gender or role_gender(role),
                           parts.introduced)
    if low[-1] in ROLE_NOUNS or is_title(last) or low[-1] in PARTY_NOUNS:
        phrase = " ".join(np)
        return Subject("role", low[-1], phrase, role_gender(phrase))
    return NO_SUBJECT


def _role_noun(tok: str) -> bool:
    """A lower-case role or agent noun ('striker', 'fly-half', 'presenter')."""
    return tok[:1].islower() and (norm(tok) in ROLE_NOUNS or role_like(tok))


def _is_age(aside: list[str]) -> bool:
    """'45' in 'John Smith, 45, a teacher': an age, after which the role may follow."""
    return len(aside) == 1 and aside[0].isdigit()


def _aside_role(aside: list[str] | None) -> str | None:
    """'a doctor' from 'X, a doctor, said'; None for clauses and ages."""
    if not aside or len(aside) > 12:
        return None
    if norm(aside[0]) in _NOT_ROLE_STARTS:
        return None
    words = [t for t in aside if t not in {",", "(", ")"}]
    while words and norm(words[0]) in {"a", "an", "the"}:
        words = words[1:]
    if not words or words[0].isdigit():
        return None
    return " ".join(words)


_TIME_WORD_LIST = """
monday tuesday wednesday thursday friday saturday sunday yesterday today tonight week month year
morning afternoon evening night weekend
"""
_TIME_WORDS = frozenset(_TIME_WORD_LIST.split())
_TIME_LEADS = frozenset({"on", "last", "this", "earlier", "later", "late", "early"})


def _without_time(toks: list[str]) -> list[str]:
    """'mayor John Tory on Tuesday suggested': a time phrase between subject and verb is cut."""
    while toks and norm(toks[-1]) in _TIME_WORDS:
        cut = len(toks) - 1
        while cut > 0 and norm(toks[cut - 1]) in _TIME_LEADS:
            cut -= 1
        if cut == len(toks) - 1 and norm(toks[-1]) not in {"yesterday", "today", "tonight"}:
            break  # a bare "Friday" may end a name-like run; only "on Friday" is time
        toks = toks[:cut]
    return toks


def np_before(toks: list[str]) -> Subject:
    """The subject phrase ending just before a speech verb ('X, a doctor,' / 'the minister').

    Up to five comma asides may sit between subject and verb; a phrase that fills its whole
    comma-delimited chunk wins over one that only ends it ('Oklahoma' in 'general of Oklahoma').
    """
    toks = _without_time(list(toks))
    while toks and _adverb(toks[-1]):
        toks.pop()
    if not toks or toks[-1] != ",":
        open_apposition = _open_apposition(toks)
        if open_apposition is not None:
            return open_apposition  # "Piet Vos, chief executive of Brightline said"
        return _np_tail(toks, None)[0]  # "At the rally Trump said": no comma, still Trump
    commas = [i for i, t in enumerate(toks) if t == ","]
    fallback = NO_SUBJECT
    for k in range(len(commas) - 1, max(len(commas) - 1 - _MAX_ASIDES, -1), -1):
        lo = commas[k - 1] + 1 if k > 0 else 0
        aside = toks[commas[k] + 1: commas[k + 1]] if k + 1 < len(commas) else None
        if aside and _is_age(aside) and k + 2 < len(commas):  # "John Smith, 45, a teacher,"
            aside = toks[commas[k + 1] + 1: commas[k + 2]]
        chunk = toks[lo: commas[k]]
        subj, filled = _np_tail(chunk, aside)
        if subj.kind == "name" and not filled and "and" in chunk:
            last = len(chunk) - 1 - chunk[::-1].index("and")  # "Patti LaBelle and Stevie
            filled = _np_tail(chunk[last + 1:], aside) == (subj, True)  # Wonder, who joked"
        if subj.kind == "name" and org_not_person(subj.text):
            continue  # "..., in Washington, D.C., who ..., said": a place, not the speaker
        if subj.kind == "name" and aside and norm(aside[0]) == "who":
            subj = dataclasses.replace(subj, introduced=True)  # "who", not "which": a person
        if subj.kind == "name" and not subj.role and filled and k > 0:
            before = toks[commas[k - 2] + 1 if k > 1 else 0: commas[k - 1]]
            role = _role_before(before)
            if role:  # "The prime minister, Boris Johnson, said"
                subj = Subject("name", subj.text, role, subj.gender or role_gender(role),
                               subj.introduced)
        if subj.kind in ("name", "pronoun"):
            if filled:
                return subj
            if fallback.kind == "none" and not _after_preposition(chunk):
                fallback = subj
    return fallback


def _open_apposition(toks: list[str]) -> Subject | None:
    """'Piet Vos, chief executive of Brightline said': an apposition whose closing comma the
    copy left out. The name before the comma speaks, with the apposition as role, when the
    apposition is a role phrase whose head is a lower-case role noun ('chief executive of ...',
    not 'Brightline' nor a clause)."""
    if "," not in toks:
        return None
    cut = len(toks) - 1 - toks[::-1].index(",")
    aside = toks[cut + 1:]
    if not 2 <= len(aside) <= 12 or any(_is_verb_at(aside, i) for i in range(len(aside))):
        return None
    if norm(aside[0]) not in {"a", "an", "the"} and not aside[0].islower() \
            and not aside[0].endswith(("'s", "’s")):
        return None
    role = clean_role(" ".join(aside))
    if not role or not any(t.islower() and role_like(t) for t in role.split()):
        return None
    own = _np_tail(aside, None)[0]
    if own.kind == "name" and not org_not_person(own.text):
        size = len(own.text.split())
        if size >= len(aside) or norm(aside[-size - 1]) not in _DETERMINERS | _ALL_PREPS:
            return None  # "Additionally, businessman and donor Stephen Schwarzman said": his
            # own name; not "X, head of policy at the charity the Terrence Higgins Trust said"
    subj, filled = _np_tail(toks[:cut], None)
    if subj.kind != "name" or subj.role or (" " not in subj.text and not subj.introduced):
        return None
    if not filled and not _after_break(toks[:cut], subj):
        return None
    return Subject("name", subj.text, role, subj.gender or role_gender(role), True)


def _after_break(chunk: list[str], subj: Subject) -> bool:
    """Whether the name subj ends chunk right after a sentence start, a comma or a conjunction."""
    size = len(subj.text.split())
    before = chunk[: len(chunk) - size]
    return not before or before[-1] in {".", ",", ";", ":", "|", "and", "but", "But", "And"}


def _role_before(chunk: list[str]) -> str | None:
    """'The prime minister' or 'A lawyer for the victims' as a whole comma chunk before a name:
    a role phrase (a determiner, a role noun, no verb), else None."""
    if not 2 <= len(chunk) <= 9 or any(_is_verb_at(chunk, i) for i in range(len(chunk))):
        return None
    owners = [i for i, t in enumerate(chunk[:-1]) if t.endswith(("'s", "’s"))]
    if owners:  # "Daily Xtra's editorial director, Rachel Giese, said"
        start = owners[-1]
        while start > 0 and is_cap(chunk[start - 1]):
            start -= 1
        chunk = ["the", *chunk[start:]]
    if norm(chunk[0]) not in {"the", "a", "an"}:
        return None
    if not any(norm(t) in ROLE_NOUNS or is_title(t) for t in chunk[1:]):
        return None
    return " ".join(chunk[1:])


def _after_preposition(chunk: list[str]) -> bool:
    """Whether the phrase ending chunk follows a preposition ('posted on Twitter')."""
    for i in range(len(chunk) - 1, 0, -1):
        if not (_is_np_token(chunk[i]) or norm(chunk[i]) in _DETERMINERS):
            return False
        if norm(chunk[i - 1]) in _ALL_PREPS:
            return True
    return False


def _np_tail(toks: list[str], aside: list[str] | None) -> tuple[Subject, bool]:
    """The noun phrase at the end of toks, and whether it fills toks entirely.

    'Mr. Morgan of the Sierra Club said' is Morgan: a name before 'of/at/for' wins.
    """
    for k in range(len(toks) - 1, max(len(toks) - 7, 0), -1):
        if toks[k] in {"of", "at", "for", "from"} and k > 0 and is_cap(toks[k - 1]):
            head, filled = _np_tail(toks[:k], aside)
            if head.kind == "name" and k >= 2 and is_cap(toks[k - 2]):  # not "Part of ..."
                role = head.role or " ".join(toks[k + 1:]) or None
                return Subject("name", head.text, role, head.gender), filled
            break
    if len(toks) >= 2 and norm(toks[-1]) in _DOCUMENT_NOUNS and is_cap(toks[-2]):
        return OTHER_SUBJECT, True  # "the IMF report stated", "the Smith campaign said"
    if len(toks) >= 2 and norm(toks[-1]) in _BODY_NOUNS and norm(toks[-2]) in _DETERMINERS:
        return OTHER_SUBJECT, len(toks) == 2  # "the paper says", "the ministry said"
    np: list[str] = []
    for tok in reversed(toks):
        low = norm(tok)
        if low in _DETERMINERS:
            np.insert(0, tok)
            break
        if low in {"he", "she", "i", "we", "they", "it", "you"} and not np:
            np.insert(0, tok)
            break
        if not _is_np_token(tok) or len(np) >= 8:
            break
        np.insert(0, tok)
    np = _with_modifiers(toks, np)
    rest = toks[: len(toks) - len(np)]
    if len(np) > 1 and np[0] == "The" and rest and rest[-1] not in {".", ":", "|", "―", "—"} \
            and not any(norm(t) in ROLE_NOUNS or is_title(t) for t in np[1:]):
        return OTHER_SUBJECT, False  # "who presents The Weakest Link tells": a title, a body
    owner = _owner_phrase(rest[:-1], rest[-1]) if np and rest and norm(rest[-1]) in _PREPS else None
    if owner is not None:
        return owner, False
    return interpret(np, aside), len(np) == len(toks)


def _with_modifiers(toks: list[str], np: list[str]) -> list[str]:
    """'a city official': lower-case modifiers between a determiner and a role noun belong to
    the phrase (so 'a' still marks someone new)."""
    if not np or norm(np[-1]) not in ROLE_NOUNS or norm(np[0]) in _DETERMINERS:
        return np
    start = len(toks) - len(np)
    for k in range(start - 1, max(start - 4, -1), -1):
        low = norm(toks[k])
        if low in _DETERMINERS:
            return toks[k:]
        if not toks[k].isalpha() or not toks[k].islower():
            break
    return np


def _owner_phrase(head: list[str], prep: str) -> Subject | None:
    """'a spokesman for John Smith said': the role noun before the preposition speaks, not the
    name after it; 'the campaign of John Smith' is no one. None when the head is neither
    ('footage of Hillary Clinton asking' is still Clinton)."""
    words: list[str] = []
    for tok in reversed(head):
        if tok == "," or (words and norm(tok) in _DETERMINERS):
            break
        words.insert(0, tok)
    if not words:
        return None
    last = norm(words[-1])
    if last in _SOURCE_NOUNS and norm(prep) == "from":
        return None  # "a statement from Ana Ruiz said" is hers
    if last in _DOCUMENT_NOUNS or last in ORG_WORDS:
        return OTHER_SUBJECT
    subj = interpret(words)
    return subj if subj.kind == "role" else None


def np_after(toks: list[str]) -> Subject:
    """The subject phrase after an inverted verb ('said Kremlin spokesman Dmitry Peskov',
    'said study co-author and Research Fellow Martin How', 'said the minister on Monday')."""
    np: list[str] = []
    rest: list[str] = []
    toks = _source_time_cut(toks)
    for i, tok in enumerate(toks[:14]):
        if tok in {",", ".", ";", ":"}:
            rest = toks[i + 1:] if tok == "," else []
            break
        low = norm(tok)
        if not np and low in {"he", "she"}:
            return interpret([tok])
        title_only = all(is_title(t) or norm(t) in _DETERMINERS or norm(t) in ROLE_ADJECTIVES
                         for t in np)  # "US Secretary of State Mike Pompeo" goes on
        if low in {"from", "by"} and np and norm(np[-1]) in _SOURCE_NOUNS:
            np = []  # "read a statement from Ana Ruiz", "according to a post by Amy Cook"
            continue
        if np and low in _STOP_AFTER_VS and not (low == "of" and title_only):
            break  # ... but "Mayor of London Sadiq Khan" goes on
        np.append(tok)
    caps = [i for i, t in enumerate(np) if is_cap(t) and not is_title(t)]
    if caps:
        end = caps[-1] + 1
        if np and norm(np[0]) == "the" and end < len(np) and (
                _role_noun(np[end]) or is_title(np[end])):
            end += 1  # "said the Gloucester fly-half", "the Ealing North MP": a role noun
            # after its modifiers
        np = np[:end]
    else:
        keep = 0
        while keep < len(np) and (_is_np_token(np[keep]) or norm(np[keep]) in _DETERMINERS):
            keep += 1
        np = np[:keep]
    aside = None
    if rest:
        end = next((i for i, t in enumerate(rest) if t in {",", ".", ";", ":"}), len(rest))
        aside = rest[:end]
        if _is_age(aside) and end < len(rest) and rest[end] == ",":  # "said X, 45, a teacher"
            later = rest[end + 1:]
            stop = next((i for i, t in enumerate(later) if t in {",", ".", ";", ":"}),
                        len(later))
            aside = later[:stop]
    subj = interpret(np, aside)
    if subj.kind == "role" and aside and len(aside) <= 5:
        named = interpret(aside)  # "said his father, Abdullah Kurdi," / "the lawyer, Ana Ruiz"
        if named.kind == "name":
            return Subject("name", named.text, named.role or subj.role,
                           named.gender or subj.gender, named.introduced)
    return subj


def _source_time_cut(toks: list[str]) -> list[str]:
    """'a tweet on Monday by Mike Pompeo' -> 'a tweet by Mike Pompeo': a time phrase between a
    statement noun and its author is cut."""
    for i, tok in enumerate(toks[:12]):
        if norm(tok) not in _SOURCE_NOUNS:
            continue
        j = i + 1
        while j < len(toks) and (norm(toks[j]) in _TIME_WORDS or norm(toks[j]) in _TIME_LEADS):
            j += 1
        if j > i + 1 and j < len(toks) and norm(toks[j]) in {"by", "from"}:
            return [*toks[: i + 1], *toks[j:]]
    return toks


def _is_verb_at(toks: list[str], i: int) -> bool:
    """A speech verb used as a verb (not 'the call', 'to say', 'an alleged'), a phrasal one
    ('shot back', 'as Smith put it'), or an infinitive that frames ('went on to say')."""
    word = toks[i] if i > 0 else toks[i].lower()  # "Said Ellis:" opens a sentence
    if not word[:1].islower() or (i > 0 and toks[i - 1].lower() in _NOT_BEFORE_VERB):
        infinitive = i > 1 and toks[i - 1] == "to" and toks[i - 2] in _BEFORE_INFINITIVE
        return infinitive and word in SPEECH_VERBS
    if word in SPEECH_VERBS:
        return True
    particles = PHRASAL_VERBS.get(word)
    return particles is not None and i + 1 < len(toks) and toks[i + 1] in particles


def _speech_verb_in(toks: list[str]) -> bool:
    return any(_is_verb_at(toks, i) for i in range(len(toks)))


def _verb_index(toks: list[str], limit: int = 12) -> int:
    """Index of the first speech verb among the first tokens of toks, -1 when none; verbs in a
    relative aside (', who has called for ...,') are skipped."""
    in_aside = False
    for i, tok in enumerate(toks[:limit]):
        if tok == ".":
            break
        if tok == ",":
            in_aside = not in_aside and norm(toks[i + 1] if i + 1 < len(toks) else "") in _WH
            continue
        if not in_aside and _is_verb_at(toks, i):
            return i
    return -1


def frame_after(text: str, limit: int = 30) -> tuple[Subject, int]:
    """Speaker named right after a closing quote mark, and its offset in text (-1 when none).

    limit: how many words may precede the verb (small after a quote that ends a sentence, so
    the next sentence's "Ferguson called him ..." is not read as the frame)."""
    dash = _DASH_RE.match(text)
    if dash:  # "..." ― Sonya Herridge / — Donald J. Trump (@realDonaldTrump) October 1, 2016
        name = dash.group("np").split("(")[0]
        subj = np_after([t for t in tokens(name) if not t[:1].isdigit()])
        if subj.kind == "name":  # a signature under a quote is a person's
            return dataclasses.replace(subj, introduced=True), dash.start("np")
    cut = text[: sentence_end(text, 0)]
    acc = _ACCORDING_RE.search(cut[:40])
    if acc:  # found near the quote, read to the sentence's end (not cut at 40 characters)
        acc = _ACCORDING_RE.match(cut, acc.start())
    if acc and not _speech_verb_in(tokens(cut[: acc.start()])):  # not '..., X said, according'
        return np_after(tokens(acc.group("np"))), acc.start("np")
    toks = tokens(cut)
    while toks and toks[0] in {",", ";", ":"}:
        toks = toks[1:]
    vi = _verb_index(toks, limit=limit)
    if vi < 0:
        return NO_SUBJECT, -1
    pos = _offset_of(text, toks, max(vi - 1, 0))
    aux = _passive_quoted(toks, vi)
    if aux is not None:  # '"...," Smith was quoted as saying'
        return np_before(toks[:aux]), pos
    relayed = _quoted_as_saying(toks, vi)
    if relayed is not None:  # '"...," AP quoted prosecutor Russell McGuire as saying'
        return relayed, pos
    if all(norm(t) in _ADVERBS for t in toks[:vi]):
        subj = np_after(toks[vi + 1:])
        return subj, _offset_of(text, toks, vi + 1)
    subj = np_before(toks[:vi])
    if subj.kind == "none" and _indefinite(toks[:vi]):
        return OTHER_SUBJECT, pos  # "an official at the depot said": someone new, unnamed
    return subj, pos


def _indefinite(toks: list[str]) -> bool:
    """Whether a subject phrase opens with an indefinite determiner ('a', 'an', 'one')."""
    words = [t for t in toks if t not in {",", ";"}]
    return bool(words) and norm(words[0]) in {"a", "an", "one", "another", "some"}


# Subjects of a clause inside what someone said ("said it would tell", "said they would ask").
_EMBEDDED_SUBJECTS = frozenset({"it", "they", "would", "will", "could", "might", "can"})


def frame_before(text: str, last_verb_only: bool = False) -> tuple[Subject, int, str]:
    """Speaker of the frame before an opening quote mark in the same sentence; also the verb.
    `last_verb_only`: the subject of the sentence's last speech verb and no earlier one (what
    reported speech asks, verb by verb)."""
    lo = max(0, len(text) - _FRAME_REACH)  # a subject is near its verb: bounded work
    start = lo + sentence_start(text[lo:], len(text) - lo)
    cut = text[start:]
    accs = list(_ACCORDING_RE.finditer(cut))
    if accs and not _speech_verb_in(tokens(cut[accs[-1].end("np"):])):
        acc = accs[-1]  # but 'According to the AP, Smith said: "..."' is Smith's
        return np_after(tokens(acc.group("np"))), start + acc.start("np"), "according"
    toks = tokens(cut)
    verbs = [i for i, t in enumerate(toks) if _is_verb_at(toks, i)]
    for vi in reversed(verbs[-1:] if last_verb_only else verbs[-_MAX_VERBS:]):
        agent = _passive_agent(toks, vi)
        if agent is not None:  # "Gutierrez was described by the CBCP as": the CBCP's words
            return agent, start + _offset_of(cut, toks, vi), toks[vi].lower()
        aux = _passive_quoted(toks, vi)
        if aux is not None:
            return np_before(toks[:aux]), start, "quoted"
        quoted = _quoted_as_saying(toks, vi)
        if quoted is not None:
            return quoted, start, "quoted"
        if toks[vi].lower().endswith("ing") and vi > 0 and toks[vi - 1] == ",":
            subj = clause_subject(toks[:vi])
        elif vi == 1 and is_group(toks[0]):
            subj = OTHER_SUBJECT  # "Reports said", "Critics say": a plural, not a person
        elif vi > 1 and norm(toks[vi - 1]) == "who":
            subj = np_before(toks[: vi - 1])  # "Stevie Wonder, who joked of the museum, '...'"
        elif vi > 0 and toks[vi - 1] in {"and", "to", "but"}:
            subj = clause_subject(toks[:vi])  # "Warren praised Biden and said", "went on to say"
        else:
            subj = np_before(toks[:vi])
        if subj.kind == "none" and toks[vi].endswith("ing"):
            subj = clause_subject(toks[:vi])  # "Trump sent tweets Friday saying that ..."
        if subj.kind == "none" and vi == 0:
            subj = np_after(toks[1:])
        embedded = subj.kind == "other" and vi > 0 and norm(toks[vi - 1]) in _EMBEDDED_SUBJECTS
        if embedded and vi != verbs[0]:
            continue  # 'Obama ... said it would tell a story of "..."': the outer verb frames
        if subj.kind != "none" or vi == verbs[0]:
            return subj, start + _offset_of(cut, toks, max(vi - 1, 0)), toks[vi].lower()
    if cut.rstrip().endswith(":"):
        subj = clause_subject(toks)
        if subj.kind == "none" and len(toks) <= 5:  # "Trump:" / "Sen. Tim Kaine:"
            subj = interpret(toks[:-1])
        return subj, start, ":"
    return NO_SUBJECT, -1, ""


def _passive_agent(toks: list[str], vi: int) -> Subject | None:
    """'X was described by Y as', 'X is called ... by Y': the agent after 'by' speaks; None for
    other frames (a passive with no agent is read as before)."""
    k = vi - 1
    while k >= 0 and _adverb(toks[k]) and norm(toks[k]) not in _PASSIVE_AUX:
        k -= 1
    if k < 0 or norm(toks[k]) not in _PASSIVE_AUX or toks[vi].lower() == "saying":
        return None
    window = [norm(t) for t in toks[vi + 1: vi + 6]]
    if "by" not in window:
        return None
    return np_after(toks[vi + 2 + window.index("by"):])


def _quoted_as_saying(toks: list[str], vi: int) -> Subject | None:
    """'Politico quoted Tim Manning, a former official, as saying "..."': the speaker is the
    object of quoted/cited, not the subject."""
    if not (vi > 0 and toks[vi].lower() == "saying" and toks[vi - 1].lower() == "as"):
        return None
    for k in range(vi - 2, max(vi - 20, -1), -1):
        if toks[k].lower() in _QUOTING_VERBS:
            return np_after(toks[k + 1: vi - 1])
    return None


def _passive_quoted(toks: list[str], vi: int) -> int | None:
    """'Smith was quoted (by the AP) as saying': the index of 'was', where the speaker (the
    passive subject) ends; None for other frames."""
    if not (vi > 1 and toks[vi].lower() == "saying" and toks[vi - 1].lower() == "as"):
        return None
    k = vi - 2
    if "by" in [t.lower() for t in toks[max(k - 8, 0): k]]:  # 'quoted by Reuters as saying'
        k = max(i for i in range(max(k - 8, 0), k) if toks[i].lower() == "by") - 1
    if k < 1 or toks[k].lower() not in _QUOTING_VERBS:
        return None
    return k - 1 if toks[k - 1].lower() in _PASSIVE_AUX else None


def clause_subject(toks: list[str]) -> Subject:
    """The subject of a sentence's main clause: the first comma chunk that opens with a name,
    pronoun or role phrase followed by a lower-case word ('During X, Trump attacked Y, saying')."""
    chunk_start = 0
    for i, tok in enumerate([*toks, ","]):
        if tok != ",":
            continue
        chunk = toks[chunk_start:i]
        chunk_start = i + 1
        subj = _chunk_subject(chunk)
        if subj.kind == "role":  # "The mayor of London, Sadiq Khan, ..."
            apposed = toks[i + 1:]
            end = apposed.index(",") if "," in apposed else 0
            named = interpret(apposed[:end]) if 0 < end <= 5 else NO_SUBJECT
            if named.kind == "name":
                return Subject("name", named.text, named.role or subj.role, named.gender)
        if subj.kind != "none":
            return subj
    return NO_SUBJECT


def _chunk_subject(chunk: list[str]) -> Subject:
    if not chunk:
        return NO_SUBJECT
    if norm(chunk[0]) in {"he", "she"}:
        return interpret(chunk[:1])
    np: list[str] = []
    for j, tok in enumerate(chunk):
        low = norm(tok)
        if (j == 0 and low in _DETERMINERS) or (_is_np_token(tok) and low not in NON_NAME_WORDS):
            np.append(tok)
            continue
        if j == 0 and low in NON_NAME_WORDS:
            return NO_SUBJECT
        break
    if not np or len(np) == len(chunk) or not chunk[len(np)][:1].islower():
        return NO_SUBJECT
    return interpret(np)


def _offset_of(text: str, toks: list[str], index: int) -> int:
    """Approximate character offset of toks[index] in text (first occurrence in order)."""
    pos = 0
    for i, tok in enumerate(toks):
        found = text.find(tok, pos)
        if found < 0:
            return pos
        if i == index:
            return found
        pos = found + len(tok)
    return pos


def has_speech_verb(text: str) -> bool:
    """Whether a stretch of text contains a speech (or labelling) verb."""
    return any(tok.lower() in SPEECH_VERBS for tok in _TOKEN_RE.findall(text))
