"""Search stays exact over the split index: after adds, edits and deletes built incrementally,
real Pagefind in headless Chromium finds every article by a word of its current body, no longer
finds an edited-away word or a deleted article, and lists each speaker and tag exactly as one
Pagefind index over the whole site does (same stories, newest first); a new story re-indexes
one part only, and a part that fails leaves the previous site as it was."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sitegen import search
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.search import (
    PAGEFIND_ENV,
    Month,
    indexed_bytes,
    pagefind_executable,
    plan_parts,
)
from sitegen.site import build_site
from tests.conftest import (
    REPO,
    calls,
    counting_pagefind,
    pagefind_runs,
    snapshot,
    write_article,
    write_config,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "glade", "heron", "indigo",
         "juniper", "kelp", "lotus", "maple", "nectar", "onyx", "pecan")
SPEAKERS = ("Ann Arbor", "Bo Berg", "Cy Coe")
TAGS = ("Energy", "Trade", "Water")


def token(word: str, version: int = 0) -> str:
    """A word no other word starts with (Pagefind matches prefixes)."""
    return f"zq{word}{version}x"


def story(root: Path, number: int, date: str, version: int = 0,
          speaker: str | None = None, tags: list[str] | None = None) -> None:
    word = WORDS[number]
    tags = tags or ([TAGS[number % 3], TAGS[(number + 1) % 3]] if number % 2 else
                    [TAGS[number % 3]])
    write_article(root / "content", word, f"Officials spoke.\n\nThe {token(word, version)} report.",
                  title=f"Story {word}", slug=word, date=date,
                  speakers=[{"name": speaker or SPEAKERS[number % 3], "role": "Official"}],
                  tags=tags)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Served:
    """A folder over HTTP at /, on a free port, for the browser."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pagefind behind a wrapper that counts its runs; a user cache of the test's own."""
    counted = counting_pagefind(tmp_path, monkeypatch)
    monkeypatch.setattr(search, "PART_PAGES", 3)   # several parts from a few stories
    return counted


def build(root: Path) -> None:
    assert main(["build", "--site", str(root), "--quiet"]) == 0


def ui_search(page: Page, text: str) -> list[str]:
    """Type into the theme's search box; the titles it lists."""
    box = page.locator("#search-input")
    box.fill("")
    page.wait_for_function("document.querySelector('.search-status').textContent === ''")
    box.fill(text)
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    return page.locator(".search-result > a").all_inner_texts()


def ui_listing(page: Page, kind: str, value: str) -> list[str]:
    """Choose one filter value in the theme's box, query empty: the titles, newest first."""
    page.locator("#search-input").fill("")
    for name in ("speaker", "tag"):
        page.locator(f"select[name={name}]").select_option("")
    page.wait_for_function("document.querySelector('.search-status').textContent === ''")
    page.locator(f"select[name={kind}]").select_option(value)
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    return page.locator(".search-result > a").all_inner_texts()


