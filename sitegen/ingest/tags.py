"""Tags for an imported article: the countries, organisations and places the story is about.

Rule-based and deterministic: phrases from a gazetteer (countries, demonyms, known organisations,
regions and big cities), acronyms the article defines ("Eurasian Economic Union (EAEU)"), and
capitalised names holding an organisation word ("Ministry of Health"). Mentions in the title, the
standfirst and the lead paragraph weigh more; weak evidence (one passing mention deep in the body,
the dateline city) is dropped. People, calendar words and wire names never become tags.

Canonical forms: a known organisation always has one form (`European Union`, `United Nations`,
`NATO`, `EAEU`, `CIS`), the same in every article; an unknown organisation the article defines
with an acronym is tagged by the acronym; a site maps anything else with `tags.toml` aliases.

`content/tags.toml` (optional, every key optional):

    stop = ["Europe", "Khabar"]          # never emitted (case-insensitive)
    always = ["World"]                   # appended to every article's tags
    [aliases]                            # variant or tag -> the site's canonical tag
    "EAEU" = "Eurasian Economic Union"   # also found in text as a name
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.errors import Problem, SitegenError
from sitegen.ingest.gazetteer import (
    COMMON_WORDS,
    CONNECTORS,
    NON_ORG_ACRONYMS,
    ORG_WORDS,
    STOP_TAGS,
    Entry,
    gazetteer,
)

MAX_TAGS = 8
MIN_SCORE = 2.0  # title alone (3), lead alone (2), or two body mentions
MIN_SCORE_GUESSED = 3.0  # undefined acronyms and the dateline city need more
TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
RULES_FILE = "tags.toml"
_SHORT_COUNTRY = {"United States": "US", "United Kingdom": "UK"}

_TOKEN_RE = re.compile(
    r"(?P<w>(?:[A-Z]\.){2,}|[^\W_][\w&]*(?:-[^\W_][\w&]*)*)(?P<pos>[’']s\b|(?<=s)[’'](?!\w))?"
)
# "MOSCOW, December 10. /TASS/." or "WASHINGTON (Reuters) -": not part of the story's text.
_DATELINE_RE = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{1,40}(?:,\s*[^.\n]{1,40})?\.?\s*"
    r"(?:/[^/\n]{1,20}/\.?|\([^)\n]{1,20}\)\s*[-–—])\s*"
)
_ACRONYM_RE = re.compile(r"[A-Z][A-Z&]*[A-Z]\d*|[A-Z]\d{1,2}")


@dataclass(frozen=True)
class TagRules:
    """A site's own tag rules from `content/tags.toml`: aliases, stop list, tags always added."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()
    always: tuple[str, ...] = ()


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
# tags.toml


def load_tag_rules(content_dir: Path) -> TagRules:
    """Read `content_dir/tags.toml` if present; a broken file is an error naming file and line."""
    path = content_dir / RULES_FILE
    if not path.is_file():
        return TagRules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        raise SitegenError(Problem(path, f"invalid TOML: {exc}", line)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SitegenError(Problem(path, f"cannot read tag rules: {exc}")) from None
    return _rules_from_data(path, data)


def _toml_error_line(message: str) -> int | None:
    """tomllib (before 3.14) puts the line only in the message: "... (at line 3, column 5)"."""
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _rules_from_data(path: Path, data: dict[str, object]) -> TagRules:
    """Validate the parsed table; each wrong key is reported with the line it is on."""
    text = path.read_text(encoding="utf-8")
    unknown = sorted(set(data) - {"aliases", "stop", "always"})
    if unknown:
        raise SitegenError(Problem(path, f"unknown key {unknown[0]!r} (expected aliases, stop, "
                                         "always)", _key_line(text, unknown[0])))
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict):
        raise SitegenError(Problem(path, "aliases must be a table: [aliases]",
                                   _key_line(text, "aliases")))
    for key, value in aliases.items():
        if not isinstance(value, str) or not value.strip():
            raise SitegenError(Problem(
                path, f"alias {key!r} must map to a non-empty tag string, "
                      'e.g. "EAEU" = "Eurasian Economic Union"', _key_line(text, key)))
    lists = {key: _string_list(path, text, data, key) for key in ("stop", "always")}
    return TagRules(
        aliases={k.strip(): v.strip() for k, v in aliases.items()},
        stop=frozenset(s.casefold() for s in lists["stop"]),
        always=tuple(lists["always"]),
    )


