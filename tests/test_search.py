"""Full-text search with Pagefind: indexed on the staging folder before the swap, switchable off,
a missing or failing binary handled without a traceback, and the search box driven in headless
Chromium under a base path through `sitegen serve`."""

from __future__ import annotations

import json
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.linkcheck import check_links
from sitegen.search import PAGEFIND_ENV, PARTS_FILE, pagefind_executable, site_cache
from sitegen.serve import Preview, app
from tests.conftest import counting_pagefind, snapshot, unavailable, write_article, write_config

if TYPE_CHECKING:
    from playwright.sync_api import Page

PROJECT = "https://example.github.io/news/"
STORIES = [
    ("lavrov-kazakhstan", "West seeks a wedge between Russia and Kazakhstan",
     "Sergey Lavrov", ["Russia", "Kazakhstan"], "2022-12-10"),
    ("lavrov-dollar", "Moscow and partners drop the dollar in trade",
     "Sergey Lavrov", ["Russia", "Trade"], "2022-12-08"),
    ("peskov-gas", "Kremlin comments on the gas price cap", "Dmitry Peskov",
     ["Energy"], "2022-12-09"),
    ("borrell-aid", "EU agrees a new aid package", "Josep Borrell", ["European Union"],
     "2022-12-07"),
]


def make_site(root: Path, config: str = f'title = "Wire"\nbase_url = "{PROJECT}"\n') -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, config)
    for slug, title, speaker, tags, day in STORIES:
        surname = speaker.split()[-1]
        write_article(root / "content", slug,
                      f"Officials met on Friday.\n\n\"We will see,\" {surname} said of {title}.",
                      title=title, slug=slug, date=day, tags=tags,
                      speakers=[{"name": speaker, "role": "Official"}],
                      quotes=[{"speaker": speaker, "text": "We will see,"}])
    return root


def build(root: Path, *extra: str) -> int:
    return main(["build", "--site", str(root), "--quiet", *extra])


def page_count(site: Path) -> int:
    """Pages in the site's index, over all its parts (listed in parts.json)."""
    listing = json.loads((site / "pagefind" / PARTS_FILE).read_text(encoding="utf-8"))
    return sum(json.loads((site / "pagefind" / part / "pagefind-entry.json").read_text("utf-8"))
               ["languages"]["en"]["page_count"] for part in listing["parts"])


def requires_pagefind() -> None:
    if pagefind_executable() is None:
        unavailable("pagefind is not installed (pip install 'pagefind[bin]')")


# Build ---------------------------------------------------------------------------------------

def test_build_writes_an_index_with_speaker_and_tag_filters(tmp_path: Path) -> None:
    requires_pagefind()
    root = make_site(tmp_path / "site")
    assert build(root) == 0
    out = root / "_site"
    assert page_count(out) == len(STORIES)   # articles only
    html = (out / "2022/12/lavrov-dollar/index.html").read_text(encoding="utf-8")
    assert re.search(r'<article class="story[ a-z-]*" data-pagefind-body>', html)   # + "has-aside"
    assert '<span hidden data-pagefind-filter="speaker">Sergey Lavrov</span>' in html
    assert '<span hidden data-pagefind-filter="tag">Trade</span>' in html
    assert 'data-pagefind-meta="date[datetime]"' in html
    assert '<script type="module" src="/news/static/search.js"></script>' in html
    assert 'data-search-base="/news/"' in html
    assert check_links(out, PROJECT) == []