def single_index(site: Path, where: Path) -> Path:
    """The site with one Pagefind index over all of it, as every build made before the split."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(site, where)
    shutil.rmtree(where / "pagefind")
    exe = pagefind_executable()
    assert exe is not None
    subprocess.run([str(exe), "--site", str(where), "--silent"], check=True)
    return where


REFERENCE = """async ([kind, value]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const search = await pagefind.search(null, {filters: {[kind]: value}, sort: {date: "desc"}});
  const data = await Promise.all(search.results.map((r) => r.data()));
  return data.map((d) => d.meta.title);
}"""


def check(root: Path, tmp_path: Path, page: Page, present: dict[str, str],
          absent: list[str]) -> None:
    site = Served(root / "_site")
    reference = Served(single_index(root / "_site", tmp_path / "reference"))
    try:
        page.goto(site.url)
        page.locator("select[name=tag]").focus()   # the filter values load
        page.wait_for_function("document.querySelectorAll('select[name=tag] option').length > 1")
        for word, title in present.items():
            assert ui_search(page, word) == [title], word
        for word in absent:
            assert ui_search(page, word) == [], word
        tab = page.context.new_page()
        tab.goto(reference.url)
        for kind, values in (("speaker", SPEAKERS), ("tag", TAGS)):
            for value in values:
                expected: Any = tab.evaluate(REFERENCE, [kind, value])
                assert 0 < len(expected) <= 10
                assert ui_listing(page, kind, value) == expected, (kind, value)
        tab.close()
    finally:
        site.close()
        reference.close()


def test_split_index_stays_exact_through_adds_edits_and_deletes(
        tmp_path: Path, runs: Path, page: Page) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Wire"\nbase_url = "https://example.org/"\n')
    dates = ["2022-01-05", "2022-01-20", "2022-02-03", "2022-02-17", "2022-03-09",
             "2022-04-12", "2022-04-28", "2022-05-15", "2022-06-02", "2022-06-10"]
    for number, date in enumerate(dates):
        story(root, number, date)
    present = {token(WORDS[n]): f"Story {WORDS[n]}" for n in range(len(dates))}
    build(root)
    parts = json.loads((root / "_site/pagefind/parts.json").read_text("utf-8"))["parts"]
    assert len(parts) > 2 and parts[0] == "2022-06"
    check(root, tmp_path, page, present, [])

    # A new story this month: only its month is indexed again, though it now shows among the
    # related stories of older ones (outside what Pagefind reads: `data-pagefind-ignore="all"`)
    before = pagefind_runs(runs)
    story(root, 10, "2022-06-21")
    build(root)
    assert pagefind_runs(runs) == before + 1
    present[token(WORDS[10])] = "Story kelp"
    check(root, tmp_path, page, present, [])

    story(root, 2, "2022-02-03", version=1, speaker="Ann Arbor")   # edit: new words, speaker
    (root / "content/articles/ember.md").unlink()                  # delete
    story(root, 11, "2021-12-30")                                  # a backdated story
    build(root)
    del present[token("cedar")], present[token("ember")]
    present[token("cedar", 1)] = "Story cedar"
    present[token(WORDS[11])] = "Story lotus"
    check(root, tmp_path, page, present, [token("cedar"), token("ember")])


def test_a_ci_run_indexes_only_the_new_storys_part_without_the_user_cache(
        tmp_path: Path, runs: Path, page: Page) -> None:
    """A CI runner restores `_site/` and `.sitegen-cache/` (as the workflow does) but not the
    user cache, and checks out every file anew: the parts the site holds are kept untouched,
    only the new story's month is indexed, and search is still exact."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Wire"\nbase_url = "https://example.org/"\n')
    dates = ["2022-01-05", "2022-02-03", "2022-03-09", "2022-04-12", "2022-05-15",
             "2022-06-02", "2022-06-10"]
    for number, date in enumerate(dates):
        story(root, number, date)
    build(root)
    index = root / "_site" / "pagefind"
    older = {p: p.stat().st_ino for p in index.rglob("*")
             if p.is_file() and not p.is_relative_to(index / "2022-06")
             and p.name != "parts.json"}
    shutil.rmtree(tmp_path / "user-cache")                         # a new runner
    for source in (root / "content").rglob("*.md"):                # a fresh checkout
        source.write_bytes(source.read_bytes())
    before = pagefind_runs(runs)
    story(root, 7, "2022-06-21")
    build(root)
    assert pagefind_runs(runs) == before + 1
    assert {p: p.stat().st_ino for p in older} == older   # not written again
    present = {token(WORDS[n]): f"Story {WORDS[n]}" for n in range(len(dates) + 1)}
    check(root, tmp_path, page, present, [])


def four_months(tmp_path: Path) -> Path:
    """A built site of four stories, one a month."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Wire"\nbase_url = "https://example.org/"\n')
    for number, date in enumerate(["2022-01-05", "2022-02-03", "2022-03-09", "2022-04-12"]):
        story(root, number, date)
    build(root)
    return root


def wrapped_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> str:
    """Build `four_months` (two parts) clean on two cores with Pagefind behind a wrapper, the
    shell `script`, which logs to "$LOG" and runs Pagefind as "$PAGEFIND"; the log."""
    log = tmp_path / "runs.log"
    log.touch()
    wrapper = tmp_path / "wrapper"
    wrapper.write_text(f'#!/bin/sh\nLOG="{log}"\nPAGEFIND="{pagefind_executable()}"\n{script}')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(wrapper))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    four_months(tmp_path)
    return log.read_text()


def most_runs_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """`wrapped_build` with a wrapper that waits up to 3 s for a second run to start before it
    runs; how many runs were at once, at most."""
    log = wrapped_build(tmp_path, monkeypatch,
                        'echo start >> "$LOG"\nn=0\n'
                        'while [ "$(grep -c start "$LOG")" -lt 2 ] && [ $n -lt 60 ]; do '
                        'sleep 0.05; n=$((n+1)); done\n"$PAGEFIND" "$@"\ncode=$?\n'
                        'echo end >> "$LOG"\nexit $code\n')
    running = most = 0
    for line in log.split():
        running += 1 if line == "start" else -1
        most = max(most, running)
    return most


def test_parts_are_indexed_two_at_once_on_two_cores(tmp_path: Path, runs: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind works on one core for most of a run: a clean build runs a part per core."""
    assert most_runs_at_once(tmp_path, monkeypatch) == 2


