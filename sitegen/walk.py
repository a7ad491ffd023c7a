"""Folder walks shared by the modules that would otherwise each write their own.

`walk`: a built site's folder tree, for the cache's listing and the writer's scan. Both run on
every build, the no-op one included, so it is one `os.scandir` per folder and no stat: a folder's
entries say from their directory entry whether they are folders. Symlinks are never followed (a
link to a folder is an entry like a file).

`files_below`: the input files of one kind (articles, raw wire copy) below a folder, where a link
must not pull in a file from outside the site.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple


def walk(root: Path) -> Iterator[tuple[str, list[os.DirEntry[str]], int]]:
    """Each folder below and including `root` as (prefix, entries that are not folders, how many
    entries it holds in all); `prefix` is "" for `root`, else its path from `root` with a
    trailing "/". Folders come in no set order; an unreadable one raises `OSError`."""
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        others: list[os.DirEntry[str]] = []
        count = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                count += 1
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + entry.name + "/"))
                else:
                    others.append(entry)
        yield prefix, others, count


def regular_files(root: Path, prefix: str) -> list[str]:
    """The regular files below `root` (links never followed), each named `prefix/<its path from
    root>`, sorted: a folder of a site (a part of the search index) as the site names its
    files."""
    return sorted(f"{prefix}/{sub}{entry.name}" for sub, entries, _ in walk(root)
                  for entry in entries if entry.is_file(follow_symlinks=False))


class Found(NamedTuple):
    """What `files_below` found: the files it keeps, and the links leading out of its `root` it
    did not follow, each with whether it is a folder (for the caller to name in a warning)."""

    files: list[Path]
    outside: list[tuple[Path, bool]]


def files_below(folder: Path, root: Path, wanted: Callable[[str], bool]) -> Found:
    """The files below `folder` whose name `wanted` accepts, a folder's own (by name) before its
    subfolders' (by name); hidden files and folders skipped. A link is kept only when it leads to
    a place inside `root`; one leading out is never followed (os.walk does not enter linked
    folders) and comes back in `outside`."""
    root = root.resolve()
    found = Found([], [])
    stack = [os.fspath(folder)]
    while stack:   # one scandir per folder: whether an entry is a link costs no system call
        try:
            with os.scandir(stack.pop()) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:   # unreadable or gone, as os.walk skips it
            continue
        below = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_folder(entry):
                if entry.is_symlink():   # never entered; one leading out is named
                    if not _inside(Path(entry.path).resolve(), root):
                        found.outside.append((Path(entry.path), True))
                else:
                    below.append(entry.path)
            elif wanted(entry.name):
                path = Path(entry.path)
                if entry.is_symlink() and not _inside(path.resolve(), root):
                    found.outside.append((path, False))
                    continue
                found.files.append(path)
        stack.extend(reversed(below))   # a folder's subfolders in name order, depth first
    return found


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (as os.walk counts them)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
