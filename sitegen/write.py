"""Write a rendered site, so that readers never see a half-written file and a failed build
leaves the previous site exactly as it was.

Two ways, chosen per build:

- In place, when the previous site is there (with its marker): only the files whose bytes
  changed are written (into a staging folder beside the site), then moved into the site one by
  one with an atomic rename, and files that are no longer output are removed, with the folders
  they leave empty. Readers (a web server, `sitegen serve`, a deploy) may see the site change
  file by file while that runs (new files come first, removals last, so a new page is there
  before a page links to it), but each file is either the old one or the new one, never
  half-written. The move is a transaction: a journal beside the site lists every path it
  touches and a backup folder keeps every replaced or removed file, so an error or an interrupt
  rolls it back at once, and a build killed outright (SIGKILL) is rolled back by `recover` at
  the start of the next build. Unchanged files are not touched at all.
- Whole-folder swap, when there is no previous site, most of the site changed (a template
  edit), or the caller asks for it: every file goes into a fresh folder, which then replaces
  the site with two renames, so readers see the whole site change at once; unchanged files are
  hard-linked from the previous site.

Either way a `finish` step (the search index) may add outputs made from the new site's files
once they are staged and before anything is moved in (`NewSite`), so when it fails the previous
site stays exactly as it was, and its unchanged outputs are kept like any other. A `Watch` is
told of each output once it is staged, so that step can start on complete outputs while the rest
still renders, and of a failed write before its staging folder goes.

Nothing is fsynced: a kill is covered, a power cut or kernel crash is not.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import json
import os
import re
import shutil
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from sitegen.errors import Problem, SitegenError
from sitegen.pids import running
from sitegen.walk import regular_files, walk

MARKER = ".sitegen-output"
MARKER_TEXT = ("This folder is written by sitegen; each build may replace or remove any file "
               "in it.\n")
JOURNAL_VERSION = 1
# Above this many changed or removed files (and a quarter of the site), moving files in one by one
# costs more than linking the unchanged ones into the staging folder and swapping it in whole.
SWAP_AT_LEAST = 1000
# An in-place update stages its files flat, in this folder of the staging folder, and backs up
# the files it replaces or removes flat too: no folder to make and remove again for each page
# (on the benchmark machine removing a folder costs 3 ms, and a publish replaces 2,000 pages).
# The name is one sitegen keeps to itself in a site, like its marker.
FLAT = ".sitegen-staged"


@dataclass
class Changes:
    """What a write changed in the site: `whole` when it was swapped in whole, else the `paths`
    replaced, added or removed in place (so the caller can list the new site without a walk).
    `listing`: when the writer wrote the folder it swapped in itself, every file of it with its
    size and mtime as written (path, size, mtime_ns; sorted), which is what a walk of the new
    site would find (`incremental.outputs.site_listing`, 0.15 s at 10,000 articles) but for a
    hand edit made since, which would then be recorded as the build's own."""

    whole: bool = False
    paths: set[str] = field(default_factory=set)
    listing: list[tuple[str, int, int]] | None = None


class OutputFile(Protocol):
    """A relative output path and its bytes (render.Output satisfies it).

    `content` None means: unchanged since the last build, whose site holds this path exactly as
    that build wrote it; the file is kept (in place) or hard-linked (swap).
    """

    @property
    def path(self) -> str: ...

    @property
    def content(self) -> bytes | None: ...


@dataclass(frozen=True)
class NewSite:
    """The new site while it is staged, before any of it is moved in: what a `finish` step
    reads the rendered outputs from and writes its own outputs into.

    `finish(site)` returns the paths of all its outputs: each one it wrote under `staging`, and
    each one it keeps as the previous site holds it (which must be there).
    """

    staging: Path            # the staging folder: `finish` writes its outputs here, by path
    previous: Path | None    # the site as the last build left it, None when there is none
    staged: Mapping[str, Path] | None   # output path -> the file of its new bytes; None: all
                                        # outputs are in `staging` by path

    def source(self, path: str) -> Path:
        """The file that holds the new bytes of the output `path`."""
        key = _key(path)
        if self.staged is None or self.previous is None:
            return self.staging / key
        return self.staged.get(key) or self.previous / key

    def previous_files(self, folder: str) -> list[str]:
        """The regular files below `folder` in the previous site (paths from the site root)."""
        if self.previous is None:
            return []
        folder = _key(folder)
        if not _inside(self.previous, f"{folder}/x", set()):
            return []   # not there, or a link on the way (never followed out of the site)
        return regular_files(self.previous / folder, folder)


Finish = Callable[[NewSite], Iterable[str]]


class Watch(Protocol):
    """Told of the staging as it goes, so a `finish` step can start on outputs that are complete
    while the rest still renders (the search index, a part once its last page is staged)."""

    def staged(self, site: NewSite, path: str) -> None:
        """`path`'s new bytes are staged: `site.source(path)` holds them from now on."""

    def abandoned(self) -> None:
        """The write failed: called before the staging folder is removed (work on it stops)."""


