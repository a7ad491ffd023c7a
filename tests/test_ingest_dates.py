"""Year inference for year-less datelines: every answer says where it came from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sitegen.ingest.dates import infer_dates, infer_year, parse_stamp
from sitegen.ingest.structure import parse_article
from tests.ingest_helpers import SAMPLE

LATER = datetime(2026, 11, 29, tzinfo=UTC)
MSK = timezone(timedelta(hours=3))


def test_sample_is_2022_12_10_from_the_weekday() -> None:
    dates = infer_dates(parse_article(SAMPLE.read_text(encoding="utf-8")), file_time=LATER)
    assert dates.date == date(2022, 12, 10)
    assert dates.reason.startswith("year 2022 inferred from weekday 'Saturday'")
    assert not dates.warning
    assert dates.updated is None


def test_weekday_picks_among_the_years_named() -> None:
    text = "Talks in 2019 and 2020 ended on Friday."   # 2019-01-04 was a Friday
    year, reason, guess = infer_year(1, 4, text, stamp=None, file_time=LATER)
    assert (year, guess) == (2019, False) and "Friday" in reason


def test_the_weekday_outweighs_a_later_year_named_in_the_text() -> None:
    # 2022-12-10 was a Saturday; the story names 2021 (last year's trade) and 2023 (a plan).
    text = "He spoke on Saturday. Trade grew in 2021 and a new deal is planned for 2023."
    year, reason, guess = infer_year(12, 10, text, stamp=None, file_time=LATER)
    assert (year, guess) == (2022, False) and "'Saturday'" in reason


def test_years_named_without_weekday() -> None:
    year, reason, guess = infer_year(3, 1, "Sales in 2020 beat 2019; 2020 was good.",
                                     stamp=None, file_time=LATER)
    assert (year, guess) == (2020, False) and "latest year named" in reason


def test_future_years_are_not_the_articles_year() -> None:
    stamp = datetime(2021, 3, 2, tzinfo=UTC)
    year, _, _ = infer_year(3, 1, "The plan runs to 2030.", stamp=stamp, file_time=LATER)
    assert year == 2021


def test_stamp_gives_the_year() -> None:
    text = ("Updated at: 10 DEC 2022, 18:21\n\nHeadline\n\n"
            "MOSCOW, December 10. /TASS/. Nothing dated here.\n")
    dates = infer_dates(parse_article(text), file_time=LATER)
    assert dates.date == date(2022, 12, 10)
    assert dates.updated == datetime(2022, 12, 10, 18, 21, tzinfo=MSK)
    assert "timestamp line" in dates.reason and not dates.warning


def test_stamp_in_january_for_a_december_dateline() -> None:
    year, _, _ = infer_year(12, 31, "", stamp=datetime(2023, 1, 1, 9, tzinfo=UTC),
                            file_time=LATER)
    assert year == 2022


def test_file_time_is_a_warned_guess() -> None:
    text = "Headline\n\nMOSCOW, December 10. /TASS/. Nothing dated here.\n"
    dates = infer_dates(parse_article(text), file_time=datetime(2024, 12, 12, tzinfo=UTC))
    assert dates.date == date(2024, 12, 10)
    assert dates.warning and "modification time" in dates.reason


def test_no_dateline_no_stamp_uses_file_time_with_warning() -> None:
    dates = infer_dates(parse_article("Headline\n\nBody text.\n"),
                        file_time=datetime(2024, 5, 6, tzinfo=UTC))
    assert dates.date == date(2024, 5, 6) and dates.warning


def test_full_date_line_needs_no_inference() -> None:
    dates = infer_dates(parse_article("Title\n\nFriday, January 4, 2019\n\nBody.\n"),
                        file_time=LATER)
    assert dates.date == date(2019, 1, 4) and not dates.warning


def test_stamp_formats() -> None:
    expected = datetime(2022, 12, 10, 18, 21, tzinfo=MSK)
    for text in ("10 DEC 2022, 18:21", "December 10, 2022 18:21", "2022-12-10T18:21:00+03:00",
                 "10.12.2022 18:21", "December 10, 2022 18:21 MSK"):
        assert parse_stamp(text, MSK) == expected, text
    assert parse_stamp("10 DEC, 18:21", MSK) is None
    assert parse_stamp("2022-12-10 15:21 GMT", MSK) == expected
