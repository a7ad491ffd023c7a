"""The article's date: the dateline's month and day plus an inferred year, never a silent guess.

Wire datelines ("MOSCOW, December 10. /TASS/.") carry no year. The year comes, in this order,
from the years named in the text (checked against weekday words such as "on Saturday" when there
are any), the page's "Updated at" stamp, then when the raw file was first committed to git (the
same on every clone: a CI checkout gives every file a new modification time), and last the
file's modification time, which is only a guess and so is flagged as a warning. Every result
says where it came from, and the front matter keeps it (`date_from`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import dateparser

from sitegen.ingest.structure import MONTHS, ParsedArticle

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_YEAR = re.compile(r"(?<![\d$£€])(?<!\d[.,])((?:19|20)\d\d)(?!\d|[.,]\d)")
# Where a wire agency's unzoned stamps are written (TASS prints Moscow time).
_AGENCY_ZONES = {"TASS": "Europe/Moscow", "Interfax": "Europe/Moscow",
                 "RIA Novosti": "Europe/Moscow", "Xinhua": "Asia/Shanghai"}
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")
_STAMP_SPLIT = re.compile(r"(?i)\b(?:updated|modified|update|ago)\b")
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d\d))?\b")  # "GMT+1" -> +0100
# The parts of a timestamp line dateparser reads: numbers, month and weekday names, zones, am/pm.
_STAMP_TOKEN = re.compile(r"[+-]?\d[\d:./T+-]*|[^\W\d_]+\.?")
_STAMP_WORD_LIST = """
monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun am pm a.m
p.m utc gmt z est edt cst cdt pst pdt cet cest bst msk jst kst ist aedt aest eet eest
"""
_STAMP_WORDS = frozenset([*MONTHS, *_STAMP_WORD_LIST.split()])


@dataclass(frozen=True)
class ArticleDates:
    """The front matter's `date` and `updated`, and how `date` was found (for the log)."""

    date: date
    updated: datetime | None
    reason: str
    warning: bool = False   # True when the date rests on the file's time, i.e. a guess
    source: str = "text"    # front matter `date_from`: text, git (first commit) or file (mtime)


def infer_dates(article: ParsedArticle, *, file_time: datetime,
                committed: datetime | None = None) -> ArticleDates:
    """Date the article from its dateline, stamp and text. When the text has no date (or no
    year), `committed` (when the raw file was first committed to git: the same on every clone
    and every build) is the next resort, and `file_time` (a guess, warned about) the last."""
    if committed is not None:
        dated = infer_dates(article, file_time=committed)
        if dated.warning:
            reason = dated.reason.replace("the file's modification time",
                                          "the raw file's first commit")
            return replace(dated, reason=reason.replace("; check it", ""), warning=False,
                           source="git")
        return dated
    zone = agency_zone(article.source)
    stamp = parse_stamp(article.updated_stamp, zone) if article.updated_stamp else None
    published = (parse_stamp(article.published_stamp, zone) if article.published_stamp
                 else None)
    dateline = article.dateline
    if dateline and dateline.month and dateline.day:
        month, day = dateline.month, dateline.day
        if dateline.year and _valid(dateline.year, month, day):
            return ArticleDates(date(dateline.year, month, day), stamp, "date from the dateline")
        near = _stamp_on(published or stamp, month, day)
        if near is not None:  # the page's own timestamp gives the dateline its year
            return ArticleDates(near, stamp, f"year {near.year} from the timestamp line "
                                f"({article.published_stamp or article.updated_stamp})")
        if any(_valid(y, month, day) for y in (2000, 2001)):   # Feb 29 exists in leap years
            year, reason, warn = infer_year(month, day, article.all_text(),
                                            stamp=published or stamp, file_time=file_time)
            return ArticleDates(date(year, month, day), stamp, reason, warn,
                                "file" if warn else "text")
    if published is not None:
        return ArticleDates(published.date(), stamp, "date taken from the timestamp line "
                            f"({article.published_stamp})")
    if stamp is not None:
        return ArticleDates(stamp.date(), stamp, "date taken from the 'Updated at' stamp")
    return ArticleDates(file_time.date(), None,
                        f"no date in the text; date {file_time.date()} taken from the file's "
                        "modification time", warning=True, source="file")


def _stamp_on(stamp: datetime | None, month: int, day: int) -> date | None:
    """The dateline's day in the stamp's year when the stamp is within two days of it (zones
    and late updates), else None."""
    if stamp is None:
        return None
    for year in (stamp.year, stamp.year - 1):
        if _valid(year, month, day) and abs((stamp.date() - date(year, month, day)).days) <= 2:
            return date(year, month, day)
    return None


