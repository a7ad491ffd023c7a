"""Static theme files (CSS, images) copied into `static/`, the most specific folder winning.

Everything here is published, so a symbolic link is followed only while it stays inside the
site's folder (the default theme: inside its own folder); a link that leads out (a `static/`
linked to a shared folder, a file linked to `~/.ssh/id_rsa`) is skipped with a warning naming
it, never copied in silently.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from sitegen.render.context import SiteContext
from sitegen.render.output import Task, ready
from sitegen.theme import static_dirs

log = logging.getLogger("sitegen.render")


def static_files(ctx: SiteContext) -> Iterator[Task]:
    seen: set[str] = set()
    site = ctx.config.root.resolve()
    for folder in static_dirs(ctx.config):
        # The default theme ships inside sitegen, outside every site: its own folder bounds it.
        bound = site if folder.is_relative_to(ctx.config.root) else folder.parent.resolve()
        for rel, path in sorted(_files(folder, bound)):
            if rel not in seen:
                seen.add(rel)
                yield ready(ctx.urls.output_file(ctx.urls.static(rel)), path.read_bytes())


def _files(folder: Path, bound: Path) -> Iterator[tuple[str, Path]]:
    """(relative path, path) of every file below `folder`; hidden names (editor backups,
    .DS_Store) skipped; links followed only where they lead to a place inside `bound`."""
    if not _stays_inside(folder, bound) or not folder.is_dir():
        return
    entered = {folder.resolve()}   # a linked folder that links back up is entered once
    stack = [(folder, "")]
    while stack:
        current, prefix = stack.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.name.startswith(".") or (entry.is_symlink()
                                                  and not _stays_inside(path, bound)):
                    continue
                if entry.is_dir():
                    real = path.resolve()
                    if real not in entered:
                        entered.add(real)
                        stack.append((path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    yield f"{prefix}{entry.name}", path


def _stays_inside(path: Path, bound: Path) -> bool:
    """True when `path`, links resolved, is inside `bound`; else a warning naming it."""
    real = path.resolve()
    if real == bound or bound in real.parents:
        return True
    log.warning("%s: skipped: it is a link to %s, outside %s; copy the files into the site to "
                "publish them", path, real, bound)
    return False
