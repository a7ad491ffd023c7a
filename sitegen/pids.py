"""Whether the process that left a temp file, journal or staging folder behind still runs.

The importer and the writer both name what they leave half-done by their process id, and both
clear what a dead process left; this is the one check they share.
"""

from __future__ import annotations

import os


def running(pid: int) -> bool:
    """True when a process with this id runs (this one included: its own files are its own)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):   # someone else's, or not a valid id
        return True
    return True