def infer_year(month: int, day: int, text: str, *, stamp: datetime | None,
               file_time: datetime) -> tuple[int, str, bool]:
    """(year, why, is_a_guess) for a year-less month and day."""
    limit = (stamp or file_time).year
    years = [y for y in years_named(text) if y <= limit and _valid(y, month, day)]
    weekdays = weekdays_named(text)
    for weekday in weekdays:
        matching = sorted({y for y in years if date(y, month, day).weekday() == weekday})
        if matching:
            named = ", ".join(str(y) for y in sorted(set(years)))
            return (matching[-1], f"year {matching[-1]} inferred from weekday "
                    f"'{WEEKDAYS[weekday]}' and the years named in the text ({named})", False)
    near = _weekday_year_near(month, day, weekdays, years, limit)
    if near is not None:
        named = ", ".join(str(y) for y in sorted(set(years)))
        day_name = WEEKDAYS[date(near, month, day).weekday()]
        return (near, f"year {near} inferred from weekday '{day_name}' next to the years named "
                f"in the text ({named}), none of which falls on it", False)
    if years:
        # The latest: stories compare with earlier years far more often than they name later
        # ones (and years after the stamp or file time are already ruled out).
        named = ", ".join(str(y) for y in sorted(set(years)))
        return (max(years), f"year {max(years)} inferred from the latest year named in the text "
                f"({named})", False)
    if stamp is not None:
        year = _year_before(stamp.date(), month, day)
        return year, f"year {year} inferred from the 'Updated at' stamp ({stamp:%Y-%m-%d})", False
    year = _year_before(file_time.date(), month, day)
    for weekday in weekdays:
        candidates = [y for y in (year, year - 1)
                      if _valid(y, month, day) and date(y, month, day).weekday() == weekday]
        if candidates:
            return (candidates[0], f"year {candidates[0]} guessed from weekday "
                    f"'{WEEKDAYS[weekday]}' as the latest such year up to the file's "
                    f"modification time ({file_time:%Y-%m-%d}); check it", True)
    return (year, f"year {year} guessed from the file's modification time "
            f"({file_time:%Y-%m-%d}): no year, weekday or 'Updated at' stamp in the text; "
            "check it", True)


def _weekday_year_near(month: int, day: int, weekdays: list[int], years: list[int],
                       limit: int) -> int | None:
    """When the story names a weekday and years but no named year puts the date on that
    weekday, the year next to the latest named one (one either side, never after `limit`) that
    does: the weekday is the story's own word about its date, the years may be other events."""
    if not weekdays or not years:
        return None
    latest = max(years)
    for year in (latest + 1, latest - 1):
        if year <= limit and _valid(year, month, day) and date(year, month, day).weekday() in \
                weekdays[:1]:
            return year
    return None


def years_named(text: str) -> list[int]:
    """Four-digit years 1900-2099 in running text, each occurrence (amounts excluded)."""
    return [int(m) for m in _YEAR.findall(text)]


def weekdays_named(text: str) -> list[int]:
    """Weekday numbers (Monday = 0) in order of first mention."""
    found = [WEEKDAYS.index(m) for m in _WEEKDAY.findall(text)]
    return list(dict.fromkeys(found))


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _year_before(reference: date, month: int, day: int) -> int:
    """The year in which month/day falls on or before `reference` (a day of slack for zones)."""
    year = reference.year
    for candidate in (year, year - 1, year - 2, year - 3, year - 4):
        if _valid(candidate, month, day) and date(candidate, month, day) <= reference + \
                timedelta(days=1):
            return candidate
    return year


def agency_zone(source: str | None) -> tzinfo:
    """The zone an agency's unzoned times are in; UTC when we do not know."""
    name = _AGENCY_ZONES.get(source or "")
    return ZoneInfo(name) if name else UTC


def parse_stamp(text: str, zone: tzinfo) -> datetime | None:
    """An aware datetime from a timestamp line ("Updated 11:48 PM EST, February 25, 2025",
    "19.12.2024 | 10:35 CET", "10 DEC 2022, 18:21"), or None when it has no full date. The
    reading is dateparser's (day before month where numbers are ambiguous, as outside the US);
    a time without a zone is in `zone`, the agency's."""
    # "March 3, 2025 2:05 PM GMT+1 Updated 3 hours ago": one stamp per part, the first dated
    text = next((part for part in _STAMP_SPLIT.split(text) if _ANY_YEAR.search(part)), "")
    text = _GMT_OFFSET.sub(lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", text)
    words = [w for w in _STAMP_TOKEN.findall(text)
             if not w[:1].isalpha() or w.lower().rstrip(".") in _STAMP_WORDS]
    cleaned = " ".join(words)
    if not _ANY_YEAR.search(cleaned):
        return None
    found: datetime | None = dateparser.parse(cleaned, languages=["en", "ru"], settings={
        "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DATES_FROM": "past"})
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=zone)
    return found
