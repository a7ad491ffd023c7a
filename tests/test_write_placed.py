"""A site written whole is written by the processes that render it (`write.Placer`, the
renderer's `Sink`): the page workers place each file in the folder to be swapped in and send
back its size and mtime, not its bytes; the build's records are those of the files placed."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import corpus
from sitegen import parallel, write
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.site import build_site
from tests.conftest import snapshot

POOL = corpus.generate(10, seed=5)


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)   # render in forked workers
    parallel.set_jobs(2)
    try:
        yield
    finally:
        parallel.set_jobs(None)


def _writers(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Note in `log` the process writing each file of the site (forked workers inherit it)."""
    real = write._write_file

    def noted(target: str | Path, content: bytes) -> os.stat_result:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {Path(target).name}\n")
        return real(target, content)

    monkeypatch.setattr(write, "_write_file", noted)


def test_a_clean_build_s_pages_are_written_by_the_page_workers_and_recorded_as_they_are(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_jobs: None) -> None:
    root = tmp_path / "site"
    corpus.write_sitegen(POOL, root, search=False, cards=False)
    log = tmp_path / "writers"
    _writers(monkeypatch, log)
    build_site(load_config(root), import_raw=False)
    writers = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    mine = {name for pid, name in writers if int(pid) == os.getpid()}
    assert mine == {write.MARKER}   # the build's process wrote only its marker
    assert len(writers) == len(snapshot(root / "_site"))
    # the records are the site's: an edit renders what shows the story, no more
    corpus.edit(root / "content" / "articles" / f"{POOL[4].slug}.md", 1)
    report = build_site(load_config(root), import_raw=False)
    assert 0 < report.rendered < report.files // 2
    # and the site is the one a build in one process makes
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    parallel.set_jobs(1)
    build_site(load_config(clean), import_raw=False)
    assert snapshot(root / "_site") == snapshot(clean / "_site")


def test_a_writer_failing_while_the_workers_place_pages_stops_them_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_jobs: None) -> None:
    root = tmp_path / "site"
    corpus.write_sitegen(POOL, root, search=False, cards=False)
    build = os.getpid()
    real, real_write = write._key, write._write_file

    def failing(path: str) -> str:   # the build's process fails at the first page placed
        if os.getpid() == build and path.endswith(".html"):
            raise OSError(28, "No space left on device", path)
        return real(path)

    def slow(target: str | Path, content: bytes) -> os.stat_result:   # the workers go on
        time.sleep(0.02)
        return real_write(target, content)

    monkeypatch.setattr(write, "_key", failing)
    monkeypatch.setattr(write, "_write_file", slow)
    with pytest.raises(SitegenError, match="No space left"):
        build_site(load_config(root), import_raw=False)
    # the workers were stopped before the folder they place pages in was removed: none of it
    # is left, and no worker is left to write there
    assert not (root / "_site").exists()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site")) == []
    assert not parallel._streaming


def test_a_render_failing_in_a_worker_leaves_the_old_site_or_none(
        tmp_path: Path, two_jobs: None, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "site"
    corpus.write_sitegen(POOL, root, search=False, cards=False)
    build_site(load_config(root), import_raw=False)
    before = snapshot(root / "_site")
    (root / "templates").mkdir()
    (root / "templates" / "term.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}{{ no_such_value }}{% endblock %}\n",
        encoding="utf-8")
    shutil.rmtree(root / CACHE_DIR)
    with pytest.raises(SitegenError, match=r"term\.html"):
        build_site(load_config(root), import_raw=False)
    assert snapshot(root / "_site") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site")) == []
    shutil.rmtree(root / "_site")   # and a clean build, whose pages the workers place
    with pytest.raises(SitegenError, match=r"term\.html"):
        build_site(load_config(root), import_raw=False)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(("_site", "._site"))) \
        == []
