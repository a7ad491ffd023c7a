"""Builds and imports that run at the same time on one site, and edits made while a build runs
(issue 18, items 1 and 2). Real `sitegen` processes on real folders; each end state is compared
byte for byte with a clean build of the same content in another folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.lock import site_lock
from tests.conftest import REPO, snapshot, write_article, write_config
from tests.test_hardening_faults import raw_batch

CONFIG = 'title = "Concurrent"\nper_page = 5\nsearch = false\n'


def sitegen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sitegen", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def finish(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str]:
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err


def make_site(root: Path, count: int) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, CONFIG)
    for n in range(count):
        write_article(root / "content", f"a{n:03d}", f"Story {n} body.\n\n\"A quote,\" she said.",
                      title=f"Story {n}", date=f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}",
                      tags=["Russia", f"T{n % 7}"], speakers=[{"name": f"Person {n % 5}"}],
                      quotes=[{"text": "A quote,", "speaker": f"Person {n % 5}"}])
    return root


def clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """The site a clean build makes from `root`'s content now (copied, with no cache)."""
    copy = scratch / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    shutil.copy(root / "sitegen.toml", copy / "sitegen.toml")
    shutil.copytree(root / "content", copy / "content")
    code, err = finish(sitegen("build", "--site", str(copy), "--quiet"))
    assert code == 0, err
    return snapshot(copy / "_site")


def test_two_builds_at_once_leave_the_site_a_clean_build_makes(tmp_path: Path) -> None:
    """The issue's run: 4 titles changed, 2 articles deleted, 1 added, then `build & build;
    wait; build`. Without a lock one build's rollback undid the other's changes (12 of 12)."""
    root = make_site(tmp_path / "site", 240)
    code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
    assert code == 0, err
    for round_ in range(3):
        articles = root / "content" / "articles"
        for n in range(4):
            path = articles / f"a{round_ * 10 + n:03d}.md"
            path.write_text(path.read_text(encoding="utf-8").replace(
                "title: Story", f"title: Retitled {round_}"), encoding="utf-8")
        for n in (5, 6):
            (articles / f"a{round_ * 10 + n:03d}.md").unlink()
        write_article(root / "content", f"new{round_}", "New.", title=f"New story {round_}",
                      date="2023-01-01")
        both = [sitegen("build", "--site", str(root), "--quiet") for _ in range(2)]
        results = [finish(p) for p in both]
        assert [code for code, _ in results] == [0, 0], results
        code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
        assert code == 0, err
        built = snapshot(root / "_site")
        assert built == clean_build(root, tmp_path), f"round {round_}: the site is mixed"
        assert f"New story {round_}" in built["index.html"].decode()
        assert sum(f"Retitled {round_}".encode() in page for page in built.values()) > 4


