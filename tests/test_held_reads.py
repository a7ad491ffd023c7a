"""What a serving process keeps between builds besides the model: the text hash of each body
and the decoded cache files it reads on every build (`incremental.stores.HELD`). A body edit
then hashes the edited body only and decodes none of those files again, and the site is still
the clean build's, byte for byte."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench import corpus
from sitegen.config import load_config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental import outputs, store
from sitegen.incremental.inputs import code_digest, digest
from sitegen.incremental.shape import Fields, Map
from sitegen.incremental.stores import BuildCache
from sitegen.render import bodies
from sitegen.site import build_site
from sitegen.snapshot import HeldModel
from tests.conftest import calls, clean_build_snapshot, snapshot

_KINDS = Fields({"kinds": Map(str, str)})


def _counting(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Counter[str]]:
    """The texts `convert_bodies` hashes, and the cache files read by name, from now on."""
    hashed: list[str] = []
    read: Counter[str] = Counter()
    digest, read_file = bodies.digest, store.read

    def counted_digest(*parts: str | bytes) -> str:
        hashed.extend(p for p in parts if isinstance(p, str))
        return digest(*parts)

    def counted_read(path: Path, *args: object, **kwargs: object) -> object:
        read[path.name.removesuffix(store.SUFFIX)] += 1
        return read_file(path, *args, **kwargs)   # type: ignore[arg-type]

    monkeypatch.setattr(bodies, "digest", counted_digest)
    monkeypatch.setattr(store, "read", counted_read)
    return hashed, read


def test_a_body_edit_while_serving_hashes_one_body_and_reads_no_held_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = corpus.generate(40, seed=5)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    edited = max(items, key=lambda i: i.date)
    for n in (1, 2):   # the second edit reads what the first build wrote
        corpus.edit(root / "content" / "articles" / f"{edited.slug}.md", n)
        hashed, read = _counting(monkeypatch)
        build_site(load_config(root), import_raw=False, held=held)
        monkeypatch.undo()
        added = f"Correction number {n} was added here."
        assert [text for text in hashed if "Correction number" in text] != []
        assert len([text for text in hashed if len(text) > 200]) == 1, "only the edited body"
        assert not {"related", "quote-anchors", "markdown-index", "groups", "stamps",
                    "pages", "site"} & set(read), read
        site = snapshot(root / "_site")
        page = next(p for p in site if p.endswith(f"/{edited.slug}/index.html"))
        assert added.encode() in site[page]
        assert added.encode() in site["feed.xml"]
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_held_store_replaced_by_another_process_is_read_again(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.save("kinds", "k", {"kinds": {"moscow": "place"}})
    assert cache.load("kinds", "k", _KINDS) == {"kinds": {"moscow": "place"}}
    path = tmp_path / ".sitegen-cache" / f"kinds{store.SUFFIX}"
    entries = store.read(path, _full_key(cache, "k"))
    # another process's save replaces the file (not through this process's memo)
    assert store.write(path, _full_key(cache, "k"), {"kinds": {"moscow": "city"}})
    assert entries != {}
    assert BuildCache(tmp_path).load("kinds", "k", _KINDS) == {"kinds": {"moscow": "city"}}
    cache.remove("kinds")
    assert cache.load("kinds", "k", _KINDS) == {}


def test_a_failed_save_of_a_held_store_leaves_what_the_file_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    cache.save("kinds", "k", {"kinds": {"moscow": "place"}})
    monkeypatch.setattr(store, "replace_file", lambda path, data: False)   # a full disk
    cache.save("kinds", "k", {"kinds": {"moscow": "city"}})
    monkeypatch.undo()
    assert cache.load("kinds", "k", _KINDS) == {"kinds": {"moscow": "place"}}


def _full_key(cache: BuildCache, key: str) -> str:
    """The key `BuildCache.save` writes a file under."""
    return digest(code_digest(cache.digests), key)


def _served(tmp_path: Path) -> tuple[list[corpus.Item], Path, HeldModel]:
    """A 30-story site built once by a serving process, its records saved."""
    items = corpus.generate(30, seed=9)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    outputs.settle_records()
    return items, root, held


def test_a_serving_build_returns_before_saving_its_records_which_a_later_build_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page memo and build record are for a later process: a serving build returns (and
    its reload is sent) while they are saved; the next build waits for them, and a separate
    `sitegen build` afterwards finds them right (nothing to render)."""
    items, root, held = _served(tmp_path)
    corpus.edit(root / "content" / "articles" / f"{items[0].slug}.md", 1)
    release = threading.Event()
    returned: list[bool] = []
    save = outputs.PageMemo.save

    order: list[str] = []

    def held_back(memo: outputs.PageMemo, listing: outputs.Listing | None) -> None:
        release.wait(10)   # the old way, inside the build, times out here
        order.append("saved after the build returned" if returned else "saved in the build")
        save(memo, listing)

    monkeypatch.setattr(outputs.PageMemo, "save", held_back)
    build_site(load_config(root), import_raw=False, held=held)
    returned.append(True)   # reached only if the build did not wait for its memo's save
    release.set()
    outputs.settle_records()
    monkeypatch.undo()
    assert order == ["saved after the build returned"]
    again = build_site(load_config(root), import_raw=False)   # another process's build
    assert again.rendered == 0
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_records_that_cannot_be_saved_give_a_warning_not_a_thread_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    """The records are a cache saved in a thread after the reload: when the site's lock cannot
    be had (another process has held it too long), the preview says so and goes on."""
    held = outputs.HeldSite()
    saved: list[bool] = []
    held.unsaved = lambda: saved.append(True)

    @contextmanager
    def busy() -> Iterator[None]:
        raise SitegenError(Problem(None, "another sitegen process has been writing this site"))
        yield

    with caplog.at_level(logging.WARNING):
        outputs.save_later(held, busy)
        outputs.settle_records()
    assert saved == []
    assert "the build records were not saved" in caplog.text
    assert "another sitegen process" in caplog.text