def test_runs_at_once_stay_within_the_page_budget(tmp_path: Path, runs: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's memory grows with the pages of a run: no more than `PARALLEL_PAGES` pages
    are indexed at once."""
    monkeypatch.setattr(search, "PARALLEL_PAGES", 3)   # one part's pages (three months)
    assert most_runs_at_once(tmp_path, monkeypatch) == 1


def overlapping_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`wrapped_build`, a part's pages the whole page budget, with a wrapper that logs its
    start, makes its output folder (as Pagefind does once it writes) and waits 1.5 s, then logs
    the state of the other run (`/proc`: T if stopped), runs Pagefind and logs its end."""
    monkeypatch.setattr(search, "PARALLEL_PAGES", 3)   # one part's pages (three months)
    log = wrapped_build(tmp_path, monkeypatch,
                        'echo "start $$" >> "$LOG"\nmkdir -p "$4"\nsleep 1.5\n'
                        'for p in $(sed -n "s/^start //p" "$LOG"); do [ "$p" != "$$" ] && '
                        'echo "saw $(cut -d" " -f3 /proc/$p/stat)" >> "$LOG"; done\n'
                        '"$PAGEFIND" "$@"\ncode=$?\necho "end $$" >> "$LOG"\nexit $code\n')
    return [line.split()[0] if line.startswith(("start", "end")) else line
            for line in log.splitlines()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux /proc")
def test_the_next_part_starts_reading_while_the_one_before_writes(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's memory falls as it writes its index: the next part starts then, within the
    page budget."""
    lines = overlapping_runs(tmp_path, monkeypatch)
    assert lines[:3] == ["start", "start", "saw S"] and lines.count("end") == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux /proc")
def test_a_run_is_paused_while_the_runs_together_pass_the_memory_budget(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PARALLEL_MB", 0)
    lines = overlapping_runs(tmp_path, monkeypatch)
    assert lines[:4] == ["start", "start", "saw T", "end"]   # resumed once the other ended
    assert lines.count("end") == 2


@pytest.mark.parametrize(("ours", "seen"), [(None, "dirty_decay_ms:250"),
                                             ("narenas:1", "narenas:1")])
def test_pagefind_returns_freed_memory_soon_unless_told_otherwise(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch, ours: str | None,
        seen: str) -> None:
    """Pagefind's allocator (jemalloc) keeps freed pages 10 s by default, so a run's memory
    stayed near its peak while it wrote and the next run waited: each run is told to give them
    back within 0.25 s, unless the environment sets it already."""
    if ours is not None:
        monkeypatch.setenv("_RJEM_MALLOC_CONF", ours)
    log = wrapped_build(tmp_path, monkeypatch,
                        'echo "conf=$_RJEM_MALLOC_CONF" >> "$LOG"\nexec "$PAGEFIND" "$@"\n')
    assert log.split() == [f"conf={seen}"] * 2


def test_a_page_the_site_holds_as_it_was_is_not_read_again_to_key_its_part(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = four_months(tmp_path)
    read = calls(monkeypatch, search, "indexed_bytes", lambda html: html)
    story(root, 4, "2022-04-20")
    build(root)
    # the new story's page and the pages that show it among their related stories were
    # rendered again (their digests change with their bytes); the others are not read
    assert 1 <= len(read) < 5 and any(token(WORDS[4]).encode() in html for html in read)
    read.clear()
    old = root / "_site" / "2022" / "01" / "amber" / "index.html"
    old.write_bytes(old.read_bytes().replace(b"</main>", b"<p>changed by hand</p></main>"))
    story(root, 5, "2022-04-25")
    build(root)
    assert any(b"changed by hand" not in html and token(WORDS[0]).encode() in html
               for html in read), "a page changed outside sitegen is read (and rendered) again"


def test_a_build_that_keeps_the_index_leaves_the_next_one_its_unchanged_parts(
        tmp_path: Path, runs: Path) -> None:
    """`serve` rebuilds without indexing, then indexes once the preview settles: that build
    indexes only the parts whose pages changed in between, without the user cache."""
    root = four_months(tmp_path)
    story(root, 4, "2022-04-20")
    build_site(load_config(root), search_index=False)
    shutil.rmtree(tmp_path / "user-cache")
    before = pagefind_runs(runs)
    build_site(load_config(root))
    assert pagefind_runs(runs) == before + 1   # the newest month only


def test_what_pagefind_ignores_wholly_is_not_part_of_the_key() -> None:
    page = (b'<article data-pagefind-body>Text</article><aside class="related" '
            b'data-pagefind-ignore="all"><aside>x</aside><a>Other story</a></aside><p>end</p>')
    assert indexed_bytes(page) == b"<article data-pagefind-body>Text</article><p>end</p>"
    unclosed = b'<p>a</p><aside data-pagefind-ignore="all"><a>b</a>'
    assert indexed_bytes(unclosed) == unclosed   # kept: indexed once too often, never stale
    marked = b'<p data-pagefind-ignore>still read for filters</p>'
    assert indexed_bytes(marked) == marked


def test_parts_pack_older_months_and_keep_the_newest_alone(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(search, "PART_PAGES", 3)
    pages = {"a": (2021, 1), "b": (2021, 1), "c": (2021, 2), "d": (2021, 3), "e": (2021, 3),
             "f": (2021, 3), "g": (2021, 3), "h": (2022, 1), "i": (2022, 5)}
    assert plan_parts(pages) == {"2022-05": ["i"], "2022-01": ["h"],
                                 "2021-03": ["d", "e", "f", "g"],
                                 "2021-01_2021-02": ["a", "b", "c"]}
    assert plan_parts({}) == {}


def archive(stories: int, months: int = 120, first: int = 2015) -> dict[str, Month]:
    """`stories` article pages spread evenly over `months` months from January of `first`."""
    return {f"p{n}": (first + (n * months // stories) // 12, (n * months // stories) % 12 + 1)
            for n in range(stories)}


def test_parts_are_the_smallest_the_first_search_allows() -> None:
    """The cap of an older part is the smallest step that keeps the parts within
    FIRST_SEARCH_PARTS (a reader's first search within twice a single index's requests): an
    old story's edit at 1,000 articles re-indexes ~250 pages, not 990; at 10,000 the parts are
    6 of at most 2,048 pages, at 50,000 as many as it takes of at most PART_PAGES (one
    Pagefind run's memory)."""
    assert search.FIRST_SEARCH_PARTS == 6   # 16 + 3 * 5 = 31 requests, at most 2 * 16
    for stories, parts, largest in ((1_000, 5, 256), (10_000, 6, 2048), (50_000, 21, 2500)):
        plan = plan_parts(archive(stories))
        sizes = [len(paths) for paths in plan.values()]
        assert len(plan) == parts and max(sizes) <= largest, (stories, sizes)
    assert len(plan_parts(archive(20))) == 2   # a small site: the floor, one older part


def test_a_new_story_leaves_the_older_parts_and_the_cap_only_climbs() -> None:
    """As an archive grows month by month, a new story of the newest month leaves every older
    part as it was (the cap depends on the older months only), and the cap climbs a step at a
    time (each step re-partitions once), never down."""
    pages = archive(3_000, months=36)
    caps = []
    for month in range(36, 120):
        when = (2015 + month // 12, month % 12 + 1)
        older: list[tuple[str, list[str]]] = []
        for n in range(83):
            pages[f"m{month}-{n}"] = when
            if n < 3:   # its first story may re-pack (the last older part; all at a step)
                plan = list(plan_parts(pages).items())
                assert n == 0 or plan[1:] == older, month
                older = plan[1:]
        sizes = Counter(pages.values())
        caps.append(search.part_cap([sizes[m] for m in sorted(sizes)[:-1]]))
    assert caps == sorted(caps) and len(set(caps)) >= 3, caps


def test_a_part_that_fails_keeps_the_old_site_and_the_next_build_recovers(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = four_months(tmp_path)
    before = snapshot(root / "_site")
    real = pagefind_executable()
    flaky = tmp_path / "flaky"   # indexes one part and fails the others (runs may overlap:
    flaky.write_text(            # one mkdir succeeds)
        f'#!/bin/sh\nif ! mkdir "{tmp_path}/once" 2>/dev/null; then echo "Error: boom" >&2; '
        f'exit 4; fi\nexec "{real}" "$@"\n')
    flaky.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(flaky))
    story(root, 0, "2022-01-05", version=1)
    story(root, 4, "2022-04-20")   # two parts to index again
    assert main(["build", "--site", str(root), "--quiet"]) == 1
    assert snapshot(root / "_site") == before
    assert not list(tmp_path.glob("site/._site.*"))
    monkeypatch.setenv(PAGEFIND_ENV, str(real))
    build(root)
    entries = [json.loads(p.read_text("utf-8")) for p in
               (root / "_site/pagefind").glob("*/pagefind-entry.json")]
    assert sum(e["languages"]["en"]["page_count"] for e in entries) == 5


def test_more_results_on_demand_and_filters_that_keep_their_size(
        tmp_path: Path, runs: Path, page: Page) -> None:
    """25 stories share a word: 10 are shown, "Show more stories" adds the next 10 and takes
    the keyboard focus to the first of them, then the last 5 and the button goes; the filter
    menus are as wide before their values load as after."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Wire"\nbase_url = "https://example.org/"\n')
    for number in range(25):
        write_article(root / "content", f"s{number:02d}", "A zqcommonx story.",
                      title=f"Story {number:02d}", date=f"2022-03-{number + 1:02d}",
                      speakers=[{"name": "A Speaker With A Rather Long Name Indeed"}],
                      tags=["A tag whose name is long enough to widen a menu"])
    build(root)
    served = Served(root / "_site")
    try:
        page.goto(served.url)
        select = page.locator("select[name=speaker]")
        page.locator("#search-input").wait_for()
        width = select.bounding_box()
        select.focus()   # the values load now
        page.wait_for_function("document.querySelector('select[name=speaker]').options.length > 1")
        assert select.bounding_box() == width
        titles = ui_search(page, "zqcommonx")
        assert len(titles) == 10
        assert page.locator(".search-status").inner_text() == "25 stories, showing 10"
        more = page.locator(".search-more")
        more.click()
        page.wait_for_function("document.querySelectorAll('.search-result').length === 20")
        eleventh = page.locator(".search-result > a").nth(10)
        assert eleventh.evaluate("link => link === document.activeElement")
        assert page.locator(".search-status").inner_text() == "25 stories, showing 20"
        more.press("Enter")   # the keyboard does what the click does
        page.wait_for_function("document.querySelectorAll('.search-result').length === 25")
        assert not more.is_visible()
        assert page.locator(".search-status").inner_text() == "25 stories"
        all_titles = page.locator(".search-result > a").all_inner_texts()
        assert sorted(all_titles) == [f"Story {n:02d}" for n in range(25)]
    finally:
        served.close()


def recording_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pagefind behind a wrapper that copies the pages each run is given (its `--site`) into a
    folder of its own under the returned one (named by its start time), before it indexes
    them."""
    seen = tmp_path / "seen"
    seen.mkdir()
    wrapper = tmp_path / "recording"
    wrapper.write_text(f'#!/bin/sh\nrun="{seen}/$(date +%s%N).$$"\nmkdir "$run"\n'
                       f'cp -R "$2/." "$run"\nexec "{pagefind_executable()}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(wrapper))
    return seen


def test_a_part_is_indexed_only_once_every_one_of_its_pages_is_staged(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts start while the rest of the site still renders: each run is given all the pages
    of its part, each with the bytes the build moves into the site (not the last build's,
    not a page missing because it was not staged yet), in a clean build and an update."""
    seen = recording_pagefind(tmp_path, monkeypatch)
    root = four_months(tmp_path)
    story(root, 0, "2022-01-05", version=1)   # its part (the three older months) again
    story(root, 4, "2022-04-20")              # and the newest month's
    build(root)
    site = root / "_site"
    months = {str(p.relative_to(site)): (int(p.parts[-4]), int(p.parts[-3]))
              for p in site.glob("2022/*/*/index.html")}
    parts = {tuple(paths) for paths in plan_parts(months).values()}
    runs_seen = sorted(seen.iterdir(), key=lambda run: run.name)   # in the order they started
    assert len(runs_seen) == 2 + 2   # the clean build's two parts, then the two changed
    for run in runs_seen[2:]:   # the update's, with the bytes it moved into the site
        pages = {str(p.relative_to(run)): p.read_bytes() for p in run.rglob("*.html")}
        assert tuple(sorted(pages)) in parts
        assert all(pages[path] == (site / path).read_bytes() for path in pages)
    final = {str(p.relative_to(r)) for r in runs_seen[2:] for p in r.rglob("*.html")}
    assert "2022/01/amber/index.html" in final and "2022/04/ember/index.html" in final
    assert token(WORDS[0], 1).encode() in (site / "2022/01/amber/index.html").read_bytes()


def _group_running(group: int) -> bool:
    """Whether a process of process group `group` runs (zombies waiting for a reaper don't)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads processes from /proc")
def test_a_render_failure_after_a_part_started_ends_pagefind_and_keeps_the_site(
        tmp_path: Path, runs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part starts while the list pages still render; when one of them fails, its Pagefind
    (process group and all) ends with the build, and the site and user cache stay as they
    were: nothing moved in, no staging folder left, no part kept from the failed build."""
    import sitegen.render

    root = four_months(tmp_path)
    before, cached = snapshot(root / "_site"), snapshot(tmp_path / "user-cache")
    started = tmp_path / "started"
    slow = tmp_path / "slow"   # records its process group, then takes its time
    slow.write_text(f'#!/bin/sh\necho $$ >> "{started}"\nsleep 60\n'
                    f'exec "{pagefind_executable()}" "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(slow))
    real = sitegen.render.render_site

    def failing(*args: Any, **kwargs: Any) -> Any:
        articles = False
        for output in real(*args, **kwargs):   # the home page, then the article pages
            article = output.path.count("/") == 3 and output.path.startswith("2022/")
            articles |= article
            if articles and not article:
                for _ in range(200):   # a part's Pagefind has started
                    if started.exists() and started.read_text().strip():
                        break
                    threading.Event().wait(0.05)
                raise RuntimeError("a list page failed to render")
            yield output

    monkeypatch.setattr(sitegen.render, "render_site", failing)
    story(root, 4, "2022-04-20")
    with pytest.raises(RuntimeError, match="a list page failed"):
        build_site(load_config(root))
    groups = [int(line) for line in started.read_text().split()]
    assert groups, "no part was started before the failure"
    assert not [g for g in groups if _group_running(g)], "a Pagefind outlived the build"
    assert snapshot(root / "_site") == before
    assert not list(tmp_path.glob("site/._site.*"))
    assert snapshot(tmp_path / "user-cache") == cached


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie waiting for a reaper does not)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="Linux's parent-death signal (elsewhere Pagefind outlives a SIGKILL)")
def test_a_build_killed_outright_takes_its_pagefind_with_it(tmp_path: Path, runs: Path) -> None:
    """SIGKILL runs no clean-up in the build, and Pagefind runs in a session of its own: still it
    must not outlive the build (it would keep a gigabyte and its core for a minute, writing
    into a staging folder nobody moves in)."""
    root = four_months(tmp_path)
    started = tmp_path / "started"
    slow = tmp_path / "slow"   # becomes (exec) a long sleep in the process the build started
    slow.write_text(f'#!/bin/sh\necho $$ >> "{started}"\nexec sleep 300\n')
    slow.chmod(0o755)
    story(root, 4, "2022-04-20")
    build = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--site", str(root),
                              "--quiet"], cwd=REPO, env={**os.environ, PAGEFIND_ENV: str(slow)})
    pids: list[int] = []
    try:
        for _ in range(1200):
            if started.exists() and (pids := [int(p) for p in started.read_text().split()]):
                break
            assert build.poll() is None, "the build ended before Pagefind started"
            time.sleep(0.05)
        assert pids, "Pagefind never started"
        build.send_signal(signal.SIGKILL)
        assert build.wait(timeout=30) == -signal.SIGKILL
        for _ in range(100):
            if not any(_alive(pid) for pid in pids):
                break
            time.sleep(0.05)
        assert not [pid for pid in pids if _alive(pid)], "a Pagefind outlived the killed build"
    finally:
        build.kill()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
