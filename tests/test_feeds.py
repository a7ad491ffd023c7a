"""Atom feeds are written as text, each article's entry once per render and reused in every feed
that lists it (`render/feeds.py`): the bytes are the ones ElementTree made, every entry is its
own article's, and a rebuild in the same process shows an edited story in every feed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.content import load_articles
from sitegen.incremental.stores import BuildCache
from sitegen.model import Article
from sitegen.render import feeds
from sitegen.render.context import SiteContext
from sitegen.site import build_site
from sitegen.taxonomy import build_taxonomy
from sitegen.typography import typographic
from tests.conftest import snapshot, write_article, write_config

HOSTILE = 'Fish & <Chips> "at" 5>4\ttabbed'
ENTRY = re.compile(rb"<entry>.*?</entry>", re.S)


def _et_atom(ctx: SiteContext, feed_url: str, page_url: str, title: str,
             articles: Sequence[Article]) -> bytes:
    """The feed as ElementTree made it before (the reference the text must equal)."""
    atom, urls = feeds.ATOM, ctx.urls
    ET.register_namespace("", atom)
    feed = ET.Element(f"{{{atom}}}feed", {"xml:lang": ctx.config.language})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{atom}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", urls.absolute(feed_url))
    sub(feed, "title", title)
    if ctx.config.description:
        sub(feed, "subtitle", ctx.config.description)
    newest = max((feeds._updated(a) for a in articles), default=None)
    sub(feed, "updated", (newest or datetime(1970, 1, 1, tzinfo=UTC)).isoformat())
    sub(feed, "link", rel="self", type="application/atom+xml", href=urls.absolute(feed_url))
    sub(feed, "link", rel="alternate", type="text/html", href=urls.absolute(page_url))
    sub(sub(feed, "author"), "name", ctx.config.author or ctx.config.title)
    sub(feed, "generator", "sitegen")
    for article in articles:
        url = urls.absolute(urls.article(article))
        entry = sub(feed, "entry")
        sub(entry, "id", url)
        sub(entry, "title", typographic(article.title))
        sub(entry, "updated", feeds._updated(article).isoformat())
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


def _site(root: Path, description: str = HOSTILE) -> Path:
    (root / "content").mkdir(parents=True)
    write_config(root, f'title = "News & <Views>"\nbase_url = "https://x.example/a&b/"\n'
                       f'description = {json.dumps(description)}\ncards = false\n'
                       'search = false\n')
    for n in range(7):
        write_article(root / "content", f"story-{n}", f"Body {n} with *stress* & <b>tags</b>.\n",
                      title=f"Story {n}: {HOSTILE}" if n % 2 else f"Story {n}",
                      date=f"2024-03-{n + 1:02d}T10:00:00Z",
                      tags=["Shared", f"Own {n}"] + (["Odd & <even>"] if n % 2 else []),
                      speakers=[{"name": "Ann Lee"}] if n % 3 == 0 else [],
                      **({"subtitle": f"Sub {HOSTILE}", "source": "Wire & Co"} if n % 2 else {}))
    return root


def test_every_feed_is_the_bytes_elementtree_made(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    config = load_config(root)
    articles = build_taxonomy(load_articles(config))
    ctx = SiteContext(articles.articles, articles, config, None, BuildCache(None))
    tasks = [feeds.site_feed(ctx), *feeds.term_feeds(ctx, "tags"),
             *feeds.term_feeds(ctx, "speakers")]
    assert len(tasks) >= 10
    for task in tasks:
        _, feed_url, page_url, title, *_ = task.inputs  # type: ignore[misc]
        listed = task.make.args[-1]  # type: ignore[attr-defined]
        assert task.make() == _et_atom(ctx, feed_url, page_url, title, listed), task.path


def test_each_entry_is_its_own_article_in_every_feed_that_lists_it(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build_site(load_config(root), import_raw=False)
    pages = snapshot(root / "_site")
    feed_files = [p for p in pages if p.endswith(".xml") and "sitemap" not in p]
    entries: dict[bytes, set[bytes]] = {}
    for path in feed_files:
        for entry in ENTRY.findall(pages[path]):
            [link] = re.findall(rb"<id>(.*?)</id>", entry)
            [title] = re.findall(rb"<title>(.*?)</title>", entry)
            number = re.search(rb"story-(\d)", link)
            assert number and title.startswith(b"Story " + number.group(1)), (path, entry)
            entries.setdefault(link, set()).add(entry)
    assert len(entries) == 7
    assert all(len(found) == 1 for found in entries.values())   # the same in every feed


def test_a_rebuild_in_the_same_process_shows_the_edit_in_every_feed(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build_site(load_config(root), import_raw=False)
    write_article(root / "content", "story-2", "Body 2, edited.\n", title="Story 2 retold",
                  date="2024-03-03T10:00:00Z", tags=["Shared", "Own 2"])
    build_site(load_config(root), import_raw=False)
    pages = snapshot(root / "_site")
    for path in ("feed.xml", "tags/shared/feed.xml", "tags/own-2/feed.xml"):
        text = pages[path].decode()
        assert "Story 2 retold" in text and "Body 2, edited." in text, path
        assert "<title>Story 2</title>" not in text, path


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.none(), st.text()),
       attrs=st.dictionaries(st.sampled_from(["term", "href", "type", "rel"]), st.text(),
                             max_size=3))
def test_an_element_is_written_as_elementtree_writes_it(text: str | None,
                                                        attrs: dict[str, str]) -> None:
    element = ET.Element("category", attrs)
    element.text = text
    assert feeds._element("category", text, **attrs) == ET.tostring(element, encoding="unicode")
