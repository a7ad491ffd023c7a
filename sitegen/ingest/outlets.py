"""The world's dateline, agency and timestamp conventions, as data (`data/outlets.toml`).

Each dateline pattern is written once in the table, with an example and the outlets that use it,
in a small grammar (`{place}`, `{date}`, `{agency}`, ...) filled in here; structure.py tries them
in order. Adding an outlet is a row and a fixture, not a branch in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sitegen.ingest.data import table

# Russian sources (TASS, Interfax in Russian) write the genitive: "10 декабря".
RUSSIAN_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                  "сентября", "октября", "ноября", "декабря")
MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
         + "|".join(RUSSIAN_MONTHS) + ")")
WEEKDAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# A dateline place: up to six letter-words ("ST. PETERSBURG", "RIO DE JANEIRO", "KAMEN-NA-OBI").
PLACE = r"(?P<loc>[^\W\d_][^\W\d_]*(?:[ ./'’-]+[^\W\d_]+){0,5}\.?)\s?"
REGION = r"(?:,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?))?"
DATE = (rf"(?:(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}})"
        rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH})\.?)(?:,?\s+(?P<year>(?:19|20)\d\d))?")
AGENCY = r"(?P<agency>[^\W\d_][\w .&-]{0,30}?)"
DASH = r"(?:-{1,2}|[–—])"


@dataclass(frozen=True)
class DatelinePattern:
    """One row of the table, compiled."""

    outlets: tuple[str, ...]
    example: str
    regex: re.Pattern[str]
    caps: bool            # the place must be written in capitals
    known_agency: bool    # the agency must be one of the table's agencies
    no_place: bool        # the pattern names an agency and no place: "(Bloomberg) -- "


@cache
def agencies() -> dict[str, str]:
    """Lower-case spelling -> the agency's house name ("itar-tass" -> "TASS")."""
    spellings = table("outlets")["agencies"]
    return {str(k): str(v) for k, v in spellings.items()}


@cache
def dateline_patterns() -> tuple[DatelinePattern, ...]:
    """The table's dateline patterns, most specific first."""
    names = sorted(agencies(), key=len, reverse=True)
    known = "(?P<agency>(?i:" + "|".join(re.escape(n) for n in names) + "))"
    rows = table("outlets")["dateline"]
    out = []
    for row in rows:
        regex = row["pattern"].format(place=PLACE, region=REGION, date=DATE, agency=AGENCY,
                                      known=known, dash=DASH, month=MONTH)
        out.append(DatelinePattern(tuple(row["outlets"]), row["example"], re.compile(regex),
                                   bool(row.get("caps")), bool(row.get("known_agency")),
                                   bool(row.get("no_place"))))
    return tuple(out)


@cache
def stamp_labels() -> frozenset[str]:
    """Words that label a timestamp line ("Updated", "Published on", "Source")."""
    stamps = table("outlets")["stamps"]
    return frozenset(str(label) for label in stamps["labels"])


@cache
def byline_patterns() -> tuple[re.Pattern[str], ...]:
    """Byline lines ("By Jane Smith", "Helena Marsh in Edinburgh"), matched at a line's start."""
    bylines = table("outlets")["bylines"]
    return tuple(re.compile(str(p)) for p in bylines["patterns"])
