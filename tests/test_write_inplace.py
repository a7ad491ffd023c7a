"""In-place updates: a small edit touches only the files that changed, the result is the tree a
full swap would give, and an error, an interrupt or a SIGKILL at any step of the move leaves (or,
after `recover`, puts back) the previous site byte for byte."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen import write
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.outputs import site_listing
from sitegen.write import MARKER, Changes, NewSite, recover, write_site
from tests.conftest import REPO
from tests.test_write import Out

Tree = tuple[list[str], dict[str, bytes]]

BEFORE = {
    "index.html": b"home v1",
    "feed.xml": b"<feed>1</feed>",
    "2022/12/a/index.html": b"article a",
    "2022/12/b/index.html": b"article b",
    "2022/11/c/index.html": b"article c",   # removed: 2022/11 is left empty and goes
    "tags/x/index.html": b"tag x",
    "tags/x/page/2/index.html": b"tag x page 2",   # removed: page/ and page/2/ go
    "css/site.css": b"body{}",
}
AFTER = {
    "index.html": b"home v2",                  # changed
    "feed.xml": b"<feed>2</feed>",             # changed, different size
    "2022/12/a/index.html": b"article a",      # same bytes
    "2022/12/b/index.html": b"article B",      # same size, other bytes
    "2022/12/d/index.html": b"article d",      # new, in a new folder
    "2023/01/e/index.html": b"article e",      # new, new folders three deep
    "tags/x/index.html": b"tag x",
    "css/site.css": b"body{}",
}


def outputs(files: dict[str, bytes | None]) -> list[Out]:
    return [Out(path, content) for path, content in files.items()]


def tree(folder: Path) -> Tree:
    """Every folder and every file (with its bytes) under folder; a symlink is an error."""
    dirs, files = [], {}
    for path in sorted(folder.rglob("*")):
        assert not path.is_symlink(), path
        key = str(path.relative_to(folder))
        if path.is_dir():
            dirs.append(key)
        else:
            files[key] = path.read_bytes()
    return dirs, files


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def strays(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def clean(files: dict[str, bytes | None], scratch: Path) -> Tree:
    """The tree a build from nothing (a whole-folder swap) writes for these outputs."""
    write_site(outputs(files), scratch)
    return tree(scratch)


def index_step(made: dict[str, bytes], kept: tuple[str, ...] = (),
               seen: dict[str, Any] | None = None) -> Callable[[NewSite], list[str]]:
    """A `finish` step like the search index's: writes `made` into the staging folder and
    keeps `kept` as the previous site holds them; `seen` gets what it read of the new site."""
    def finish(site: NewSite) -> list[str]:
        if seen is not None:
            seen["pages"] = {page: site.source(page).read_bytes()
                             for page in ("2022/12/a/index.html", "2022/12/b/index.html")}
            seen["previous"] = site.previous_files("pagefind/2022-12")
        for path, content in made.items():
            (site.staging / path).parent.mkdir(parents=True, exist_ok=True)
            (site.staging / path).write_bytes(content)
        return [*made, *kept]
    return finish


def test_an_edit_touches_only_the_changed_files(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before, folder = stamps(out), out.stat().st_ino
    assert write_site(outputs(AFTER), out) == len(AFTER)
    after = stamps(out)
    assert out.stat().st_ino == folder   # updated in place, not swapped
    for path in ("2022/12/a/index.html", "tags/x/index.html", "css/site.css", MARKER):
        assert after[path] == before[path], path
    for path in ("index.html", "feed.xml", "2022/12/b/index.html"):
        assert after[path][0] != before[path][0], path
    assert not (out / "2022" / "11").exists() and not (out / "tags/x/page").exists()
    assert tree(out) == clean(AFTER, tmp_path / "clean")
    assert strays(out) == []


def test_a_deferred_backup_removal_leaves_a_complete_site_and_then_nothing(
        tmp_path: Path) -> None:
    """With `defer_cleanup` the site is complete when `write_site` returns, and after `settle`
    (which a build calls before it returns) nothing is left beside it."""
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    write_site(outputs(AFTER), out, defer_cleanup=True)
    assert tree(out) == clean(AFTER, tmp_path / "clean")
    write.settle()
    assert strays(out) == []
    write_site(outputs(BEFORE), out, defer_cleanup=True)   # the next write waits for it first
    write.settle()
    assert tree(out) == clean(BEFORE, tmp_path / "clean2") and strays(out) == []


def test_a_deferred_backup_removal_unlinks_several_files_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup's files are unlinked a few at once: each unlink mostly waits on the disk, and
    one after another those waits add up (`write._discard_flat`)."""
    import threading
    import time

    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    lock, in_flight, most = threading.Lock(), [0], [0]
    real_unlink = os.unlink

    def slow_unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)   # the disk's wait
        try:
            real_unlink(path, *args, **kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(os, "unlink", slow_unlink)
    write_site(outputs(AFTER), out, defer_cleanup=True)
    write.settle()
    monkeypatch.undo()
    assert most[0] >= 2
    assert tree(out) == clean(AFTER, tmp_path / "clean") and strays(out) == []


def test_a_noop_update_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = stamps(out)
    folders = {p: p.stat().st_mtime_ns for p in [out, *out.rglob("*")] if p.is_dir()}
    assert write_site(outputs(BEFORE), out) == len(BEFORE)
    assert stamps(out) == before
    assert {p: p.stat().st_mtime_ns for p in folders} == folders
    assert strays(out) == []


INDEX = {"pagefind/2022-12/pagefind.js": b"js 1", "pagefind/2022-12/f/a.pf": b"a 1",
         "pagefind/2015-01_2022-11/pagefind.js": b"js old", "pagefind/parts.json": b"[2]"}


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_a_finish_step_adds_its_outputs_in_the_same_write(tmp_path: Path, swap: bool) -> None:
    """The search index: written into the staging folder after the pages, reading their new
    bytes; a part it keeps stays as it was, a part it rewrites replaces the old one whole (its
    stale files go), and the site is what a clean build gives."""
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out, finish=index_step(INDEX))
    folder, before = out.stat().st_ino, stamps(out)
    changed = {"pagefind/2022-12/pagefind.js": b"js 2", "pagefind/2022-12/f/b.pf": b"b 2",
               "pagefind/parts.json": b"[2]"}
    seen: dict[str, Any] = {}
    write_site(outputs(AFTER), out, swap=swap,
               finish=index_step(changed, ("pagefind/2015-01_2022-11/pagefind.js",), seen))
    assert seen["pages"] == {"2022/12/a/index.html": b"article a",
                             "2022/12/b/index.html": b"article B"}   # the new bytes
    assert seen["previous"] == ["pagefind/2022-12/f/a.pf", "pagefind/2022-12/pagefind.js"]
    assert (out.stat().st_ino == folder) != swap
    after = stamps(out)
    for kept in ("pagefind/2015-01_2022-11/pagefind.js", "pagefind/parts.json"):
        assert after[kept] == before[kept], kept   # same bytes: not written again
    expected = {**AFTER, **changed, "pagefind/2015-01_2022-11/pagefind.js": b"js old"}
    assert tree(out) == clean(expected, tmp_path / "clean")
    assert strays(out) == []


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_a_failing_finish_step_leaves_the_previous_site(tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out, finish=index_step(INDEX))
    before = tree(out)

    def failing(site: NewSite) -> list[str]:
        (site.staging / "pagefind").mkdir(exist_ok=True)
        (site.staging / "pagefind" / "half").write_bytes(b"half an index")
        raise SitegenError(Problem(None, "search index: pagefind failed"))

    with pytest.raises(SitegenError, match="pagefind failed"):
        write_site(outputs(AFTER), out, swap=swap, finish=failing)
    assert tree(out) == before and strays(out) == []


