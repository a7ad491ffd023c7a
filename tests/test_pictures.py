"""Pictures of the default theme: the per-month charts of tag and speaker pages, built into real
files and checked against the taxonomy, and kept byte-identical to a clean build by a rebuild."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import Counter
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench import corpus
from sitegen.config import load_config
from sitegen.content import load_articles
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.render.charts import MAX_MONTHS, month_chart
from sitegen.site import build_site
from sitegen.taxonomy import Taxonomy, build_taxonomy
from sitegen.theme import month_name
from tests.conftest import snapshot
from tests.test_pages_sites import static_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser

POOL = corpus.generate(12, seed=3)   # dates from 2015 to 2024; "Dri Dripo" on nine of them


def _site(root: Path, count: int = 12) -> Path:
    corpus.write_sitegen(POOL[:count], root)
    return root


def _build(root: Path) -> dict[str, bytes]:
    build_site(load_config(root), import_raw=False)
    return snapshot(root / "_site")


def _clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    return _build(scratch)


def _taxonomy(root: Path) -> Taxonomy:
    return build_taxonomy(load_articles(load_config(root)))


_ROW = re.compile(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>')


def _chart_rows(page: Path) -> dict[str, int]:
    html = page.read_text(encoding="utf-8")
    figure = html[html.index('<figure class="month-chart">'):]
    figure = figure[:figure.index("</figure>")]
    return {unescape(month): int(count) for month, count in _ROW.findall(figure)}


def _label(year: int, month: int) -> str:
    return f"{month_name(month)} {year}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _site(tmp_path_factory.mktemp("pictures") / "site")
    _build(root)
    return root


def test_chart_counts_are_the_taxonomys(built: Path) -> None:
    taxonomy = _taxonomy(built)
    charted = 0
    for kind, terms in (("tags", taxonomy.tags), ("speakers", taxonomy.speakers)):
        for term in terms:
            dates = ([a.date for a, _ in term.quotes] if kind == "speakers"
                     else [a.date for a in term.articles])
            expected = Counter(_label(d.year, d.month) for d in dates)
            page = built / "_site" / kind / term.slug / "index.html"
            html = page.read_text(encoding="utf-8")
            if len(expected) < 2:   # one month: no chart
                assert "month-chart" not in html
                continue
            charted += 1
            assert _chart_rows(page) == dict(expected), term.name
            first, last = min(dates), max(dates)
            what = "Quotes" if kind == "speakers" else "Stories"
            title = (f"{what} per month, {_label(first.year, first.month)} to "
                     f"{_label(last.year, last.month)}")
            assert f'<svg role="img" aria-label="{title}"' in html
            assert f"<title>{title}</title>" in html
            bars = len(expected)
            assert html.count('fill="currentColor"') == bars
    assert charted > 5


def test_the_chart_is_on_the_first_page_only(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    (root / "sitegen.toml").write_text(
        (root / "sitegen.toml").read_text(encoding="utf-8").replace("per_page = 10",
                                                                    "per_page = 3"),
        encoding="utf-8")
    _build(root)
    tag = root / "_site" / "tags" / "dri-dripo"
    assert "month-chart" in (tag / "index.html").read_text(encoding="utf-8")
    assert "month-chart" not in (tag / "page" / "2" / "index.html").read_text(encoding="utf-8")


def test_months_without_any_are_bars_of_nothing_and_long_spans_keep_the_latest() -> None:
    chart = month_chart(Counter({(2023, 11): 2, (2024, 2): 4}), "Quotes", "quotes")
    assert chart is not None
    assert [(b.label, b.count, b.height) for b in chart.bars] == [
        ("November 2023", 2, 50), ("December 2023", 0, 0), ("January 2024", 0, 0),
        ("February 2024", 4, 100)]
    assert chart.title == "Quotes per month, November 2023 to February 2024"
    assert (chart.peak, chart.peak_label) == (4, "February 2024")
    assert month_chart(Counter({(2024, 2): 4}), "Quotes", "quotes") is None
    long = month_chart(Counter({(2000, 1): 1, (2024, 12): 1}), "Stories", "stories")
    assert long is not None and len(long.bars) == MAX_MONTHS
    assert long.first == "January 2015" and long.last == "December 2024"


def test_a_rebuild_after_an_edit_that_moves_a_bar_equals_a_clean_build(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    _build(root)
    page = root / "_site" / "tags" / "dri-dripo" / "index.html"
    before = _chart_rows(page)
    item = POOL[8]   # September 2023, on "Dri Dripo" and quoting Depovobratol Fenebrade
    moved = dataclasses.replace(item, date=item.date.replace(month=5))
    (root / "content" / "articles" / f"{item.slug}.md").write_text(corpus.sitegen_text(moved),
                                                                    encoding="utf-8")
    assert _build(root) == _clean_build(root, tmp_path / "clean")
    after = _chart_rows(page)
    assert after != before
    assert after.get("May 2023") == before.get("May 2023", 0) + 1
    speaker = root / "_site" / "speakers" / "depovobratol-fenebrade" / "index.html"
    assert "May 2023" in _chart_rows(speaker)


def test_the_chart_shows_at_a_phone_width_in_light_and_dark(browser: Browser, built: Path,
                                                          tmp_path: Path) -> None:
    """In Debian's Chromium at 390 px: the chart is as wide as the column, its bars are drawn,
    nothing scrolls sideways; in dark mode the bars are a light colour."""
    served = tmp_path / "served"
    shutil.copytree(built / "_site", served)
    with static_server(served) as origin:
        for scheme, light in (("light", False), ("dark", True)):
            context = browser.new_context(viewport={"width": 390, "height": 900},
                                          color_scheme=scheme)
            page = context.new_page()
            try:
                for path in ("/tags/dri-dripo/", "/speakers/unbraan-trikami/"):
                    page.goto(origin + path)
                    page.screenshot(path=str(tmp_path / f"chart-{scheme}.png"))
                    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
                    box = page.locator(".month-chart svg").bounding_box()
                    assert box is not None and box["width"] > 300 and box["height"] >= 40
                    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
                    drawn = page.evaluate("[...document.querySelectorAll('.month-chart rect')]"
                                          ".map(r => r.getBoundingClientRect().height)")
                    assert drawn and all(h > 0 for h in drawn)
                    fill = page.evaluate("getComputedStyle(document.querySelector("
                                         "'.month-chart rect')).fill")
                    rgb = [int(v) for v in fill[fill.index("(") + 1:-1].split(",")[:3]]
                    assert (sum(rgb) / 765 > 0.5) is light, (scheme, fill)
            finally:
                context.close()
