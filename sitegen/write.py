"""Write a rendered site: build into a fresh folder, then swap it in whole.

Readers (a web server, `sitegen serve`, a deploy) never see a half-written site, and a build that
fails part-way leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
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
               *, protected: Iterable[Path] = ()) -> int:
    """Write every output into a fresh folder, then swap it for `out_dir`; return the file count."""
    check_output_dir(out_dir, protected=protected)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    _remove_tree(staging)
    staging.mkdir()
    try:
        count = _write_all(outputs, staging)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        _swap_in(staging, out_dir)
    except BaseException:
        _remove_tree(staging)
        raise
    return count


def _write_all(outputs: Iterable[OutputFile], root: Path) -> int:
    count = 0
    made: set[Path] = set()
    for output in outputs:
        target = root / safe_relative_path(output.path)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(output.content)
        count += 1
    return count


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
    _remove_tree(retired)


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
