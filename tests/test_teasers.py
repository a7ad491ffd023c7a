"""List entries are the theme's `teaser` macro, rendered once per story and reused on every list
page and in later builds (`render/teasers.py`): what a list shows stays what a clean build
shows, through template edits, new stories, a damaged cache and a macro that reads the page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bench import corpus
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.render.teasers import NAME, Teasers
from sitegen.site import build_site
from sitegen.theme import DEFAULT_THEME
from tests.conftest import build_snapshot, calls, clean_build_snapshot

POOL = corpus.generate(9, seed=11)
TEASER_END = "    </article>{% endmacro %}"


def _site(root: Path, count: int) -> Path:
    corpus.write_sitegen(POOL[:count], root, cards=False)
    return root


def _marked_macros(root: Path, mark: str) -> None:
    """The site's own `_macros.html`: the default one with a mark in each teaser."""
    text = (DEFAULT_THEME / "templates" / "_macros.html").read_text(encoding="utf-8")
    assert TEASER_END in text
    text = text.replace(TEASER_END, f'    <p class="mark">{mark} {{{{ entry.article.slug }}}}'
                                    f"</p>\n{TEASER_END}")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_macros.html").write_text(text, encoding="utf-8")


def _marks(pages: dict[str, bytes]) -> set[str]:
    return {m for b in pages.values() for m in re.findall(r'class="mark">(\w+) ', b.decode())}


def test_a_site_teaser_macro_shows_on_every_list_and_its_edit_everywhere(
        tmp_path: Path) -> None:
    root = _site(tmp_path / "site", 6)
    _marked_macros(root, "first")
    pages = build_snapshot(root)
    shown = b"".join(pages.values()).decode()
    assert all(f'class="mark">first {item.slug}</p>' in shown for item in POOL[:6])
    tag_pages = [p for p in pages if re.fullmatch(r"tags/[^/]+/index.html", p)]
    assert tag_pages and all(b'class="mark">first ' in pages[p] for p in tag_pages)
    assert (root / CACHE_DIR / NAME).is_dir()   # kept for the next build

    _marked_macros(root, "second")   # a template edit: no list keeps the first teaser
    pages = build_snapshot(root)
    assert _marks(pages) == {"second"}
    assert pages == clean_build_snapshot(root, tmp_path / "clean")

    corpus.add_sitegen(dataclasses.replace(POOL[6], date=POOL[0].date), root)   # a publish
    pages = build_snapshot(root)
    assert f'class="mark">second {POOL[6].slug}</p>' in b"".join(pages.values()).decode()
    assert pages == clean_build_snapshot(root, tmp_path / "clean")


def test_a_new_story_renders_only_its_own_teasers(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path / "site", 7)
    build_snapshot(root)
    # slugs of the entries without quotes rendered (the kept kind)
    made = calls(monkeypatch, Teasers, "_render", lambda self, entry, level:
                 None if entry.quotes else entry.article.slug)
    corpus.add_sitegen(POOL[7], root)   # every front page shifts by one story
    pages = build_snapshot(root)
    assert set(made) == {POOL[7].slug}   # on the front page, its tags' pages and its month
    assert pages == clean_build_snapshot(root, tmp_path / "clean")


def test_damaged_stored_teasers_change_nothing(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", 6)
    build_snapshot(root)
    shards = sorted((root / CACHE_DIR / NAME).iterdir())
    assert shards
    for number, shard in enumerate(shards):   # garbage, cut short, or another shard's
        data = shard.read_bytes()
        shard.write_bytes(b"not a cache file" if number % 3 == 0 else
                          data[:len(data) // 2] if number % 3 == 1 else
                          shards[0].read_bytes())
    (root / "templates").mkdir()   # every page rendered again, from what is stored
    (root / "templates" / "404.html").write_text(
        (DEFAULT_THEME / "templates" / "404.html").read_text(encoding="utf-8") + "\n",
        encoding="utf-8")
    assert build_snapshot(root) == clean_build_snapshot(root, tmp_path / "clean")


def test_a_teaser_macro_that_reads_the_page_is_an_error(tmp_path: Path) -> None:
    """The teaser is reused on other pages, so it cannot show anything of the page it is on:
    the build fails naming the template rather than show one page's value on another."""
    root = _site(tmp_path / "site", 3)
    _marked_macros(root, "first")
    macros = root / "templates" / "_macros.html"
    macros.write_text(macros.read_text(encoding="utf-8").replace(
        '<p class="mark">first', '<p class="mark">{{ page.url }}'), encoding="utf-8")
    with pytest.raises(SitegenError, match=r"_macros\.html"):
        build_site(load_config(root), import_raw=False)
