"""Tags for an imported article: the people, organisations, places and topics it is about.

Rule-based and deterministic: phrases from a gazetteer (countries, demonyms, known organisations,
events, regions and big cities), acronyms the article defines ("Eurasian Economic Union (EAEU)"),
companies (a stock symbol or a legal form, `data/companies.toml`), capitalised names holding an
organisation word ("Ministry of Health") or repeated ("Fear Factor"), the people the story is
about (at most three, by full name), and topics from the vocabulary in `data/topics.toml`
(`topics.py`). Mentions in the title, the standfirst and the lead paragraph weigh more; weak
evidence (one passing mention deep in the body, the dateline city) is dropped, except that a
country named once, and a name of several words or an acronym seen twice, take free places at
the end. Calendar words and wire names never become tags.

Canonical forms: a known organisation always has one form (`European Union`, `United Nations`,
`NATO`, `EAEU`, `CIS`), the same in every article; an unknown organisation the article defines
with an acronym is tagged by both, "Sentencing Guidelines Council (SGC)"; spellings of one name
(`tag_key`: case, accents, dots, hyphens) are one tag, in the form the site's articles already
use when the importer passes them (`TagRules.known`); a site maps anything else with `tags.toml`
aliases. `extract_tag_kinds` gives each tag's kind where the evidence says it (person,
organisation, place, topic), for the front matter's `tag_kinds`.

`content/tags.toml` (optional, every key optional; read by `sitegen/tag_rules.py`, where its
`[kinds]`, for the build, are described too):

    stop = ["Europe", "Khabar"]          # never emitted (case-insensitive)
    always = ["World"]                   # appended to every article's tags
    [aliases]                            # variant or tag -> the site's canonical tag
    "EAEU" = "Eurasian Economic Union"   # also found in text as a name
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from sitegen.ingest.data import table
from sitegen.ingest.gazetteer import (
    BODY_NOUNS,
    CALENDAR_WORDS,
    COMMON_WORDS,
    CONNECTORS,
    DAY_NAMES,
    NAME_OPENERS,
    NON_ORG_ACRONYMS,
    NUMBERED_LABELS,
    ORG_WORDS,
    POSSESSIVE_NAMES,
    ROLE_NOUNS,
    STOP_TAGS,
    Entry,
    gazetteer,
    is_demonym,
)
from sitegen.ingest.names import ROLE_ADJECTIVES, is_given_name, is_honorific, is_title
from sitegen.ingest.topics import find_topics
from sitegen.tag_rules import TagRules as TagRules
from sitegen.tag_rules import load_tag_rules as load_tag_rules

MAX_TAGS = 8
MAX_PEOPLE = 3
DATELINE_COUNTRY_WEIGHT = 2.0  # as much as one mention in the lead
MIN_PERSON_SCORE = 3.0  # the title alone, the lead and a body mention, or three in all
_TOPIC_ORDER = 1_000_000  # topics list after names of equal score
_PARTICLE_NAME = re.compile(r"^(?:al|el|bin|ibn|abu|da|de|van|von)-[A-Z]\w+$")
_NOT_IN_NAMES = frozenset({"of", "and", "the", "for", "on", "&"})  # "de", "van" may be
PASSING_PERSON = "passing person"  # named less often, but introduced by an office
PASSING_COUNTRY_SCORE = 1.0  # one body mention: countries fill free places after the rest
MIN_SCORE = 2.0  # title alone (3), lead alone (2), or two body mentions
MIN_SCORE_GUESSED = 3.0  # undefined acronyms and the dateline city need more
MIN_SCORE_SHORT_ACRONYM = 4.0  # an undefined acronym of two letters needs more still
TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
# "World War II-era submarine", "the Icahn-led TWA", "NEC-backed HD-DVD": a name made into a
# modifier is still a mention of the name
_COMPOUND_SUFFIXES = frozenset(["era", "style", "based", "led", "backed", "born", "made", "owned",
                                "run", "linked", "funded", "controlled", "sponsored", "bound",
                                "affiliated", "inspired", "allied", "dominated"])
_CLOCK_WORDS = frozenset(["GMT", "UTC", "BST", "EST", "EDT", "CST", "PST", "CET", "AM", "PM"])
_SHORT_COUNTRY = {"United States": "US", "United Kingdom": "UK"}

# an apostrophe before a capital, or after a lone d, l or O, is inside a name: "O'Brien",
# "Pech-de-l'Azé", "d'Estaing"
_TOKEN_RE = re.compile(
    r"(?P<w>(?:[A-Z]\.){2,}|[^\W_][\w&]*(?:(?:-|[’'](?=[A-Z])|(?<=\b[dlDLO])[’'](?=[^\W\d_]))"
    r"[^\W_][\w&]*)*(?:(?<=n)[’']t\b)?)(?P<pos>[’']s\b|(?<=s)[’'](?!\w))?"
)
_CAPITAL_NEXT_RE = re.compile(r" [A-Z][a-z]")
# the end of a sentence, a quote, or an interview's speaker label ("((Anthony Boccaletti))",
# "[laughs]"): the next word opens a sentence
_OPENS_AFTER_RE = re.compile(r"(?:[.!?:;\"“”‘(\[\]—–]|\)\))\s*[’'\"“‘]?\s*$")
# "MOSCOW, December 10. /TASS/." or "WASHINGTON (Reuters) -": not part of the story's text.
_DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{1,40}(?:,\s*[^.\n]{1,40})?\.?\s*"
    r"(?:/[^/\n]{1,20}/\.?|\([^)\n]{1,20}\)\s*[-–—])\s*"
)
_ACRONYM_RE = re.compile(r"[A-Z][A-Z&]*[A-Z]\d*|[A-Z]\d{1,2}")


# letters NFKD does not take apart
_FOLD_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                               "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def tag_key(tag: str) -> str:
    """A tag folded for matching spellings of one name: case, accents, dots, apostrophes and
    hyphens aside ("Jarosław Kaczyński" and "jaroslaw kaczynski", "U.S. Navy" and "US Navy")."""
    text = unicodedata.normalize("NFKD", tag.translate(_FOLD_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[.’']", "", text.casefold()).replace("-", " ")
    return " ".join(text.split())


def _non_ascii(text: str) -> int:
    return sum(not ch.isascii() for ch in text)


@dataclass(frozen=True)
class _Token:
    text: str
    index: int  # position in the whole article, for first-appearance order
    cap: bool
    initial: bool  # first word of a sentence, a quote or a segment
    brk: bool  # punctuation (or segment start) before it: names do not run across
    possessive: bool


@dataclass(frozen=True)
class _Segment:
    tokens: list[_Token]
    weight: float
    title_case: bool  # Title Case or ALL CAPS headline: capitals there say nothing


@dataclass
class _Candidate:
    tag: str
    kind: str
    score: float = 0.0
    first: int = 0
    guessed: bool = False


# ---------------------------------------------------------------------------------------------
# extraction


def extract_tags(
    title: str,
    subtitle: str | None,
    paragraphs: Sequence[str],
    *,
    location: str | None,
    rules: TagRules,
    people: Sequence[str] = (),
) -> list[str]:
    """Up to MAX_TAGS tags, best first (score, then first appearance); same input, same output.
    `people` are the full names of the people the article names (its speakers): the few
    it is about become tags too."""
    return [tag for tag, _ in extract_tag_kinds(title, subtitle, paragraphs, location=location,
                                                rules=rules, people=people)]


def extract_tag_kinds(
    title: str,
    subtitle: str | None,
    paragraphs: Sequence[str],
    *,
    location: str | None,
    rules: TagRules,
    people: Sequence[str] = (),
) -> list[tuple[str, str | None]]:
    """`extract_tags`'s tags, each with the kind the importer knows it to be (one of
    TAG_KINDS: a person, an organisation, a place or a topic) or None where it only guessed:
    a name the story repeats, an undefined acronym, a site's alias or `always` tag."""
    title, subtitle, paragraphs, companies = _companies(title, subtitle, paragraphs)
    segments = _segments(title, subtitle, paragraphs)
    lower_words = _lower_words(segments)
    local = _defined_acronyms(segments)
    local.update(companies)
    local.update({k: Entry(v, "org") for k, v in rules.aliases.items()})
    local.update({v: Entry(v, "org") for v in rules.aliases.values()})
    found: dict[str, _Candidate] = {}
    for seg in segments:
        _scan_phrases(seg, local, found)
        if not seg.title_case:
            _scan_org_names(seg, local, lower_words, found)
            _scan_acronyms(seg, local, lower_words, location, found)
    full, introduced = _full_names(segments)
    people = [*people, *full]
    _scan_people(segments, people, found, frozenset(introduced))
    named = {part for person in people for w in person.split()
             for part in (w, w.split("-")[-1] if w[:1].islower() else w)}  # "al-Assad"
    for word in named:  # "Michael Jordan" is no mention of Jordan
        if word in found and found[word].kind in ("country", "place"):
            del found[word]
    # a word the article capitalises on its own inside a sentence is a name where it opens one
    # (as trimmed: "Sea-Eye on Sunday renamed ...")
    mid_caps = frozenset(words[0].text for seg in segments if not seg.title_case
                         for words in (_trim_run(run, frozenset())
                                       for run in _capitalised_runs(seg.tokens))
                         if len(words) == 1 and not words[0].initial)
    for seg in segments:
        if not seg.title_case:
            _scan_names(seg, local, lower_words, named, found, mid_caps)
    topic_texts = [(title, TITLE_WEIGHT), *([(subtitle, LEAD_WEIGHT)] if subtitle else []),
                   *[(p, LEAD_WEIGHT if i == 0 else BODY_WEIGHT) for i, p in enumerate(paragraphs)]]
    for hit in find_topics(topic_texts):
        _add(found, hit.topic, "topic", hit.score, _TOPIC_ORDER + hit.first)
    country = dateline_country(location)
    if country is not None:  # a story filed from London is about the UK
        _add(found, country, "country", DATELINE_COUNTRY_WEIGHT, _TOPIC_ORDER // 2)
    aliased = frozenset(v.casefold() for v in rules.aliases.values())
    tags = [(c.tag, None if c.tag.casefold() in aliased else _known_kind(c))
            for c in _rank(found, rules, location)]
    for tag in rules.always:
        if tag.casefold() not in {t.casefold() for t, _ in tags}:
            tags.append((tag, None))
    return tags


# The kinds a tag may be said to be, from the evidence that made it (`tag_kinds` in front matter)
TAG_KINDS = ("person", "organisation", "place", "topic")
_KIND_OF_EVIDENCE = {"person": "person", PASSING_PERSON: "person", "country": "place",
                     "place": "place", "org": "organisation", "company": "organisation",
                     "topic": "topic", "event": "topic"}


def _known_kind(cand: _Candidate) -> str | None:
    """What a tag is, when the gazetteer, the vocabulary or the name rules say so; a guess (a
    repeated name, an undefined acronym) has no kind."""
    if cand.guessed and cand.kind != PASSING_PERSON:
        return None
    return _KIND_OF_EVIDENCE.get(cand.kind)


@cache
def _company_tables() -> tuple[re.Pattern[str], frozenset[str]]:
    """The stock-symbol marker pattern and the legal forms, from data/companies.toml."""
    data = table("companies")
    exchanges = "|".join(re.escape(e) for e in sorted(data["exchanges"], key=len, reverse=True))
    symbol = r"[A-Z][A-Z0-9&]{0,6}(?:[.-][A-Z]{1,3})?"
    marker = re.compile(
        rf"[ \t]*(?:<{symbol}>"
        rf"|\((?:(?:{exchanges})\s*:\s*{symbol}|[A-Z][A-Z0-9]{{0,6}}\.[A-Z]{{1,2}})\)"
        rf"|<(?P<name>[A-Z][^<>\n]{{1,80}})>)")
    return marker, frozenset(data["legal_forms"])


_NAME_BEFORE_RE = re.compile(
    r"(?:(?:[A-Z0-9][\w&.’'-]*|of|and|&|de|du|the|van|von|y)\s+)*[A-Z0-9][\w&.’'-]*$")
MAX_COMPANY_WORDS = 6


def company_name(name: str) -> str | None:
    """"Cronus Industries Inc" -> "Cronus Industries": the name without its legal form(s) (and
    the link before them: "Morgan Stanley and Co") and a leading article, or None when nothing
    is left."""
    _, legal = _company_tables()
    words = name.split()
    while words and (words[-1].rstrip(",") in legal or words[-1] in ("and", "&")):
        words.pop()  # "Morgan Stanley and Co Inc" -> "Morgan Stanley"
    while words and (words[0].casefold() in ("the", "a", "an") or not words[0][:1].isupper()):
        words.pop(0)
    if not words or (len(words) == 1 and len(words[0]) < 2):
        return None
    return " ".join(words)


def _lower_word(word: str, lower: frozenset[str], named: frozenset[str]) -> bool:
    """A headline word the article writes in lower case ("stake"; "acquires" after "acquire")
    and never in a name."""
    word = word.casefold()
    if word in _HEADLINE_LINKS:  # "BID FOR ROSPATCH <RPCH>"
        return True
    if word in CONNECTORS or word in named:
        return False
    return word in lower or (len(word) >= 5 and any(w.startswith(word[:5]) for w in lower))


_HEADLINE_LINKS = frozenset(["for", "on", "in", "to", "with", "by", "at", "from", "into", "over",
                             "after", "against", "as", "vs"])


def _companies(
    title: str, subtitle: str | None, paragraphs: Sequence[str],
) -> tuple[str, str | None, list[str], dict[str, Entry]]:
    """Companies marked by a stock symbol ("Cronus Industries Inc <CRNS>", "(NYSE: F)") or put
    in angle brackets ("<Exco International Plc>"): each name, as written and without its legal
    form, is an organisation of the article. The markers leave the text."""
    marker, _ = _company_tables()
    found: dict[str, Entry] = {}
    body = " ".join(p for p in paragraphs if not p.isupper())
    # words the article writes in lower case and never capitalised inside a sentence or a name
    named = frozenset(w.casefold() for w in re.findall(
        r"(?<=[a-z,] )[A-Z][a-z]+|\b[A-Z][a-z]+(?= [A-Z])", body))
    lower = frozenset(re.findall(r"\b[a-z]+\b", body)) - named

    body_caps = frozenset(re.findall(r"\b[A-Z]{2,}\b", body))

    def clean(text: str) -> str:
        if "<" not in text and "(" not in text:
            return text
        shouting = text.isupper()
        out, last = [], 0
        for m in marker.finditer(text):
            raw = m.group("name")
            if raw is None:
                before = _NAME_BEFORE_RE.search(text, max(last, m.start() - 200), m.start())
                raw = before.group() if before else ""
                raw = re.split(r"\S+[’']s\s+", raw)[-1]  # "Japan's Nomura Securities"
                raw = " ".join(raw.split()[-MAX_COMPANY_WORDS:])
            raw = " ".join(raw.split())
            if shouting:  # "QINTEX REDUCING STAKE IN HAL ROACH <HRSI>": the article's own
                words = raw.split()  # lower-case words ("stake", "in") are no name's
                while any(_lower_word(w, lower, named) for w in words[:-1]):
                    words.pop(0)
                # as the headline reads once unshouted, and as the tag is written: a word the
                # body writes in capitals keeps them ("GM", not "Gm"), links are lower case
                as_read = _unshout(" ".join(words))
                raw = " ".join(w if w in body_caps else w.lower() if k and w.lower() in CONNECTORS
                               else _unshout(w) for k, w in enumerate(words))
                canon = company_name(raw)
                if canon is not None and len(canon.split()) <= MAX_COMPANY_WORDS:
                    found[as_read] = found[company_name(as_read) or as_read] = Entry(
                        canon, "company")
            canon = company_name(raw)
            if canon is not None and len(canon.split()) <= MAX_COMPANY_WORDS:
                found[raw] = found[canon] = Entry(canon, "company")
            out.append(text[last:m.start()])
            if m.group("name") is not None:  # "<Exco International Plc>": the name stays
                out.append(m.group().replace("<", "").replace(">", ""))
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    return (clean(title), clean(subtitle) if subtitle else subtitle,
            [clean(p) for p in paragraphs], found)


def _segments(title: str, subtitle: str | None, paragraphs: Sequence[str]) -> list[_Segment]:
    """Title, standfirst, lead and body as weighted token lists; the dateline is cut off."""
    parts: list[tuple[str, float]] = [(title, TITLE_WEIGHT)]
    if subtitle:
        parts.append((subtitle, LEAD_WEIGHT))
    for i, par in enumerate(paragraphs):
        parts.append((_DATELINE_RE.sub("", par, count=1) if i == 0 else par,
                      LEAD_WEIGHT if i == 0 else BODY_WEIGHT))
    segments, index = [], 0
    for text, weight in parts:
        shouting = text.isupper() and len(re.findall(r"[^\W\d_]{2,}", text)) >= 3
        tokens = _tokenize(_unshout(text) if shouting else text, index)
        index += len(tokens)
        title_case = shouting or (weight == TITLE_WEIGHT and _is_title_case(tokens))
        segments.append(_Segment(tokens, weight, title_case))
    return segments


def _unshout(text: str) -> str:
    """"U.S. AND EU SIGN DEAL" -> "U.S. And EU Sign Deal": known acronyms keep their capitals."""
    phrases = gazetteer().phrases
    return re.sub(r"[^\W\d_][\w'’]*",
                  lambda m: m.group() if m.group() in phrases else m.group().capitalize(), text)


def _tokenize(text: str, start_index: int) -> list[_Token]:
    """Words with what matters for names: capital, sentence start, punctuation before."""
    tokens: list[_Token] = []
    prev_end = 0
    for n, match in enumerate(_TOKEN_RE.finditer(text)):
        word = match.group("w")
        stem, _, suffix = word.rpartition("-")
        if stem and suffix in _COMPOUND_SUFFIXES:  # "World War II-era", "Icahn-led": the name
            word = stem
        gap = text[prev_end:match.start()]
        brk = n == 0 or bool(gap.strip())
        initial = n == 0 or bool(_OPENS_AFTER_RE.search(gap))
        possessive = bool(match.group("pos"))
        if possessive and (word.casefold() in POSSESSIVE_NAMES  # "International Women's Day"
                           or (match.group("pos") in ("'", "’") and word.endswith("ers")
                               and _CAPITAL_NEXT_RE.match(text, match.end()))):  # "Seafarers'
            # International Union", "Fishmongers' Hall": a plural of people in a name
            word, possessive = word + match.group("pos"), False
        cap = word[0].isupper() or (word[1:2] in ("'", "’") and word[2:3].isupper())  # "l'Azé"
        tokens.append(_Token(word, start_index + n, cap, initial, brk, possessive))
        prev_end = match.end()
    return tokens


def _is_title_case(tokens: Sequence[_Token]) -> bool:
    """A headline In Title Case: most non-small words capitalised."""
    words = [t for t in tokens if t.text.casefold() not in CONNECTORS and t.text.isalpha()]
    return len(words) >= 4 and sum(t.cap for t in words) >= 0.8 * len(words)


def _lower_words(segments: Sequence[_Segment]) -> frozenset[str]:
    """Words the article writes in lower case: a capitalised one of those starts a sentence."""
    return frozenset(t.text for s in segments for t in s.tokens if t.text.islower())


def _joinable(tokens: Sequence[_Token], i: int, n: int) -> bool:
    """tokens[i:i+n] read as one name: no punctuation inside, no possessive before the end."""
    return all(not tokens[j].brk for j in range(i + 1, i + n)) and not any(
        tokens[j].possessive for j in range(i, i + n - 1)
    )


def _lookup(tokens: Sequence[_Token], i: int, local: Mapping[str, Entry]) -> tuple[Entry, int]:
    """Longest known phrase starting at token i (article-local and site aliases first)."""
    phrases = gazetteer()
    for n in range(min(max(phrases.max_words, MAX_COMPANY_WORDS), len(tokens) - i), 0, -1):
        if not _joinable(tokens, i, n):
            continue
        phrase = " ".join(t.text for t in tokens[i:i + n])
        entry = local.get(phrase) or phrases.phrases.get(phrase)
        if entry is not None:
            return entry, n
    raise KeyError(i)


def _scan_phrases(seg: _Segment, local: Mapping[str, Entry], found: dict[str, _Candidate]) -> None:
    """Count every known phrase; linear in tokens times the longest phrase length."""
    tokens, i = seg.tokens, 0
    while i < len(tokens):
        if not tokens[i].cap and not tokens[i].text[0].isdigit():
            i += 1
            continue
        try:
            entry, n = _lookup(tokens, i, local)
        except KeyError:
            i += 1
            continue
        if seg.title_case or not _part_of_other_name(tokens, i, n, entry):
            _add(found, entry.tag, entry.kind, seg.weight * entry.weight, tokens[i].index)
        i += n


def _part_of_other_name(tokens: Sequence[_Token], i: int, n: int, entry: Entry) -> bool:
    """"Michael Jordan", "Paris Hilton", "Russia Today": the place name is part of another name."""
    if entry.kind in ("org", "company", "event"):
        return False
    if _inside_org_name(tokens, i):
        return True
    if n > 1 and entry.kind == "country":
        return False
    before = tokens[i - 1] if i > 0 else None
    if (before is not None and not tokens[i].brk and before.cap and not before.possessive
            and (before.text.casefold() not in COMMON_WORDS
                 or (_opens_name(before) and not is_demonym(before.text)))  # "New England"
            and not before.text.isupper()):
        return True
    after = tokens[i + n] if i + n < len(tokens) else None
    if entry.weight < 1 or after is None or after.brk or tokens[i + n - 1].possessive:
        return False  # demonyms qualify names: "Russian Foreign Minister"
    if not after.cap or after.text.casefold() in COMMON_WORDS:
        return False
    return not _names_an_org(tokens[i + n:i + n + 4])  # "UK Supreme Court" is about the UK


def _names_an_org(tokens: Sequence[_Token]) -> bool:
    """Whether the capitalised words that follow (up to punctuation) hold an organisation word."""
    for k, tok in enumerate(tokens):
        if not tok.cap or (k and tok.brk):
            return False
        if tok.text.casefold() in ORG_WORDS:
            return True
    return False


def _inside_org_name(tokens: Sequence[_Token], i: int) -> bool:
    """"Bank of England", "University of California": the organisation is the tag, not England."""
    if i < 2 or tokens[i].brk or tokens[i - 1].brk or tokens[i - 1].text not in CONNECTORS:
        return False
    return tokens[i - 2].cap and tokens[i - 2].text.casefold() in ORG_WORDS


def _scan_org_names(
    seg: _Segment, local: Mapping[str, Entry], lower: frozenset[str],
    found: dict[str, _Candidate],
) -> None:
    """Capitalised runs holding an organisation word: "Ministry of Health", "Labour Party"."""
    for run in (part for whole in _capitalised_runs(seg.tokens)
                for part in _split_pair(whole, local)):
        words = _without_office(_trim_run(run, lower))
        if len(words) >= 2 and words[-1].text in _company_tables()[1]:
            # "Delta Air Lines Inc"; "General" opening a sentence stays in "General Tanneries Co"
            words = _trim_run(run, frozenset())
            name = company_name(" ".join(w.text for w in words))
            if (name is not None and not _known(name, local)
                    and len(name.split()) <= MAX_COMPANY_WORDS):
                _add(found, name, "company", seg.weight, words[0].index)
            continue
        if len(words) < 2 or not any(w.text.casefold() in ORG_WORDS for w in words if w.cap):
            continue
        if any(_known(" ".join(w.text for w in words[k:]), local) for k in range(2)):
            continue  # already counted as a known phrase ("UK Independence Party")
        words = _drop_country_prefix(words)
        name = " ".join(w.text for w in words)
        if _known(name, local):
            continue
        _add(found, name, "org", seg.weight, words[0].index)


@cache
def _cities() -> dict[str, str]:
    return {city.casefold(): country for city, country in table("cities")["cities"].items()}


def dateline_country(location: str | None) -> str | None:
    """The country of a dateline city ("London" -> United Kingdom, from data/cities.toml), or
    the country the dateline names after the city ("Trieste, Italy")."""
    if not location:
        return None
    parts = [p.strip() for p in location.split(",")]
    country = _cities().get(parts[0].casefold())
    if country is None and len(parts) > 1:  # "Eschborn, West Germany", "Valencia, Spain"
        entry = gazetteer().phrases.get(parts[-1])
        country = entry.tag if entry is not None and entry.kind == "country" else None
    return country


def _scan_people(segments: Sequence[_Segment], people: Sequence[str],
                 found: dict[str, _Candidate], introduced: frozenset[str] = frozenset()) -> None:
    """The people a story is about: named (in full or by surname) in the title, the lead or
    again and again; at most MAX_PEOPLE, each needing MIN_PERSON_SCORE. At most MAX_PEOPLE
    more, named less often but introduced by their office ("Agriculture Secretary Richard
    Lyng"), are kept as passing people: they take free places at the end."""
    texts = [[t.text for t in seg.tokens] for seg in segments]
    unique = _one_form_each(people, texts)
    owners: dict[str, list[list[str]]] = {}  # surname -> the people who bear it, as words
    for person in unique:
        words = _name_words(person)
        owners.setdefault(words[-1], []).append(words)
    score: dict[str, float] = dict.fromkeys(unique, 0.0)
    first: dict[str, int] = {}
    first_named: dict[str, str] = {}
    for seg, seg_texts in zip(segments, texts, strict=True):
        for k, tok in enumerate(seg.tokens):
            bearers = owners.get(tok.text)
            if not bearers:
                continue
            # "Khan" is Usman Khan's and Sadiq Khan's: a full name names its person, a bare
            # surname the one of them named in full first (the story's, as "Trump" after
            # Donald Trump stays his when Ivanka Trump is named)
            full = next((w for w in bearers if seg_texts[max(0, k - len(w) + 1): k + 1] == w),
                        None)
            if full is not None:
                owner = unique[[_name_words(p) for p in unique].index(full)]
                first_named.setdefault(tok.text, owner)
            elif len(bearers) == 1:
                owner = unique[[_name_words(p) for p in unique].index(bearers[0])]
            else:
                owner = first_named.get(tok.text, "")
                if not owner:
                    continue
            score[owner] += seg.weight
            first.setdefault(owner, tok.index)
    scored = [_Candidate(p, "person", score[p], first[p]) for p in unique
              if score[p] >= MIN_PERSON_SCORE]
    scored.sort(key=lambda c: (-c.score, c.first))
    for cand in scored[:MAX_PEOPLE]:
        _add(found, cand.tag, cand.kind, cand.score, cand.first)
    # (a bare surname two people share counts for the one named in full first, so the other
    # is scored by their full name only: "First Lady Melania Trump" beside Donald Trump)
    passing = [_Candidate(p, PASSING_PERSON, score[p], first[p]) for p in unique
               if 0 < score[p] < MIN_PERSON_SCORE and p in introduced]
    for cand in passing[:MAX_PEOPLE]:
        _add(found, cand.tag, cand.kind, cand.score, cand.first, guessed=True)


def _name_words(name: str) -> list[str]:
    """"Loretta E. Lynch" as the tokenizer reads it: Loretta, E, Lynch."""
    return [w for w in name.replace(".", " ").split() if w]


def _one_form_each(people: Sequence[str], texts: Sequence[Sequence[str]]) -> list[str]:
    """One name per person: "Loretta E. Lynch" and "Loretta Lynch", "Armand Marie Leroi" and
    "Marie Leroi" are one person each; the form the title uses, else the longest, else the one
    written most, is the tag; a form opening with a given name beats one opening with a word of
    an office ("Howard Baker", not "Staff Howard Baker" from "Chief of Staff Howard Baker").
    Names ending in an initial ("Loretta E") are fragments."""
    names = [p for p in dict.fromkeys(people)
             if len(p.split()) >= 2 and len(_name_words(p)[-1]) > 1]
    words = {p: _name_words(p) for p in names}
    joined = [" " + " ".join(t) + " " for t in texts]

    def same(a: list[str], b: list[str]) -> bool:
        short, long = sorted((a, b), key=len)
        return short[-1] == long[-1] and (short[0] == long[0] or long[-len(short):] == short)

    def rank(p: str) -> tuple[bool, bool, int, int]:
        form = " " + " ".join(words[p]) + " "
        return (form in joined[0], not is_title(words[p][0]) and is_given_name(words[p][0]),
                len(words[p]), sum(j.count(form) for j in joined))

    out: list[str] = []
    for person in names:
        group = [q for q in names if same(words[person], words[q])]
        best = max(group, key=rank)
        if best not in out:
            out.append(best)
    return out


def _full_names(segments: Sequence[_Segment]) -> tuple[list[str], set[str]]:
    """People the text names in full though they do not speak ("Augusto Pinochet", "Ray
    Charles"): two or three capitalised words after no title, the first a given name; and those
    of them the text introduces by their office ("Treasury Secretary James Baker", "IMF head
    Michel Camdessus": a title word right before the given name)."""
    found: list[str] = []
    introduced: set[str] = set()
    for seg in segments:
        if seg.title_case:
            continue
        position = {tok.index: k for k, tok in enumerate(seg.tokens)}
        for run in _capitalised_runs(seg.tokens):
            after = position[run[-1].index] + 1
            if after < len(seg.tokens) and _PARTICLE_NAME.match(seg.tokens[after].text) and (
                    not seg.tokens[after].brk):
                run = [*run, seg.tokens[after]]  # "Bashar al-Assad"
            # "Foreign Secretary Geoffrey Howe and Governor of the Bank of England Robin
            # Leigh-Pemberton": each name in a run starts at a given name after the run's last
            # title ("West German Finance Minister Gerhard Stoltenberg")
            for piece in _name_pieces(run):
                texts = [w.text for w in piece]
                last_title = max((k + 1 for k, w in enumerate(texts) if is_title(w)), default=0)
                start = next((k for k, w in enumerate(texts) if k >= last_title
                              and is_given_name(w) and not w.isupper() and not is_demonym(w)
                              and w not in gazetteer().phrases  # "Iran", "Argentina"
                              and not is_title(w) and w.casefold() not in COMMON_WORDS), None)
                if start is None:
                    continue
                at = position[piece[start].index]
                words = texts[start:]
                if 2 <= len(words) <= 4 and not _known(" ".join(words), {}) and not any(
                        w.casefold() in ORG_WORDS or w in _company_tables()[1] for w in words
                ) and not _holds_body_word(piece[start:]):  # "Rail Administration"
                    found.append(" ".join(words))
                    # a title right before the given name ("central bank head Mira Quist") or
                    # opening the run ("Governor of the Bank of England Robin Leigh-Pemberton")
                    if (at > 0 and not seg.tokens[at].brk and (
                            is_title(seg.tokens[at - 1].text)
                            or seg.tokens[at - 1].text in ROLE_NOUNS)  # "frontman Charlie Simpson"
                            ) or any(is_title(t.text) for t in run if t.index < piece[start].index):
                        introduced.add(" ".join(words))
    return found, introduced


def _name_pieces(run: Sequence[_Token]) -> list[list[_Token]]:
    """A capitalised run cut at the links no person's name holds ("of", "and", "the")."""
    pieces: list[list[_Token]] = [[]]
    for tok in run:
        if tok.text in _NOT_IN_NAMES:
            pieces.append([])
        else:
            pieces[-1].append(tok)
    return [p for p in pieces if p]


def _scan_names(
    seg: _Segment, local: Mapping[str, Entry], lower: frozenset[str], people: set[str],
    found: dict[str, _Candidate], mid_caps: frozenset[str] = frozenset(),
) -> None:
    """Other proper names the story repeats ("Fear Factor", "Xbox", "Balco", "Grammy Awards"):
    capitalised runs that are no person, no known place or body, no title, nationality or common
    word. They count as guesses, so one passing mention tags nothing."""
    runs = [piece for whole in _capitalised_runs(seg.tokens)
            for piece in ([whole] if _known(" ".join(w.text for w in whole), local)
                          else _split_links(whole))]
    for run in runs:
        if _known(" ".join(w.text for w in run), local):
            continue  # "Second World War" is known before "Second" is trimmed off
        words = _trim_run(run, lower)
        while words and (is_title(words[0].text) or is_honorific(words[0].text)):
            words = words[1:]  # "Gen Pinochet", "President Bush"
        if words and words[0].text in CONNECTORS:
            continue  # "Lord of the Rings" less its title word is no name
        for k in range(len(words) - 1):  # "Mahan Air of Iran": the place is its own tag
            if words[k].text in CONNECTORS and _known(" ".join(w.text for w in words[k + 1:]), {}):
                words = words[:k]
                while words and words[-1].text in CONNECTORS:  # "Constitution of the"
                    words.pop()
                break
        if not words or len(words) > 4 or any(w.text in people or is_title(w.text)
                                              for w in words):
            continue  # a person, or a title ("Foreign Minister")
        if len(words) == 1 and (is_demonym(words[0].text)
                                or words[0].text.casefold() in ROLE_ADJECTIVES
                                or words[0].text.casefold() in NUMBERED_LABELS
                                or words[0].text.endswith(_ADJECTIVE_ENDINGS)):
            continue  # "Asian", "Democratic", "Day" of "Day 3", "Congressional"
        if len(words) > 1 and is_demonym(words[-1].text):
            continue  # "North American", "Banned American": a nationality, not a name
        if (words[-1].text.endswith("s") and words[-1].text[:-1] in found) or (
                words[-1].text.endswith("es") and words[-1].text[:-2] in found):
            continue  # "Xboxes" after "Xbox"
        if any(w.text.casefold() in ORG_WORDS or w.text in _company_tables()[1]
               for w in words if w.cap):
            continue  # _scan_org_names has it
        name = " ".join(w.text for w in words)
        if _known(name, local) or name.casefold() in STOP_TAGS or not any(
                ch.islower() for ch in name) or (
                len(words) == 1 and words[0].initial and words[0].text not in mid_caps):
            continue
        if _introduced_body(seg.tokens, words[0]):  # "video game giant Electronic Arts"
            _add(found, name, "org", seg.weight, words[0].index)
        else:
            _add(found, name, "name", seg.weight, words[0].index, guessed=True)


def _introduced_body(tokens: Sequence[_Token], first: _Token) -> bool:
    """Whether a name follows a noun that says it is a company or body ("chipmaker Intel")."""
    k = first.index - tokens[0].index
    return (0 < k < len(tokens) and tokens[k] is first and not first.brk
            and tokens[k - 1].text in BODY_NOUNS)


# "Congressional", "Presidential", "Martian": adjectives, no name on their own
_ADJECTIVE_ENDINGS = ("ional", "ial", "tian")


def _capitalised_runs(tokens: Sequence[_Token]) -> list[list[_Token]]:
    """Maximal runs of capitalised words, allowing "of"/"and" inside and a number between two
    capitalised words ("Lost 52 Project"), split at punctuation.

    A run right after a possessive ("Moody's Investors Service") is a fragment and is dropped.
    """
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    owned = False
    for k, tok in enumerate(tokens):
        joins = bool(current) and not tok.brk and not current[-1].possessive
        number = (joins and tok.text.isdigit() and current[-1].cap and k + 1 < len(tokens)
                  and tokens[k + 1].cap and not tokens[k + 1].brk)  # "Lost 52 Project"
        if tok.cap or (joins and tok.text in CONNECTORS) or number:
            if not joins:
                runs.append([] if owned else current)
                owned = bool(current) and current[-1].possessive and not tok.brk
                current = []
            current.append(tok)
        else:
            runs.append([] if owned else current)
            current, owned = [], False
    runs.append([] if owned else current)
    return [r for r in runs if r]


_LINKS = frozenset(["for", "on"])


def _split_links(run: list[_Token]) -> list[list[_Token]]:
    """"PI on Abri Peyrony", "BBC One on Fridays": a single word before "for" or "on", or a
    calendar word after it, is no part of one name with the other side ("Alliance for Digital
    Inclusion", holding an organisation word, is read as a body's name elsewhere)."""
    if any(t.text.casefold() in ORG_WORDS for t in run):
        return [run]
    for k, tok in enumerate(run[1:-1], start=1):
        if tok.text in _LINKS and (k == 1 or run[k + 1].text.casefold() in CALENDAR_WORDS
                                   or run[k + 1].text.rstrip("s").casefold() in CALENDAR_WORDS):
            return [run[:k], *_split_links(run[k + 1:])]
    return [run]


def _split_pair(run: list[_Token], local: Mapping[str, Entry]) -> list[list[_Token]]:
    """"Senate and House", "Ministry of Health and Ministry of Defence" name two bodies, and so
    do a name and a known body beside it ("Paul Volcker and International Monetary Fund") or a
    person introduced by an office ("Economics Minister Jean Roux and National Bank"), and two
    names each holding a word of a body ("Federal Aviation Administration and the National
    Transportation Safety Board"); a known
    name before "for" or "on" is no part of the body after it ("New York for the Green Party")."""
    for k, tok in enumerate(run[1:-1], start=1):
        if tok.text in _LINKS and _known(
                " ".join(w.text for w in _trim_run(run[:k], frozenset())), local):
            return [run[:k], *_split_pair(run[k + 1:], local)]  # "New York for the Green Party"
        rest = run[k + 1:]
        while len(rest) > 1 and rest[0].text == "the":  # "... and the National Board"
            rest = rest[1:]
        if tok.text == "and" and (run[k - 1].text.casefold() in ORG_WORDS
                                  or rest[0].text.casefold() in ORG_WORDS
                                  or _starts_known(rest, local)
                                  or (_holds_body_word(run[:k]) and _holds_body_word(rest))
                                  or _known(" ".join(w.text for w in run[:k]), local)
                                  or any(is_title(run[j].text) and is_given_name(run[j + 1].text)
                                         for j in range(k - 1))):
            return [run[:k], *_split_pair(run[k + 1:], local)]
    return [run]


def _holds_body_word(words: Sequence[_Token]) -> bool:
    """"American Civil Liberties Union of Montana", "Federal Aviation Administration"."""
    return any(w.cap and (w.text.casefold() in ORG_WORDS or w.text == "Administration")
               for w in words)


def _starts_known(words: Sequence[_Token], local: Mapping[str, Entry]) -> bool:
    """Whether the words open with a known body or country ("International Monetary Fund ...")."""
    return any(_known(" ".join(w.text for w in words[:n]), local)
               for n in range(min(len(words), gazetteer().max_words), 0, -1))


def _without_office(words: list[_Token]) -> list[_Token]:
    """A body's name without the office around it: "Director General of the OECD's full name"
    is the body, and so is "Bank of France" in "Bank of France Governor Jacques de Larosiere"
    (a title after the body's name and before a given name opens the person's name)."""
    k = 0
    while k < len(words) and is_title(words[k].text):
        k += 1
    if k and k < len(words) and words[k].text in CONNECTORS:
        while k < len(words) and words[k].text in CONNECTORS:
            k += 1
        words = words[k:]
    for k in range(1, len(words) - 1):
        if (is_title(words[k].text) and is_given_name(words[k + 1].text)
                and any(w.text.casefold() in ORG_WORDS for w in words[:k])):
            return words[:k]
    return words


def _trim_run(run: Sequence[_Token], lower: frozenset[str]) -> list[_Token]:
    """Drop sentence-start and common words in front ("The", "According"), links and calendar
    words at the end."""
    words = list(run)
    while words and ((words[0].text.casefold() in COMMON_WORDS and not _opens_name(words[0]))
                     or not words[0].cap
                     or words[0].text in _CLOCK_WORDS  # "EST on the Tower Commission"
                     or (words[0].initial and words[0].text.casefold() in lower)):
        words.pop(0)
    while words and (not words[-1].cap or len(words[-1].text) == 1
                     or words[-1].text in NON_ORG_ACRONYMS
                     or (words[-1].text.casefold() in CALENDAR_WORDS  # "Sea-Eye on Sunday"
                         and not (len(words) > 1  # "Super Tuesday", "Black Friday" are names
                                  and words[-2].text.casefold() in DAY_NAMES))):
        words.pop()
    return words


def _opens_name(tok: _Token) -> bool:
    """"New", "All" capitalised inside a sentence open a name ("New England", "All Blacks")."""
    return not tok.initial and tok.text.casefold() in NAME_OPENERS


def _known(name: str, local: Mapping[str, Entry]) -> bool:
    return name in local or name in gazetteer().phrases


def _drop_country_prefix(words: list[_Token]) -> list[_Token]:
    """"UK Supreme Court" and "Supreme Court" are one tag; the country is counted on its own."""
    phrases = gazetteer().phrases
    for n in range(min(3, len(words) - 1), 0, -1):
        entry = phrases.get(" ".join(w.text for w in words[:n]))
        if entry is None or entry.kind != "country" or entry.weight != 1.0:
            continue
        if len(words) - n >= 2:
            return words[n:]
        short = _SHORT_COUNTRY.get(entry.tag)  # "U.S. Congress" -> "US Congress"
        if short is not None:
            return [replace(words[0], text=short), *words[n:]]
    return words


def _scan_acronyms(
    seg: _Segment, local: Mapping[str, Entry], lower: frozenset[str], location: str | None,
    found: dict[str, _Candidate],
) -> None:
    """Upper-case words not in the gazetteer (NEOC, OSCE): tags only with strong evidence."""
    dateline = location.casefold() if location else None
    tokens = seg.tokens
    for k, tok in enumerate(tokens[1:], start=1):  # a paragraph's first word is an interview
        word = tok.text  # label: "((WSS))"
        if (not word.isalpha() or not word.isupper() or not 2 <= len(word) <= 6 or word in local
                or word in gazetteer().phrases or word in NON_ORG_ACRONYMS
                or word.lower() in lower or word.casefold() == dateline
                or word in _company_tables()[1]  # "AG", "SA": legal forms
                or (k + 1 < len(tokens) and tokens[k + 1].text[0].isdigit()
                    and not tokens[k + 1].brk)):  # "HR 6819", "NGC 1300": a catalogue code
            continue
        _add(found, word, "org", seg.weight, tok.index, guessed=True)


def _defined_acronyms(segments: Sequence[_Segment]) -> dict[str, Entry]:
    """"Eurasian Economic Union (EAEU)": both forms count as one body, a known one's canonical
    form, else the name with its acronym ("Sentencing Guidelines Council (SGC)")."""
    out: dict[str, Entry] = {}
    known = gazetteer().phrases
    for seg in segments:
        tokens = seg.tokens
        for i, tok in enumerate(tokens):
            if i == 0 or not tok.brk or _ACRONYM_RE.fullmatch(tok.text) is None:
                continue
            long_form = _expansion(tokens, i, tok.text)
            if long_form is None:
                continue
            # the article's own expansion decides: "European Commission (EC)" is no EC of 1987
            # a company's legal form leaves its name, as everywhere: "Federal Deposit Insurance
            # Corp (FDIC)" is "Federal Deposit Insurance (FDIC)"
            plain = company_name(long_form) or long_form
            entry = (known.get(long_form) or known.get(tok.text)
                     or Entry(_joined(plain, tok.text), "org"))
            out[tok.text] = out[long_form] = Entry(entry.tag, entry.kind)
    return out


def _joined(name: str, acronym: str) -> str:
    """"National Hurricane Center (NHC)": one tag that reads in a list of tags from any story."""
    return f"{name} ({acronym})"


def _expansion(tokens: Sequence[_Token], i: int, acronym: str) -> str | None:
    """The shortest run of capitalised words before "(ACR)" whose letters spell the acronym."""
    run: list[_Token] = []
    j = i - 1
    while j >= 0 and (tokens[j].cap or tokens[j].text in CONNECTORS) and len(run) < 10:
        run.insert(0, tokens[j])
        if tokens[j].brk:
            break
        j -= 1
    letters = acronym.lower().replace("&", "")
    for start in range(len(run) - 1, -1, -1):
        words = run[start:]
        if not words[0].cap or words[0].text[0].lower() != letters[0]:
            continue
        if _spells(letters, "".join(w.text for w in words).lower()):
            capitals = sum(w.cap for w in words)
            return " ".join(w.text for w in words) if capitals >= min(2, len(letters)) else None
    return None


def _spells(letters: str, text: str) -> bool:
    """Whether `letters` occur in order in `text` (EAEU in "eurasianeconomicunion")."""
    it = iter(text)
    return all(ch in it for ch in letters)


def _add(found: dict[str, _Candidate], tag: str, kind: str, score: float, index: int,
         guessed: bool = False) -> None:
    cand = found.get(tag)
    if cand is None:
        found[tag] = _Candidate(tag, kind, score, index, guessed)
    else:
        cand.score += score
        cand.first = min(cand.first, index)


def _acronym_for(cand: _Candidate, found: Mapping[str, _Candidate]) -> str:
    """"Lawn Tennis Association" and "LTA" in one article are one tag, both forms joined; a
    company's initials ("GM") are its name ("General Motors")."""
    if cand.kind == "org" and cand.tag.isupper() and " " not in cand.tag:
        names = [c for c in found.values() if c.kind in ("org", "name", "company")
                 and " " in c.tag and cand.tag in _initials(c.tag)]
        if names and _short_acronym(cand):  # "GM" beside "General Motors" is its name
            return max(names, key=lambda c: (c.score, -c.first)).tag
        if names:
            return _joined(max(names, key=lambda c: (c.score, -c.first)).tag, cand.tag)
        return cand.tag
    if cand.kind == "company" and cand.tag.isupper() and " " not in cand.tag:
        # "GM" <GM> and "General Motors Corp" in one story: a company is tagged by its name
        names = [c for c in found.values() if c.kind == "company" and " " in c.tag
                 and cand.tag in _initials(c.tag)]
        return names[0].tag if len(names) == 1 else cand.tag
    if cand.kind not in ("org", "name", "company") or " " not in cand.tag:
        return cand.tag
    for initials in _initials(cand.tag):
        other = found.get(initials)
        if other is not None and other.kind == "org" and not _short_acronym(other):
            return _acronym_for(other, found)
    return cand.tag


def _initials(name: str) -> tuple[str, str]:
    """"Bank of America" -> ("BA", "BOA")."""
    words = name.split()
    return ("".join(w[0] for w in words if w[0].isupper()), "".join(w[0] for w in words).upper())


def _merge_short_forms(merged: dict[str, _Candidate]) -> None:
    """"Solidarity Party" after "American Solidarity Party" in one article is one body: its
    mentions count for the full name, which is the tag. So are "Delta Air" and "Delta Air Lines",
    both companies, and a repeated name that opens one other name of the story ("Grammy",
    "Grammy Awards")."""
    names = [c for c in merged.values() if c.kind in ("org", "name", "company")]
    for short in names:
        longer = [c for c in names if c.tag != short.tag and (
            (" " in short.tag and c.tag.endswith(" " + short.tag))
            # "Ford" <F> and "Ford Motor Co", "KLM" and "KLM Royal Dutch Airlines <KLM.A>";
            # a name that opens a body's name: "Grammy" and "Grammy Awards", "Mahan" and "Mahan
            # Air", "Supreme Court" and "Supreme Court of the United Kingdom"
            or c.tag.startswith(short.tag + " (")  # "Industrial Equity (IEL)"
            or (c.tag.startswith(short.tag + " ") and (
                c.kind == "company" or (short.kind in ("name", "org") and not short.tag.isupper()
                                        and c.score >= short.score  # not "Bush Presidency"
                                        and (c.kind == "org"
                                             or c.tag[len(short.tag) + 1].isupper())))))]
        if len(longer) == 1 and short.tag in merged:
            longer[0].score += short.score
            longer[0].first = min(longer[0].first, short.first)
            del merged[short.tag]


def _short_acronym(cand: _Candidate) -> bool:
    """An undefined acronym of two letters ("BT", "FA"): many are something else ("AG", "HD")."""
    return cand.guessed and cand.kind == "org" and len(cand.tag) == 2


def _rank(found: Mapping[str, _Candidate], rules: TagRules,
          location: str | None) -> list[_Candidate]:
    """Apply aliases and stop lists, drop weak evidence, order by score then first mention."""
    merged: dict[str, _Candidate] = {}
    folded_aliases = {k.casefold(): v for k, v in rules.aliases.items()}
    named = {cand.tag: folded_aliases.get(cand.tag.casefold()) or rules.known.get(
        tag_key(_acronym_for(cand, found)), _acronym_for(cand, found)) for cand in found.values()}
    # one tag per name however it is spelt ("Jaroslaw Kaczynski", "Jarosław Kaczyński"): the
    # site's form, else the spelling with the most letters beyond ASCII (the name as its bearer
    # writes it), else the first
    forms: dict[str, str] = {}
    for tag in named.values():
        key = tag_key(tag)
        if key not in forms or (forms[key] not in rules.known.values() and (
                tag in rules.known.values() or _non_ascii(tag) > _non_ascii(forms[key]))):
            forms[key] = tag
    for cand in found.values():
        tag = forms[tag_key(named[cand.tag])]
        if tag in merged:
            merged[tag].score += cand.score
            merged[tag].first = min(merged[tag].first, cand.first)
            merged[tag].guessed &= cand.guessed
        else:
            merged[tag] = _Candidate(tag, cand.kind, cand.score, cand.first, cand.guessed)
    _merge_short_forms(merged)
    dateline = location.casefold() if location else None
    kept = [
        c for c in merged.values()
        if c.tag.casefold() not in STOP_TAGS and c.tag.casefold() not in rules.stop
        and c.score >= (MIN_SCORE_SHORT_ACRONYM if _short_acronym(c)
                        else MIN_SCORE_GUESSED if c.guessed or c.tag.casefold() == dateline
                        else MIN_SCORE)
    ]
    kept.sort(key=lambda c: (-c.score, c.first))
    # a country named once in the body is where the story happens, as agencies index it: it
    # takes a free place after every better-evidenced tag, in order of first mention
    kept.extend(sorted((c for c in merged.values() if c.kind == "country" and c not in kept
                        and c.score >= PASSING_COUNTRY_SCORE
                        and c.tag.casefold() not in rules.stop), key=lambda c: c.first))
    # then a name of several words or an acronym seen twice, or once in the lead ("Liberal
    # Democrats", "AOL")
    kept.extend(sorted((c for c in merged.values()
                        if ((c.kind == "name" and " " in c.tag)
                            or (c.kind == "org" and c.guessed and not _short_acronym(c)))
                        and c not in kept and c.score >= MIN_SCORE
                        and c.tag.casefold() not in STOP_TAGS
                        and c.tag.casefold() not in rules.stop), key=lambda c: (-c.score, c.first)))
    # last the people named in passing with their office ("Treasury Secretary James Baker"),
    # as agencies index everyone a story reports on, in order of first mention
    kept.extend(sorted((c for c in merged.values() if c.kind == PASSING_PERSON
                        and c not in kept and c.tag.casefold() not in rules.stop),
                       key=lambda c: c.first))
    # then bodies named once ("the Department of Veterans Affairs"), by an organisation word or
    # as a known body
    kept.extend(sorted((c for c in merged.values() if c.kind in ("org", "event") and not c.guessed
                        and c not in kept and c.tag.casefold() not in STOP_TAGS
                        and c.tag.casefold() not in rules.stop), key=lambda c: c.first))
    return kept[:MAX_TAGS]
