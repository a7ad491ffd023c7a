"""HTML pages: articles, the paginated front page, taxonomy pages, archives and the 404 page.

Each function takes the shared `SiteContext` and yields `Task`s (rendered later, and only when
their inputs changed); templates get plain values (records, URLs, pagers), never the renderer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sitegen.model import Article, Quote, Speaker, name_key
from sitegen.render import descriptions
from sitegen.render.cards import card_url
from sitegen.render.charts import term_chart
from sitegen.render.context import (
    Entry,
    QuoteLink,
    SiteContext,
    TermLink,
    plain_speakers,
    term_owner,
)
from sitegen.render.front import FrontPlan, front, front_plan
from sitegen.render.output import Task, kept_task
from sitegen.render.paginate import Pager, paginate
from sitegen.taxonomy import Month, Term, Year
from sitegen.theme import dateline, month_name
from sitegen.typography import typographic

KIND_TITLES = {"tags": "Tags", "speakers": "Speakers"}

# Each page is `ctx.page(template, url, sources, values)`: `values()` builds what the template is
# given, only when the page is rendered, and must depend on nothing but `sources` and the settings.
# Sources are plain values and `ctx.fp` digests of articles and groups (render/fingerprint.py);
# tests/test_incremental.py holds this to a clean build.


def article_pages(ctx: SiteContext) -> Iterator[Task]:
    """A page per article; one that `ctx.kept` says is as the last build made it is a
    `kept_task` (its sources are not even gathered), as in every function here."""
    for article in ctx.owned_articles():
        url = ctx.urls.article(article)   # once: its memo's key hashes a path and a date
        path = ctx.owned(ctx.urls.output_file(url), article.path)
        if ctx.kept(path):
            yield kept_task(path)
            continue
        tags = tuple(TermLink(t.name, t.slug) for t in map(ctx.taxonomy.tag_for, article.tags)
                     if t) if "tags" in ctx.config.taxonomies else ()
        speakers = ctx.speaker_links(article)
        related = ctx.related.to(article)
        yield ctx.page("article.html", url,
                       (ctx.fp.article(article), ctx.fp.articles(related),
                        tuple((t.name, t.slug) for t in tags),   # plain: repr'd to fingerprint
                        plain_speakers(speakers)),
                       partial(_article_values, ctx, article, related, tags, speakers))


def _article_values(ctx: SiteContext, article: Article, related: tuple[Article, ...],
                    tags: tuple[TermLink, ...],
                    speakers: tuple[tuple[Speaker, TermLink | None], ...]) -> dict[str, Any]:
    body = ctx.body(article)
    first = body.paragraphs[0].text if body.paragraphs else ""
    return {"title": typographic(article.title),
            "description": descriptions.article(article, first),
            "kind": "article",
            **_card_image(ctx, ctx.urls.article(article),
                          f"{typographic(article.title)} ({dateline(article)})"),
            "jsonld": news_article_ld(ctx, article, speakers), "article": article,
            "body": Markup(body.html), "tags": list(tags), "speakers": list(speakers),
            "words": body.words, "related": [ctx.entry(a) for a in related],
            "minutes": body.minutes, "pull_quote": ctx.pull_quote(article, speakers),
            "speaker_cards": [_card(article, speaker, link) for speaker, link in speakers]}


@dataclass(frozen=True)
class SpeakerCard:
    """A person quoted in an article as its page shows them: name, role there, the slug of
    their page (or None) and how many of the article's quotes are theirs."""

    name: str
    role: str | None
    slug: str | None
    quotes: int


def _card(article: Article, speaker: Speaker, link: TermLink | None) -> SpeakerCard:
    name = name_key(speaker.name)
    count = sum(1 for q in article.quotes if q.speaker and name_key(q.speaker) == name)
    return SpeakerCard(speaker.name, speaker.role, link.slug if link else None, count)


def _card_image(ctx: SiteContext, page_url: str, alt: str) -> dict[str, str]:
    """The `image` and `image_alt` of a page that has a card image (`render/cards.py`), when
    cards are drawn (the setting is in every page's render key)."""
    if not ctx.config.cards:
        return {}
    return {"image": ctx.urls.absolute(card_url(page_url)), "image_alt": alt}


