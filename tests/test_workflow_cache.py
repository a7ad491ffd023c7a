"""The Pages workflow's build cache, run the way GitHub Actions runs it.

Each CI run is a fresh `git clone` (every file with a new mtime) at the same workspace path, with
what the workflow's `actions/cache` step lists restored the way that action restores it (GNU tar
`--posix`, which keeps mtimes to the nanosecond). A build there must give exactly the bytes of a
clean build and render only what changed; a cache from another site must change nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import yaml

from bench import corpus
from sitegen.config import load_config
from sitegen.scaffold import WORKFLOW, new_site
from sitegen.search import SEARCH_DIR
from sitegen.site import BuildReport, build_site
from tests.conftest import REPO, requires_tool, snapshot

BASE_URL = "https://acme.github.io/news/"   # what configure-pages reports for a project site
NEW_STORY = REPO / "tests" / "fixtures" / "ingest" / "wire" / "reuters.txt"
GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}

pytestmark = [requires_tool("git", "a fresh clone"), requires_tool("tar", "actions/cache")]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def origin_repo(root: Path, articles: int, seed: int) -> Path:
    """A site as `sitegen new` writes it plus `articles` stories, committed on main."""
    new_site(root)
    folder = root / "content" / "articles"
    for item in corpus.generate(articles, seed=seed):
        (folder / f"{item.slug}.md").write_text(corpus.sitegen_text(item), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the site")
    return root


def cached_paths(site: Path) -> list[str]:
    """What the site's own workflow restores and saves with actions/cache."""
    data = yaml.safe_load((site / WORKFLOW).read_text(encoding="utf-8"))
    step = next(s for s in data["jobs"]["build"]["steps"] if s.get("uses") == "actions/cache@v4")
    return [line.strip() for line in step["with"]["path"].splitlines() if line.strip()]


def fresh_clone(origin: Path, workspace: Path) -> Path:
    """A new checkout, as actions/checkout makes on a new runner (whole history)."""
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    git(workspace.parent, "clone", "-q", str(origin), workspace.name)
    return workspace


def save_cache(workspace: Path, archive: Path) -> None:
    """actions/cache's save: `tar --posix -cf ARCHIVE -P -C WORKSPACE PATHS`."""
    paths = [p for p in cached_paths(workspace) if (workspace / p).exists()]
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-P", "-C", str(workspace), *paths],
                   check=True)


def restore_cache(workspace: Path, archive: Path) -> None:
    """actions/cache's restore: `tar -xf ARCHIVE -P -C WORKSPACE`."""
    subprocess.run(["tar", "-xf", str(archive), "-P", "-C", str(workspace)], check=True)


def build(site: Path) -> BuildReport:
    """`sitegen build --base-url URL`, as the workflow's build step runs it."""
    return build_site(load_config(site, overrides={"base_url": BASE_URL}))


def site_files(site: Path) -> dict[str, bytes]:
    """The built site's bytes, the search index aside: Pagefind does not write the same bytes
    twice (two clean builds of one commit differ in its filter and meta file names), so the
    index is held to its parts, the pages each counts and the files it has."""
    files = snapshot(site / "_site")
    index = {path: files.pop(path) for path in list(files)
             if path.startswith(f"{SEARCH_DIR}/")}
    parts = json.loads(index[f"{SEARCH_DIR}/parts.json"])["parts"]   # one index per part
    kinds = sorted(path.rsplit("/", 1)[0] + "/" + path.rsplit(".", 1)[-1] for path in index)
    pages = {part: {language: value["page_count"] for language, value in json.loads(
        index[f"{SEARCH_DIR}/{part}/pagefind-entry.json"])["languages"].items()}
        for part in parts}
    files["(search index)"] = repr((pages, kinds)).encode()
    return files


def checked_out_after(site: Path, moment: float) -> None:
    """Every checked-out file is new: no mtime of the last run survives the clone."""
    files = [p for p in site.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert files and all(p.stat().st_mtime > moment for p in files)


def test_a_ci_publish_renders_only_what_changed_and_equals_a_clean_build(
        tmp_path: Path) -> None:
    origin = origin_repo(tmp_path / "origin", articles=40, seed=5)
    workspace = tmp_path / "runner" / "work" / "news" / "news"   # the same path every run
    archive = tmp_path / "cache.tar"
    assert cached_paths(origin) == [".sitegen-cache", "_site"]

    first = build(fresh_clone(origin, workspace))   # the first run: nothing to restore
    assert first.rendered == first.files
    save_cache(workspace, archive)
    first_done = time.time()

    # a run with nothing new: the site is the one the last run published, nothing rendered
    time.sleep(0.05)
    fresh_clone(origin, workspace)
    checked_out_after(workspace, first_done)
    restore_cache(workspace, archive)
    same = build(workspace)
    assert same.rendered == 0
    assert site_files(workspace) == snapshot_of_clean(origin, tmp_path / "clean")

    # one new wire story pushed: only the pages that show it are rendered
    shutil.copyfile(NEW_STORY, origin / "content" / "raw" / "new-story.txt")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "a new story")
    fresh_clone(origin, workspace)
    checked_out_after(workspace, first_done)
    restore_cache(workspace, archive)
    publish = build(workspace)
    assert publish.articles == first.articles + 1 and publish.imported is not None
    clean = snapshot_of_clean(origin, tmp_path / "clean")
    assert site_files(workspace) == clean
    assert 0 < publish.rendered < len(clean) / 5, (publish.rendered, len(clean))


def snapshot_of_clean(origin: Path, folder: Path) -> dict[str, bytes]:
    """The same commit built from nothing, somewhere else: no cache, no previous site."""
    report = build(fresh_clone(origin, folder))
    assert report.rendered == report.files
    return site_files(folder)


def test_a_cache_from_another_site_changes_nothing(tmp_path: Path) -> None:
    """Restore keys match on the runner, code and settings only: a cache left by other
    content (another branch of history, another site with the same settings) is restored.
    The build must still give exactly a clean build's bytes."""
    other = origin_repo(tmp_path / "other", articles=12, seed=9)
    ours = origin_repo(tmp_path / "ours", articles=12, seed=5)
    workspace = tmp_path / "runner" / "work" / "news" / "news"
    archive = tmp_path / "cache.tar"
    build(fresh_clone(other, workspace))
    save_cache(workspace, archive)
    fresh_clone(ours, workspace)
    restore_cache(workspace, archive)
    report = build(workspace)
    assert site_files(workspace) == snapshot_of_clean(ours, tmp_path / "clean")
    assert report.rendered < report.files   # the shared pages (404, static files) were kept
