"""The default theme in a real headless Chromium, at a desktop and a phone width.

The site of tests/test_theme.py is built by `sitegen build` into real files, served by a plain
static server on 127.0.0.1 (tests/test_pages_sites.py), and the front page, an article, a tag
page, a speaker page and the tag and speaker indexes are loaded at 1280 and 390 px: no page
scrolls sideways, no two of its main blocks overlap, and no speaker card is split between
columns. A full-page screenshot of each is kept: under $SITEGEN_SCREENSHOTS when set (the
folder is created), else in pytest's temporary folder. In CI (CI=true) a missing browser fails
these tests instead of skipping them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import artefact_folder
from tests.test_pages_sites import static_server
from tests.test_theme import build, make_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PAGES = {
    "front": "/news/",
    "article": "/news/2022/12/story-11-headline/",
    "tag": "/news/tags/russia/",
    "speaker": "/news/speakers/sergey-lavrov/",
    "tag-index": "/news/tags/",
    "speaker-index": "/news/speakers/",
}
WIDTHS = (1280, 390)

# The blocks a reader sees as separate boxes: each group's visible members must not overlap.
BLOCKS = [
    "body > header, body > main, body > footer",
    "main > *",
    ".lead > *", ".story-grid > li", ".front-more > *", ".tag-section-grid > *",
    ".quoted-list > li",
    ".story > *", ".story .cards > li", ".story-footer .tags > li", ".related-list > li",
    ".term-page > *", ".term-side > *", ".article-list > li", ".speaker-grid > li",
    ".by-kind > *", ".tag-cloud > li", ".jump li", ".a-z > section", ".term-list > li",
]

# Pairs of boxes among each group's visible members (1 px of touching allowed), as
# "selector: tag.class #n / tag.class #m".
OVERLAPS = """
(groups) => {
  const found = [];
  const name = (e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className)
                                                  .trim().split(/\\s+/).join('.') : '');
  for (const selector of groups) {
    const boxes = [];
    for (const element of document.querySelectorAll(selector)) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.display === 'none' || style.visibility === 'hidden' ||
          style.position === 'absolute' || box.width < 2 || box.height < 2) continue;
      boxes.push([element, box]);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [b, q] = boxes[j];
        if (a.contains(b) || b.contains(a)) continue;
        const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (x > 1 && y > 1) found.push(`${selector}: ${name(a)} #${i} / ${name(b)} #${j}`);
      }
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_site(tmp_path_factory.mktemp("theme-browser") / "site")
    build(root)
    served = tmp_path_factory.mktemp("served")
    (root / "_site").rename(served / "news")   # the base path of https://example.github.io/news/
    with static_server(served) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return artefact_folder("SITEGEN_SCREENSHOTS", tmp_path_factory, "screenshots")


def _open(browser: Browser, width: int, **options: Any) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_fits_the_width_without_overlapping_blocks(browser: Browser, origin: str,
                                                        shots: Path, kind: str,
                                                        width: int) -> None:
    page = _open(browser, width)
    try:
        response = page.goto(origin + PAGES[kind])
        assert response is not None and response.status == 200
        page.screenshot(path=str(shots / f"{kind}-{width}.png"), full_page=True)
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll <= page.evaluate("innerWidth"), f"{kind} scrolls sideways at {width} px"
        assert page.evaluate(OVERLAPS, BLOCKS) == []
        # the theme's style sheet applies (else nothing above would mean much)
        assert page.evaluate("document.styleSheets.length") >= 1
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    finally:
        page.context.close()


def test_front_page_grid_and_sections_sit_side_by_side_on_a_desktop(browser: Browser,
                                                                     origin: str) -> None:
    """At 1280 px the latest stories are a grid (several cards in a row) and "most quoted"
    stands beside the tag sections; at 390 px everything is one column."""
    for width, columns in ((1280, True), (390, False)):
        page = _open(browser, width)
        try:
            page.goto(origin + PAGES["front"])
            tops = page.evaluate("[...document.querySelectorAll('.story-grid > li')]"
                                 ".map(e => e.getBoundingClientRect().top)")
            beside = page.evaluate(
                "(() => { const a = document.querySelector('.tag-sections')"
                ".getBoundingClientRect(), b = document.querySelector('.most-quoted')"
                ".getBoundingClientRect(); return b.left >= a.right && b.top < a.bottom; })()")
            assert (len(set(tops)) < len(tops)) is columns, (width, tops)
            assert beside is columns, width
        finally:
            page.context.close()


def test_speaker_cards_are_never_split_and_sort_by_quotes(browser: Browser, origin: str) -> None:
    page = _open(browser, 1280)
    try:
        page.goto(origin + "/news/speakers/")
        fragments = page.evaluate("[...document.querySelectorAll('.speaker-card')]"
                                  ".map(e => e.getClientRects().length)")
        assert fragments == [1, 1, 1]
        page.click("text=Most quoted")
        page.wait_for_url("**/speakers/by-quotes.html")
        names = page.evaluate("[...document.querySelectorAll('.speaker-card .card-name')]"
                              ".map(e => e.innerText)")
        assert names == ["Ursula von der Leyen", "Sergey Lavrov", "Dmitry Peskov"]
    finally:
        page.context.close()


def test_dark_mode_and_print(browser: Browser, origin: str, shots: Path) -> None:
    """Dark by the reader's preference; printed, an article is the story alone."""
    luminance = ("(() => { const [r, g, b] = getComputedStyle(document.documentElement)"
                 ".backgroundColor.match(/\\d+/g).map(Number); return (r + g + b) / 765; })()")
    page = _open(browser, 1280, color_scheme="dark")
    try:
        page.goto(origin + PAGES["article"])
        assert page.evaluate(luminance) < 0.2
        text = page.evaluate("getComputedStyle(document.body).color")
        assert sum(map(int, text[text.index("(") + 1:-1].split(",")[:3])) / 765 > 0.7
        page.screenshot(path=str(shots / "article-1280-dark.png"), full_page=True)
        page.emulate_media(media="print", color_scheme="dark")
        assert page.evaluate(luminance) > 0.9   # white paper whatever the screen's scheme
        hidden = page.evaluate("['.site-header nav', '.related', '.site-footer']"
                               ".map(s => getComputedStyle(document.querySelector(s)).display)")
        assert hidden == ["none", "none", "none"]
        assert page.is_visible(".story-body") and page.is_visible(".pull-quote")
    finally:
        page.context.close()
