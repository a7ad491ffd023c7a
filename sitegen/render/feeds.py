"""Atom feeds for the site, each tag and each speaker, built with ElementTree.

ElementTree escapes every text and attribute, so a headline with `<` or `&` cannot break the XML.
Links are absolute URLs under `base_url`: feed readers have no base path to resolve against.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import partial

from sitegen.model import Article
from sitegen.render.context import SiteContext
from sitegen.render.output import Task, kept_task
from sitegen.taxonomy import Term
from sitegen.typography import typographic

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20


def site_feed(ctx: SiteContext) -> Task:
    return _feed(ctx, ctx.urls.feed(), ctx.urls.home(), ctx.config.title,
                 ctx.taxonomy.articles[:FEED_SIZE])


def term_feeds(ctx: SiteContext, kind: str) -> Iterator[Task]:
    terms: Sequence[Term] = ctx.taxonomy.tags if kind == "tags" else ctx.taxonomy.speakers
    for term in terms:
        yield _feed(ctx, ctx.urls.term_feed(kind, term.slug), ctx.urls.term(kind, term.slug),
                    f"{ctx.config.title}: {term.name}", term.articles[:FEED_SIZE])


def _updated(article: Article) -> datetime:
    return max(article.updated, article.date) if article.updated else article.date


def _feed(ctx: SiteContext, feed_url: str, page_url: str, title: str,
          articles: Sequence[Article]) -> Task:
    """The feed's entries are whole articles (bodies included): any edit to one changes it.
    Which articles they are is an aggregate (a story that joins a term joins its feed)."""
    entries = ctx.fp.aggregate(("feed", feed_url), tuple(str(a.path) for a in articles))
    if ctx.kept(path := ctx.urls.output_file(feed_url)):
        return kept_task(path)
    return Task(path,
                ("atom", feed_url, page_url, title, entries, ctx.fp.articles(articles)),
                partial(_atom, ctx, feed_url, page_url, title, articles))


def _atom(ctx: SiteContext, feed_url: str, page_url: str, title: str,
          articles: Sequence[Article]) -> bytes:
    urls = ctx.urls
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": ctx.config.language})

    def sub(parent: ET.Element, tag: str, text: str | None = None,
            **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", urls.absolute(feed_url))
    sub(feed, "title", title)
    if ctx.config.description:
        sub(feed, "subtitle", ctx.config.description)
    newest = max((_updated(a) for a in articles), default=None)
    sub(feed, "updated", (newest or datetime(1970, 1, 1, tzinfo=UTC)).isoformat())
    sub(feed, "link", rel="self", type="application/atom+xml", href=urls.absolute(feed_url))
    sub(feed, "link", rel="alternate", type="text/html", href=urls.absolute(page_url))
    author = sub(feed, "author")
    sub(author, "name", ctx.config.author or ctx.config.title)
    sub(feed, "generator", "sitegen")
    for article in articles:
        url = urls.absolute(urls.article(article))
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", typographic(article.title))   # as pages show it
        sub(entry, "updated", _updated(article).isoformat())
        sub(entry, "published", article.date.isoformat())
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        if article.source:
            sub(sub(entry, "author"), "name", article.source)
        for tag in article.tags:
            sub(entry, "category", term=tag)
        if article.subtitle:
            sub(entry, "summary", typographic(article.subtitle))
        sub(entry, "content", ctx.body(article).html, type="html")
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"
