"""The cache codec (`sitegen.incremental.codec`): values come back as they went in, with their
types, time zones and shared records; and encoding or decoding leaves nothing behind for the
cyclic collector, which a build turns off (a cycle per parse kept 1.2 GB alive at 1,000
articles)."""

from __future__ import annotations

import gc
import pickle
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.incremental.codec import Undecodable, decode, encode
from sitegen.model import Article, Quote, Speaker

MOSCOW = timezone(timedelta(hours=3))


def article(n: int) -> Article:
    return Article(path=Path(f"content/articles/a{n}.md"), title=f"Story {n}",
                   date=datetime(2022, 12, 10, 18, 21, tzinfo=MOSCOW), body="Body.",
                   slug=f"a{n}", tags=("Russia", "Oil"),
                   speakers=(Speaker("Sergey Lavrov", "Foreign Minister"),),
                   quotes=(Quote("We will see,", "Sergey Lavrov"),),
                   extra={"list": [1, 2], "when": date(2022, 1, 2)})


RECORDS = (Article, Speaker, Quote)


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2**62, 1.5, "текст", b"\x00\xff", [1, (2, 3)], (1, [2]), {"a": {1: 2}},
    {1, 2}, frozenset({"x"}), date(2022, 12, 10), Path("a/b.md"),
    datetime(2022, 12, 10, 18, 21), datetime(2022, 12, 10, tzinfo=UTC),
    datetime(2022, 12, 10, 18, tzinfo=MOSCOW), datetime(2022, 12, 10, tzinfo=timezone(
        timedelta(hours=-5), "EST")), datetime(2022, 3, 27, 2, 30, tzinfo=ZoneInfo(
            "Europe/Moscow")), datetime(2021, 10, 31, 2, 30, fold=1,
                                         tzinfo=ZoneInfo("Europe/Berlin")),
])
def test_values_come_back_with_their_types(value: object) -> None:
    back = decode(encode(value))
    assert back == value and type(back) is type(value)
    assert pickle.dumps(back) == pickle.dumps(value)   # what fingerprints hash: zones and all


def test_records_come_back_equal_and_shared_ones_once() -> None:
    one = article(1)
    back = decode(encode([one, one, article(2)], RECORDS), RECORDS)
    assert back == [one, one, article(2)]
    assert back[0] is back[1] and back[0] is not back[2]


@pytest.mark.parametrize("data", [b"", b"\xc1", b"\x92\x01", encode(article(1), RECORDS)])
def test_what_does_not_decode_is_undecodable(data: bytes) -> None:
    with pytest.raises(Undecodable):
        decode(data[:-1] if data.endswith(b"\xa4Body.") else data[:len(data) // 2] + b"\xc1")


def test_a_record_class_not_listed_is_not_made() -> None:
    with pytest.raises(Undecodable):
        decode(encode(article(1), RECORDS), (Speaker, Quote))


def test_encoding_and_decoding_leave_no_cycles() -> None:
    values = [article(n) for n in range(50)]
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(20):
            decode(encode(values, RECORDS), RECORDS)
        assert len(gc.get_objects()) - before < 100
    finally:
        if enabled:
            gc.enable()


def test_articles_as_columns_come_back_equal_and_bad_columns_are_refused() -> None:
    """The snapshot's form (`incremental.table`): one list per field."""
    from sitegen.incremental.table import from_columns, to_columns

    articles = [article(n) for n in range(3)]
    columns = decode(encode(to_columns(articles, Article)))
    assert from_columns(columns, Article) == articles
    for broken in ({**columns, "title": [1, 2, 3]},                     # a number for a title
                   {**columns, "path": columns["path"][:2]},            # a short column
                   {k: v for k, v in columns.items() if k != "slug"},   # a missing one
                   {**columns, "speakers": [[["Only a name"]]] * 3}):   # a speaker row too short
        with pytest.raises(Undecodable):
            from_columns(broken, Article)


def test_rows_as_columns_come_back_equal_and_bad_columns_are_refused() -> None:
    """A site listing or file stamps kept as columns (`incremental.table`): what is read back
    is exactly the rows, or None."""
    from sitegen.incremental.table import column_shapes, rows_from_columns, rows_to_columns

    shapes = column_shapes(str, int, bytes)
    rows = [("a.html", 3, b"\x01"), ("b/index.html", 10**12, b"")]
    columns = decode(encode(rows_to_columns(rows, 3)))
    assert rows_from_columns(columns, shapes) == rows
    assert rows_from_columns(rows_to_columns([], 3), shapes) == []
    for broken in ([columns[0], columns[1]],                     # a column missing
                   [columns[0], [3], columns[2]],                # a short column
                   [columns[0], [3, True], columns[2]],          # a bool for an int
                   [columns[0], columns[1], ["x", "y"]],         # text for bytes
                   {"0": columns[0]}, None):
        assert rows_from_columns(broken, shapes) is None


def test_a_record_as_a_row_comes_back_equal_and_a_bad_row_is_refused() -> None:
    """The parse cache's form: a result holding an article or None and a list of problems."""
    from sitegen.content import _Parsed
    from sitegen.errors import Problem
    from sitegen.incremental.table import record_from_row, record_to_row

    parsed = _Parsed(article=article(1))
    failed = _Parsed(problems=[Problem(Path("a.md"), "bad date", 3), Problem(None, "x")])
    for value in (parsed, failed):
        assert record_from_row(decode(encode(record_to_row(value, _Parsed))), _Parsed) == value
    row = decode(encode(record_to_row(parsed, _Parsed)))
    for broken in (row[:-1], [*row[:1], "not a path", *row[2:]], [["a row"], *row[1:]],
                   [row[0], [["a.md", "no line", "three"]], *row[2:]], "text"):
        with pytest.raises(Undecodable):
            record_from_row(broken, _Parsed)