def home_pages(ctx: SiteContext) -> Iterator[Task]:
    """The front page: the first page a lead story, a grid, tag sections and the most quoted
    (`render/front.py`); later pages plain lists."""
    for pager in paginate(ctx.taxonomy.articles, ctx.config.per_page, ctx.urls.home):
        # the first page's busiest tags and most quoted people: an aggregate of the terms
        plan = front_plan(ctx.taxonomy, pager.items,
                          tags="tags" in ctx.config.taxonomies,
                          speakers="speakers" in ctx.config.taxonomies) \
            if pager.number == 1 else None
        shown = plan and ctx.fp.aggregate(("front",), plan.sources(ctx.fp))
        if ctx.kept(path := ctx.urls.output_file(pager.url)):
            yield kept_task(path)
            continue
        lead = ctx.speaker_links(pager.items[0]) if plan and pager.items else ()
        yield ctx.page("index.html", pager.url,
                       (pager.number, pager.total, ctx.fp.articles(pager.items),
                        shown, plain_speakers(lead)),
                       partial(_home_values, ctx, pager, plan, lead))


def _home_values(ctx: SiteContext, pager: Pager[Article], plan: FrontPlan | None,
                 lead: tuple[tuple[Speaker, TermLink | None], ...]) -> dict[str, Any]:
    title = ctx.config.title if pager.number == 1 else f"{ctx.config.title} – page {pager.number}"
    entries = _entries(ctx, pager.items)
    return {"title": title,
            "description": descriptions.front_page(ctx.config.title, ctx.config.description,
                                                   pager.number, pager.total, pager.items),
            "feed": ctx.urls.feed(), "articles": entries,
            "pager": _with_items(pager, entries),
            "front": front(ctx, entries, plan, lead) if plan else None}


def _entries(ctx: SiteContext, articles: Sequence[Article]) -> tuple[Entry, ...]:
    return tuple(ctx.entry(a) for a in articles)


def _with_items(pager: Pager[Article], items: tuple[Entry, ...]) -> Pager[Entry]:
    return Pager(pager.number, pager.total, items, pager.url, pager.prev_url, pager.next_url)


def taxonomy_pages(ctx: SiteContext, kind: str) -> Iterator[Task]:
    """The index of all terms of `kind` and each term's paginated page."""
    terms = ctx.taxonomy.tags if kind == "tags" else ctx.taxonomy.speakers
    orders = ("name", "quotes") if kind == "speakers" else ("name",)
    links = {order: ctx.urls.taxonomy(kind, order) for order in orders}
    for order in orders:
        # The site's kind of each tag (person, place...), merged over all articles'
        # `tag_kinds` (an aggregate: a changed kind renders the index again).
        kinds = tuple(sorted(ctx.tag_kinds().items())) if kind == "tags" else ()
        voted = ctx.fp.aggregate(("kinds", kind), kinds)
        if ctx.kept(path := ctx.urls.output_file(links[order])):
            yield kept_task(path)
            continue
        yield ctx.page("taxonomy.html", links[order],
                       (kind, order, ctx.fp.groups(terms, kind), voted),
                       partial(_taxonomy_values, kind, terms, order, links,
                               ctx.config.title, dict(kinds)))
    for term in ctx.owners(terms, partial(term_owner, kind)):
        yield from _term_pages(ctx, kind, term)


BUSIEST_TAGS = 24   # tags shown as "most covered" above the A-Z list (in each kind's section)
# The sections of the tag index's "most covered", in order: each kind of tag the importer
# names (`taxonomy.TAG_KINDS`), then the tags of no kind.
KIND_SECTIONS = (("person", "People"), ("organisation", "Organisations"), ("place", "Places"),
                 ("topic", "Topics"), ("other", "Other"))


@dataclass(frozen=True)
class KindSection:
    """The busiest tags of one kind (`kind` one of `KIND_SECTIONS`, "other" for tags of no
    kind), most covered first, under `title`."""

    kind: str
    title: str
    terms: tuple[Term, ...]