class Watcher:
    """Reads each output's new bytes through the site the moment the writer says it is staged
    (what the search index hands Pagefind), and whether the write was abandoned."""

    def __init__(self) -> None:
        self.read: dict[str, bytes] = {}
        self.abandoned_with: list[bool] = []
        self.staging: Path | None = None

    def staged(self, site: NewSite, path: str) -> None:
        self.staging = site.staging
        self.read[path] = site.source(path).read_bytes()

    def abandoned(self) -> None:   # told while the staging folder is still there
        self.abandoned_with.append(self.staging is not None and self.staging.is_dir())


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_a_watch_reads_each_output_s_new_bytes_as_soon_as_it_is_staged(
        tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    watcher = Watcher()
    kept = {**AFTER, "2022/12/a/index.html": None}   # unchanged, kept as the site holds it
    write_site(outputs(kept), out, swap=swap, watch=watcher)
    assert watcher.read == {**AFTER} and watcher.abandoned_with == []


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_a_failed_write_tells_the_watch_before_its_staging_goes(
        tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = tree(out)
    watcher = Watcher()

    def failing() -> Iterator[Out]:
        yield from outputs(AFTER)[:3]
        raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError, match="a template failed"):
        write_site(failing(), out, swap=swap, watch=watcher)
    assert watcher.abandoned_with == [True] and len(watcher.read) == 3
    assert tree(out) == before and strays(out) == []


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_a_kept_finish_output_missing_from_the_previous_site_is_an_error(
        tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = tree(out)
    with pytest.raises(SitegenError, match=re.escape("pagefind/2022-12/pagefind.js")):
        write_site(outputs(AFTER), out, swap=swap,
                   finish=index_step({}, ("pagefind/2022-12/pagefind.js",)))
    assert tree(out) == before and strays(out) == []


def test_a_whole_write_lists_the_site_it_swapped_in(tmp_path: Path) -> None:
    """A write that swaps in a folder it wrote itself gives the new site's listing (path, size,
    mtime of each file written, linked or added by `finish`) as a walk of the site finds it,
    so the build records it without walking the site again; an in-place update gives none."""
    out = tmp_path / "_site"
    first = Changes()
    write_site(outputs(BEFORE), out, finish=index_step(INDEX), changes=first)
    assert first.whole and first.listing == site_listing(out)
    second = Changes()
    files: dict[str, bytes | None] = {**AFTER, "2022/12/a/index.html": None,
                                      "index.html": b"home v1"}   # kept; the same bytes
    write_site(outputs(files), out, swap=True, changes=second,
               finish=index_step({"pagefind/parts.json": b"[3]"},
                                 ("pagefind/2015-01_2022-11/pagefind.js",)))
    assert second.whole and second.listing == site_listing(out)
    third = Changes()
    write_site(outputs({**files, "index.html": b"home v3"}), out, changes=third)
    assert not third.whole and third.listing is None


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_unchanged_outputs_are_kept(tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = stamps(out)
    files: dict[str, bytes | None] = {**AFTER, "2022/12/a/index.html": None,
                                      "tags/x/index.html": None}
    assert write_site(outputs(files), out, swap=swap) == len(files)
    assert tree(out) == clean(AFTER, tmp_path / "clean")
    assert stamps(out)["2022/12/a/index.html"] == before["2022/12/a/index.html"]


@pytest.mark.parametrize("swap", [False, True], ids=["in-place", "swap"])
def test_an_unchanged_output_missing_from_the_previous_site_is_an_error(
        tmp_path: Path, swap: bool) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = tree(out)
    files: dict[str, bytes | None] = {**AFTER, "2022/12/zz/index.html": None}
    with pytest.raises(SitegenError, match=re.escape("2022/12/zz/index.html")):
        write_site(outputs(files), out, swap=swap)
    assert tree(out) == before and strays(out) == []


def test_an_unchanged_output_without_a_previous_site_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    with pytest.raises(SitegenError, match=re.escape("index.html")):
        write_site([Out("index.html", None)], out)
    assert not out.exists() and strays(out) == []


@pytest.mark.parametrize("first, second", [
    ({"a": b"file"}, {"a/index.html": b"folder now"}),
    ({"a/index.html": b"folder", "a/b/c.html": b"deep"}, {"a": b"file now"}),
    ({"x/y/old.html": b"old", "z.html": b"z"}, {"x/y/new.html": b"new", "z.html": b"z"}),
    ({"x/y/old.html": b"old", "z.html": b"z"}, {"x/new.html": b"new", "z.html": b"z"}),
])
def test_a_file_and_a_folder_may_swap_places(tmp_path: Path, first: dict[str, bytes | None],
                                             second: dict[str, bytes | None]) -> None:
    out = tmp_path / "_site"
    write_site(outputs(first), out)
    write_site(outputs(second), out)
    assert tree(out) == clean(second, tmp_path / "clean") and strays(out) == []


def test_a_symlink_in_the_site_is_never_written_through(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_bytes(b"not ours")
    (out / "tags" / "y").symlink_to(outside, target_is_directory=True)
    (out / "evil.html").symlink_to(outside / "index.html")
    files: dict[str, bytes | None] = {**AFTER, "tags/y/index.html": b"tag y",
                                      "evil.html": b"ours"}
    write_site(outputs(files), out)
    assert (outside / "index.html").read_bytes() == b"not ours"
    assert sorted(p.name for p in outside.iterdir()) == ["index.html"]
    assert tree(out) == clean(files, tmp_path / "clean")
    (out / "tags" / "z").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SitegenError, match=re.escape("tags/z/index.html")):   # not read through
        write_site(outputs({**files, "tags/z/index.html": None}), out)
    assert (outside / "index.html").read_bytes() == b"not ours"


def test_an_empty_folder_left_in_the_site_goes(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    (out / "stray" / "empty").mkdir(parents=True)
    write_site(outputs(BEFORE), out)
    assert tree(out) == clean(BEFORE, tmp_path / "clean")


def test_an_old_marker_gets_the_current_text(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    (out / MARKER).write_text("older sitegen\n", encoding="utf-8")
    write_site(outputs(AFTER), out)
    assert tree(out) == clean(AFTER, tmp_path / "clean")


# --- faults in the move ------------------------------------------------------------------------

MUTATING = ("replace", "rename", "link", "unlink", "rmdir", "mkdir")


class FailOnce:
    """Make the N-th file system change (os.replace, rename, link, unlink, rmdir, mkdir) under
    `root` raise `error`, once; every other call goes through."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, nth: int,
                 error: BaseException, names: tuple[str, ...] = MUTATING) -> None:
        self.calls, self.fired = 0, False
        self.journal = root / f"._site.journal-{os.getpid()}"
        self.journaled = self.committed = False   # the update's commit point was passed
        for name in names:
            monkeypatch.setattr(os, name, self.wrap(getattr(os, name), str(root), nth, error))

    def wrap(self, real: Callable[..., Any], root: str, nth: int,
             error: BaseException) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if str(args[0]).startswith(root) and not self.fired:
                self.calls += 1
                self.journaled = self.journaled or self.journal.exists()
                if self.calls == nth:
                    self.fired = True
                    self.committed = self.journaled and not self.journal.exists()
                    raise error
            return real(*args, **kwargs)
        return call


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
                                   KeyboardInterrupt()], ids=["full-disk", "ctrl-c"])
def test_a_fault_at_any_step_keeps_the_previous_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    nth = 0
    while True:
        nth += 1
        root = tmp_path / str(nth)
        out = root / "_site"
        write_site(outputs(BEFORE), out)
        before = tree(out)
        with monkeypatch.context() as patch:
            fault, failed = FailOnce(patch, root, nth, error), True
            try:
                write_site(outputs(AFTER), out)
                failed = False   # not reached, or an error the code handles (mkdir exist_ok)
            except KeyboardInterrupt:   # Ctrl-C once the new site is all in place: it stays
                assert isinstance(error, KeyboardInterrupt)
                failed = not fault.committed
            except SitegenError as exc:
                assert isinstance(error, OSError) and "previous site is unchanged" in str(exc)
                assert not fault.committed
        assert tree(out) == (before if failed else clean(AFTER, root / "clean")), nth
        # a fault while removing the staging or backup folder leaves it (never a journal)...
        assert not [name for name in strays(out) if ".journal-" in name], nth
        write._recover(out, own=True)   # ...for the next build to remove, changing nothing
        assert tree(out) == (before if failed else clean(AFTER, root / "clean")), nth
        assert strays(out) == [], nth
        if not fault.fired:
            break
    assert nth > 20   # every step of the staging and of the move was tried


def test_a_failed_rollback_is_finished_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before = tree(out)
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1   # 1: the journal, 2-3: two new files, 4: fails, 5: the rollback
        if calls["n"] in (4, 5):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(SitegenError, match="nor undo"):
        write_site(outputs(AFTER), out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert f"._site.journal-{os.getpid()}" in strays(out)
    recover(out)   # our own process: left for our next build, which runs one at a time
    assert f"._site.journal-{os.getpid()}" in strays(out)
    write._recover(out, own=True)   # what the next write_site does first
    assert tree(out) == before and strays(out) == []


# --- SIGKILL in the move -----------------------------------------------------------------------

CHILD = """
import json, os, signal, sys
from pathlib import Path
from sitegen.write import recover, settle, write_site

class Out:
    def __init__(self, path, content):
        self.path, self.content = path, content

what, out, kill_at, names = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
root, calls = str(out.parent), 0

def wrap(real):
    def call(*args, **kwargs):
        global calls
        if str(args[0]).startswith(root):
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

for name in names.split(","):
    setattr(os, name, wrap(getattr(os, name)))
if what == "recover":
    recover(out)
else:
    files = {k: v.encode() for k, v in json.loads(sys.argv[5]).items()}
    write_site([Out(k, v) for k, v in files.items()], out, defer_cleanup=what == "deferred")
    settle()
"""


def kill_mid_way(what: str, out: Path, kill_at: int, files: dict[str, bytes] | None = None,
                 ) -> int:
    """Run an in-place write (or a recover) in a child that SIGKILLs itself at its kill_at-th
    file system change."""
    data = json.dumps({k: v.decode() for k, v in (files or {}).items()})
    done = subprocess.run([sys.executable, "-c", CHILD, what, str(out), str(kill_at),
                           ",".join(MUTATING), data], cwd=REPO, capture_output=True, timeout=60)
    assert done.returncode in (0, -signal.SIGKILL), done.stderr.decode()
    return done.returncode


def journaled(out: Path) -> bool:
    return any(".journal-" in name and not name.endswith(".tmp") for name in strays(out))


@pytest.mark.parametrize("what", ["write", "deferred"])
def test_recover_rolls_back_a_write_killed_at_any_step(tmp_path: Path, what: str) -> None:
    """`deferred`: the backup removed in a thread after the commit (`defer_cleanup`, as a build
    writes): a kill before it is done leaves the new site and a backup the next build removes."""
    after = {k: v for k, v in AFTER.items() if v is not None}
    kill_at, rolled_back = 0, 0
    while True:
        kill_at += 1
        out = tmp_path / str(kill_at) / "_site"
        write_site(outputs(BEFORE), out)
        before = tree(out)
        if kill_mid_way(what, out, kill_at, after) == 0:
            assert tree(out) == clean(AFTER, tmp_path / "clean") and strays(out) == []
            break
        journal = journaled(out)
        recover(out)
        assert strays(out) == [], kill_at
        if journal:   # killed inside the transaction: rolled back
            rolled_back += 1
            assert tree(out) == before, kill_at
        else:         # before it (nothing touched) or after its commit (all in place)
            assert tree(out) in (before, clean(AFTER, tmp_path / "clean")), kill_at
        write_site(outputs(AFTER), out)   # and the next build goes through
        assert tree(out) == clean(AFTER, tmp_path / "clean"), kill_at
    assert rolled_back >= 10   # every move, backup and removal of the transaction


def test_a_recover_killed_half_way_is_finished_by_the_next(tmp_path: Path) -> None:
    after = {k: v for k, v in AFTER.items() if v is not None}
    kill_at = 0
    while True:
        kill_at += 1
        out = tmp_path / str(kill_at) / "_site"
        write_site(outputs(BEFORE), out)
        before = tree(out)
        # the 15th file system change is in the middle of the move (the journal is there from
        # the 5th change to the 24th)
        assert kill_mid_way("write", out, 15, after) == -signal.SIGKILL
        assert journaled(out)
        finished = kill_mid_way("recover", out, kill_at) == 0
        recover(out)
        assert tree(out) == before and strays(out) == [], kill_at
        if finished:
            break
    assert kill_at > 10


def test_recover_leaves_a_live_build_alone(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    journal = out.with_name(f"._site.journal-{os.getpid()}")
    journal.write_text("{}", encoding="utf-8")
    recover(out)
    assert journal.exists()
    journal.unlink()


def failing_after(files: dict[str, bytes | None]) -> Iterator[Out]:
    yield from outputs(files)
    raise RuntimeError("template blew up on the last page")


def test_a_render_error_before_the_move_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before, stamped = tree(out), stamps(out)
    with pytest.raises(RuntimeError):
        write_site(failing_after(AFTER), out)
    assert tree(out) == before and stamps(out) == stamped and strays(out) == []


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../x", "C:/x", "a\\..\\x",
                                 "nul\x00.html", "", ".", "./"])
def test_output_paths_cannot_escape_in_place(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "site" / "_site"
    write_site(outputs(BEFORE), out)
    before = tree(out)
    with pytest.raises(SitegenError, match="outside the output folder"):
        write_site([*outputs(AFTER), Out(bad, b"x")], out)
    assert tree(out) == before and strays(out) == []
    assert not (tmp_path / "escape.html").exists()


def test_odd_but_safe_paths_land_where_the_swap_puts_them(tmp_path: Path) -> None:
    odd: dict[str, bytes | None] = {"./index.html": b"home", "a//b.html": b"b",
                                    "c/./d.html": b"d", "e/": b"e"}
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    write_site(outputs(odd), out)
    assert tree(out) == clean(odd, tmp_path / "clean")


def test_when_most_of_the_site_changed_it_is_swapped_in_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "SWAP_AT_LEAST", 0)
    out = tmp_path / "_site"
    write_site(outputs(BEFORE), out)
    before, folder = stamps(out), out.stat().st_ino
    files: dict[str, bytes | None] = {**AFTER, "tags/x/index.html": None}
    assert write_site(outputs(files), out) == len(files)
    assert out.stat().st_ino != folder and strays(out) == []
    assert tree(out) == clean(AFTER, tmp_path / "clean")
    after = stamps(out)
    for path in ("2022/12/a/index.html", "tags/x/index.html", "css/site.css"):
        assert after[path] == before[path], path   # hard-linked, not rewritten
    changes = Changes()   # the listing of the folder swapped in, as for a clean build
    write_site(outputs({**files, "index.html": b"home v3"}), out, changes=changes,
               finish=index_step(INDEX))
    assert changes.whole and changes.listing == site_listing(out)


@pytest.mark.parametrize("gone", ["kept", "replaced", "none"])
def test_a_crowded_folder_of_the_listing_is_checked_by_one_listing_not_file_by_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gone: str) -> None:
    """With a held listing, the files kept or replaced in a folder of many (the search index's
    fragments) are checked by listing the folder once, not by one `lstat` each; a file deleted
    by hand since the listing is still found: kept, it is missing (the caller lists the site
    again); written, it is added."""
    out = tmp_path / "_site"
    crowd = {f"pagefind/fragment/{n:03d}.pf": b"fragment %d" % n for n in range(40)}
    write_site(outputs({**BEFORE, **crowd}), out)
    listed = [str(p.relative_to(out)) for p in out.rglob("*")
              if p.is_file() and p.name != MARKER]
    if gone != "none":
        (out / "pagefind/fragment/007.pf").unlink()
    stats: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counted(path: Any, *args: Any, **kwargs: Any) -> Any:
        stats.append(str(path))
        return real_stat(path, *args, **kwargs)

    def counted_l(path: Any, *args: Any, **kwargs: Any) -> Any:
        stats.append(str(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "supports_dir_fd", os.supports_dir_fd | {counted})
    monkeypatch.setattr(os, "supports_follow_symlinks", os.supports_follow_symlinks | {counted})
    monkeypatch.setattr(os, "stat", counted)
    monkeypatch.setattr(os, "lstat", counted_l)
    files: dict[str, bytes | None] = {**{path: None for path in crowd}, **AFTER}
    if gone == "replaced":
        files["pagefind/fragment/007.pf"] = crowd["pagefind/fragment/007.pf"]
    if gone == "kept":
        with pytest.raises(write.KeptMissing, match=re.escape("fragment/007.pf")):
            write_site(outputs(files), out, listed=listed)
        assert strays(out) == []
        return
    write_site(outputs(files), out, listed=listed)
    assert not any("fragment/" in path for path in stats)
    assert tree(out) == clean({**AFTER, **crowd}, tmp_path / "clean")
