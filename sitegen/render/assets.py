"""Static theme files (CSS, images) copied into `static/`, the most specific folder winning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sitegen.render.context import SiteContext
from sitegen.render.output import Task, ready
from sitegen.theme import static_dirs


def static_files(ctx: SiteContext) -> Iterator[Task]:
    seen: set[str] = set()
    for folder in static_dirs(ctx.config):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            # Hidden files (editor backups, .DS_Store) and symlinks out of the theme stay out.
            if (not path.is_file() or path.is_symlink() or rel in seen
                    or any(part.startswith(".") for part in Path(rel).parts)):
                continue
            seen.add(rel)
            yield ready(ctx.urls.output_file(ctx.urls.static(rel)), path.read_bytes())