def check_output_dir(out_dir: Path, *, protected: Iterable[Path] = ()) -> None:
    """Refuse an output folder that we did not create or that would swallow the user's files."""
    resolved = out_dir.resolve()
    for keep in protected:
        keep = keep.resolve()
        if resolved == keep or resolved in keep.parents:
            raise SitegenError(Problem(out_dir, f"refusing to build here: it holds {keep}"))
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise SitegenError(Problem(out_dir, "refusing to build into a root or home folder"))
    if out_dir.exists():
        if not out_dir.is_dir():
            raise SitegenError(Problem(out_dir, "exists and is not a folder"))
        if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
            raise SitegenError(Problem(
                out_dir,
                f"refusing to replace a folder sitegen did not create (no {MARKER} marker); "
                "empty it or choose another --out",
            ))


def write_site(outputs: Iterable[OutputFile], out_dir: Path,
               *, protected: Iterable[Path] = (),
               finish: Finish | None = None, swap: bool = False,
               changes: Changes | None = None,
               listed: Iterable[str] | PreviousSite | None = None,
               watch: Watch | None = None, defer_cleanup: bool = False,
               kept: AbstractSet[str] = frozenset(),
               folders: Mapping[str, int | None] | None = None) -> int:
    """Write every output into `out_dir`; return the number of outputs (unchanged ones too,
    and `kept`; not counting `finish`'s).

    With a previous site, only changed files are written and moved in, one by one (see the
    module docstring), unless most of the site changed or `swap` is asked for; otherwise the
    whole site is built in a fresh folder that is then swapped in. `finish` (see `NewSite`)
    runs once the rendered outputs are staged and before any of them is moved in (the search
    index is built then), so when it fails the previous site stays exactly as it was.

    A file system error (a full disk, a read-only folder) is one `SitegenError`; it and an
    interrupt both leave the previous site as it was and remove the half-written files.
    `changes`, when given, is told what changed. `listed`, when given, is every file the site
    holds (the listing a long-lived process keeps of the site its last build left, which only
    it writes, or the one a build took at its start, under the site lock): an in-place update
    then takes it instead of walking the site, and checks with one `lstat` per output that each
    file it keeps or replaces is still there (a folder emptied by hand is not seen, and
    stays); or that listing made ahead (`PreviousSite.listed`, for one write only: the writer
    takes the files it finds missing out of it). `watch`, when
    given, is told of each output once it is staged, and of a failed write (`Watch`).
    `defer_cleanup`: the backup of a committed in-place update is removed in a thread while the
    caller goes on, and the caller calls `settle` before it returns (`_discard_after_commit`).
    `kept`: more unchanged outputs, as paths with no `OutputFile` each (the 17,900 a body edit
    of `serve` keeps at 10,000 articles, `render._narrow`), read once `outputs` is exhausted
    (the renderer may fill it as it goes); an output among `outputs` too is written as given.
    `folders` (with `listed`): the mtime of each folder of the site ("" the site's own) when
    the holder of the listing last saw it as it had left it (`incremental.outputs.
    folder_times`; None: not known): a folder whose mtime is still that has had no entry
    added, removed or renamed since, so its listed files are there and are not checked one
    by one (`_Checker`).
    """
    settle()   # a backup of this process's last update still being removed
    changes = changes if changes is not None else Changes()
    pid = os.getpid()
    staging = _sibling(out_dir, "new", pid)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        _recover(out_dir, own=True)   # a rollback of ours that failed earlier in this process
        check_output_dir(out_dir, protected=protected)
        _remove_tree(staging)
        staging.mkdir()
    except OSError as exc:
        raise _write_error(exc, out_dir) from None
    try:
        if not swap and not out_dir.is_symlink() and (out_dir / MARKER).is_file():
            if listed is None:
                site = _scan(out_dir)
            elif isinstance(listed, PreviousSite):
                site = listed
            else:
                site = PreviousSite.listed(listed)
            count = _update_in_place(outputs, out_dir, staging, changes, finish, site,
                                     checked=listed is not None, watch=watch,
                                     defer_cleanup=defer_cleanup, kept=kept,
                                     folders=folders)
        else:
            changes.whole = True
            previous = out_dir if (out_dir / MARKER).is_file() else None
            new = NewSite(staging, previous, None)
            written: dict[str, tuple[int, int]] = {}
            count = _write_all(_with_kept(outputs, kept), staging, previous,
                               (lambda path: watch.staged(new, path)) if watch else None,
                               written)
            if finish is not None:
                _keep_finished(finish(new), staging, previous, written)
            _note(written, MARKER, _put(os.path.join(staging, MARKER),
                                        MARKER_TEXT.encode("utf-8"),
                                        previous / MARKER if previous else None))
            _swap_in(staging, out_dir)
            changes.listing = _listing(written)
    except OSError as exc:
        _abandon(watch, staging)
        raise _write_error(exc, out_dir) from None
    except BaseException:
        _abandon(watch, staging)
        raise
    _discard(staging)
    return count


@dataclass(frozen=True)
class _Unchanged:
    path: str
    content: None = None


def _with_kept(outputs: Iterable[OutputFile], kept: AbstractSet[str]) -> Iterator[OutputFile]:
    """`outputs`, then the paths of `kept` none of them had as unchanged outputs (`kept` is
    read once `outputs` is exhausted)."""
    given: set[str] = set()
    for output in outputs:
        given.add(output.path)
        yield output
    for path in sorted(kept - given):
        yield _Unchanged(path)


def _abandon(watch: Watch | None, staging: Path) -> None:
    """A failed write: the watcher stops its work on the staging folder, which then goes."""
    try:
        if watch is not None:
            watch.abandoned()
    finally:
        _discard(staging)


