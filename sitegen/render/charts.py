"""Small bar charts of a tag's stories or a speaker's quotes per month, drawn as inline SVG.

The counts are taken from the term the page already has (`term.articles` dates, or the dates of
the articles of `term.quotes`), so they are covered by the page's fingerprint (`fp.group(term)`
counts every article of a group by its date, and every quote), and cost one pass over the
term's list, only for the pages rendered. Geometry is worked out here, in whole numbers, so the
template writes plain attributes and two builds write the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.taxonomy import Term
from sitegen.theme import month_name

MAX_MONTHS = 120       # the most recent ten years at most
BAR_WIDTH = 8          # in viewBox units, with a gap of GAP after each bar
GAP = 2
HEIGHT = 100           # viewBox height; the CSS sets the drawn height, the width is the column's


@dataclass(frozen=True)
class Bar:
    """One month: its count and the bar's box in viewBox units (no box when the count is 0)."""

    year: int
    month: int
    count: int
    label: str      # "March 2023"
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class MonthChart:
    """What a term page draws: `title` ("Quotes per month, March 2023 to December 2024"),
    `unit` ("quotes" or "stories"), a bar per month from the first to the last (months with
    none included), the highest count and the first month that has it, and the viewBox size."""

    title: str
    unit: str
    bars: tuple[Bar, ...]
    peak: int
    peak_label: str
    width: int
    height: int = HEIGHT

    @property
    def first(self) -> str:
        return self.bars[0].label

    @property
    def last(self) -> str:
        return self.bars[-1].label


def month_counts(dates: Iterable[tuple[int, int]]) -> Counter[tuple[int, int]]:
    """How many of `dates` (year, month) fall in each month."""
    return Counter(dates)


def term_chart(kind: str, term: Term) -> MonthChart | None:
    """A speaker's quotes or a tag's stories per month, or None when they all fall in one
    month (a single bar says nothing a count does not)."""
    if kind == "speakers":
        counts = month_counts((a.date.year, a.date.month) for a, _ in term.quotes)
        return month_chart(counts, "Quotes", "quotes")
    counts = month_counts((a.date.year, a.date.month) for a in term.articles)
    return month_chart(counts, "Stories", "stories")


def month_chart(counts: Counter[tuple[int, int]], what: str, unit: str) -> MonthChart | None:
    """Bars for every month from the first counted to the last (at most `MAX_MONTHS`, the
    most recent), or None with fewer than two months."""
    if not counts:
        return None
    first, last = min(counts), max(counts)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span < 2:
        return None
    span = min(span, MAX_MONTHS)
    months = [_add_months(last, n - span + 1) for n in range(span)]
    peak = max(counts[m] for m in months)
    peak_month = next(m for m in months if counts[m] == peak)
    bars = []
    for n, (year, month) in enumerate(months):
        count = counts[(year, month)]
        height = max(2, round(count * HEIGHT / peak)) if count else 0
        bars.append(Bar(year, month, count, _label(year, month), n * (BAR_WIDTH + GAP),
                        HEIGHT - height, height))
    title = f"{what} per month, {bars[0].label} to {bars[-1].label}"
    return MonthChart(title, unit, tuple(bars), peak, _label(*peak_month),
                      span * (BAR_WIDTH + GAP) - GAP)


def _add_months(month: tuple[int, int], n: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + n
    return index // 12, index % 12 + 1


def _label(year: int, month: int) -> str:
    return f"{month_name(month)} {year}"