def test_a_serving_build_saves_what_only_later_builds_read_after_it_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file digests, quote anchors and teasers of a body edit (`BuildCache.defer`) are
    written with the build's records, once the reload can go out, not by the build; the
    next build and a separate `sitegen build` find them as if written at once."""
    items, root, held = _served(tmp_path)

    def noted(path: Path, *args: object, **kwargs: object) -> tuple[str, str]:
        name = path.relative_to(root / ".sitegen-cache").as_posix()
        return name.removesuffix(store.SUFFIX).split("/")[0], threading.current_thread().name

    written = calls(monkeypatch, store, "write", noted)
    quoted = next(i for i in sorted(items, key=lambda i: i.date, reverse=True) if i.quotes)
    corpus.edit(root / "content" / "articles" / f"{quoted.slug}.md", 1)
    build_site(load_config(root), import_raw=False, held=held)
    outputs.settle_records()
    monkeypatch.undo()
    deferred = {"stamps", "quote-anchors", "teasers"}
    assert deferred <= {name for name, _ in written}, written
    assert {thread for name, thread in written if name in deferred} == {"sitegen-records"}
    corpus.edit(root / "content" / "articles" / f"{quoted.slug}.md", 2)
    build_site(load_config(root), import_raw=False, held=held)
    outputs.settle_records()
    again = build_site(load_config(root), import_raw=False)   # another process's build
    assert again.rendered == 0
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_the_file_digests_records_are_turned_from_their_columns_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A serving process's next build takes the digests' records it saved (or read) as they
    are; a stamps store replaced by another process is read and turned again."""
    from sitegen.incremental import stores

    (tmp_path / "a.md").write_text("one")
    cache = BuildCache(tmp_path)
    cache.digests.digest(str(tmp_path / "a.md"))
    cache.remember_digests()
    turned = calls(monkeypatch, stores, "rows_from_columns", lambda columns, shapes: columns)
    again = BuildCache(tmp_path)
    assert turned == []
    assert again.digests.digest(str(tmp_path / "a.md")) == \
        cache.digests.digest(str(tmp_path / "a.md"))
    path = tmp_path / ".sitegen-cache" / f"stamps{store.SUFFIX}"
    assert store.write(path, "stamps", store.read(path, "stamps"))   # another process's save
    other = BuildCache(tmp_path)
    assert len(turned) == 1
    assert other.digests.digest(str(tmp_path / "a.md")) == \
        cache.digests.digest(str(tmp_path / "a.md"))