def test_a_build_waits_for_the_holder_and_says_whom_it_waits_for(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", 3)
    with site_lock(root / "content"):
        code, err = finish(sitegen("build", "--site", str(root), env={"SITEGEN_LOCK_WAIT": "1"}))
        assert code == 1
        assert f"another sitegen process (pid {os.getpid()})" in err
        assert "Traceback" not in err and not (root / "_site").exists()
        waiting = sitegen("build", "--site", str(root))
        time.sleep(1.5)
        assert waiting.poll() is None, "the build did not wait for the lock"
    code, err = finish(waiting)
    assert code == 0, err
    assert f"another sitegen process is writing this site (pid {os.getpid()}); waiting" in err
    assert (root / "_site" / "index.html").is_file()


def test_an_import_beside_a_build_loses_no_state_and_no_article(tmp_path: Path) -> None:
    """The build imports content/raw/ while `sitegen import` brings in other files: without a
    lock each saved its own import state over the other's (200 of 600 entries were lost), and
    articles were never built."""
    root = make_site(tmp_path / "site", 2)
    raw, elsewhere = root / "content" / "raw", tmp_path / "elsewhere"
    elsewhere.mkdir()
    for path in raw_batch(raw, 180)[120:]:
        path.rename(elsewhere / path.name)
    build = sitegen("build", "--site", str(root), "--quiet")
    imported = sitegen("import", "--content-dir", str(root / "content"), "--quiet",
                       str(elsewhere))
    assert finish(imported)[0] == 0 and finish(build)[0] == 0
    state = json.loads((root / "content" / ".sitegen-import.json").read_text(encoding="utf-8"))
    assert len(state["files"]) == 180
    assert len(list((root / "content" / "articles").rglob("*.md"))) == 182
    code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
    assert code == 0, err
    assert snapshot(root / "_site") == clean_build(root, tmp_path)


def test_an_edit_made_while_a_build_imports_is_built_by_the_next_build(tmp_path: Path) -> None:
    """The build hashed its inputs again after importing, so an edit made while it rendered
    counted as built: the next build said "0 rendered" and the new title never appeared."""
    root = make_site(tmp_path / "site", 3)
    code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
    assert code == 0, err
    raw_batch(root / "content" / "raw", 200)
    build = sitegen("build", "--site", str(root), "--quiet")
    articles = root / "content" / "articles"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(   # rendering: its staging folder is there
            p.name.startswith("._site") for p in root.iterdir()):
        time.sleep(0.005)
    assert build.poll() is None, "the build finished before the edit could be made"
    edited = articles / "a001.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: Story 1",
                                                                   "title: Edited meanwhile"),
                      encoding="utf-8")
    assert finish(build)[0] == 0
    code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
    assert code == 0, err
    built = snapshot(root / "_site")
    assert any(b"Edited meanwhile" in page for page in built.values())
    assert built == clean_build(root, tmp_path)


@pytest.mark.parametrize("holder", ["build", "import"])
def test_the_lock_is_free_once_the_holder_is_killed(tmp_path: Path, holder: str) -> None:
    """The kernel drops a killed process's lock: no stale lock file to remove by hand."""
    root = make_site(tmp_path / "site", 3)
    raw = root / "content" / "raw"
    raw_batch(raw, 150)
    args = (["build", "--site", str(root)] if holder == "build"
            else ["import", "--content-dir", str(root / "content"), str(raw)])
    process = sitegen(*args)
    deadline = time.monotonic() + 60
    while len(list((root / "content" / "articles").rglob("*.md"))) < 5 \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.communicate()
    started = time.monotonic()
    code, err = finish(sitegen("build", "--site", str(root), "--quiet",
                               env={"SITEGEN_LOCK_WAIT": "5"}))
    assert code == 0, err
    assert "waiting" not in err and time.monotonic() - started < 60


def test_serve_and_build_on_one_site_take_turns(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """`serve` rebuilds into the same `_site/` as `sitegen build` (the sample's base_url is
    serve's URL): the issue saw the same mixed site there as between two builds."""
    from sitegen.serve import Preview

    root = make_site(tmp_path / "site", 120)
    preview = Preview(root, port=0)
    preview.start()
    try:
        assert preview.wait_idle(120)
        articles = root / "content" / "articles"
        for round_ in range(4):
            path = articles / f"a{round_:03d}.md"   # saved as editors save: a whole new file
            saved = path.with_name(f".{path.name}.swp")
            saved.write_text(path.read_text(encoding="utf-8").replace(
                "title: Story", f"title: Served {round_}"), encoding="utf-8")
            os.replace(saved, path)
            (articles / f"a{50 + round_:03d}.md").unlink()   # even while serve is loading
            code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
            assert code == 0, err
        assert preview.wait_idle(120)
    finally:
        preview.stop()
    assert "build failed" not in caplog.text
    code, err = finish(sitegen("build", "--site", str(root), "--quiet"))
    assert code == 0, err
    assert snapshot(root / "_site") == clean_build(root, tmp_path)
