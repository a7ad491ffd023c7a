"""The world's dateline, byline and timestamp conventions (issue 14): every row of the table in
sitegen/ingest/data/outlets.toml reads its own example, and a story of our own in the style of
each of 28 outlets gives the title, place, agency, date, standfirst and first words it should.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.ingest.dates import infer_dates
from sitegen.ingest.decode import decode_text
from sitegen.ingest.outlets import dateline_patterns
from sitegen.ingest.structure import parse_article, parse_dateline

OUTLETS = Path(__file__).parent / "fixtures" / "ingest" / "outlets"
LATER = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.mark.parametrize("row", dateline_patterns(), ids=lambda r: r.outlets[0])
def test_every_table_row_reads_its_example(row: object) -> None:
    example = row.example  # type: ignore[attr-defined]
    found = parse_dateline(example)
    assert found is not None, example
    dateline, _ = found
    assert dateline.location or dateline.source


@pytest.mark.parametrize("expected", sorted(OUTLETS.glob("*.json")), ids=lambda p: p.stem)
def test_outlet_story(expected: Path) -> None:
    want = json.loads(expected.read_text(encoding="utf-8"))
    article = parse_article(decode_text(expected.with_suffix(".txt").read_bytes()))
    dates = infer_dates(article, file_time=LATER)
    got = {
        "title": article.title, "location": article.location, "source": article.source,
        "date": str(dates.date), "subtitle": article.subtitle,
        "first_words": " ".join(article.paragraphs[0].split()[:6]),
    }
    assert got == {k: want[k] for k in got}
    assert not dates.warning  # every story dates itself: no file time


def test_at_least_twenty_outlets() -> None:
    stories = list(OUTLETS.glob("*.txt"))
    assert len(stories) >= 20
