"""One name per person across articles: `content/speakers.toml` aliases, and suspected duplicates.

Wire copy spells the same person several ways ("Sergey Lavrov", "Sergei Lavrov", "John F. Kerry" and
"John Kerry"). Merging two people by a guess would put one person's words in another's mouth, so
only the editor's alias file merges; names that merely look alike are reported by `sitegen check`
for the editor to decide. Runs between `content` and `taxonomy`; articles are never edited on disk.

```toml
[aliases]
"Sergei Lavrov" = "Sergey Lavrov"    # variant = canonical
distinct = [["Kim Jong Un", "Kim Jong Il"]]   # optional: look alike, are not the same person
```
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

from sitegen.config import loads_toml
from sitegen.errors import Problem, SitegenError
from sitegen.model import Article, Quote, Speaker, name_key

SPEAKERS_FILE = "speakers.toml"


@dataclass(frozen=True)
class SpeakerAliases:
    """Variant name (folded) -> canonical name, and pairs the editor said are different people."""

    aliases: dict[str, str] = field(default_factory=dict)
    distinct: frozenset[frozenset[str]] = frozenset()

    def canonical(self, name: str) -> str:
        return self.aliases.get(name_key(name), name)


@dataclass(frozen=True)
class UnsureMerge:
    """Two names that may be one person; `alias` is the rarer spelling, `canonical` the other."""

    alias: str
    canonical: str
    reason: str
    alias_articles: int
    canonical_articles: int

    def message(self) -> str:
        return (f"{self.alias!r} ({self.alias_articles} article(s)) and {self.canonical!r} "
                f"({self.canonical_articles}) may be the same person ({self.reason}); if so, add "
                f'"{self.alias}" = "{self.canonical}" under [aliases] in {SPEAKERS_FILE}, '
                f'otherwise add ["{self.alias}", "{self.canonical}"] to distinct')


# ---------------------------------------------------------------------------------------------
# speakers.toml


def load_speaker_aliases(content_dir: Path) -> SpeakerAliases:
    """Read `content_dir/speakers.toml` (absent: no aliases); errors name the file and line."""
    path = content_dir / SPEAKERS_FILE
    if not path.is_file():
        return SpeakerAliases()
    try:
        text = path.read_text(encoding="utf-8")
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if not isinstance(line, int):
            found = re.search(r"line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        raise SitegenError(Problem(path, f"not valid TOML: {exc}", line)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SitegenError(Problem(path, f"cannot read speaker aliases: {exc}")) from None
    return _aliases_from_data(path, text, data)


def _aliases_from_data(path: Path, text: str, data: dict[str, object]) -> SpeakerAliases:
    problems: list[Problem] = []
    for key in sorted(set(data) - {"aliases", "distinct"}):
        problems.append(Problem(path, f"unknown key {key!r} (expected [aliases] or distinct)",
                                _line_of(text, key)))
    raw = data.get("aliases", {})
    if not isinstance(raw, dict):
        problems.append(Problem(path, "aliases must be a table: [aliases]",
                                _line_of(text, "aliases")))
        raw = {}
    aliases: dict[str, str] = {}
    for variant, canonical in raw.items():
        if not isinstance(canonical, str) or not canonical.strip() or not variant.strip():
            problems.append(Problem(path, f"alias {variant!r} must map to a person's name, e.g. "
                                          '"Sergei Lavrov" = "Sergey Lavrov"',
                                    _line_of(text, variant)))
            continue
        aliases[name_key(variant)] = " ".join(canonical.split())
    resolved = _resolve_chains(path, text, aliases, problems)
    distinct = _distinct_pairs(path, text, data.get("distinct", []), problems)
    if problems:
        raise SitegenError(problems)
    return SpeakerAliases(resolved, distinct)


def _resolve_chains(path: Path, text: str, aliases: dict[str, str],
                    problems: list[Problem]) -> dict[str, str]:
    """"A" = "B" and "B" = "C" means A is C; a cycle is an error rather than a silent pick."""
    resolved: dict[str, str] = {}
    for variant, target in aliases.items():
        seen = {variant}
        while (key := name_key(target)) in aliases and key != name_key(aliases[key]):
            if name_key(target) in seen:
                problems.append(Problem(path, f"aliases go round in a circle at {target!r}",
                                        _line_of(text, target)))
                break
            seen.add(name_key(target))
            target = aliases[name_key(target)]
        else:
            resolved[variant] = aliases.get(name_key(target), target)   # "x" = "X" fixes spelling
    return resolved


def _distinct_pairs(path: Path, text: str, raw: object,
                    problems: list[Problem]) -> frozenset[frozenset[str]]:
    bad = Problem(path, 'distinct must be a list of name pairs: [["Kim Jong Un", "Kim Jong Il"]]',
                  _line_of(text, "distinct"))
    if not isinstance(raw, list):
        problems.append(bad)
        return frozenset()
    pairs: set[frozenset[str]] = set()
    for item in raw:
        if (not isinstance(item, list) or len(item) != 2
                or not all(isinstance(n, str) and n.strip() for n in item)):
            problems.append(bad)
            break
        pairs.add(frozenset(name_key(n) for n in item))
    return frozenset(pairs)


def _line_of(text: str, key: str) -> int | None:
    """The first line that sets or mentions `key`, so a problem points somewhere useful."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=", f"[{key}]")):
            return number
    for number, line in enumerate(text.splitlines(), start=1):
        if key in line:
            return number
    return None


