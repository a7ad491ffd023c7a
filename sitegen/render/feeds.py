"""Atom feeds for the site, each tag and each speaker, written as text with ElementTree's escaping.

Every text and attribute is escaped by the standard library's `xml.sax.saxutils.escape`, with
the same replacements ElementTree makes (`_text`, `_attribute`), so a headline with `<` or `&`
cannot break the XML, and the bytes are the ones `ET.tostring` made before (held to it by
`tests/test_feeds.py`). An article's entry is the same in every feed that lists it (the site's,
each of its tags' and speakers'), so it is written once per article and render (`_entry`) and
reused: ElementTree built and serialized each feed's 20 entries afresh, about a tenth of the
page rendering's CPU.
Links are absolute URLs under `base_url`: feed readers have no base path to resolve against.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from sitegen.model import Article
from sitegen.render.context import SiteContext, term_owner
from sitegen.render.output import Task, kept_task
from sitegen.taxonomy import Term
from sitegen.typography import typographic

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}

# Each render's entries by article file, written once (the render's context: one per build, so
# a rebuild writes an edited story's entry afresh); a forked worker fills its own copy. Kept as
# the feed's bytes: half the memory of the text (a body with typographic quotes is two bytes a
# character as a `str`), about every article's entry in each render worker, 14 -> 7 KB an
# article at 50,000; and each entry is encoded once, not once per feed that lists it.
_entries: weakref.WeakKeyDictionary[SiteContext, dict[Path, bytes]] = \
    weakref.WeakKeyDictionary()
_ENCODING = ("utf-8", "xmlcharrefreplace")   # per piece as over the whole: per character


def site_feed(ctx: SiteContext) -> Task:
    return _feed(ctx, ctx.urls.feed(), ctx.urls.home(), ctx.config.title,
                 ctx.taxonomy.articles[:FEED_SIZE])


def term_feeds(ctx: SiteContext, kind: str) -> Iterator[Task]:
    terms: Sequence[Term] = ctx.taxonomy.tags if kind == "tags" else ctx.taxonomy.speakers
    for term in ctx.owners(terms, partial(term_owner, kind)):
        yield _feed(ctx, ctx.urls.term_feed(kind, term.slug), ctx.urls.term(kind, term.slug),
                    f"{ctx.config.title}: {term.name}", term.articles[:FEED_SIZE],
                    (kind, term.slug))


def _updated(article: Article) -> datetime:
    return max(article.updated, article.date) if article.updated else article.date


def _feed(ctx: SiteContext, feed_url: str, page_url: str, title: str,
          articles: Sequence[Article], owner: object = None) -> Task:
    """The feed's entries are whole articles (bodies included): any edit to one changes it.
    Which articles they are is an aggregate (a story that joins a term joins its feed)."""
    entries = ctx.fp.aggregate(("feed", feed_url), tuple(str(a.path) for a in articles))
    path = ctx.urls.output_file(feed_url)
    if ctx.kept(path if owner is None else ctx.owned(path, owner)):
        return kept_task(path)
    return Task(path,
                ("atom", feed_url, page_url, title, entries, ctx.fp.articles(articles)),
                partial(_atom, ctx, feed_url, page_url, title, articles))


def _text(text: str) -> str:
    """Character data escaped as ElementTree escapes it (`&`, `<`, `>`)."""
    return escape(text)


def _attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (also `"`, and line ends and tabs
    as references, so they survive attribute normalisation)."""
    return escape(text, _ATTRIBUTE)


def _element(tag: str, text: str | None = None, **attrs: str) -> str:
    """One element without children, as ElementTree writes it (an empty text is none)."""
    start = tag + "".join(f' {name}="{_attribute(value)}"' for name, value in attrs.items())
    return f"<{start}>{_text(text)}</{tag}>" if text else f"<{start} />"


def _atom(ctx: SiteContext, feed_url: str, page_url: str, title: str,
          articles: Sequence[Article]) -> bytes:
    urls = ctx.urls
    config = ctx.config
    parts = [_DECLARATION, f'<feed xmlns="{ATOM}" xml:lang="{_attribute(config.language)}">',
             _element("id", urls.absolute(feed_url)), _element("title", title)]
    if config.description:
        parts.append(_element("subtitle", config.description))
    newest = max((_updated(a) for a in articles), default=None)
    parts += [_element("updated", (newest or datetime(1970, 1, 1, tzinfo=UTC)).isoformat()),
              _element("link", rel="self", type="application/atom+xml",
                       href=urls.absolute(feed_url)),
              _element("link", rel="alternate", type="text/html", href=urls.absolute(page_url)),
              f"<author>{_element('name', config.author or config.title)}</author>",
              _element("generator", "sitegen")]
    entries = _entries.setdefault(ctx, {})
    written = ["".join(parts).encode(*_ENCODING)]
    for article in articles:
        entry = entries.get(article.path)
        if entry is None:
            entry = entries[article.path] = _entry(ctx, article).encode(*_ENCODING)
        written.append(entry)
    written.append(b"</feed>\n")
    return b"".join(written)


def _entry(ctx: SiteContext, article: Article) -> str:
    """An article's `<entry>`: the same in every feed that lists it."""
    url = ctx.urls.absolute(ctx.urls.article(article))
    parts = ["<entry>", _element("id", url),
             _element("title", typographic(article.title)),   # as pages show it
             _element("updated", _updated(article).isoformat()),
             _element("published", article.date.isoformat()),
             _element("link", rel="alternate", type="text/html", href=url)]
    if article.source:
        parts.append(f"<author>{_element('name', article.source)}</author>")
    parts += [_element("category", term=tag) for tag in article.tags]
    if article.subtitle:
        parts.append(_element("summary", typographic(article.subtitle)))
    parts += [_element("content", ctx.body(article).html, type="html"), "</entry>"]
    return "".join(parts)
