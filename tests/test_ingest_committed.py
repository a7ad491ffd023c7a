"""Dates that hold (issue 14): a story with no date in its text takes the day its raw file was
first committed, the same on every clone and every build; real git, real files."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import frontmatter
import pytest

from sitegen.ingest.importer import import_paths

NOW = datetime(2026, 11, 29, tzinfo=UTC)
UNDATED = "Bridge reopens after repairs\n\nThe old bridge reopened to traffic after repairs.\n"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str, when: str = "2021-03-04T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "Ed", "GIT_AUTHOR_EMAIL": "ed@example.org",
           "GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.org"}
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, capture_output=True)


def site_with_a_committed_story(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    raw = site / "content" / "raw"
    raw.mkdir(parents=True)
    git(site, "init", "-q", "-b", "main")
    (raw / "bridge.txt").write_text(UNDATED, encoding="utf-8")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "a story")
    (raw / "bridge.txt").write_text(UNDATED + "\nIt cost a lot.\n", encoding="utf-8")
    git(site, "commit", "-q", "-am", "an edit, later", when="2022-06-01T10:00:00+00:00")
    return site


def import_story(site: Path) -> tuple[frontmatter.Post, list[str]]:
    report = import_paths([site / "content" / "raw"], site / "content", progress=False, now=NOW)
    assert not report.failed
    [written] = report.written
    return frontmatter.load(written), report.warnings


def test_an_undated_story_takes_its_first_commit(tmp_path: Path) -> None:
    site = site_with_a_committed_story(tmp_path)
    stamp = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    os.utime(site / "content" / "raw" / "bridge.txt", (stamp, stamp))  # a fresh checkout's time
    post, warnings = import_story(site)
    assert post["date"] == date(2021, 3, 4)
    assert post["date_from"] == "git"
    assert warnings == []


def test_every_clone_gives_the_same_date(tmp_path: Path) -> None:
    site = site_with_a_committed_story(tmp_path)
    clones = []
    for name in ("ci-run-1", "ci-run-2"):
        clone = tmp_path / name
        subprocess.run(["git", "clone", "-q", str(site), str(clone)], check=True)
        clones.append(import_story(clone)[0]["date"])
    assert clones == [date(2021, 3, 4), date(2021, 3, 4)]


def test_a_shallow_clone_falls_back_to_the_file_time_and_says_why(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site = site_with_a_committed_story(tmp_path)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site}", str(clone)],
                   check=True)
    stamp = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    os.utime(clone / "content" / "raw" / "bridge.txt", (stamp, stamp))
    post, warnings = import_story(clone)
    assert post["date"] == date(2025, 1, 1) and post["date_from"] == "file"
    assert any("modification time" in w for w in warnings)
    assert "fetch-depth: 0" in caplog.text


def test_a_dated_story_never_asks_git(tmp_path: Path) -> None:
    site = site_with_a_committed_story(tmp_path)
    (site / "content" / "raw" / "bridge.txt").write_text(
        "Bridge reopens\n\nLONDON, March 3 (Reuters) - The bridge reopened on Friday in 2023.\n",
        encoding="utf-8")
    post, _ = import_story(site)
    assert post["date"] == date(2023, 3, 3) and post["date_from"] == "text"
