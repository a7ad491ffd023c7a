"""When a raw file was first committed to git: a date every clone of the site agrees on.

A story whose text gives no date used to take the file's modification time, and a CI checkout
gives every file a new one, so its date changed on every deploy. The first commit that added the
file is the same on every machine and every build. A shallow clone (GitHub Actions checks out one
commit unless told `fetch-depth: 0`) shows every file as added by its one commit, so it is not
asked; nor is a file git does not track.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
_TIMEOUT = 20  # seconds for one git call; a hung git must not hang an import


def first_commit_time(path: Path) -> datetime | None:
    """The author time of the commit that first added `path`, or None when git cannot tell
    (no git, not a repository, a shallow clone, an untracked file)."""
    folder = path.parent.resolve()
    if _shallow(folder) is not False:
        return None
    found = _git(folder, "log", "--diff-filter=A", "--follow", "--format=%aI", "--", path.name)
    stamps = (found or "").split()
    return datetime.fromisoformat(stamps[-1]) if stamps else None


@cache
def _shallow(folder: Path) -> bool | None:
    """True for a shallow clone, False for a full one, None outside a work tree or without
    git. Said once per folder when shallow, since the fix is in the checkout step."""
    answer = _git(folder, "rev-parse", "--is-shallow-repository")
    if answer is None:
        return None
    shallow = answer.strip() == "true"
    if shallow:
        log.warning("%s: a shallow git clone: the first commit of a raw file cannot be read, so "
                    "a story without a date in its text takes the file's time (check out the "
                    "full history, e.g. actions/checkout with fetch-depth: 0)", folder)
    return shallow


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