def _taxonomy_values(kind: str, terms: tuple[Term, ...], order: str,
                     links: dict[str, str], site: str,
                     kinds: dict[str, str]) -> dict[str, Any]:
    """An index: speakers as cards in `order` (A-Z or most quoted first), tags as the busiest
    (by kind when tags have kinds) then all of them A-Z under letters."""
    title = KIND_TITLES[kind] + (", most quoted first" if order == "quotes" else "")
    ordered = (tuple(sorted(terms, key=lambda t: (-len(t.quotes), -len(t.articles),
                                                  t.name.casefold(), t.slug)))
               if order == "quotes" else terms)
    busiest = _busiest(terms) if kind == "tags" else ()
    return {"title": title, "taxonomy": kind, "terms": ordered, "order": order,
            "description": descriptions.taxonomy_index(kind, order, ordered, busiest, site),
            "orders": links, "busiest": busiest,
            "kinds": by_kind(terms, kinds) if kind == "tags" else (),
            "letters": by_letter(terms)}


def _busiest(terms: Iterable[Term]) -> tuple[Term, ...]:
    """Up to `BUSIEST_TAGS` of `terms` in more than one article, most articles first."""
    return tuple(sorted((t for t in terms if len(t.articles) > 1),
                        key=lambda t: (-len(t.articles), t.name.casefold(), t.slug))
                 )[:BUSIEST_TAGS]


def by_kind(terms: Sequence[Term], kinds: dict[str, str]) -> tuple[KindSection, ...]:
    """The busiest tags of each kind (`kinds`: slug -> kind, `taxonomy.tag_kinds`), a section per
    kind in `KIND_SECTIONS` order, empty ones left out; none at all (the page shows the busiest
    by size alone) when only "other" would be left, as on a site whose tags have no kinds."""
    sections = tuple(KindSection(name, title, found) for name, title in KIND_SECTIONS
                     if (found := _busiest(t for t in terms
                                           if kinds.get(t.slug, "other") == name)))
    return sections if any(s.kind != "other" for s in sections) else ()


def by_letter(terms: Sequence[Term]) -> tuple[tuple[str, tuple[Term, ...]], ...]:
    """Terms under the letter their name starts with (accents dropped, so "Élysée" is under
    E; a name not starting with a letter under "#"), letters in order, "#" first."""
    groups: dict[str, list[Term]] = {}
    for term in terms:
        groups.setdefault(initial(term.name), []).append(term)
    return tuple((letter, tuple(groups[letter]))
                 for letter in sorted(groups, key=lambda g: (g != "#", g)))


def initial(name: str) -> str:
    first = unicodedata.normalize("NFKD", name.strip()[:1])[:1].upper()
    return first if first.isalpha() else "#"


def _term_pages(ctx: SiteContext, kind: str, term: Term) -> Iterator[Task]:
    quotes = _QuoteLinks(ctx, term)
    for pager in paginate(term.articles, ctx.config.per_page,
                          lambda n: ctx.urls.term(kind, term.slug, n)):
        if ctx.kept(path := ctx.owned(ctx.urls.output_file(pager.url), (kind, term.slug))):
            yield kept_task(path)
            continue
        yield ctx.page("term.html", pager.url, (kind, ctx.fp.group(term, kind), pager.number,
                                                pager.total, ctx.fp.articles(pager.items)),
                       partial(_term_values, ctx, kind, term, pager, quotes))


class _QuoteLinks:
    """A speaker's quotes by article, grouped once per term; linked to their paragraphs only for
    the articles of pages being rendered."""

    def __init__(self, ctx: SiteContext, term: Term) -> None:
        self._ctx, self._term = ctx, term
        self._quotes: dict[Path, list[Quote]] | None = None   # by article file

    def of(self, article: Article) -> tuple[QuoteLink, ...]:
        if self._quotes is None:
            self._quotes = {}
            for quoted, quote in self._term.quotes:
                self._quotes.setdefault(quoted.path, []).append(quote)
        return tuple(self._ctx.quote_link(article, quote)
                     for quote in self._quotes.get(article.path, ()))


def _term_values(ctx: SiteContext, kind: str, term: Term, pager: Pager[Article],
                 quotes: _QuoteLinks) -> dict[str, Any]:
    entries = tuple(Entry(a, ctx.urls.article(a), quotes.of(a)) for a in pager.items)
    title = term.name if pager.number == 1 else f"{term.name} – page {pager.number}"
    description = descriptions.term_page(kind, term, ctx.config.title, pager.number,
                                         pager.total, pager.items)
    return {"title": title, "description": description,
            "feed": ctx.urls.term_feed(kind, term.slug),
            "jsonld": person_ld(ctx, term) if kind == "speakers" else None,
            **(_card_image(ctx, ctx.urls.speaker(term.slug),
                     f"{term.name}{f', {term.role}' if term.role else ''}: quotes")
               if kind == "speakers" and pager.number == 1 else {}),
            "taxonomy": kind, "term": term, "articles": entries,
            "pager": _with_items(pager, entries),
            # Counted from the term's dates and quotes, which `fp.group(term)` covers.
            "chart": term_chart(kind, term) if pager.number == 1 else None}


