"""Shared test helpers: real site folders on disk, built with the real pipeline."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parent.parent
SAMPLE_RAW = REPO / "tests" / "fixtures" / "ingest" / "000_09a015d091362e36.txt"
SHARED = REPO.parent / "shared"


def write_article(content_dir: Path, name: str, body: str = "Body text.", **front: Any) -> Path:
    """Write one front-matter Markdown article under content/articles/."""
    path = content_dir / "articles" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{header}---\n{body}\n", encoding="utf-8")
    return path


def write_config(site: Path, text: str) -> None:
    (site / "sitegen.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty site folder with a content/ folder."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    return root


@pytest.fixture
def article_factory(site: Path) -> Callable[..., Path]:
    def make(name: str, body: str = "Body text.", **front: Any) -> Path:
        return write_article(site / "content", name, body, **front)

    return make


def calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str,
          note: Callable[..., Any] = lambda *args, **kwargs: args) -> list[Any]:
    """What `note` makes of each call of `owner.name` from now on, in order (its arguments by
    default; a method patched on its class gets `self` first), leaving out the calls it makes
    None of; the real one still runs. How a test counts the work a build did."""
    noted: list[Any] = []
    real = getattr(owner, name)

    def spied(*args: Any, **kwargs: Any) -> Any:
        if (entry := note(*args, **kwargs)) is not None:
            noted.append(entry)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spied)
    return noted


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove a failed build changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def counting_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real Pagefind behind a wrapper that counts its runs, and a user cache of the test's
    own; returns the file the runs are counted in (`pagefind_runs`)."""
    from sitegen.incremental.machine import CACHE_ENV
    from sitegen.search import PAGEFIND_ENV, pagefind_executable

    real = pagefind_executable()
    if real is None:
        unavailable("pagefind is not installed (pip install 'pagefind[bin]')")
    counted = tmp_path / "pagefind-runs"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{counted}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(PAGEFIND_ENV, str(wrapper))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "user-cache"))
    return counted


def pagefind_runs(counted: Path) -> int:
    """How many times the wrapper of `counting_pagefind` ran Pagefind."""
    return counted.read_text().count("run") if counted.exists() else 0


def artefact_folder(variable: str, factory: pytest.TempPathFactory, name: str) -> Path:
    """Where a test keeps files for people to look at (screenshots, reports): $`variable`, else
    a folder of pytest's."""
    wanted = os.environ.get(variable)
    folder = Path(wanted) if wanted else factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build_snapshot(root: Path) -> dict[str, bytes]:
    """Build the site at `root` (raw files not imported); its output's bytes by path."""
    from sitegen.config import load_config
    from sitegen.site import build_site

    build_site(load_config(root), import_raw=False)
    return snapshot(root / "_site")


def clean_build_snapshot(root: Path, scratch: Path) -> dict[str, bytes]:
    """The same inputs built from nothing in `scratch`: no cache, no previous site."""
    from sitegen.incremental.inputs import CACHE_DIR

    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    return build_snapshot(scratch)


def requires_shared() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (shared corpus) is absent")


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
BROWSER_TIMEOUT_MS = 15000   # bound for browser steps that are not a timing promise


def unavailable(reason: str) -> None:
    """Skip locally when a system tool is missing; in CI (.ci/run installs it) fail loudly."""
    if IN_CI:
        pytest.fail(f"{reason}; CI must run this test (.ci/run installs what it needs)")
    pytest.skip(reason)


def requires_tool(name: str, why: str) -> pytest.MarkDecorator:
    """Skip locally when a system tool is missing; in CI run anyway and fail loudly."""
    missing = shutil.which(name) is None and not IN_CI
    return pytest.mark.skipif(missing, reason=f"{why} needs `{name}`, which is not installed")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium driven by playwright (never a downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      timeout=60_000)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab in its own context (no cookies or cache shared between tests)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def ranked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The numbers of the articles `RelatedStories` ranks from now on, in order (counted by
    wrapping its `_rank`)."""
    from sitegen.related import RelatedStories

    return calls(monkeypatch, RelatedStories, "_rank", lambda self, n: n)
