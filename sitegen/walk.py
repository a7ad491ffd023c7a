"""One walk of a built site's folder tree, shared by the cache's listing and the writer's scan.

Both run on every build, the no-op one included, so it is one `os.scandir` per folder and no
stat: a folder's entries say from their directory entry whether they are folders. Symlinks are
never followed (a link to a folder is an entry like a file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


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