def archive_pages(ctx: SiteContext) -> Iterator[Task]:
    years = ctx.taxonomy.years
    if ctx.kept(path := ctx.urls.output_file(ctx.urls.archive())):
        yield kept_task(path)
    else:
        yield ctx.page("archive.html", ctx.urls.archive(), ctx.fp.groups(years),
                       lambda: {"title": "Archive", "years": years, "heading": "Archive",
                                "articles": (),
                                "description": descriptions.archive(ctx.config.title, years)})
    for year in years:
        if ctx.kept(path := ctx.urls.output_file(ctx.urls.year(year.year))):
            yield kept_task(path)
        else:
            yield ctx.page("archive.html", ctx.urls.year(year.year), (ctx.fp.group(year),),
                           partial(_year_values, ctx.config.title, year))
        for month in year.months:
            if ctx.kept(path := ctx.urls.output_file(ctx.urls.month(year.year, month.month))):
                yield kept_task(path)
                continue
            yield ctx.page("archive.html", ctx.urls.month(year.year, month.month),
                           (year.year, ctx.fp.group(month), ctx.fp.articles(month.articles)),
                           partial(_month_values, ctx, year.year, month))


def _year_values(site: str, year: Year) -> dict[str, Any]:
    return {"title": f"Archive {year.year}", "heading": str(year.year), "years": (year,),
            "articles": (), "description": descriptions.year_page(site, year)}


def _month_values(ctx: SiteContext, year: int, month: Month) -> dict[str, Any]:
    name = f"{month_name(month.month)} {year}"
    return {"title": f"Archive {name}", "heading": name, "years": (),
            "articles": _entries(ctx, month.articles),
            "description": descriptions.month_page(ctx.config.title, year, month)}


def not_found_page(ctx: SiteContext) -> Iterator[Task]:
    yield ctx.page("404.html", ctx.urls.not_found(), (),
                   lambda: {"title": "Page not found",
                            "description": descriptions.not_found(ctx.config.title)})


def news_article_ld(ctx: SiteContext, article: Article,
                    speakers: Sequence[tuple[Speaker, TermLink | None]]) -> dict[str, Any]:
    """schema.org NewsArticle for search engines; values are plain data, escaped on output."""
    urls = ctx.urls
    publisher = {"@type": "Organization", "name": ctx.config.title, "url": ctx.config.site_url}
    author: dict[str, Any] = (
        {"@type": "Organization", "name": article.source} if article.source else
        {"@type": "Person", "name": ctx.config.author} if ctx.config.author else publisher)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": typographic(article.title),
        "url": urls.absolute(urls.article(article)),
        "mainEntityOfPage": urls.absolute(urls.article(article)),
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "author": author, "publisher": publisher,
        "dateline": dateline(article),
        "inLanguage": ctx.config.language,
    }
    if article.subtitle:
        data["description"] = typographic(article.subtitle)
    if ctx.config.cards:
        data["image"] = [urls.absolute(card_url(urls.article(article)))]
    if article.tags:
        data["keywords"] = list(article.tags)
    data["wordCount"] = ctx.body(article).words
    if article.location:
        data["locationCreated"] = {"@type": "Place", "name": article.location}
    mentions = []
    for speaker, link in speakers:
        person: dict[str, Any] = {"@type": "Person", "name": speaker.name}
        if speaker.role:
            person["jobTitle"] = speaker.role
        if link is not None:
            person["url"] = urls.absolute(urls.speaker(link.slug))
        mentions.append(person)
    if mentions:
        data["mentions"] = mentions
    return data


def person_ld(ctx: SiteContext, term: Term) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person",
                            "name": term.name,
                            "url": ctx.urls.absolute(ctx.urls.speaker(term.slug))}
    if term.role:
        data["jobTitle"] = term.role
    if ctx.config.cards:
        data["image"] = ctx.urls.absolute(card_url(ctx.urls.speaker(term.slug)))
    return data
