"""Score quote detection and speaker attribution against PolNeAR gold attributions.

    python -m bench.quotes_polnear [--split dev|test] [--show N]

Reads ../shared/corpus/polnear-attribution at run time (its text is never copied into the
project). Gold quotes are the relations marked `direct_quote`. Recall: a gold quote is found when
detected quote text covers >= 50% of its content characters. Speaker accuracy, over found quotes
whose gold source is a name: the resolved speaker must contain the mention's name words
("Republican vice-presidential nominee Gov. Mike Pence (R-IN)" -> Mike Pence). Pronoun sources are
scored by the nearest preceding named source in that article's gold; sources that are only a
description ("the announcer") or have no name before them are excluded and counted, and so are
single-word sources the article never shows to be a person (no given name, title or honorific
with it anywhere: "PolitiFact", "Zero Hedge"), whose quotes the importer leaves unattributed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.ingest.names import (
    NAME_SUFFIXES,
    ROLE_ADJECTIVES,
    first_name_gender,
    is_cap,
    is_given_name,
    is_honorific,
    is_title,
    norm,
)
from sitegen.ingest.quotes import FoundQuote, analyse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear-attribution"
_BLANK_RE = re.compile(r"\n[ \t\xa0]*\n")
_MARKS = set("\"“”'‘’«»")
_PRONOUNS = frozenset({"he", "she", "him", "her", "they", "his", "i", "we", "it"})
_DESCRIPTION_START = frozenset({"the", "a", "an", "his", "her", "their", "its", "this", "that"})
_WORD_RE = re.compile(r"[\w.'’-]+")
_PAREN_RE = re.compile(r"\([^()]*\)")


@dataclass
class Gold:
    """One gold direct quote: content characters and the name its source stands for."""

    chars: set[int]
    source: str | None
    name: list[str] | None
    why_excluded: str | None = None


@dataclass
class Score:
    """Counts for one split."""

    gold: int = 0
    found: int = 0
    scored: int = 0
    correct: int = 0
    excluded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(  # "name" / "pronoun" gold sources: [correct, scored]
        default_factory=lambda: {"name": [0, 0], "pronoun": [0, 0]}
    )


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Body paragraphs and their offsets: blank-line separated, first line (headline) dropped."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in [*_BLANK_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if pos == 0:
            nl = chunk.find("\n")
            chunk, pos = ("", end) if nl < 0 else (chunk[nl + 1:], pos + nl + 1)
        stripped = chunk.strip()
        if stripped:
            out.append((pos + chunk.index(stripped), stripped))
        pos = m.end() if m else len(text)
    return out


def name_words(mention: str) -> list[str] | None:
    """Name words of a source mention; None when it is a description or pronoun, not a name.

    The head (before any comma) must end in a capitalised word; of its capitalised runs (titles,
    role adjectives and possessive owners like "NBC's" dropped) the one with a known first name
    wins, else the longest: "Representative Charles B. Rangel of New York" -> Charles B. Rangel.
    """
    head = _PAREN_RE.sub(" ", mention).split(",")[0]
    before_of = re.split(r"\s(?:of|at|for|from|with)\s", head)[0]
    if any(is_cap(w) and not is_title(w) for w in _WORD_RE.findall(before_of)[1:]):
        head = before_of  # "Mr. Morgan of the Sierra Club" -> Morgan
    words = _WORD_RE.findall(head)
    while len(words) > 1 and norm(words[-1]) in NAME_SUFFIXES:
        words = words[:-1]
    if not words or norm(words[-1]) in _PRONOUNS or not is_cap(words[-1]):
        return None
    runs: list[list[str]] = [[]]
    for w in words:
        if w.endswith(("'s", "’s")):
            runs.append([])
        elif is_cap(w) and not (is_title(w) or is_honorific(w) or norm(w) in ROLE_ADJECTIVES):
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r and norm(r[0]) not in _DESCRIPTION_START]
    if not runs:
        return None
    named = [r for r in runs if first_name_gender(r[0])]
    best = named[0] if named else max(runs, key=len)
    return [norm(w) for w in best]


_TITLED = r"(?:Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Gen|Sir|President|Senator|Governor|Secretary)\.?"


def _shown_as_person(words: list[str], text: str) -> bool:
    """Whether the article shows the gold source is a person: more than one name word, a given
    name, or its surname after a title, an honorific or a given name somewhere in the text.
    Sources it never shows so ('PolitiFact', 'Zero Hedge', 'Peabody') are organisations to the
    importer, which leaves their quotes unattributed by design; they are counted apart."""
    if len(words) > 1 or is_given_name(words[0]):
        return True
    surname = re.escape(words[-1])
    if re.search(rf"\b{_TITLED}\s+(?i:{surname})\b", text):
        return True
    return any(is_given_name(m.group(1))
               for m in re.finditer(rf"\b([A-Z][\w’'-]+)\s+(?i:{surname})\b", text))


def load_gold(split: str) -> dict[str, list[Gold]]:
    """Gold direct quotes per article, one annotator per article (the first id in sort order)."""
    rows = [json.loads(line) for line in (CORPUS / "attributions_dev_test.jsonl").open()]
    rows = [r for r in rows if r["compartment"] == split]
    chosen: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: r["annotator"]):
        chosen.setdefault(r["article"], r["annotator"])
    by_article: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        if chosen[r["article"]] == r["annotator"]:
            by_article[r["article"]].append(r)
    return {a: _gold_quotes(rs, split, a) for a, rs in by_article.items()}


def _gold_quotes(rows: list[dict[str, object]], split: str, article: str) -> list[Gold]:
    text = (CORPUS / split / "text" / f"{article}.txt").read_text(encoding="utf-8")
    named: list[tuple[int, list[str]]] = []
    for r in rows:
        words = name_words(str(r["source"])) if r["source"] else None
        if words:
            named.append((_first(r["source_spans"]), words))
    named.sort()
    out = []
    for r in rows:
        if not r["direct_quote"]:
            continue
        chars = {
            i for lo, hi in r["content_spans"]  # type: ignore[attr-defined]
            for i in range(lo, hi) if not text[i].isspace() and text[i] not in _MARKS
        }
        source = r["source"] if isinstance(r["source"], str) else None
        out.append(_gold_speaker(chars, source, _first(r["source_spans"]), named, text))
    return out


def _gender_in_text(words: list[str], text: str) -> str | None:
    """A named source's gender, from its first name or, for a bare surname, from how the
    article names it elsewhere ("Hillary Clinton", "Mrs. Clinton")."""
    if len(words) > 1:
        return first_name_gender(words[0])
    surname = re.escape(words[0])
    for m in re.finditer(rf"\b(Mr|Mrs|Ms|[A-Z][a-z]+)\.? {surname}\b", text, re.IGNORECASE):
        head = m.group(1).lower()
        gender = {"mr": "m", "mrs": "f", "ms": "f"}.get(head) or first_name_gender(head)
        if gender:
            return gender
    return None


def _first(spans: object) -> int:
    return int(spans[0][0]) if isinstance(spans, list) and spans else -1


def _gold_speaker(
    chars: set[int], source: str | None, at: int, named: list[tuple[int, list[str]]], text: str
) -> Gold:
    if source is None:
        return Gold(chars, None, None, "no source")
    words = name_words(source)
    if words and not _shown_as_person(words, text):
        return Gold(chars, source, None, "never shown to be a person (organisation?)")
    if words:
        return Gold(chars, source, words)
    if norm(source) in {"i", "we", "they", "it"}:
        return Gold(chars, source, None, "first-person or plural pronoun")
    if norm(source.split()[0]) in _PRONOUNS and len(source.split()) == 1:
        gender = "m" if norm(source) in {"he", "him", "his"} else "f"
        before = [
            w for pos, w in named if pos < at and _gender_in_text(w, text) in (None, gender)
        ]
        if before:
            return Gold(chars, source, before[-1])
        return Gold(chars, source, None, "pronoun with no name before it")
    return Gold(chars, source, None, "description, not a name")


def detected(
    pars: list[tuple[int, str]], headline: str = ""
) -> Iterator[tuple[set[int], FoundQuote]]:
    """Detected quotes with the character offsets (into the article text) they cover."""
    found, _ = analyse([p for _, p in pars], [headline] if headline else [])
    for q in found:
        chars: set[int] = set()
        for seg in q.span.segments:
            base, par = pars[seg.par]
            lo, hi = seg.inner(par)
            chars.update(base + i for i in range(lo, hi) if not par[i].isspace())
        yield chars, q


def score(split: str) -> Score:
    """Recall and speaker accuracy for one split."""
    result = Score()
    for article, golds in sorted(load_gold(split).items()):
        text = (CORPUS / split / "text" / f"{article}.txt").read_text(encoding="utf-8")
        dets = list(detected(paragraphs(text), text.split("\n", 1)[0]))
        for gold in golds:
            _score_one(gold, dets, result, text, article)
    return result


def _score_one(
    gold: Gold, dets: list[tuple[set[int], FoundQuote]], result: Score, text: str, article: str
) -> None:
    if not gold.chars:
        return
    result.gold += 1
    best = max(dets, key=lambda d: len(d[0] & gold.chars), default=None)
    snippet = text[min(gold.chars): max(gold.chars) + 1][:90].replace("\n", " ")
    if best is None or len(best[0] & gold.chars) < 0.5 * len(gold.chars):
        result.misses.append(f"{article}: {snippet}")
        return
    result.found += 1
    if gold.name is None:
        result.excluded[gold.why_excluded or "?"] += 1
        return
    result.scored += 1
    kind = "name" if name_words(gold.source or "") else "pronoun"
    result.by_kind[kind][1] += 1
    got = best[1].speaker
    got_words = {norm(w) for w in (got or "").replace("-", " ").split()} | {
        norm(w) for w in (got or "").split()
    }
    if got and set(gold.name) <= got_words:
        result.correct += 1
        result.by_kind[kind][0] += 1
    else:
        result.wrong.append(f"{article}: gold={gold.source!r} got={got!r} :: {snippet[:60]}")


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "n/a"


def report(split: str, res: Score) -> str:
    """A small table of the figures for one split."""
    excluded = ", ".join(f"{k}: {v}" for k, v in sorted(res.excluded.items())) or "none"
    return "\n".join([
        f"split {split}",
        f"  {'gold direct quotes':<34}{res.gold:>6}",
        f"  {'found (>=50% chars covered)':<34}{res.found:>6}   recall "
        f"{_ratio(res.found, res.gold)}",
        f"  {'speaker-scored (named source)':<34}{res.scored:>6}",
        f"  {'speaker correct':<34}{res.correct:>6}   accuracy "
        f"{_ratio(res.correct, res.scored)}",
        *(
            f"    {kind + ' sources':<32}{c:>4}/{n:<4} accuracy {_ratio(c, n)}"
            for kind, (c, n) in res.by_kind.items()
        ),
        f"  excluded from speaker scoring: {excluded}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--show", type=int, default=0, help="print N misses and wrong speakers")
    args = parser.parse_args(argv)
    if not (CORPUS / "attributions_dev_test.jsonl").is_file():
        print(f"PolNeAR corpus not found at {CORPUS}; skipping (it lives in ../shared).")
        return 0
    res = score(args.split)
    print(report(args.split, res))
    for line in res.misses[: args.show]:
        print("MISS ", line)
    for line in res.wrong[: args.show]:
        print("WRONG", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
