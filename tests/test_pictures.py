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
from sitegen.render.charts import MAX_MONTHS, month_chart
from sitegen.slugs import slugify
from sitegen.taxonomy import Taxonomy, build_taxonomy
from sitegen.theme import month_name
from tests.conftest import build_snapshot, clean_build_snapshot, snapshot
from tests.test_pages_sites import static_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser

POOL = corpus.generate(12, seed=3)   # dates from 2015 to 2024; "Dri Dripo" on nine of them


def _site(root: Path, count: int = 12) -> Path:
    corpus.write_sitegen(POOL[:count], root)
    return root


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
    build_snapshot(root)
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
    build_snapshot(root)
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
    build_snapshot(root)
    page = root / "_site" / "tags" / "dri-dripo" / "index.html"
    before = _chart_rows(page)
    item = POOL[8]   # September 2023, on "Dri Dripo" and quoting Depovobratol Fenebrade
    moved = dataclasses.replace(item, date=item.date.replace(month=5))
    (root / "content" / "articles" / f"{item.slug}.md").write_text(corpus.sitegen_text(moved),
                                                                    encoding="utf-8")
    assert build_snapshot(root) == clean_build_snapshot(root, tmp_path / "clean")
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


# Card images (sitegen/render/cards.py)

BASE = "https://bench.example/"
_META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def _meta(page: Path) -> dict[str, str]:
    return {k: unescape(v) for k, v in _META.findall(page.read_text(encoding="utf-8"))}


def _file(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return site / url[len(BASE):]


def _pages(site: Path, kind: str) -> list[Path]:
    if kind == "articles":
        return sorted(p for p in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    return sorted(site.glob(f"{kind}/*/index.html"))


def _chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        found.append(data[at + 4:at + 8])
        at += 12 + length
    return found


def test_every_article_and_speaker_has_a_card_its_meta_tags_name(built: Path) -> None:
    from PIL import Image

    site = built / "_site"
    taxonomy = _taxonomy(built)
    articles, speakers = _pages(site, "articles"), _pages(site, "speakers")
    assert len(articles) == len(taxonomy.articles) and len(speakers) == len(taxonomy.speakers)
    seen: dict[bytes, Path] = {}
    for page in articles + speakers:
        meta = _meta(page)
        card = page.parent / "card.png"
        folder = page.parent.relative_to(site).as_posix()
        assert meta["og:image"] == meta["twitter:image"] == f"{BASE}{folder}/card.png"
        assert _file(site, meta["og:image"]) == card and card.is_file()
        assert meta["twitter:card"] == "summary_large_image"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:alt"]
        data = card.read_bytes()
        assert data not in seen, (page, seen.get(data))   # every card its own
        seen[data] = page
        assert _chunks(data) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]   # no time, no text
        with Image.open(card) as image:
            assert image.format == "PNG" and image.size == (1200, 630)
            colours = image.convert("RGB").getcolors(1 << 16)
            assert colours is not None and len(colours) > 20   # text drawn, not blank
            ink = sum(n for n, c in colours if sum(c) < 600)
            assert 1200 * 630 * 0.02 < ink < 1200 * 630 * 0.5
    # a tag page and a speaker's later page have no card of their own
    assert "og:image" not in _meta(_pages(site, "tags")[0])
    assert "twitter:card" in _meta(_pages(site, "tags")[0])


def test_two_articles_cards_show_their_own_headlines(built: Path) -> None:
    from PIL import Image, ImageChops

    site = built / "_site"
    first, second = (_pages(site, "articles")[n].parent / "card.png" for n in (0, 1))
    with Image.open(first) as a, Image.open(second) as b:
        box = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert box is not None and box[3] - box[1] > 100   # differ over more than one line


def test_two_clean_builds_draw_the_same_bytes(built: Path, tmp_path: Path) -> None:
    again = clean_build_snapshot(built, tmp_path / "again")
    first = snapshot(built / "_site")
    cards = [p for p in first if p.endswith("card.png")]
    assert len(cards) > 12
    assert {p: again[p] for p in cards} == {p: first[p] for p in cards}


def test_a_retitled_article_draws_its_card_again_and_only_what_shows_it(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build_snapshot(root)
    site = root / "_site"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("card.png")}
    item = POOL[5]
    (root / "content" / "articles" / f"{item.slug}.md").write_text(
        corpus.sitegen_text(dataclasses.replace(item, title="A wholly new headline")),
        encoding="utf-8")
    old = {p: p.read_bytes() for p in before}
    assert build_snapshot(root) == clean_build_snapshot(root, tmp_path / "clean")
    redrawn = {p.parent.name for p in before if p.read_bytes() != old[p]}
    # its own card, and the cards of its speakers whose latest quote is in it (the headline
    # is under the quote); every other card is kept, file and mtime
    speakers = {slugify(name) for name, _ in item.speakers}
    assert item.slug in redrawn and redrawn - {item.slug} <= speakers
    kept = [p for p in before if p.stat().st_mtime_ns == before[p]]
    assert len(kept) == len(before) - len(redrawn)


def test_cards_off_draws_none_and_names_none(tmp_path: Path) -> None:
    root = tmp_path / "site"
    corpus.write_sitegen(POOL[:4], root, cards=False)
    assert "cards = false" in (root / "sitegen.toml").read_text(encoding="utf-8")
    files = build_snapshot(root)
    assert not [p for p in files if p.endswith(".png")]
    page = _pages(root / "_site", "articles")[0]
    meta = _meta(page)
    assert "og:image" not in meta and meta["twitter:card"] == "summary"
    assert '"image"' not in page.read_text(encoding="utf-8")
