"""Unit tests for the render side's building blocks: URLs, Markdown, taxonomy, theme filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest

from sitegen.config import Config
from sitegen.markup import MarkdownRenderer, paragraph_for
from sitegen.model import Article, Quote, Speaker
from sitegen.render.paginate import paginate
from sitegen.taxonomy import build_taxonomy
from sitegen.theme import dateline, json_ld, load_theme
from sitegen.urls import Urls

MSK = timezone(timedelta(hours=3))


def art(slug: str, day: int, month: int = 12, year: int = 2022, **kw: object) -> Article:
    return Article(path=Path(f"{slug}.md"), title=slug.title(), slug=slug, body="Text.",
                   date=datetime(year, month, day, tzinfo=MSK), **kw)  # type: ignore[arg-type]


# URLs ------------------------------------------------------------------------------------------
def test_urls_carry_the_base_path() -> None:
    urls = Urls(Config(base_url="https://example.github.io/news"))
    a = art("west-looks", 10)
    assert urls.article(a) == "/news/2022/12/west-looks/"
    assert urls.home() == "/news/" and urls.home(2) == "/news/page/2/"
    assert urls.tag("russia") == "/news/tags/russia/"
    assert urls.tag("russia", 3) == "/news/tags/russia/page/3/"
    assert urls.term_feed("speakers", "sergey-lavrov") == "/news/speakers/sergey-lavrov/feed.xml"
    assert urls.year(2022) == "/news/2022/" and urls.month(2022, 3) == "/news/2022/03/"
    assert urls.archive() == "/news/archive/"
    assert urls.static("style.css") == "/news/static/style.css"
    assert urls.absolute("/news/tags/") == "https://example.github.io/news/tags/"
    assert urls.output_file("/news/") == "index.html"
    assert urls.output_file("/news/2022/12/west-looks/") == "2022/12/west-looks/index.html"
    assert urls.output_file("/news/feed.xml") == "feed.xml"


def test_permalink_pattern() -> None:
    urls = Urls(Config(permalink="/news/{year}/{month}/{day}/{slug}/"))
    assert urls.article(art("x", 5, 3)) == "/news/2022/03/05/x/"


@pytest.mark.parametrize("url", ["/a/../../etc/passwd", "/a//b", "/..", "/a\\b", "relative/",
                                 "/other/"])
def test_output_file_never_escapes(url: str) -> None:
    urls = Urls(Config(base_url="https://example.org/"))
    if url == "/other/":
        urls = Urls(Config(base_url="https://example.org/news/"))
    with pytest.raises(ValueError):
        urls.output_file(url)


def test_unsafe_article_slug_is_reslugged() -> None:
    urls = Urls(Config())
    assert urls.article(art("../../evil", 1)) == "/2022/12/evil/"


# Markdown --------------------------------------------------------------------------------------
def test_raw_html_is_escaped_unless_unsafe() -> None:
    text = "Hi <script>alert(1)</script>\n\n<div onclick=x>block</div>\n\n[a](javascript:alert(1))"
    safe = MarkdownRenderer(Config()).convert(text)
    assert "&lt;script&gt;" in safe and "<script>" not in safe
    assert "<div" not in safe and 'href="#"' in safe
    unsafe = MarkdownRenderer(Config(unsafe_html=True)).convert(text)
    assert "<script>alert(1)</script>" in unsafe


def test_renderer_is_reused_and_numbers_paragraphs() -> None:
    renderer = MarkdownRenderer(Config())
    html = renderer.convert('First.\n\n## Head\n\n"Quoted words here," he said.\n\n- list\n')
    assert '<p id="p-1">First.</p>' in html and 'id="p-2"' in html
    assert paragraph_for("Quoted words here,", renderer.paragraphs) == "p-2"
    assert paragraph_for("never said", renderer.paragraphs) is None
    again = renderer.convert("[^1] no footnote state leaks\n")
    assert '<p id="p-1">' in again and "p-2" not in again


# Taxonomy --------------------------------------------------------------------------------------
def test_terms_merge_spellings_and_sort_newest_first() -> None:
    articles = [art("a", 1, tags=("Test", "C++")), art("b", 3, tags=("test",)),
                art("c", 2, tags=("test", "C"))]
    tax = build_taxonomy(articles)
    test = tax.tag_for("TEST")
    assert test is not None and test.name == "test" and test.slug == "test"
    assert [a.slug for a in test.articles] == ["b", "c", "a"]
    slugs = {t.name: t.slug for t in tax.tags}
    assert slugs["C++"] != slugs["C"]
    assert [a.slug for a in tax.articles] == ["b", "c", "a"]


def test_colliding_slugs_get_suffixes() -> None:
    tax = build_taxonomy([art("a", 1, tags=("Müller",)), art("b", 2, tags=("Muller", "Müller"))])
    assert sorted(t.slug for t in tax.tags) == ["muller", "muller-2"]
    assert tax.tag_for("Müller") != tax.tag_for("Muller")


def test_speakers_carry_quotes_and_latest_role() -> None:
    old = art("old", 1, speakers=(Speaker("Sergey Lavrov", "Minister"),),
              quotes=(Quote("old words", "Sergey Lavrov"), Quote("who?", None)))
    new = art("new", 5, speakers=(Speaker("Sergey Lavrov", "Foreign Minister"),),
              quotes=(Quote("new words", "Sergey Lavrov"),))
    tax = build_taxonomy([old, new])
    lavrov = tax.speaker_for("Sergey Lavrov")
    assert lavrov is not None and lavrov.role == "Foreign Minister"
    assert [q.text for _, q in lavrov.quotes] == ["new words", "old words"]


def test_archives_count_by_year_and_month() -> None:
    tax = build_taxonomy([art("a", 1), art("b", 2), art("c", 1, month=11),
                          art("d", 1, month=1, year=2021)])
    assert [(y.year, y.count) for y in tax.years] == [(2022, 3), (2021, 1)]
    assert [(m.month, m.count) for m in tax.years[0].months] == [(12, 2), (11, 1)]


def test_taxonomy_is_independent_of_input_order() -> None:
    articles = [art("a", 1, tags=("X", "Y")), art("b", 1, tags=("y",)), art("c", 2, tags=("X",))]
    assert build_taxonomy(articles) == build_taxonomy(list(reversed(articles)))


# Theme and pagination --------------------------------------------------------------------------
def test_dateline_and_json_ld_filters() -> None:
    a = art("x", 10, location="Moscow", source="TASS")
    assert dateline(a) == "MOSCOW, December 10, 2022 (TASS)"
    assert dateline(art("y", 10)) == "December 10, 2022"
    assert str(json_ld({"t": "</script><!-- & "})) == \
        '{"t": "\\u003c/script\\u003e\\u003c!-- \\u0026 "}'


def test_theme_autoescapes_and_rejects_undefined(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text("{{ x }}|{{ missing }}", encoding="utf-8")
    env = load_theme(Config(root=tmp_path))
    with pytest.raises(jinja2.UndefinedError, match="missing"):
        env.get_template("t.html").render(x="<b>")
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("404.html")   # falls back to the default theme


def test_paginate() -> None:
    pages = paginate(list(range(5)), 2, lambda n: f"/p{n}/")
    assert [p.items for p in pages] == [(0, 1), (2, 3), (4,)]
    assert pages[0].prev_url is None and pages[0].next_url == "/p2/"
    assert pages[2].next_url is None and pages[2].prev_url == "/p2/"
    assert len(paginate([], 2, str)) == 1


def test_markdown_workers_send_bodies_back_as_plain_data() -> None:
    """A converted body crosses the pipe as its shard holds it (lists, strings, an int): no
    `Paragraph` record for the worker to pickle and the building process to make again, and
    the pages read the same body from it."""
    import pickle

    from sitegen.render import bodies

    config = Config(title="T", base_url="https://example.com/")
    with bodies._markdown(config):
        sent = bodies._convert_chunk(["First *one*.\n\nSecond, two words."])
    assert b"sitegen" not in pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL)
    found = bodies._from_stored(sent[0])
    assert found is not None
    html, paragraphs, words = found
    assert "<em>one</em>" in html and words == 5
    assert [p.text for p in paragraphs] == ["First one.", "Second, two words."]
