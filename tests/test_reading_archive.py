"""Reading time and word count on articles, archive counts, and a tag's most quoted speakers."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.render.reading_time import _TAG, _WORD, reading_minutes, word_count
from sitegen.taxonomy import build_taxonomy
from tests.test_render import _json_ld, build, make_articles, read


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("reading"))


@pytest.mark.parametrize(("html", "words"), [
    ("<p>The West is trying.</p>", 4),
    ('<p><a href="https://example.com/a/b">Lavrov</a> said: it&#8217;s U.S.-led.</p>', 4),
    ("<h2>Use of US dollar</h2><p>Trade rose by about 10%.</p>", 9),
    ("", 0),
])
def test_word_count_counts_what_a_reader_sees(html: str, words: int) -> None:
    assert word_count(html) == words


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \t\n\u00a0\u2009\u3000_-'’.<>&;#x\"“”?,"),
                                  st.characters()), max_size=80))
@example("it's U.S.-led, ‘co-op’… _x_ ２０２４ Ⅻ ³ ... -- a.b. &amp; &#8217;s<b>x</b>y")
def test_word_count_is_the_matches_of_the_word_pattern(text: str) -> None:
    """Counted by runs between whitespace, the same as matching the whole text."""
    assert word_count(text) == len(_WORD.findall(html_module.unescape(_TAG.sub(" ", text))))


def test_reading_minutes_round_up() -> None:
    assert [reading_minutes(n) for n in (0, 1, 230, 231, 1000)] == [0, 1, 1, 2, 5]


def test_article_shows_reading_time_and_words(site: Path) -> None:
    html = read(site, "2022/12/west-looks-for-any-clue/index.html")
    found = re.search(r'<p class="meta reading" data-pagefind-ignore>(\d+) min read · '
                      r'([\d,]+) words</p>', html)
    assert found, html
    assert found.group(1) == "1"
    assert int(found.group(2)) == _json_ld(html)["wordCount"] == 27   # 10 + 8 + 4 (heading) + 5


def test_archive_pages_show_counts(site: Path) -> None:
    archive = read(site, "archive/index.html")
    assert re.search(r'href="/news/2022/">2022</a> <span class="count">\(2\)</span>', archive)
    assert re.search(r'href="/news/2021/06/">June 2021</a> <span class="count">\(5\)</span>',
                     archive)
    month = read(site, "2021/06/index.html")
    assert '<p class="meta">5 articles</p>' in month


def test_tag_page_shows_its_most_quoted_speakers(site: Path) -> None:
    russia = build_taxonomy(make_articles()).tag_for("Russia")
    assert russia is not None
    assert [(s.name, s.count) for s in russia.top_speakers] == [
        ("Sergey Lavrov", 2), ("Dmitry Peskov", 1)]
    html = read(site, "tags/russia/index.html")
    assert "Most quoted on Russia" in html
    assert ('<a href="/news/speakers/sergey-lavrov/">Sergey Lavrov</a> '
            '<span class="count">(2 quotes)</span>') in html
    assert "Most quoted" not in read(site, "tags/russia/page/2/index.html")
