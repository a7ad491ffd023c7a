"""Each page's meta description: one specific sentence search engines can show as its snippet.

Every page gets its own (Lighthouse's SEO audit wants one on every page, and a description
shared by many pages tells a reader nothing), made from what the page shows: its stories, their
dates and counts. Each function takes only values the page's fingerprint already covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sitegen.model import Article
from sitegen.taxonomy import Month, Term, Year
from sitegen.theme import dateline, human_date, month_name
from sitegen.typography import typographic

LIMIT = 160   # what a search engine shows of a snippet, about


def clip(text: str, limit: int = LIMIT) -> str:
    """`text` in at most `limit` characters: cut at a word with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—") + "…"


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 story", "14 stories"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _stories(n: int) -> str:
    return counted(n, "story", "stories")


def _the(n: int, one: str, many: str) -> str:
    """ "The one story", "The 14 stories"."""
    return f"The one {one}" if n == 1 else f"The {n:,} {many}"


def span(articles: Sequence[Article]) -> str:
    """The dates of `articles` (newest first), oldest to newest: "June 12 to July 2, 2020"."""
    if not articles:
        return "no stories"
    newest, oldest = articles[0].date, articles[-1].date
    if newest.date() == oldest.date():
        return human_date(newest)
    if newest.year == oldest.year:
        return f"{_month_day(oldest)} to {human_date(newest)}"
    return f"{human_date(oldest)} to {human_date(newest)}"


def _month_day(when: datetime) -> str:
    return f"{month_name(when.month)} {when.day}"


def _headlines(articles: Sequence[Article], n: int = 3) -> str:
    return "; ".join(typographic(a.title) for a in articles[:n])


def article(item: Article, first_paragraph: str) -> str:
    """Its standfirst; without one, its dateline and the start of its first paragraph."""
    if item.subtitle:
        return clip(typographic(item.subtitle))
    return clip(f"{dateline(item)}: {typographic(first_paragraph or item.title)}")


def front_page(site: str, description: str | None, number: int, total: int,
               articles: Sequence[Article]) -> str:
    """The first page: the site's own description, or its title and first headlines; a later
    page: its number, the dates it covers and its first headlines."""
    if number == 1:
        if description:
            return description
        return clip(f"{site}: {_headlines(articles)}") if articles else site
    return clip(f"{site}, page {number} of {total}, stories of {span(articles)}: "
                f"{_headlines(articles)}")


def term_page(kind: str, term: Term, site: str, number: int, total: int,
              articles: Sequence[Article]) -> str:
    """ "Stories tagged Oil on Wire Desk: 14 stories, the latest on March 3, 2024." or
    "Sergey Lavrov, Russian Foreign Minister, as quoted on Wire Desk: 12 quotes in 5 stories,
    the latest on ..."; a later page says which stories it holds."""
    if kind == "tags":
        who = f"Stories tagged {term.name} on {site}"
    else:
        role = f", {term.role}," if term.role else ""
        who = f"{term.name}{role} {'quoted' if term.quotes else 'named'} on {site}"
    if number > 1:
        return clip(f"{who}, page {number} of {total}: stories of {span(articles)}.")
    many = (f"{counted(len(term.quotes), 'quote')} in {_stories(len(term.articles))}"
            if kind == "speakers" and term.quotes else _stories(len(term.articles)))
    latest = f", the latest on {human_date(term.articles[0].date)}" if term.articles else ""
    return clip(f"{who}: {many}{latest}.")


def taxonomy_index(kind: str, order: str, terms: Sequence[Term], busiest: Sequence[Term],
                   site: str) -> str:
    """The tag index names its busiest tags; the speaker index says its order."""
    if kind == "tags":
        top = (f", the most covered first ({', '.join(t.name for t in busiest[:3])}), then A-Z"
               if busiest else ", A-Z")
        return clip(f"All {counted(len(terms), 'tag')} of {site}{top}.")
    who = _the(len(terms), "person", "people")
    if order == "quotes":
        top = ", ".join(f"{t.name} ({counted(len(t.quotes), 'quote')})" for t in terms[:3])
        return clip(f"{who} quoted or named on {site}, most quoted first: {top}.")
    return clip(f"{who} quoted or named on {site}, A-Z, with their latest role and how many "
                "quotes and stories each has.")


def archive(site: str, years: Sequence[Year]) -> str:
    if not years:
        return f"The archive of {site}: no stories yet."
    first, last = years[-1].months[-1], years[0].months[0]
    total = sum(y.count for y in years)
    since, until = (f"{month_name(m.month)} {m.year}" for m in (first, last))
    when = f"of {until}" if since == until else f"from {since} to {until}"
    return f"Every story of {site} by year and month: {_stories(total)} {when}."


def year_page(site: str, year: Year) -> str:
    months = ", ".join(f"{month_name(m.month)} ({m.count})" for m in reversed(year.months))
    return clip(f"{_the(year.count, 'story', 'stories')} of {year.year} on {site}, by month: "
                f"{months}.")


def month_page(site: str, year: int, month: Month) -> str:
    return clip(f"{_the(month.count, 'story', 'stories')} of {month_name(month.month)} {year} "
                f"on {site}: {_headlines(month.articles)}")


def not_found(site: str) -> str:
    return (f"There is no page at this address on {site}; it may have moved. The front page "
            "and the archive list every story.")
