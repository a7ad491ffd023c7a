"""Build records as bytes that are data, never code: MessagePack with a few extension types.

The cache used to be pickles, and a pickle read back runs whatever its bytes say: a crafted
`stamps.pickle` ran `os.system` during a build (issue 18). MessagePack (C-fast, bytes and maps
native) decodes to plain values only; the extension types here make dates, paths, tuples, sets
and the build's own records, and nothing else: a record class must be listed by the caller, and
is made through its constructor once every field fits the class's own annotations (`shape`),
so what is read back has the types the code declares, whoever wrote the file. Records met twice
(an article in a tag page and in the article list) are written once and come back as one
object, as with pickle, so lookups by identity keep working on what is read back.

Anything that does not decode (damage, a foreign file, a record that no longer fits its class)
raises `Undecodable`; callers treat it as a cache miss.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import typing
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import msgpack

from sitegen.incremental.shape import Check, checker, of_hint

_TUPLE, _SET, _FROZENSET, _DATETIME, _DATE, _PATH, _RECORD, _REF = range(1, 9)


class Undecodable(Exception):
    """Bytes that are not what `encode` makes with these record classes."""


def encode(value: object, records: tuple[type, ...] = ()) -> bytes:
    """`value` as bytes; raises TypeError for a value of a type it cannot keep as data."""
    encoder = _Encoder(records)
    try:
        return encoder.pack(value)
    finally:
        encoder.close()


def decode(data: bytes, records: tuple[type, ...] = ()) -> Any:
    """What `encode(value, records)` was given, or Undecodable."""
    decoder = _Decoder(records)
    try:
        return decoder.unpack(data)
    except Undecodable:
        raise
    except Exception as exc:   # msgpack's own errors, or a record that does not fit its class
        raise Undecodable(f"{type(exc).__name__}: {exc}") from None
    finally:
        decoder.close()


class _Encoder:
    def __init__(self, records: tuple[type, ...]) -> None:
        self._names = {cls: cls.__qualname__ for cls in records}
        self._seen: dict[int, int] = {}
        self._keep: list[object] = []   # what `_seen` refers to stays alive while packing
        self._packers: list[msgpack.Packer] = []
        self._depth = 0

    def close(self) -> None:
        """Drop the packers: each holds this encoder (its `default`), and a build runs with the
        cyclic collector off, so the cycle and the packers' buffers (a megabyte or so each)
        would stay for the whole build: 1.2 GB at 1,000 articles, once per parse."""
        self._packers.clear()
        self._seen.clear()
        self._keep.clear()

    def pack(self, value: object) -> bytes:
        # one Packer per nesting depth (making one per call costs more than the packing)
        depth = self._depth
        if depth == len(self._packers):
            self._packers.append(msgpack.Packer(default=self._default, use_bin_type=True,
                                                strict_types=True, datetime=False))
        self._depth += 1
        try:
            return self._packers[depth].pack(value)  # type: ignore[no-any-return]
        finally:
            self._depth = depth

    def _default(self, value: Any) -> msgpack.ExtType:
        kind = type(value)
        if kind is tuple:
            return msgpack.ExtType(_TUPLE, self.pack(list(value)))
        if kind is set or kind is frozenset:
            items = sorted(value, key=repr)
            return msgpack.ExtType(_SET if kind is set else _FROZENSET, self.pack(items))
        if kind is datetime:
            return msgpack.ExtType(_DATETIME, _datetime_text(value).encode())
        if kind is date:
            return msgpack.ExtType(_DATE, self.pack(value.toordinal()))
        if isinstance(value, PurePosixPath):
            return msgpack.ExtType(_PATH, str(value).encode("utf-8", "surrogateescape"))
        name = self._names.get(kind)
        if name is None:
            raise TypeError(f"cannot store a {kind.__qualname__} as data")
        known = self._seen.get(id(value))
        if known is not None:
            return msgpack.ExtType(_REF, known.to_bytes(4, "little"))
        self._seen[id(value)] = len(self._seen)
        self._keep.append(value)
        # a field declared a tuple goes as a plain array (read back as a tuple by its
        # declaration): a third fewer extension values to read back in an article
        fields = [list(v) if flat and type(v) is tuple else v
                  for v, (_, _, flat) in zip((getattr(value, f) for f, _, _ in _fields(kind)),
                                             _fields(kind), strict=True)]
        return msgpack.ExtType(_RECORD, self.pack([name, *fields]))


def _datetime_text(value: datetime) -> str:
    """ISO 8601, with the zone as made (a zone's key, or an offset's given name), so the value
    read back pickles and prints exactly as the one written."""
    tz = value.tzinfo
    if tz is None:
        return "I" + value.isoformat()
    zoneinfo = sys.modules.get("zoneinfo")   # not imported: no value can hold a ZoneInfo
    if zoneinfo is not None and isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        return f"Z{value.replace(tzinfo=None).isoformat()}|{value.fold}|{tz.key}"
    if type(tz) is timezone:
        args = tz.__getinitargs__()   # type: ignore[attr-defined]
        return "I" + value.isoformat() if len(args) == 1 else f"N{value.isoformat()}|{args[1]}"
    raise TypeError(f"cannot store the time zone {tz!r} as data")


class _Decoder:
    def __init__(self, records: tuple[type, ...]) -> None:
        self._classes = {cls.__qualname__: cls for cls in records}
        self._made: list[object] = []
        self.unpack = functools.partial(msgpack.unpackb, ext_hook=self._ext, raw=False,
                                        strict_map_key=False, use_list=True, timestamp=0)

    def close(self) -> None:
        """Break the cycle through `unpack` (see `_Encoder.close`)."""
        del self.unpack
        self._made.clear()

    def _ext(self, code: int, data: bytes) -> object:
        if code == _TUPLE:   # the most frequent, first
            return tuple(self.unpack(data))
        if code == _REF:
            number = int.from_bytes(data, "little")
            if len(data) != 4 or number >= len(self._made) or self._made[number] is None:
                raise Undecodable("a reference to no record")
            return self._made[number]
        if code == _RECORD:
            slot = len(self._made)
            self._made.append(None)   # numbered on entry, as the encoder numbers them
            name, *values = self.unpack(data)
            cls = self._classes.get(name) if isinstance(name, str) else None
            if cls is None:
                raise Undecodable(f"a record of an unknown kind {name!r}")
            fields = _fields(cls)
            if len(values) != len(fields):
                raise Undecodable(f"a {name} record with {len(values)} fields")
            values = [tuple(v) if flat and type(v) is list else v
                      for v, (_, _, flat) in zip(values, fields, strict=True)]
            if not all(check(v) for v, (_, check, _) in zip(values, fields, strict=True)):
                raise Undecodable(f"a {name} record that does not fit its class")
            made = cls(**{field: v for v, (field, _, _) in zip(values, fields, strict=True)})
            self._made[slot] = made
            return made
        if code == _DATETIME:
            return _datetime(data.decode())
        if code == _PATH:
            return Path(data.decode("utf-8", "surrogateescape"))
        if code == _SET:
            return set(self.unpack(data))
        if code == _FROZENSET:
            return frozenset(self.unpack(data))
        if code == _DATE:
            return date.fromordinal(self.unpack(data))
        raise Undecodable(f"unknown extension type {code}")


_FIELDS: dict[type, list[tuple[str, Check, bool]]] = {}


def _fields(cls: type) -> list[tuple[str, Check, bool]]:
    """The fields a record is made with: name, the check of its annotation's shape, and
    whether it is declared a tuple (stored as a plain array)."""
    known = _FIELDS.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls)
        known = _FIELDS[cls] = [(f.name, checker(of_hint(hints[f.name])),
                                 typing.get_origin(hints[f.name]) is tuple)
                                for f in dataclasses.fields(cls) if f.init]
    return known


def _datetime(text: str) -> datetime:
    kind, rest = text[:1], text[1:]
    if kind == "I":
        return datetime.fromisoformat(rest)
    if kind == "Z":
        wall, fold, key = rest.split("|", 2)
        from zoneinfo import ZoneInfo

        return datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(key), fold=int(fold))
    if kind == "N":
        wall, name = rest.split("|", 1)
        made = datetime.fromisoformat(wall)
        offset = made.utcoffset()
        if offset is None:
            raise Undecodable("a named zone without an offset")
        return made.replace(tzinfo=timezone(offset, name))
    raise Undecodable(f"not a stored date and time: {text[:40]!r}")