def _string_list(path: Path, text: str, data: dict[str, object], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SitegenError(Problem(path, f"{key} must be a list of tag strings",
                                   _key_line(text, key)))
    return [v.strip() for v in value]


def _key_line(text: str, key: str) -> int | None:
    """The line a top-level key or table is on, so the editor can jump to it."""
    name = re.escape(key)
    pattern = re.compile(rf"^[ \t]*(?:\[[ \t]*{name}[ \t]*\]|[\"']?{name}[\"']?[ \t]*=)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


# ---------------------------------------------------------------------------------------------
# extraction


def extract_tags(
    title: str,
    subtitle: str | None,
    paragraphs: Sequence[str],
    *,
    location: str | None,
    rules: TagRules,
) -> list[str]:
    """Up to MAX_TAGS tags, best first (score, then first appearance); same input, same output."""
    segments = _segments(title, subtitle, paragraphs)
    lower_words = _lower_words(segments)
    local = _defined_acronyms(segments)
    local.update({k: Entry(v, "org") for k, v in rules.aliases.items()})
    local.update({v: Entry(v, "org") for v in rules.aliases.values()})
    found: dict[str, _Candidate] = {}
    for seg in segments:
        _scan_phrases(seg, local, found)
        if not seg.title_case:
            _scan_org_names(seg, local, lower_words, found)
            _scan_acronyms(seg, local, lower_words, location, found)
    tags = _rank(found, rules, location)
    for tag in rules.always:
        if tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags


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
        gap = text[prev_end:match.start()]
        brk = n == 0 or bool(gap.strip())
        initial = n == 0 or bool(re.search(r"[.!?:;\"“”‘(\[—–]\s*[’'\"“‘]?\s*$", gap))
        tokens.append(_Token(word, start_index + n, word[0].isupper(), initial, brk,
                             bool(match.group("pos"))))
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
    for n in range(min(phrases.max_words, len(tokens) - i), 0, -1):
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
    if entry.kind == "org":
        return False
    if _inside_org_name(tokens, i):
        return True
    if n > 1 and entry.kind == "country":
        return False
    before = tokens[i - 1] if i > 0 else None
    if (before is not None and not tokens[i].brk and before.cap and not before.possessive
            and before.text.casefold() not in COMMON_WORDS and not before.text.isupper()):
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
    for run in (part for whole in _capitalised_runs(seg.tokens) for part in _split_pair(whole)):
        words = _trim_run(run, lower)
        if len(words) < 2 or not any(w.text.casefold() in ORG_WORDS for w in words if w.cap):
            continue
        if any(_known(" ".join(w.text for w in words[k:]), local) for k in range(2)):
            continue  # already counted as a known phrase ("UK Independence Party")
        words = _drop_country_prefix(words)
        name = " ".join(w.text for w in words)
        if _known(name, local):
            continue
        _add(found, name, "org", seg.weight, words[0].index)


def _capitalised_runs(tokens: Sequence[_Token]) -> list[list[_Token]]:
    """Maximal runs of capitalised words, allowing "of"/"and" inside, split at punctuation.

    A run right after a possessive ("Moody's Investors Service") is a fragment and is dropped.
    """
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    owned = False
    for tok in tokens:
        joins = bool(current) and not tok.brk and not current[-1].possessive
        if tok.cap or (joins and tok.text in CONNECTORS):
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


def _split_pair(run: list[_Token]) -> list[list[_Token]]:
    """"Senate and House", "Ministry of Health and Ministry of Defence" name two bodies."""
    for k, tok in enumerate(run[1:-1], start=1):
        if tok.text == "and" and (run[k - 1].text.casefold() in ORG_WORDS
                                  or run[k + 1].text.casefold() in ORG_WORDS):
            return [run[:k], *_split_pair(run[k + 1:])]
    return [run]


def _trim_run(run: Sequence[_Token], lower: frozenset[str]) -> list[_Token]:
    """Drop sentence-start and common words in front ("The", "According") and links at the end."""
    words = list(run)
    while words and (words[0].text.casefold() in COMMON_WORDS or not words[0].cap
                     or (words[0].initial and words[0].text.casefold() in lower)):
        words.pop(0)
    while words and (not words[-1].cap or len(words[-1].text) == 1
                     or words[-1].text in NON_ORG_ACRONYMS):
        words.pop()
    return words


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
    for tok in seg.tokens[1:]:  # a paragraph's first word is an interview label: "((WSS))"
        word = tok.text
        if (not word.isalpha() or not word.isupper() or not 3 <= len(word) <= 6 or word in local
                or word in gazetteer().phrases or word in NON_ORG_ACRONYMS
                or word.lower() in lower or word.casefold() == dateline):
            continue
        _add(found, word, "org", seg.weight, tok.index, guessed=True)


def _defined_acronyms(segments: Sequence[_Segment]) -> dict[str, Entry]:
    """"Eurasian Economic Union (EAEU)": both forms count as the short one, unless known."""
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
            entry = known.get(tok.text) or known.get(long_form) or Entry(tok.text, "org")
            out[tok.text] = out[long_form] = Entry(entry.tag, entry.kind)
    return out


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
    """"Lawn Tennis Association" and "LTA" in one article are one tag, the short one."""
    if cand.kind != "org" or " " not in cand.tag:
        return cand.tag
    words = cand.tag.split()
    for initials in ("".join(w[0] for w in words if w[0].isupper()),
                     "".join(w[0] for w in words).upper()):  # "Bank of America" -> BOA
        other = found.get(initials)
        if other is not None and other.kind == "org":
            return initials
    return cand.tag


def _rank(found: Mapping[str, _Candidate], rules: TagRules, location: str | None) -> list[str]:
    """Apply aliases and stop lists, drop weak evidence, order by score then first mention."""
    merged: dict[str, _Candidate] = {}
    folded_aliases = {k.casefold(): v for k, v in rules.aliases.items()}
    for cand in found.values():
        tag = folded_aliases.get(cand.tag.casefold(), _acronym_for(cand, found))
        if tag in merged:
            merged[tag].score += cand.score
            merged[tag].first = min(merged[tag].first, cand.first)
            merged[tag].guessed &= cand.guessed
        else:
            merged[tag] = _Candidate(tag, cand.kind, cand.score, cand.first, cand.guessed)
    dateline = location.casefold() if location else None
    kept = [
        c for c in merged.values()
        if c.tag.casefold() not in STOP_TAGS and c.tag.casefold() not in rules.stop
        and c.score >= (MIN_SCORE_GUESSED if c.guessed or c.tag.casefold() == dateline
                        else MIN_SCORE)
    ]
    kept.sort(key=lambda c: (-c.score, c.first))
    return [c.tag for c in kept[:MAX_TAGS]]
