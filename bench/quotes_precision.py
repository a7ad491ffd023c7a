"""Precision of quote detection on the project's own labelled fixtures.

    python -m bench.quotes_precision [--show]

tests/fixtures/quotes/labelled.json holds short synthetic paragraphs and Wikinews excerpts with
every true direct quote and its speaker, and negatives (scare quotes, titles of works, nicknames,
apostrophes). A detected quote is correct when at least half of its words belong to one true
quote; a true quote is found when at least half of its words are covered by one detection.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.ingest.quotes import attribute_quotes

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "quotes" / "labelled.json"
_WORD_RE = re.compile(r"\w+")


@dataclass
class Tally:
    """Counts over all fixture cases."""

    detected: int = 0
    correct: int = 0
    true: int = 0
    found: int = 0
    speaker_right: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.true if self.true else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.found if self.found else 1.0


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def _covers(part: str, whole: str) -> bool:
    """At least half of part's words occur in whole."""
    words, pool = _words(part), set(_words(whole))
    return bool(words) and sum(w in pool for w in words) >= 0.5 * len(words)


def score_case(case: dict[str, object], tally: Tally) -> None:
    """Add one fixture case to the tally."""
    paragraphs = [str(p) for p in case["paragraphs"]]  # type: ignore[attr-defined]
    truth = [(str(q["text"]), q["speaker"]) for q in case["quotes"]]  # type: ignore[attr-defined]
    got = attribute_quotes(paragraphs).quotes
    tally.detected += len(got)
    tally.true += len(truth)
    for q in got:
        if any(_covers(q.text, t) for t, _ in truth):
            tally.correct += 1
        else:
            tally.problems.append(f"{case['id']}: false quote {q.text!r}")
    for text, speaker in truth:
        match = next((q for q in got if _covers(text, q.text)), None)
        if match is None:
            tally.problems.append(f"{case['id']}: missed {text[:50]!r}")
            continue
        tally.found += 1
        if match.speaker == speaker:
            tally.speaker_right += 1
        else:
            tally.problems.append(
                f"{case['id']}: speaker {match.speaker!r} != {speaker!r} for {text[:40]!r}"
            )


def score(path: Path = FIXTURES) -> Tally:
    """Score every labelled case."""
    tally = Tally()
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
        score_case(case, tally)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="quote precision on labelled fixtures")
    parser.add_argument("--show", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    t = score()
    print(f"{'detected quotes':<22}{t.detected:>5}   precision {t.precision:.3f}")
    print(f"{'true quotes':<22}{t.true:>5}   recall    {t.recall:.3f}")
    print(f"{'speaker right':<22}{t.speaker_right:>5}   accuracy  {t.speaker_accuracy:.3f}")
    if args.show:
        print("\n".join(t.problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
