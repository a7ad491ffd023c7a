"""Write a rendered site: build into a fresh folder, then swap it in whole.

Readers (a web server, `sitegen serve`, a deploy) never see a half-written site, and a build that
fails part-way leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Protocol

from sitegen.errors import Problem, SitegenError

MARKER = ".sitegen-output"
MARKER_TEXT = "This folder is written by sitegen; each build replaces it whole.\n"


class OutputFile(Protocol):
    """Anything with a relative output path and bytes (render.Output satisfies it)."""

    @property
    def path(self) -> str: ...

    @property
    def content(self) -> bytes: ...


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
               finish: Callable[[Path], None] | None = None) -> int:
    """Write every output into a fresh folder, then swap it for `out_dir`; return the file count.

    `finish(staging)` runs on the complete new site before the swap (the search index is built
    there), so when it fails the previous site stays exactly as it was.

    A file system error (a full disk, a read-only folder) is one `SitegenError`; it and an
    interrupt both leave the previous site as it was and remove the half-written one.
    """
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(out_dir)
        check_output_dir(out_dir, protected=protected)
        _remove_tree(staging)
        staging.mkdir()
    except OSError as exc:
        raise _write_error(exc, out_dir) from None
    try:
        previous = out_dir if (out_dir / MARKER).is_file() else None
        count = _write_all(outputs, staging, previous)
        if finish is not None:
            finish(staging)
        _put(staging / MARKER, MARKER_TEXT.encode("utf-8"),
             previous / MARKER if previous else None)
        _swap_in(staging, out_dir)
    except OSError as exc:
        _discard(staging)
        raise _write_error(exc, out_dir) from None
    except BaseException:
        _discard(staging)
        raise
    return count


def recover(out_dir: Path) -> None:
    """Clean up after a build that was killed (no `finally` ran): put the previous site back if
    it was moved aside and never replaced, and remove that build's staging folders."""
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(new|old)-(\d+)")
    try:   # best effort: a folder we cannot list or rename is reported by the write itself
        siblings = list(out_dir.parent.iterdir()) if out_dir.parent.is_dir() else []
        leftovers = [(m.group(1), p) for p in siblings
                     if (m := pattern.fullmatch(p.name)) and not _alive(int(m.group(2)))]
        retired = sorted((p for kind, p in leftovers if kind == "old" and (p / MARKER).is_file()),
                         key=lambda p: p.stat().st_mtime)
        if retired and not out_dir.exists():
            retired[-1].rename(out_dir)
    except OSError:
        return
    for _, path in leftovers:
        if path.exists():
            _discard(path)


def _alive(pid: int) -> bool:
    """True when a process with this id runs (ours included: its own folders are its own)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _write_error(exc: OSError, out_dir: Path) -> SitegenError:
    where = Path(exc.filename) if exc.filename else out_dir
    return SitegenError(Problem(where, f"cannot write the site: {exc.strerror or exc}; "
                                "the previous site is unchanged"))


def _write_all(outputs: Iterable[OutputFile], root: Path, previous: Path | None = None) -> int:
    count = 0
    made: set[Path] = set()
    for output in outputs:
        relative = safe_relative_path(output.path)
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        _put(target, output.content, previous / relative if previous else None)
        count += 1
    return count


def _put(target: Path, content: bytes, previous: Path | None) -> None:
    """Write `target`, or hard-link the previous site's file when its bytes are the same.

    The link keeps the unchanged file's inode and mtime, so after the swap only changed outputs
    look new (to rsync, a web server's caches, a deploy), and an unchanged page costs no write.
    The previous site is never written to: a link only adds a name, and the staging folder is
    discarded by name on failure, so the old site stays byte-for-byte as it was.
    """
    if previous is not None:
        try:
            st = os.stat(previous, follow_symlinks=False)
            if (stat.S_ISREG(st.st_mode) and st.st_size == len(content)
                    and previous.read_bytes() == content):
                os.link(previous, target)
                return
        except OSError:
            pass   # missing, unreadable or no hard links on this file system: write it
    target.write_bytes(content)


def safe_relative_path(path: str) -> PurePosixPath:
    """An output path that cannot climb out of the output folder, or a clear error."""
    pure = PurePosixPath(path)
    if (not path or pure.is_absolute() or ".." in pure.parts or "\\" in path
            or "\x00" in path or (pure.parts and ":" in pure.parts[0])):
        raise SitegenError(Problem(None, f"refusing to write outside the output folder: {path!r}"))
    return pure


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace out_dir with staging; the old site is removed only after the new one is in place."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    _remove_tree(retired)
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    _discard(retired)   # the new site is in place; a leftover is removed by the next build


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