def recover(out_dir: Path) -> None:
    """Clean up after a build that was killed (no `finally` ran): roll back an in-place update it
    left half-done, put the previous site back if it was moved aside and never replaced, and
    remove that build's staging, backup and journal files."""
    _recover(out_dir, own=False)


def _recover(out_dir: Path, *, own: bool) -> None:
    """`recover`; with `own`, also this process's leftovers (between two builds of one process,
    e.g. `sitegen serve`, which runs them one at a time)."""
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(new|old|journal)-(\d+)(\.tmp)?")
    me = os.getpid()
    try:   # best effort: a folder we cannot list or rename is reported by the write itself
        siblings = list(out_dir.parent.iterdir()) if out_dir.parent.is_dir() else []
        leftovers = [(m.group(1), int(m.group(2)), m.group(3), p) for p in siblings
                     if (m := pattern.fullmatch(p.name))]
        leftovers = [item for item in leftovers
                     if (item[1] == me) == own and (own or not running(item[1]))]
        stuck: set[int] = set()
        in_place: set[int] = set()   # its .old- folder is a backup, never a whole site
        for kind, pid, tmp, path in leftovers:
            if kind == "journal":
                in_place.add(pid)
            if kind == "journal" and not tmp:
                try:
                    _roll_back_journal(path, out_dir, _sibling(out_dir, "old", pid))
                except OSError:
                    stuck.add(pid)   # keep its journal and backup for the next try
        retired = sorted((p for kind, pid, _, p in leftovers
                          if kind == "old" and pid not in in_place and (p / MARKER).is_file()),
                         key=lambda p: p.stat().st_mtime)
        if retired and not out_dir.exists():
            retired[-1].rename(out_dir)
    except OSError:
        return
    for _, pid, _, path in leftovers:
        if pid not in stuck and (path.exists() or path.is_symlink()):
            _discard(path)


def _sibling(out_dir: Path, kind: str, pid: int) -> Path:
    """The staging folder (new), backup or retired folder (old) or journal beside out_dir."""
    return out_dir.with_name(f".{out_dir.name}.{kind}-{pid}")


def _write_error(exc: OSError, out_dir: Path) -> SitegenError:
    """One problem naming what the user can fix: the folder holding the site when a staging
    folder or journal beside it cannot be made (a read-only folder), else the site's own path
    of the file, never the name of a staging folder that is gone by the time it is read."""
    where = Path(exc.filename) if exc.filename else out_dir
    prefix = f".{out_dir.name}."
    for path in (where, *where.parents):
        if path.parent == out_dir.parent and path.name.startswith(prefix):
            where = out_dir / where.relative_to(path) if path != where else out_dir.parent
            break
    if where == Path(where.anchor) or not where.name:   # "." when the site is the current folder
        where = where.absolute()
    return SitegenError(Problem(where, f"cannot write the site: {exc.strerror or exc}; "
                                "the previous site is unchanged"))


class KeptMissing(SitegenError):
    """An output marked unchanged is not in the previous site: whoever said it was (a listing
    held since the last build, `serve`'s) was wrong, and the previous site is as it was."""


def _unchanged_missing(where: Path) -> SitegenError:
    return KeptMissing(Problem(where, "an output marked unchanged is not in the previous site "
                               "(deleted by hand while serving, or a bug in sitegen); "
                               "the previous site is unchanged"))


# --- whole-folder swap -------------------------------------------------------------------------


def _write_all(outputs: Iterable[OutputFile], root: Path, previous: Path | None = None,
               staged: Callable[[str], None] | None = None,
               written: dict[str, tuple[int, int]] | None = None) -> int:
    """Write each output into the fresh folder `root` (a swap's staging), an unchanged one
    linked from `previous`. Paths are joined as strings and files written with `os.open`: one
    `mkdir` per new folder and open, write, fstat, close per file, no `Path` per output.
    `written` gets each file's (size, mtime) as it stands in `root`, by path."""
    count = 0
    top = os.fspath(root)
    made: set[str] = {""}   # folders of `root` made so far ("" is `root`)
    real: set[str] = set()   # folders of the previous site checked to be real (no symlinks)
    for output in outputs:
        key = _key(output.path)
        folder = key.rpartition("/")[0]
        if folder not in made:
            _make_folder(top, folder, made)
        target = os.path.join(top, key)
        content = output.content
        if content is None:
            if previous is None or not _inside(previous, key, real):
                raise _unchanged_missing((previous or root) / key)
            found = _keep(previous / key, target)
        else:
            found = _put(target, content,
                         previous / key if previous and _inside(previous, key, real) else None)
        _note(written, key, found)
        count += 1
        if staged is not None:
            staged(output.path)
    return count


