"""One cache file: a checksum, then the entries as data (`codec`), written atomically.

A damaged entry must be a miss, never a traceback or a crash (16 bytes overwritten in a pickle
failed every build until the cache was deleted, issue 18): every file starts with a format
mark and a blake2b checksum of the rest, and is decoded only when both hold. Whatever fails to
read, verify or decode is logged once at debug level and read as empty.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from sitegen.incremental.codec import Undecodable, decode, encode
from sitegen.incremental.shape import Shape, fits

log = logging.getLogger("sitegen.cache")

SUFFIX = ".msgpack"
# The format and the codec that wrote the file: a file another codec wrote is a miss as a whole
# (entries hold encoded records; sharded caches keep a shard whose keys did not change).
_MARK = b"sitegen-cache 2 " + hashlib.blake2b(
    (Path(__file__).parent / "codec.py").read_bytes(), digest_size=8).hexdigest().encode() + b"\n"
_SUM = 16


def read(path: Path, key: str, records: tuple[type, ...] = (),
         shape: Shape | None = None) -> dict[str, Any]:
    """The entries `write` stored at `path` under `key`, or {} (missing, damaged, other key,
    or entries not of `shape`)."""
    stored = held(path, records)
    if stored.get("key") != key:
        return {}
    entries = stored.get("entries")
    if not isinstance(entries, dict) or (shape is not None and not fits(entries, shape)):
        if entries is not None:
            log.debug("ignoring %s: its entries are not of the shape this build uses", path)
        return {}
    return entries


def held(path: Path, records: tuple[type, ...] = ()) -> dict[str, Any]:
    """What the file holds whatever its key ({"key": ..., "entries": ...}), or {}."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.debug("ignoring %s: %s", path, exc)
        return {}
    body = data[len(_MARK) + _SUM:]
    if not data.startswith(_MARK) or data[len(_MARK):len(_MARK) + _SUM] != _checksum(body):
        log.debug("ignoring %s: not a sitegen cache file, or damaged", path)
        return {}
    try:
        stored = decode(body, records)
    except Undecodable as exc:
        log.debug("ignoring %s: %s", path, exc)
        return {}
    return stored if isinstance(stored, dict) else {}


def write(path: Path, key: str, entries: dict[str, Any], records: tuple[type, ...] = ()) -> bool:
    """Store `entries` under `key` at `path` (a temp file renamed over it); a cache that cannot
    be written or a value that cannot be kept as data only makes the next build slower. True
    when `path` now holds them."""
    try:
        body = encode({"key": key, "entries": entries}, records)
    except (TypeError, ValueError, OverflowError) as exc:
        log.debug("not caching %s: %s", path, exc)
        return False
    return replace_file(path, _MARK + _checksum(body) + body)


def replace_file(path: Path, data: bytes) -> bool:
    """Write `data` to a temp file beside `path` and rename it over `path`, so a reader finds
    the old file or the new one; best effort (a read-only cache only makes builds slower).
    True when written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("cannot write %s: %s", path, exc)
        with contextlib.suppress(OSError):   # EROFS even for a file that is not there
            tmp.unlink(missing_ok=True)
        return False
    return True


def _checksum(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=_SUM).digest()
