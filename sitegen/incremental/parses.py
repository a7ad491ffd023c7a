"""Parse results of article files by (path, bytes): a file whose bytes are unchanged is not
parsed again, and the warnings its parse logged are logged again, so a cached build says what a
clean one says.

A result is kept as a row (`table.record_to_row`: its fields as plain lists, text and numbers,
nested records as rows), which MessagePack reads back in C; read back as a graph of records,
each record, tuple and path one extension value for Python to make, a build that loads every
file from here (any front-matter edit) spent half a second at 1,000 articles decoding.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitegen.errors import recorded
from sitegen.incremental.codec import Undecodable, decode, encode
from sitegen.incremental.inputs import digest
from sitegen.incremental.shape import Each, Map
from sitegen.incremental.stores import ShardedStore
from sitegen.incremental.table import record_from_row, record_to_row

log = logging.getLogger("sitegen.cache")

_SHAPE = Map(str, (bytes, Each(list, (int, str))))   # key -> (the row encoded, warnings)


class ParseCache:
    """Parse results of article files by (path, bytes), with the warnings the parse logged (they
    are logged again on a hit, so a cached build says what a clean one says). A result is a
    `result` (a dataclass; the records inside it are declared by its fields); a stored one that
    is not is a miss."""

    def __init__(self, cache: ShardedStore, key: str, logger: logging.Logger,
                 result: type, some: tuple[Iterable[tuple[str, bytes]],
                                           Iterable[tuple[str, bytes]]] | None = None) -> None:
        """`some`, for a build that parses only some files (`content.load_changed`): the
        (path, digest) of those files, and of files changed or gone since the entries of which
        are dropped. Only the shards holding them are read, and every other entry is kept."""
        self._cache = cache
        self._key = key   # what a parse depends on besides the file (settings)
        self._new: dict[str, tuple[bytes, list[tuple[int, str]]]] = {}
        if some is None:
            self._old = cache.load_sharded("articles", key, _SHAPE)
        else:
            wanted = {digest(path, content) for path, content in some[0]}
            gone = {digest(path, content) for path, content in some[1]}
            self._old = cache.load_shards("articles", key, _SHAPE, wanted | gone)
            self._new = {k: v for k, v in self._old.items() if k not in gone}
        self._logger = logger
        self._result = result
        self.warnings: list[tuple[int, str]] = []   # what the last file's parse logged

    def get(self, path: Path, content: bytes) -> Any | None:
        """The result of parsing `path` when its bytes have the digest `content`
        (`stamps.bytes_digest`), or None."""
        key = digest(str(path), content)
        hit = self._old.get(key)
        if hit is None:
            return None
        try:
            result = record_from_row(decode(hit[0]), self._result)
        except Undecodable as exc:
            log.debug("parsing %s again: its cache entry does not decode (%s)", path, exc)
            return None
        warnings = hit[1]
        self._new[key] = hit
        self.warnings = warnings
        for level, message in warnings:
            self._logger.log(level, "%s", message)
        return result

    def knows(self, path: Path, content: bytes) -> bool:
        """Whether `get` would find a result (it may still not decode)."""
        return digest(str(path), content) in self._old

    def parse(self, path: Path, content: bytes, parse: Any) -> Any:
        """`parse()` of `path` holding bytes of digest `content`, remembered with the warnings
        it logs."""
        with recorded(self._logger) as records:
            result = parse()
        self.warnings = records
        try:
            self._new[digest(str(path), content)] = (encode(record_to_row(result, self._result)),
                                                 records)
        except (TypeError, ValueError, OverflowError) as exc:
            log.debug("not caching the parse of %s: %s", path, exc)
        return result

    def save(self) -> None:
        self._cache.save_sharded("articles", self._key, self._new, self._old)


class HeldParses:
    """Parse results a long-lived process (`serve`) keeps between its builds, by path and the
    digest of the file's bytes: a front-matter edit at 10,000 articles then parses the changed
    files and decodes nothing (through `ParseCache` each build read every shard and made every
    record again, a second or two). Results are handed out as copies (`content` sets a copy's
    slug). Valid for one key (the settings); another key starts empty. While empty, the build's
    `ParseCache` fills it; once filled, a file not held is parsed (it changed)."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._results: dict[str, tuple[bytes, Any, list[tuple[int, str]]]] = {}

    def layer(self, cache: ShardedStore, key: str, logger: logging.Logger,
              result: type) -> HeldLayer:
        """The parses of one build: from memory, or (while none are held) from the cache."""
        if key != self._key:
            self._key, self._results = key, {}
        behind = None if self._results else ParseCache(cache, key, logger, result)
        return HeldLayer(self._results, behind, logger)


class HeldLayer:
    """`ParseCache`'s methods over `HeldParses`' results (and the cache behind, if any)."""

    def __init__(self, results: dict[str, tuple[bytes, Any, list[tuple[int, str]]]],
                 behind: ParseCache | None, logger: logging.Logger) -> None:
        self._results = results
        self._behind = behind
        self._logger = logger
        self.warnings: list[tuple[int, str]] = []

    def get(self, path: Path, content: bytes) -> Any | None:
        held = self._results.get(str(path))
        if held is not None and held[0] == content:
            self.warnings = held[2]
            for level, message in held[2]:
                self._logger.log(level, "%s", message)
            return copy.copy(held[1])
        if self._behind is None:
            return None
        result = self._behind.get(path, content)
        if result is not None:
            self._hold(path, content, result, self._behind.warnings)
        return result

    def knows(self, path: Path, content: bytes) -> bool:
        held = self._results.get(str(path))
        if held is not None and held[0] == content:
            return True
        return self._behind is not None and self._behind.knows(path, content)

    def parse(self, path: Path, content: bytes, parse: Any) -> Any:
        if self._behind is not None:
            result = self._behind.parse(path, content, parse)
            warnings = self._behind.warnings
        else:
            with recorded(self._logger) as warnings:
                result = parse()
        self._hold(path, content, result, warnings)
        return result

    def _hold(self, path: Path, content: bytes, result: Any,
              warnings: list[tuple[int, str]]) -> None:
        self.warnings = warnings
        self._results[str(path)] = (content, copy.copy(result), list(warnings))

    def save(self) -> None:
        if self._behind is not None:
            self._behind.save()