# ---------------------------------------------------------------------------------------------
# Applying aliases


def merge_speakers(articles: Sequence[Article], aliases: SpeakerAliases) -> list[Article]:
    """Articles with every speaker and quote attribution under its canonical name."""
    if not aliases.aliases:
        return list(articles)
    return [_merged(article, aliases) for article in articles]


def _merged(article: Article, aliases: SpeakerAliases) -> Article:
    speakers: list[Speaker] = []
    index: dict[str, int] = {}
    for speaker in article.speakers:
        name = aliases.canonical(speaker.name)
        key = name_key(name)
        if key in index:   # both spellings in one article: one speaker, first role kept
            kept = speakers[index[key]]
            if kept.role is None and speaker.role:
                speakers[index[key]] = Speaker(kept.name, speaker.role)
            continue
        index[key] = len(speakers)
        speakers.append(Speaker(name, speaker.role))
    quotes = tuple(Quote(q.text, aliases.canonical(q.speaker) if q.speaker else None)
                   for q in article.quotes)
    if tuple(speakers) == article.speakers and quotes == article.quotes:
        return article
    return replace(article, speakers=tuple(speakers), quotes=quotes)


# ---------------------------------------------------------------------------------------------
# Names that look alike


def unsure_merges(articles: Iterable[Article], aliases: SpeakerAliases) -> list[UnsureMerge]:
    """Pairs of speaker names (after aliases) that may be one person, rarer spelling first.

    Only names sharing a surname are compared, so this stays fast on large sites.
    """
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for article in articles:
        for name in {name_key(aliases.canonical(s.name)): aliases.canonical(s.name)
                     for s in article.speakers}.items():
            counts[name[0]] += 1
            spelling.setdefault(name[0], name[1])
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key in sorted(counts):
        parts = _parts(key)
        if len(parts) >= 2:
            by_surname[parts[-1]].append(key)
    found: list[UnsureMerge] = []
    for keys in by_surname.values():
        for a, b in combinations(keys, 2):
            if frozenset((a, b)) in aliases.distinct:
                continue
            reason = _looks_alike(a, b)
            if reason is None:
                continue
            rare, common = sorted((a, b), key=lambda k: (counts[k], k))
            found.append(UnsureMerge(spelling[rare], spelling[common], reason,
                                     counts[rare], counts[common]))
    return sorted(found, key=lambda u: (u.canonical.casefold(), u.alias.casefold()))


def _parts(name: str) -> list[str]:
    """ASCII-folded name words without punctuation: "Sergéi V. Lavrov" -> [sergei, v, lavrov]."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_name.casefold())


def _looks_alike(a: str, b: str) -> str | None:
    """Why two names with the same surname may be one person, or None."""
    pa, pb = _parts(a), _parts(b)
    if pa == pb:
        return "same letters, different accents or punctuation"
    fa = [p for p in pa[:-1] if len(p) > 1]   # first names, initials left out
    fb = [p for p in pb[:-1] if len(p) > 1]
    if not fa or not fb:
        return None
    if fa == fb:
        return "one has a middle initial"
    first_a, first_b = " ".join(fa), " ".join(fb)
    distance = edit_distance(first_a, first_b, limit=2)
    allowed = 1 if min(len(first_a), len(first_b)) < 5 else 2
    if distance <= allowed and first_a[0] == first_b[0]:
        return f"first names {distance} letter(s) apart"
    return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)