def test_search_off_writes_no_index_and_no_box(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", f'base_url = "{PROJECT}"\nsearch = false\n')
    assert build(root) == 0
    out = root / "_site"
    assert not (out / "pagefind").exists()
    assert "data-search-base" not in (out / "index.html").read_text(encoding="utf-8")


def test_missing_pagefind_is_a_warning_not_a_traceback(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    monkeypatch.setenv(PAGEFIND_ENV, str(tmp_path / "no-such-pagefind"))
    root = make_site(tmp_path / "site")
    assert main(["build", "--site", str(root)]) == 0
    err = capsys.readouterr().err
    assert "warning: search = true but the pagefind binary is not installed" in err
    assert "Traceback" not in err
    index = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert 'class="search-fallback"' in index and 'href="/news/speakers/"' in index


def test_failing_pagefind_fails_the_build_and_keeps_the_old_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path / "site", f'base_url = "{PROJECT}"\nsearch = false\n')
    assert build(root) == 0
    before = snapshot(root / "_site")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: disk full' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(PAGEFIND_ENV, str(broken))
    write_config(root, f'base_url = "{PROJECT}"\n')
    assert main(["build", "--site", str(root)]) == 1
    err = capsys.readouterr().err
    assert "search index: pagefind failed (exit 3): Error: disk full" in err
    assert "Traceback" not in err
    assert snapshot(root / "_site") == before
    assert not list(tmp_path.glob("site/._site.new-*"))


def test_search_key_must_be_a_boolean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(tmp_path / "site", 'search = "yes"\n')
    assert build(root) == 1
    assert "'search' must be true or false" in capsys.readouterr().err


def started_preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    search_delay: float) -> tuple[Path, Preview, Path]:
    """The test site in a running preview that asks for a search build `search_delay` seconds
    after the last rebuild; with the file Pagefind's runs are counted in (`counting_pagefind`).
    The caller stops the preview."""
    requires_pagefind()
    monkeypatch.setattr(app, "SEARCH_DELAY", search_delay)
    runs = counting_pagefind(tmp_path, monkeypatch)
    root = make_site(tmp_path / "site")
    preview = Preview(root, port=0)
    preview.start()
    return root, preview, runs


def waited_for_builds(preview: Preview, count: int, seconds: float = 30) -> bool:
    """Wait until the preview has made `count` builds; False when it did not in time."""
    deadline = time.monotonic() + seconds
    while preview.builds < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return preview.builds == count