def _listing(written: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """`Changes.listing` from `_note`'s record of a folder written whole: sorted by path."""
    return sorted((path, *found) for path, found in written.items())


def _note(written: dict[str, tuple[int, int]] | None, key: str, found: os.stat_result) -> None:
    """Record the file at `key` as it stands (`_write_all`'s `written`)."""
    if written is not None:
        written[key] = (found.st_size, found.st_mtime_ns)


def _make_folder(top: str, folder: str, made: set[str]) -> None:
    """Make `folder` of the fresh folder `top`, and the parents of it not in `made` (the
    folders made so far, "" for `top` itself); a file in the way is an error."""
    path = os.path.join(top, folder)
    try:
        os.mkdir(path)
    except FileNotFoundError:
        parent = folder.rpartition("/")[0]
        if parent in made:
            raise
        _make_folder(top, parent, made)
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
    made.add(folder)


def _keep_finished(keys: Iterable[str], staging: Path, previous: Path | None,
                   written: dict[str, tuple[int, int]] | None = None) -> None:
    """Complete the staged site with `finish`'s outputs: a file it kept is linked from the
    previous site, one it wrote that the previous site holds byte for byte is linked instead.
    `written` gets each one's (size, mtime), as `_write_all`'s."""
    real: set[str] = set()
    for path in keys:
        key = _key(path)
        target = staging / key
        old = previous / key if previous and _inside(previous, key, real) else None
        if os.path.lexists(target):
            if old is not None and _same_bytes(old, target.read_bytes()):
                target.unlink()
                _keep(old, target)
            _note(written, key, os.lstat(target))
            continue
        if old is None:
            raise _unchanged_missing((previous or staging) / key)
        target.parent.mkdir(parents=True, exist_ok=True)
        _note(written, key, _keep(old, target))


def _keep(source: Path, target: str | Path) -> os.stat_result:
    """Hard-link (or copy, where links fail) the previous site's file for an unchanged output;
    return the file as it stands at `target`."""
    try:
        st = os.stat(source, follow_symlinks=False)
    except FileNotFoundError:
        raise _unchanged_missing(source) from None
    if not stat.S_ISREG(st.st_mode):
        raise _unchanged_missing(source)
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:   # the same path output twice: the last one wins, as with bytes
        os.unlink(target)
        return _keep(source, target)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
        return os.lstat(target)
    return st   # a link: the same file, its size and mtime as they were


def _put(target: str | Path, content: bytes, previous: Path | None) -> os.stat_result:
    """Write `target`, or hard-link the previous site's file when its bytes are the same;
    return the file as it stands.

    The link keeps the unchanged file's inode and mtime, so after the swap only changed outputs
    look new (to rsync, a web server's caches, a deploy), and an unchanged page costs no write.
    The previous site is never written to: a link only adds a name, and the staging folder is
    discarded by name on failure, so the old site stays byte-for-byte as it was.
    """
    if previous is not None and _same_bytes(previous, content):
        try:
            os.link(previous, target)
            return os.lstat(target)
        except OSError:
            pass   # no hard links on this file system: write it
    return _write_file(target, content)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_file(target: str | Path, content: bytes) -> os.stat_result:
    """`Path(target).write_bytes(content)` (the same flags and mode) without a file object:
    its fstat, isatty and seek are three calls per file of a clean build's 17,900; returns the
    file as written (`fstat`: its mtime is the last write's)."""
    fd = os.open(target, _CREATE, 0o666)
    try:
        done = os.write(fd, content)
        if done < len(content):   # a short write (a signal, a full disk)
            view = memoryview(content)
            while done < len(content):
                done += os.write(fd, view[done:])
        return os.fstat(fd)
    finally:
        os.close(fd)


def _inside(root: Path, key: str, real: set[str]) -> bool:
    """True when every folder on the way to `root / key` (a path from `_key`) is a real
    folder, not a symlink (so reading or linking it cannot leave the site); `real` caches the
    folders seen."""
    folder = ""
    for part in key.split("/")[:-1]:
        folder = f"{folder}/{part}" if folder else part
        if folder in real:
            continue
        try:
            if not stat.S_ISDIR(os.lstat(root / folder).st_mode):
                return False
        except OSError:
            return False
        real.add(folder)
    return True


def safe_relative_path(path: str) -> PurePosixPath:
    """An output path that cannot climb out of the output folder, or a clear error."""
    pure = PurePosixPath(path)
    if (not path or not pure.parts or pure.is_absolute() or ".." in pure.parts or "\\" in path
            or "\x00" in path or ":" in pure.parts[0]):
        raise SitegenError(Problem(None, f"refusing to write outside the output folder: {path!r}"))
    return pure


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir with staging; the old site is removed only after the new one is in place."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = _sibling(out_dir, "old", os.getpid())
    _remove_tree(retired)
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    _discard(retired)   # the new site is in place; a leftover is removed by the next build


# --- in place ----------------------------------------------------------------------------------


@dataclass
class PreviousSite:
    """The previous site as os.scandir sees it, symlinks not followed."""

    files: set[str] = field(default_factory=set)    # regular files
    others: set[str] = field(default_factory=set)   # symlinks, sockets...: never read
    dirs: dict[str, int] = field(default_factory=dict)   # folder -> how many entries it holds
    order: list[str] = field(default_factory=list)   # the listed files, sorted (`listed`)
    top: list[str] = field(default_factory=list)     # the listed files of the site's own folder

    @classmethod
    def listed(cls, paths: Iterable[str]) -> PreviousSite:
        """The site as a listing of its files says it is (every entry taken for a regular
        file; a folder counts its files and subfolders; empty folders are not seen). A list
        is taken to be sorted (`site_listing`'s order)."""
        found = cls()
        found.order = paths = sorted(paths) if not isinstance(paths, list) else paths
        for path in paths:
            found.files.add(path)
            if "/" not in path:
                found.top.append(path)
            child = path
            while "/" in child:   # an entry of its folder; a folder new here, of its own
                parent = child.rpartition("/")[0]
                known = parent in found.dirs
                found.dirs[parent] = found.dirs.get(parent, 0) + 1
                if known:
                    break
                child = parent
        return found

    def emptied(self, removed: Iterable[str]) -> set[str]:
        """The folders that the removal of these files and symlinks leaves empty (an empty
        folder's parent may be left empty in turn), and the folders that were empty."""
        left = dict(self.dirs)
        gone: set[str] = set()
        todo = [key for key, count in left.items() if count == 0]
        for key in removed:
            parent = key.rpartition("/")[0]
            if parent:
                left[parent] -= 1
                if left[parent] == 0:
                    todo.append(parent)
        while todo:
            key = todo.pop()
            gone.add(key)
            parent = key.rpartition("/")[0]
            if parent:
                left[parent] -= 1
                if left[parent] == 0:
                    todo.append(parent)
        return gone


@dataclass
class _Journal:
    """What one in-place update does to the site, written beside it before it starts."""

    replaced: list[str]       # existed, new bytes: backed up by a hard link, then replaced
    added: list[str]          # new files
    removed: list[str]        # no longer output: moved into the backup folder
    added_dirs: list[str]     # folders created for new files
    removed_dirs: list[str]   # folders left empty by the removals

    def to_json(self) -> str:
        return json.dumps({"version": JOURNAL_VERSION, "replaced": self.replaced,
                           "added": self.added, "removed": self.removed,
                           "added_dirs": self.added_dirs, "removed_dirs": self.removed_dirs})

    @classmethod
    def from_json(cls, text: str) -> _Journal:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
            raise ValueError("not a sitegen journal")
        lists = []
        for name in ("replaced", "added", "removed", "added_dirs", "removed_dirs"):
            paths = data.get(name)
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise ValueError(f"bad {name}")
            for path in paths:
                safe_relative_path(path)   # a journal cannot send the rollback out of the site
            lists.append(paths)
        return cls(*lists)


def _scan(out_dir: Path) -> PreviousSite:
    found = PreviousSite()
    for prefix, entries, count in walk(out_dir):
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                found.files.add(prefix + entry.name)
            else:
                found.others.add(prefix + entry.name)
        if prefix:
            found.dirs[prefix[:-1]] = count
    return found


def _key(path: str) -> str:
    """`str(safe_relative_path(path))`, quicker for the plain paths the renderer gives."""
    if (path and "\\" not in path and "\x00" not in path and "//" not in path
            and "/./" not in path and not path.startswith(("/", "./"))
            and not path.endswith(("/", "/.")) and path != "."):
        parts = path.split("/")
        if ".." not in parts and ":" not in parts[0]:
            return path
    return str(safe_relative_path(path))


def _parents(key: str) -> Iterable[str]:
    while "/" in key:
        key = key.rpartition("/")[0]
        yield key


def _update_in_place(outputs: Iterable[OutputFile], out_dir: Path, staging: Path,
                     changes: Changes, finish: Finish | None, previous: PreviousSite,
                     *, checked: bool = False, watch: Watch | None = None,
                     defer_cleanup: bool = False,
                     kept: AbstractSet[str] = frozenset(),
                     folders: Mapping[str, int | None] | None = None) -> int:
    """Stage the changed outputs (and `finish`'s), then move them into out_dir as one
    transaction. `checked`: `previous` is a listing to check output by output (`_check`).
    `watch` is told of each output once its new bytes are staged (or kept as they are).
    `kept`: more outputs kept as they are (`write_site`), checked like the others, and
    `folders` the folders whose files need no check (`write_site`)."""
    top = os.fspath(out_dir)
    seen: set[str] = set()
    staged: dict[str, Path] = {}   # output path -> its new bytes, in `flat` or (finish) by path
    flat = staging / FLAT
    flat.mkdir()
    new = NewSite(staging, out_dir, staged)   # reads `staged` as it fills
    count = 0
    with _listed_folder(top if checked else None) as where, \
            _Checker(previous, where, folders) if where is not None else nullcontext() as check:
        for output in outputs:
            path = output.path   # a listed path is the site's own: already a plain key
            key = path if path in previous.files else _key(path)
            seen.add(key)
            count += 1
            content = output.content
            if check is not None and key in previous.files:
                check(key)
            if content is None or (key in previous.files
                                   and _same_bytes(out_dir / key, content)):
                if content is None and key not in previous.files:
                    raise _unchanged_missing(out_dir / key)
                if key in staged:   # the same path output twice: the last one wins
                    staged.pop(key).unlink()
            else:
                target = staged.get(key) or flat / str(count)
                target.write_bytes(content)
                staged[key] = target
            if watch is not None:
                watch.staged(new, output.path)
        if kept:
            more = kept - seen
            if check is not None:
                for key in more if check.same is None else check.suspects() & more:
                    check(key)
            missing = more - previous.files
            if missing:
                raise _unchanged_missing(out_dir / min(missing))
            seen |= more
            count += len(more)
            if watch is not None:
                for key in sorted(more):
                    watch.staged(new, key)
    if finish is not None:
        for path in finish(new):
            key = _key(path)
            seen.add(key)
            if not os.path.lexists(staging / key):
                if key not in previous.files:
                    raise _unchanged_missing(out_dir / key)
            elif key in previous.files and _same_bytes(out_dir / key,
                                                       (staging / key).read_bytes()):
                (staging / key).unlink()
            else:
                staged[key] = staging / key
    marker = MARKER_TEXT.encode("utf-8")   # an older sitegen's marker gets today's text
    if not _same_bytes(out_dir / MARKER, marker) and MARKER not in seen:
        staged[MARKER] = flat / MARKER
        staged[MARKER].write_bytes(marker)

    entries = previous.files | previous.others
    added = sorted(k for k in staged if k not in entries)
    removed = sorted(entries - seen - {MARKER})
    new_parents = {p for k in added for p in _parents(k)}
    journal = _Journal(
        replaced=sorted(k for k in staged if k in entries),
        added=added,
        removed=removed,
        added_dirs=sorted(new_parents - previous.dirs.keys()),
        removed_dirs=sorted(previous.emptied(removed) - new_parents),
    )
    if len(staged) + len(removed) > max(SWAP_AT_LEAST, len(seen) // 4):   # most of the site
        top = os.fspath(staging)
        made: set[str] = {""}
        written: dict[str, tuple[int, int]] = {}
        for key in seen:
            folder = key.rpartition("/")[0]
            if folder not in made:
                _make_folder(top, folder, made)
            place = os.path.join(top, key)
            if key not in staged:
                found = _keep(out_dir / key, place)
            else:
                if staged[key] != Path(place):
                    os.rename(staged[key], place)
                found = os.lstat(place)
            _note(written, key, found)
        flat.rmdir()
        _note(written, MARKER, _put(staging / MARKER, marker, out_dir / MARKER))
        _swap_in(staging, out_dir)
        changes.whole = True
        changes.listing = _listing(written)
    elif journal.replaced or journal.added or journal.removed or journal.removed_dirs:
        _transaction(out_dir, staged, journal, defer_cleanup=defer_cleanup)
        changes.paths.update(journal.replaced, journal.added, journal.removed)
    return count


@contextmanager
def _listed_folder(top: str | None) -> Iterator[int | str | None]:
    """Where `_check` looks up the files of the site at `top` (None: it does not): an open
    descriptor of the folder, so each `lstat` walks only the path inside it (a quarter less
    CPU over the 29,000 files of a 10,000-article site than joining and walking the whole
    path), else the folder's path."""
    if top is None or os.stat not in os.supports_dir_fd \
            or os.stat not in os.supports_follow_symlinks:
        yield top
        return
    try:
        fd = os.open(top, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield top
        return
    try:
        yield fd
    finally:
        os.close(fd)


SCAN_AT = 16   # listed entries from which a folder's files are checked by one listing


class _Checker:
    """`_check` for each listed file the update keeps or replaces, a crowded folder (the
    search index's fragments: 2,500 files each at 10,000 articles) checked by one listing of
    its entries (their types, as `lstat` gives them) the first time one of its files is asked
    for, instead of one `lstat` per file; a folder of few files is checked file by file."""

    def __init__(self, previous: PreviousSite, where: int | str,
                 folders: Mapping[str, int | None] | None = None) -> None:
        self.previous = previous
        self.where = where
        self.listed: dict[str, frozenset[str]] = {}   # crowded folder -> its regular files
        # the folders as their holder left them (`write_site`'s `folders`): not checked.
        # Their 15,800 `stat`s at 10,000 articles (0.04-0.08 s) are made in a thread while
        # the outputs start rendering (the calls leave the interpreter lock), and waited for
        # at the first check (`same`); `close` waits too, before `where` is closed
        self._same: set[str] | None = None
        self._finding: threading.Thread | None = None
        if folders is not None:
            found: list[set[str]] = []
            self._found = found
            self._finding = threading.Thread(
                target=lambda: found.append(_same_folders(where, folders)),
                name="sitegen-folders", daemon=True)
            self._finding.start()

    @property
    def same(self) -> set[str] | None:
        """The folders known to be as they were (None: no `folders`, every file checked)."""
        if self._finding is not None:
            self._finding.join()
            self._finding = None
            # (a failure in the thread: no folder is known, every file is checked)
            self._same = self._found[0] if self._found else set()
        return self._same

    def __enter__(self) -> _Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        """Wait for the folders' check: `where` (a descriptor) is closed next."""
        if self._finding is not None:
            self._finding.join()

    def suspects(self) -> set[str]:
        """The listed files of the folders not known to be as they were (all: no `folders`),
        each folder's found by bisection in the sorted listing, not by a loop over it; all of
        them when more than an eighth of the folders are not known (after a build that wrote
        most of them: no mtime is held until it is a second old, `folder_times`)."""
        previous, same = self.previous, self.same
        if same is None or len(unsure := previous.dirs.keys() - same) > len(previous.dirs) // 8:
            return set(previous.files)
        order = previous.order
        found = set(previous.top) if "" not in same else set()
        for folder in unsure:
            start = bisect.bisect_left(order, folder + "/")
            end = bisect.bisect_left(order, folder + "0", start)   # "0" sorts after "/"
            skip = len(folder) + 1
            found.update(key for key in order[start:end] if "/" not in key[skip:])
        return found

    def __call__(self, key: str) -> None:
        folder, _, name = key.rpartition("/")
        if self.same is not None and folder in self.same:
            return
        if self.previous.dirs.get(folder, 0) < SCAN_AT:
            _check(self.previous, self.where, key)
            return
        names = self.listed.get(folder)
        if names is None:
            names = self.listed[folder] = _regular_names(self.where, folder)
        if name not in names:
            self.previous.files.discard(key)


def _same_folders(where: int | str, folders: Mapping[str, int | None]) -> set[str]:
    """The folders of `folders` whose mtime is still the one it gives (a real folder, not a
    link): each mtime changes when an entry of the folder is added, removed or renamed (a
    file deleted or replaced by hand), so their files are as they were listed. One `stat`
    per folder: 15,800 at 10,000 articles, against 26,000 for the files."""
    same: set[str] = set()
    top = where if isinstance(where, int) else None
    for folder, mtime in folders.items():
        if mtime is None:
            continue
        try:
            if top is not None:
                st = os.stat(folder or ".", dir_fd=top, follow_symlinks=False)
            else:
                st = os.lstat(os.path.join(str(where), folder))
        except OSError:
            continue
        if st.st_mtime_ns == mtime and stat.S_ISDIR(st.st_mode):
            same.add(folder)
    return same


def _regular_names(where: int | str, folder: str) -> frozenset[str]:
    """The names of the regular files in `folder` of the site at `where` (none when it is not
    a folder there any more); symlinks are not followed, as by `_check`."""
    try:
        if isinstance(where, int):
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0), dir_fd=where)
            try:
                with os.scandir(fd) as entries:
                    return frozenset(e.name for e in entries
                                     if e.is_file(follow_symlinks=False))
            finally:
                os.close(fd)
        with os.scandir(os.path.join(where, folder)) as entries:
            return frozenset(e.name for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return frozenset()


def _check(previous: PreviousSite, where: int | str, key: str) -> None:
    """Take `key` out of the listed files unless the site holds it as a regular file (deleted
    or replaced by hand since it was listed): kept, it is then missing; written, it is added.
    `where` is the site's folder, open (`_listed_folder`) or as a path."""
    try:
        if isinstance(where, int):
            regular = stat.S_ISREG(os.stat(key, dir_fd=where, follow_symlinks=False).st_mode)
        else:
            regular = stat.S_ISREG(os.lstat(os.path.join(where, key)).st_mode)
    except OSError:
        regular = False
    if not regular:
        previous.files.discard(key)


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(content):
            return False
        return handle.read(len(content) + 1) == content


def _transaction(out_dir: Path, staged: Mapping[str, Path], journal: _Journal,
                 *, defer_cleanup: bool = False) -> None:
    """Apply the journal's changes to out_dir; roll them back on any error or interrupt.

    The journal is on disk before out_dir is touched and removed only when every change is in
    place (the commit point), so a process killed in between is rolled back by `recover`.
    """
    pid = os.getpid()
    journal_path = _sibling(out_dir, "journal", pid)
    backup = _sibling(out_dir, "old", pid)
    _remove_tree(backup)
    pending = journal_path.with_name(journal_path.name + ".tmp")
    try:   # whole or not at all: a torn journal never has the journal's name
        pending.write_text(journal.to_json(), encoding="utf-8")
        os.replace(pending, journal_path)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    try:
        _apply(out_dir, staged, backup, journal)
        journal_path.unlink()   # the commit point
    except BaseException:
        if journal_path.exists():   # not committed: undo
            try:
                _roll_back(out_dir, backup, journal)
            except OSError as exc:   # the journal and backup stay: the next build finishes this
                raise SitegenError(Problem(
                    Path(exc.filename) if exc.filename else out_dir,
                    f"cannot write the site, nor undo the partial update: "
                    f"{exc.strerror or exc}; the next build restores the previous site")) from None
            journal_path.unlink()
        _discard(backup)
        raise
    if defer_cleanup:
        _discard_after_commit(backup)
    else:
        _discard(backup)


def _apply(out_dir: Path, staged: Mapping[str, Path], backup: Path, journal: _Journal) -> None:
    """New files first, then changed ones, then removals: a page never links to a page that is
    not there yet. When a removed file or folder stands where a new folder or file goes, the
    removals come first. Replaced and removed files are backed up flat, by their place in the
    journal (`_backup_name`)."""
    real: set[str] = set()
    backup.mkdir()

    def back_up(key: str, name: str, move: bool) -> None:
        target = backup / name
        if move:
            os.rename(out_dir / key, target)
            return
        try:
            os.link(out_dir / key, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise
            shutil.copy2(out_dir / key, target, follow_symlinks=False)

    def place() -> None:
        for key in journal.added:
            _make_dirs(out_dir, key, real)
            os.replace(staged[key], out_dir / key)
        for number, key in enumerate(journal.replaced):
            _make_dirs(out_dir, key, real)
            back_up(key, _backup_name("replaced", number), move=False)
            os.replace(staged[key], out_dir / key)

    def remove() -> None:
        for number, key in enumerate(journal.removed):
            with contextlib.suppress(FileNotFoundError):   # gone already: nothing to do
                back_up(key, _backup_name("removed", number), move=True)
        for key in reversed(journal.removed_dirs):   # a folder's contents sort after it
            os.rmdir(out_dir / key)

    conflict = (not set(journal.removed).isdisjoint(journal.added_dirs)
                or not set(journal.removed_dirs).isdisjoint(journal.added))
    if conflict:
        remove()
        place()
    else:
        place()
        remove()


def _make_dirs(root: Path, key: str, real: set[str], *, create: bool = True) -> None:
    """Make sure each folder on the way to `root / key` is a real folder (created if missing);
    a symlink or file in the way is an error, so nothing is ever written through a link."""
    path = ""
    for part in PurePosixPath(key).parts[:-1]:
        path = f"{path}/{part}" if path else part
        if path in real:
            continue
        try:
            mode = os.lstat(root / path).st_mode
        except FileNotFoundError:
            if not create:
                raise
            os.mkdir(root / path)
        else:
            if not stat.S_ISDIR(mode):
                raise OSError(errno.ENOTDIR, "in the way of a folder (not a folder)",
                              str(root / path))
        real.add(path)


def _roll_back(out_dir: Path, backup: Path, journal: _Journal) -> None:
    """Undo a partial (or complete) `_apply`; safe to repeat, e.g. after a kill half-way."""
    for key in journal.added:
        try:
            if not stat.S_ISDIR(os.lstat(out_dir / key).st_mode):
                os.unlink(out_dir / key)
        except FileNotFoundError:
            pass
    for key in reversed(journal.added_dirs):
        with contextlib.suppress(OSError):   # not there (never made, or removed already)
            os.rmdir(out_dir / key)
    real: set[str] = set()
    for key in journal.removed_dirs:
        _make_dirs(out_dir, key + "/x", real)
    for kind, keys in (("replaced", journal.replaced), ("removed", journal.removed)):
        for number, key in enumerate(keys):
            saved = backup / _backup_name(kind, number)
            if os.path.lexists(saved):
                _make_dirs(out_dir, key, real)
                os.replace(saved, out_dir / key)


def _backup_name(kind: str, number: int) -> str:
    """The flat name in the backup folder of the journal's `number`th replaced or removed file."""
    return f"{'r' if kind == 'replaced' else 'x'}{number}"


def _roll_back_journal(journal_path: Path, out_dir: Path, backup: Path) -> None:
    """Roll back the update a dead process left half-done, then remove its journal.

    A journal is written whole and then renamed, so one that cannot be read was damaged from
    outside: its backup cannot be put back by name, and the site keeps what the update had
    moved in (each file whole, old or new) until the next build writes it again."""
    try:
        journal = _Journal.from_json(journal_path.read_text(encoding="utf-8"))
    except (ValueError, SitegenError, UnicodeDecodeError):
        journal = None
    if journal is not None and out_dir.is_dir() and not out_dir.is_symlink():
        _roll_back(out_dir, backup, journal)
    journal_path.unlink()


# --- clean-up ----------------------------------------------------------------------------------

_settling: list[threading.Thread] = []   # backups of committed updates being removed


def settle() -> None:
    """Wait until the backups of this process's committed updates are removed
    (`_discard_after_commit`): a build returns only when nothing of it is left beside the site."""
    while _settling:
        _settling.pop().join()


def _discard_after_commit(backup: Path) -> None:
    """Remove a committed update's backup folder in a thread. Its files are the replaced and
    removed pages, whose blocks are freed now: disk wait, not CPU (1,900 pages after a publish at
    10,000 articles, 0.04-1.1 s on the benchmark machine's ext4 mounted with `discard`), which the
    build's own after-write work (the site listing, page memo and build record) overlaps. The site
    is complete and the journal gone before it starts; killed meanwhile, the folder (named for a
    process no longer running) is removed by the next build's `recover`. Not a daemon thread, so
    even an interpreter that exits without `settle` finishes it first."""
    thread = threading.Thread(target=_discard_flat, args=(backup,), name="sitegen-remove-backup")
    thread.start()
    _settling.append(thread)


_UNLINKS_AT_ONCE = 4   # each unlink mostly waits on the disk (the freed blocks' bookkeeping)


def _discard_flat(backup: Path) -> None:
    """Remove a backup folder (flat: the journal's files by number, `_backup_name`) with a few
    unlinks in flight at once: one after another, each freeing file's wait on the disk adds up
    (2,000 files of 30 KB just after 2,000 were written, on this machine's ext4 with `discard`:
    0.21-4.7 s, median 2.5 s, with `shutil.rmtree`; 0.10-0.40 s, median 0.2 s, four at once;
    on a quiet machine 0.17-0.23 s against 0.08-0.11 s, and the same CPU, a share a thread).
    Anything that is not a plain file (never made by `_apply`) goes with the folder itself."""
    try:
        names = os.listdir(backup)
    except OSError:
        names = []

    def unlink(share: list[str]) -> None:   # a share each: one task a thread, not one a file
        for name in share:
            with contextlib.suppress(OSError):   # a folder, or gone: `_discard` below
                os.unlink(os.path.join(backup, name))

    shares = [names[start::_UNLINKS_AT_ONCE] for start in range(_UNLINKS_AT_ONCE)]
    with ThreadPoolExecutor(_UNLINKS_AT_ONCE, thread_name_prefix="sitegen-remove-backup") as pool:
        for _ in pool.map(unlink, shares):
            pass
    _discard(backup)


def _discard(path: Path) -> None:
    """Remove a staging or retired folder, never failing (the real error is already raised)."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
