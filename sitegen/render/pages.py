"""HTML pages: articles, the paginated front page, taxonomy pages, archives and the 404 page.

Each function takes the shared `SiteContext` and yields `Task`s (rendered later, and only when
their inputs changed); templates get plain values (records, URLs, pagers), never the renderer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from sitegen.model import Article
from sitegen.render.context import Entry, SiteContext, TermLink
from sitegen.render.output import Task
from sitegen.render.paginate import paginate
from sitegen.taxonomy import Term
from sitegen.theme import dateline, month_name

KIND_TITLES = {"tags": "Tags", "speakers": "Speakers"}


def article_pages(ctx: SiteContext) -> Iterator[Task]:
    for article in ctx.taxonomy.articles:
        url = ctx.urls.article(article)
        tags = [TermLink(t.name, t.slug) for t in map(ctx.taxonomy.tag_for, article.tags) if t]
        speakers = [(s, _link(ctx.taxonomy.speaker_for(s.name))) for s in article.speakers]
        if "tags" not in ctx.config.taxonomies:
            tags = []
        if "speakers" not in ctx.config.taxonomies:
            speakers = [(s, None) for s, _ in speakers]
        yield ctx.page("article.html", url, title=article.title,
                       description=article.subtitle or "", kind="article",
                       jsonld=news_article_ld(ctx, article),
                       article=article, body=Markup(ctx.body(article).html), tags=tags,
                       speakers=speakers, words=ctx.body(article).words,
                       related=[ctx.entry(a) for a in ctx.related.to(article)],
                       minutes=ctx.body(article).minutes)


def _link(term: Term | None) -> TermLink | None:
    return TermLink(term.name, term.slug) if term else None


def home_pages(ctx: SiteContext) -> Iterator[Task]:
    entries = [ctx.entry(a) for a in ctx.taxonomy.articles]
    for pager in paginate(entries, ctx.config.per_page, ctx.urls.home):
        title = ctx.config.title if pager.number == 1 else \
            f"{ctx.config.title} – page {pager.number}"
        yield ctx.page("index.html", pager.url, title=title, feed=ctx.urls.feed(),
                       articles=pager.items, pager=pager)


def taxonomy_pages(ctx: SiteContext, kind: str) -> Iterator[Task]:
    """The index of all terms of `kind` and each term's paginated page."""
    terms = ctx.taxonomy.tags if kind == "tags" else ctx.taxonomy.speakers
    yield ctx.page("taxonomy.html", ctx.urls.taxonomy(kind), title=KIND_TITLES[kind],
                   taxonomy=kind, terms=terms)
    for term in terms:
        yield from _term_pages(ctx, kind, term)


def _term_pages(ctx: SiteContext, kind: str, term: Term) -> Iterator[Task]:
    quotes: dict[int, list[Any]] = {}
    for article, quote in term.quotes:
        quotes.setdefault(id(article), []).append(ctx.quote_link(article, quote))
    entries = [Entry(a, ctx.urls.article(a), tuple(quotes.get(id(a), ()))) for a in term.articles]
    feed = ctx.urls.term_feed(kind, term.slug)
    for pager in paginate(entries, ctx.config.per_page,
                          lambda n: ctx.urls.term(kind, term.slug, n)):
        title = term.name if pager.number == 1 else f"{term.name} – page {pager.number}"
        jsonld = person_ld(ctx, term) if kind == "speakers" else None
        description = (f"{term.name}, {term.role}: quotes and articles" if term.role else
                       f"Articles about {term.name}" if kind == "tags" else
                       f"{term.name}: quotes and articles")
        yield ctx.page("term.html", pager.url, title=title, description=description,
                       feed=feed, jsonld=jsonld, taxonomy=kind, term=term,
                       articles=pager.items, pager=pager)


def archive_pages(ctx: SiteContext) -> Iterator[Task]:
    years = ctx.taxonomy.years
    yield ctx.page("archive.html", ctx.urls.archive(), title="Archive", years=years,
                   heading="Archive", articles=())
    for year in years:
        yield ctx.page("archive.html", ctx.urls.year(year.year), title=f"Archive {year.year}",
                       heading=str(year.year), years=(year,), articles=())
        for month in year.months:
            name = f"{month_name(month.month)} {year.year}"
            yield ctx.page("archive.html", ctx.urls.month(year.year, month.month),
                           title=f"Archive {name}", heading=name, years=(),
                           articles=tuple(ctx.entry(a) for a in month.articles))


def not_found_page(ctx: SiteContext) -> Iterator[Task]:
    yield ctx.page("404.html", ctx.urls.not_found(), title="Page not found")


def news_article_ld(ctx: SiteContext, article: Article) -> dict[str, Any]:
    """schema.org NewsArticle for search engines; values are plain data, escaped on output."""
    urls = ctx.urls
    publisher = {"@type": "Organization", "name": ctx.config.title, "url": ctx.config.site_url}
    author: dict[str, Any] = (
        {"@type": "Organization", "name": article.source} if article.source else
        {"@type": "Person", "name": ctx.config.author} if ctx.config.author else publisher)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title,
        "url": urls.absolute(urls.article(article)),
        "mainEntityOfPage": urls.absolute(urls.article(article)),
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "author": author, "publisher": publisher,
        "dateline": dateline(article),
        "inLanguage": ctx.config.language,
    }
    if article.subtitle:
        data["description"] = article.subtitle
    if article.tags:
        data["keywords"] = list(article.tags)
    data["wordCount"] = ctx.body(article).words
    if article.location:
        data["locationCreated"] = {"@type": "Place", "name": article.location}
    mentions = []
    for speaker in article.speakers:
        person: dict[str, Any] = {"@type": "Person", "name": speaker.name}
        if speaker.role:
            person["jobTitle"] = speaker.role
        term = ctx.taxonomy.speaker_for(speaker.name)
        if term and "speakers" in ctx.config.taxonomies:
            person["url"] = urls.absolute(urls.speaker(term.slug))
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
    return data
