"""What the first page of the front page shows beyond its list: the busiest tags, each with a
few headlines, and the people most quoted in the last days, each with one quote.

Chosen from the taxonomy the build already has, at a cost that does not grow with the site: the
tags are ranked by the length of their article lists, each tag's headlines are the first of its
newest-first list, and the quotes counted are those of the articles of the last `QUOTED_DAYS`
days before the newest article (not before the build clock, so the same content always builds
the same page). `sources()` is what the page's fingerprint takes, so an incremental build
re-renders the front page whenever anything it shows changes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sitegen.model import Article, Quote, Speaker
from sitegen.render.context import Entry, PullQuote, QuoteLink, SiteContext, TermLink, excerpt
from sitegen.render.fingerprint import Fingerprints
from sitegen.taxonomy import Taxonomy, Term

SECTIONS = 4        # busiest tags given a section
HEADLINES = 4       # headlines in each
QUOTED = 5          # people in "most quoted"
QUOTED_DAYS = 7     # ... counting the quotes of this many days before the newest article


@dataclass(frozen=True)
class Section:
    """A busy tag and its newest articles not already on the page."""

    term: Term
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Quoted:
    """A person quoted in the last days: how often, and their newest quote there."""

    term: Term
    count: int
    article: Article
    quote: Quote


@dataclass(frozen=True)
class FrontPlan:
    sections: tuple[Section, ...]
    quoted: tuple[Quoted, ...]
    since: datetime | None   # the start of the "most quoted" window (None: no articles)
    until: datetime | None   # the newest article's date

    def sources(self, fp: Fingerprints) -> tuple[object, ...]:
        """Plain values and digests of everything the page shows from this plan."""
        return (
            tuple((s.term.name, s.term.slug, len(s.term.articles), fp.articles(s.articles))
                  for s in self.sections),
            tuple((q.term.name, q.term.slug, q.term.role, q.count, fp.article(q.article),
                   q.quote.text) for q in self.quoted),
            self.since, self.until)


def front_plan(taxonomy: Taxonomy, shown: tuple[Article, ...], *, tags: bool,
               speakers: bool) -> FrontPlan:
    """The plan of the first page, whose list shows `shown`."""
    on_page = {a.path for a in shown}
    sections = _sections(taxonomy, on_page) if tags else ()
    until = taxonomy.articles[0].date if taxonomy.articles else None
    since = until - timedelta(days=QUOTED_DAYS) if until else None
    quoted = _quoted(taxonomy, since) if speakers and since else ()
    return FrontPlan(sections, quoted, since, until)


def _sections(taxonomy: Taxonomy, on_page: set[Path]) -> tuple[Section, ...]:
    busiest = sorted(taxonomy.tags, key=lambda t: (-len(t.articles), t.name.casefold(), t.slug))
    sections: list[Section] = []
    for term in busiest:
        if len(sections) == SECTIONS or len(term.articles) < 2:
            break
        fresh: list[Article] = []
        for article in term.articles:   # newest first; at most a page and HEADLINES are read
            if article.path not in on_page:
                fresh.append(article)
                if len(fresh) == HEADLINES:
                    break
        if fresh:
            sections.append(Section(term, tuple(fresh)))
    return tuple(sections)


def _quoted(taxonomy: Taxonomy, since: datetime) -> tuple[Quoted, ...]:
    counts: Counter[str] = Counter()
    newest: dict[str, tuple[Article, Quote]] = {}
    terms: dict[str, Term] = {}
    for article in taxonomy.articles:   # newest first: stop at the first one before the window
        if article.date <= since:
            break
        for quote in article.quotes:
            term = taxonomy.speaker_for(quote.speaker) if quote.speaker else None
            if term is None:
                continue
            counts[term.slug] += 1
            terms[term.slug] = term
            newest.setdefault(term.slug, (article, quote))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], terms[kv[0]].name.casefold(), kv[0]))
    return tuple(Quoted(terms[slug], n, *newest[slug]) for slug, n in top[:QUOTED])


# What `index.html` gets as `front` on the first page.

@dataclass(frozen=True)
class TagSection:
    name: str
    slug: str
    count: int                    # the tag's articles, all of them
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class QuotedPerson:
    name: str
    slug: str
    role: str | None              # the latest role any article gave
    count: int                    # quotes in the window
    quote: QuoteLink              # an excerpt of the newest, linked to its paragraph
    entry: Entry                  # the article it is from


@dataclass(frozen=True)
class Front:
    lead: Entry | None
    quote: PullQuote | None       # the lead story's pull quote
    latest: tuple[Entry, ...]     # the rest of the first page's list
    sections: tuple[TagSection, ...]
    quoted: tuple[QuotedPerson, ...]
    since: datetime | None
    until: datetime | None
    days: int = QUOTED_DAYS       # the length of that window


def front(ctx: SiteContext, entries: tuple[Entry, ...], plan: FrontPlan,
          lead_speakers: tuple[tuple[Speaker, TermLink | None], ...]) -> Front:
    """The first page's `front` from its list's entries, its plan and the lead story's
    `speaker_links` (for its pull quote)."""
    lead = entries[0] if entries else None
    sections = tuple(TagSection(s.term.name, s.term.slug, len(s.term.articles),
                                tuple(map(ctx.entry, s.articles))) for s in plan.sections)
    quoted = tuple(QuotedPerson(q.term.name, q.term.slug, q.term.role, q.count,
                                QuoteLink(excerpt(q.quote.text),
                                          ctx.quote_link(q.article, q.quote).url),
                                ctx.entry(q.article)) for q in plan.quoted)
    quote = ctx.pull_quote(lead.article, lead_speakers) if lead else None
    return Front(lead, quote, entries[1:], sections, quoted, plan.since, plan.until)