def test_serve_reloads_first_and_then_brings_the_index_up_to_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild keeps the index so the reload does not wait for Pagefind; once no edit came for
    `SEARCH_DELAY`, a search build indexes the parts whose pages changed, as `sitegen build`
    does."""
    root, p, runs = started_preview(tmp_path, monkeypatch, search_delay=2.0)
    try:
        index = snapshot(root / "_site" / "pagefind")
        assert index and runs.read_text().count("run") == 1
        write_article(root / "content", "zeppelin", "A zeppelin flew over the city.",
                      title="Zeppelin sighted", slug="zeppelin", date="2022-12-12")
        assert waited_for_builds(p, 2), "the new article was built"
        assert list((root / "_site").rglob("zeppelin/index.html"))
        assert snapshot(root / "_site" / "pagefind") == index   # reloaded before indexing
        assert p.wait_idle(60) and p.indexed == 1
        assert runs.read_text().count("run") == 2   # its month, once
        assert snapshot(root / "_site" / "pagefind") != index
        assert page_count(root / "_site") == len(STORIES) + 1
    finally:
        p.stop()
    assert build(root) == 0   # the published site (its own base URL) is indexed as ever


def test_serve_does_not_index_a_broken_site(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that fails cancels the search build asked for by the one before it."""
    root, p, runs = started_preview(tmp_path, monkeypatch, search_delay=5.0)
    try:
        story = next(root.joinpath("content", "articles").glob("peskov-gas*.md"))
        story.write_text(story.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
        assert waited_for_builds(p, 2)
        deadline = time.monotonic() + 30
        story.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
        while not p.hub.errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert p.hub.errors and p.wait_idle(30)
        assert p.indexed == 0 and runs.read_text().count("run") == 1
    finally:
        p.stop()


def gated_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The real Pagefind behind a wrapper that, while the gate file exists, waits before
    running it (a Pagefind as slow as the test wants, deterministically) and counts its runs
    in the other file returned. A user cache of the test's own."""
    from sitegen.incremental.machine import CACHE_ENV

    requires_pagefind()
    real = pagefind_executable()
    gate, runs = tmp_path / "pagefind-gate", tmp_path / "pagefind-runs"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{runs}"\n'
                       f'while [ -e "{gate}" ]; do sleep 0.05; done\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(wrapper))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "user-cache"))
    return gate, runs


def test_an_edit_while_pagefind_runs_reloads_at_once_and_search_ends_current(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Page) -> None:
    """An edit saved while the preview's search build runs Pagefind cancels that build: the
    edit reloads without waiting for Pagefind (held here for as long as the gate file exists),
    and the search build that follows indexes both edits."""
    gate, runs = gated_pagefind(tmp_path, monkeypatch)
    monkeypatch.setattr(app, "SEARCH_DELAY", 0.2)
    root = make_site(tmp_path / "site")
    p = Preview(root, port=0)
    p.start()
    try:
        gate.touch()   # from now on Pagefind waits for the gate
        story = next(root.joinpath("content", "articles").glob("borrell-aid*.md"))
        story.write_text(story.read_text(encoding="utf-8").rstrip("\n")
                         + "\n\nA walrus was seen at the summit.\n", encoding="utf-8")
        assert waited_for_builds(p, 2)
        deadline = time.monotonic() + 30
        while runs.read_text().count("run") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runs.read_text().count("run") == 2, "the search build runs (held) Pagefind"
        write_article(root / "content", "zeppelin", "A zeppelin flew over the city.",
                      title="Zeppelin sighted", slug="zeppelin", date="2022-12-12")
        assert waited_for_builds(p, 3, seconds=20), "the edit's reload waited for Pagefind"
        assert list((root / "_site").rglob("zeppelin/index.html"))
        assert gate.exists() and p.indexed == 0   # Pagefind never got past the gate
        gate.unlink()
        assert p.wait_idle(60) and p.indexed == 1
        assert page_count(root / "_site") == len(STORIES) + 1
        assert not [path.name for path in root.iterdir() if path.name.startswith("._site")]
        _finds_the_walrus_and_the_zeppelin(page, p.url)
    finally:
        gate.unlink(missing_ok=True)
        p.stop()


# Browser -------------------------------------------------------------------------------------

@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    requires_pagefind()
    p = Preview(make_site(tmp_path / "site"), port=0)
    p.start()
    assert not p.hub.errors, p.hub.errors
    try:
        yield p
    finally:
        p.stop()


def results(page: Page) -> list[str]:
    return page.locator(".search-result > a").all_inner_texts()


def test_typing_a_surname_finds_that_speakers_articles(preview: Preview, page: Page) -> None:
    assert preview.url.endswith("/news/")
    page.goto(preview.url)
    search = page.locator("#search-input")
    search.wait_for()
    assert page.locator(".search-fallback").is_hidden()
    search.fill("Lavrov")
    page.wait_for_function("document.querySelectorAll('.search-result').length == 2")
    assert sorted(results(page)) == sorted(t for _, t, s, _, _ in STORIES if "Lavrov" in s)
    first = page.locator(".search-result").first
    assert first.locator("time").inner_text().startswith("December")
    assert first.locator(".search-excerpt mark").first.inner_text() == "Lavrov"
    link = first.locator("a").get_attribute("href")
    assert link is not None and link.startswith("/news/2022/12/")
    page.locator("select[name=tag]").focus()   # reaching a filter loads its values
    page.locator("select[name=tag]").select_option("Trade")
    page.wait_for_function("document.querySelectorAll('.search-result').length == 1")
    assert results(page) == ["Moscow and partners drop the dollar in trade"]
    page.locator(".search-result > a").click()
    page.wait_for_url(f"{preview.url}2022/12/lavrov-dollar/")
    assert "drop the dollar" in page.locator("h1").inner_text()


def test_search_in_preview_finds_an_edited_and_a_new_story_once_it_settles(
        preview: Preview, page: Page) -> None:
    root = preview.root
    story = next(root.joinpath("content", "articles").glob("borrell-aid*.md"))
    story.write_text(story.read_text(encoding="utf-8").rstrip("\n")
                     + "\n\nA walrus was seen at the summit.\n", encoding="utf-8")
    write_article(root / "content", "zeppelin", "A zeppelin flew over the city.",
                  title="Zeppelin sighted", slug="zeppelin", date="2022-12-12")
    deadline = time.monotonic() + 30
    while preview.indexed < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert preview.wait_idle(60) and preview.indexed >= 1
    _finds_the_walrus_and_the_zeppelin(page, preview.url)


def test_reading_a_page_does_not_load_the_index(preview: Preview, page: Page) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{preview.url}2022/12/peskov-gas/")
    page.locator("#search-input").wait_for()
    page.wait_for_timeout(300)
    assert not [u for u in fetched if u.endswith("pagefind.js") or ".pf_" in u]
    page.locator("#search-input").fill("Lavrov")   # a typed query fetches no filter values
    page.wait_for_function("document.querySelectorAll('.search-result').length == 2")
    assert any(u.endswith("/news/pagefind/2022-12/pagefind.js") for u in fetched)
    assert not [u for u in fetched if u.endswith(".pf_filter")]
    page.locator("select[name=tag]").focus()
    page.wait_for_function("document.querySelectorAll('select[name=tag] option').length > 1")
    assert [u for u in fetched if u.endswith(".pf_filter")]


def test_speaker_filter_alone_lists_their_articles_newest_first(preview: Preview,
                                                                page: Page) -> None:
    page.goto(preview.url)
    page.locator("#search-input").wait_for()
    speaker = page.locator("select[name=speaker]")
    speaker.focus()                       # a reader reaching the filter loads the index
    speaker.select_option("Sergey Lavrov")
    page.wait_for_function("document.querySelectorAll('.search-result').length == 2")
    assert results(page) == ["West seeks a wedge between Russia and Kazakhstan",
                             "Moscow and partners drop the dollar in trade"]


def test_without_javascript_the_box_links_to_the_indexes(preview: Preview, page: Page) -> None:
    chromium = page.context.browser
    assert chromium is not None
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(preview.url)
        fallback = tab.locator(".search-fallback")
        assert fallback.is_visible()
        assert fallback.locator("a").evaluate_all("links => links.map(a => a.pathname)") == [
            "/news/tags/", "/news/speakers/"]
        assert tab.locator("#search-input").count() == 0
    finally:
        context.close()


def test_unchanged_pages_give_the_same_index_bytes(tmp_path: Path) -> None:
    """Pagefind's own output differs run to run; the cached index keeps rebuilds byte-stable."""
    requires_pagefind()
    root = make_site(tmp_path / "site")
    assert build(root, "--out", str(tmp_path / "one")) == 0
    assert build(root, "--out", str(tmp_path / "two")) == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    write_article(root / "content", "extra", "A new story about Lavrov.", title="Extra",
                  slug="extra", date="2022-12-11")
    assert build(root, "--out", str(tmp_path / "three")) == 0
    assert page_count(tmp_path / "three") == len(STORIES) + 1
    parts = json.loads((tmp_path / "three/pagefind" / PARTS_FILE).read_text("utf-8"))["parts"]
    assert len(list(site_cache(load_config(root)).iterdir())) == len(parts)   # this build's
    assert not (root / ".sitegen-cache" / "search").exists()   # kept outside the site


def test_a_filter_value_with_double_quotes_still_filters(tmp_path: Path, page: Page) -> None:
    """Pagefind 1.5 finds nothing for a filter value holding '"'; the theme writes '”'."""
    requires_pagefind()
    root = make_site(tmp_path / "site")
    write_article(root / "content", "rock", "The actor spoke.", title="Actor speaks",
                  slug="rock", date="2022-12-11",
                  speakers=[{"name": 'Dwayne "The Rock" Johnson'}], tags=['"Quoted" tag'])
    p = Preview(root, port=0)
    p.start()
    try:
        page.goto(p.url)
        speaker = page.locator("select[name=speaker]")
        speaker.focus()
        speaker.select_option(label="Dwayne ”The Rock” Johnson")
        page.wait_for_function("document.querySelectorAll('.search-result').length == 1")
        assert results(page) == ["Actor speaks"]
    finally:
        p.stop()


def _finds_the_walrus_and_the_zeppelin(page: Page, url: str) -> None:
    """Search at `url` finds the edited story by its new words and the new story by its own."""
    page.goto(url)
    search = page.locator("#search-input")
    search.wait_for()
    search.fill("walrus")
    page.wait_for_function("document.querySelectorAll('.search-result').length == 1")
    assert results(page) == ["EU agrees a new aid package"]
    search.fill("zeppelin")
    page.wait_for_function("[...document.querySelectorAll('.search-result > a')]"
                           ".map(a => a.innerText).join() == 'Zeppelin sighted'")
