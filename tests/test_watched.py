"""`serve` trusts its watcher (`watched`): a body edit stats and reads the file an
event named, not the whole content folder, and lists no folder; what no event named is kept as
the last build saw it, until a rescan (events lost, a failed build, `RESCAN_SECONDS`). New,
deleted and moved files come as events; the site stays the clean build's, byte for byte."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bench import corpus
from sitegen import walk, watched
from sitegen.config import load_config
from sitegen.incremental import inputs
from sitegen.site import build_site
from sitegen.snapshot import HeldModel
from sitegen.watched import Watched
from tests.conftest import clean_build_snapshot, snapshot


def _served(tmp_path: Path, count: int = 30) -> tuple[Path, list[corpus.Item], HeldModel]:
    """A site built once as `serve` builds it: a held model whose watcher watches content/."""
    items = corpus.generate(count, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root, cards=False)
    held = HeldModel(Watched())
    held.watched.watch(os.fspath(root / "content"))
    _build(root, held)
    return root, items, held


def _build(root: Path, held: HeldModel) -> None:
    build_site(load_config(root), import_raw=False, held=held, search_index=False)


def _said(held: HeldModel, *paths: Path) -> None:
    """What the watcher says on an event: the paths, as watchdog names them (resolved)."""
    held.watched.changed([os.path.realpath(p) for p in paths])


def _page(root: Path, slug: str) -> bytes:
    found = list((root / "_site").rglob(f"{slug}/index.html"))
    assert len(found) == 1, found
    return found[0].read_bytes()


def _counting(monkeypatch: pytest.MonkeyPatch, articles: Path) -> tuple[Counter[str], list[str]]:
    """The article files stat'ed (by name) and the content folders listed, from now on."""
    stats: Counter[str] = Counter()
    listed: list[str] = []
    stat, scandir, walk_ = os.stat, os.scandir, os.walk
    top = os.fspath(articles)

    def counted_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if isinstance(path, str) and path.startswith(top):
            stats[os.path.basename(path)] += 1
        return stat(path, *args, **kwargs)   # type: ignore[call-overload,no-any-return]

    def counted_scandir(path: object) -> object:
        if isinstance(path, str) and path.startswith(os.path.dirname(top)):
            listed.append(path)
        return scandir(path)   # type: ignore[call-overload]

    def counted_walk(path: str, *args: object, **kwargs: object) -> object:
        if path.startswith(os.path.dirname(top)):
            listed.append(path)
        return walk_(path, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counted_stat)
    monkeypatch.setattr(walk.os, "scandir", counted_scandir)
    monkeypatch.setattr(inputs.os, "walk", counted_walk)
    return stats, listed


def test_a_body_edit_stats_the_edited_file_only_and_lists_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, items, held = _served(tmp_path)
    articles = root / "content" / "articles"
    _build(root, held)   # the first build that may trust the events
    for n, item in enumerate(items[:3], 1):
        path = articles / f"{item.slug}.md"
        corpus.edit(path, n)
        _said(held, path)
        stats, listed = _counting(monkeypatch, articles)
        _build(root, held)
        monkeypatch.undo()
        assert set(stats) == {path.name}, stats   # not the other 29 articles
        assert listed == [], "no folder of the content listed"
        assert f"Correction number {n}".encode() in _page(root, item.slug)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_without_a_watcher_every_file_is_stated_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = corpus.generate(12, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root, cards=False)
    held = HeldModel()   # `build` or a held model with no watcher: nothing is vouched for
    _build(root, held)
    _build(root, held)
    corpus.edit(root / "content" / "articles" / f"{items[0].slug}.md", 1)
    stats, listed = _counting(monkeypatch, root / "content" / "articles")
    _build(root, held)
    monkeypatch.undo()
    assert len(stats) == len(items) and listed != []
    assert b"Correction number 1" in _page(root, items[0].slug)


def test_new_deleted_and_moved_files_come_as_events(tmp_path: Path) -> None:
    root, items, held = _served(tmp_path)
    articles = root / "content" / "articles"
    _build(root, held)
    new = articles / "2031" / "a-new-story.md"   # in a new folder
    new.parent.mkdir()
    shutil.copy(articles / f"{items[0].slug}.md", new)
    new.write_text(new.read_text().replace(items[0].title, "A wholly new story")
                   .replace(items[0].slug, "a-wholly-new-story"))
    gone = articles / f"{items[1].slug}.md"
    gone.unlink()
    moved = articles / f"{items[2].slug}.md"
    renamed = articles / "renamed-story.md"
    moved.rename(renamed)
    _said(held, new.parent, new, gone, moved, renamed)
    _build(root, held)
    site = snapshot(root / "_site")
    assert any(b"A wholly new story" in data for data in site.values())
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")
    # and a folder removed whole (one event, for the folder)
    shutil.rmtree(new.parent)
    _said(held, new.parent)
    _build(root, held)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_an_edit_no_event_named_shows_after_a_rescan(tmp_path: Path) -> None:
    root, items, held = _served(tmp_path)
    articles = root / "content" / "articles"
    _build(root, held)
    missed, seen = (articles / f"{item.slug}.md" for item in items[:2])
    corpus.edit(missed, 1)   # its event lost
    corpus.edit(seen, 2)
    corpus.edit(seen, 3)   # two saves, one event (coalesced): the last one shows
    _said(held, seen)
    _build(root, held)
    assert b"Correction number 3" in _page(root, items[1].slug)
    assert b"Correction number 1" not in _page(root, items[0].slug)   # trusted, as documented
    held.watched.rescan()   # what the watcher does on an overflow or new watches
    _build(root, held)
    assert b"Correction number 1" in _page(root, items[0].slug)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_the_fallback_rescan_and_a_failed_build_trust_no_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, items, held = _served(tmp_path)
    articles = root / "content" / "articles"
    _build(root, held)
    corpus.edit(articles / f"{items[0].slug}.md", 1)   # no event
    monkeypatch.setattr(watched, "RESCAN_SECONDS", 0.0)   # the periodic full scan is due
    _build(root, held)
    monkeypatch.undo()
    assert b"Correction number 1" in _page(root, items[0].slug)
    # a build that fails: the one after it scans everything
    broken = articles / f"{items[1].slug}.md"
    good = broken.read_text()
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    _said(held, broken)
    with pytest.raises(Exception):   # noqa: B017 - any failure of the build
        _build(root, held)
    broken.write_text(good)   # fixed, and its event lost
    corpus.edit(articles / f"{items[2].slug}.md", 2)   # no event either
    _build(root, held)
    assert b"Correction number 2" in _page(root, items[2].slug)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_real_preview_sees_edits_new_deleted_and_atomically_saved_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.serve import Preview
    from tests.test_serve import Events

    items = corpus.generate(20, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root, cards=False)
    articles = root / "content" / "articles"
    preview = Preview(root, port=0)
    preview.start()
    try:
        events = Events(preview.port)

        def saved(n: int) -> None:
            events.next("reload", timeout=60)
            assert preview.wait_idle(60)
            assert preview.builds == n + 1

        corpus.edit(articles / f"{items[0].slug}.md", 1)   # the first build trusting events
        saved(1)
        stats, _ = _counting(monkeypatch, articles)
        corpus.edit(articles / f"{items[1].slug}.md", 2)
        saved(2)
        monkeypatch.undo()
        assert set(stats) == {f"{items[1].slug}.md"}, stats
        assert b"Correction number 2" in _page(root, items[1].slug)
        (articles / f"{items[2].slug}.md").unlink()
        saved(3)
        temp = articles / "story.md.new"   # an atomic save under a name not ignored
        temp.write_text((articles / f"{items[3].slug}.md").read_text()
                        .replace(items[3].title, "Saved atomically"))
        temp.replace(articles / f"{items[3].slug}.md")
        events.next("reload", timeout=60)
        assert preview.wait_idle(60)
        assert b"Saved atomically" in _page(root, items[3].slug)
        assert not list((root / "_site").rglob(f"{items[2].slug}/index.html"))   # deleted
        assert items[2].slug.encode() not in (root / "_site" / "sitemap.xml").read_bytes()
    finally:
        preview.stop()
