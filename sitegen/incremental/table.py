"""Many records of one class stored as columns: one list per field.

Read back one by one, 10,000 articles cost a Python call for every record, tuple, path and date
inside them (0.8 s against pickle's 0.6 s). As columns, MessagePack reads the lists in C and
each article is made by one constructor call: paths, tuples and nested records (an article's
speakers and quotes) are plain lists and strings in the columns, turned back by what each field
is declared to be. Every value is checked against its field's annotation (`shape`) before a
record is made, as `codec` does for single records.

Plain tuples kept by the thousand (a site listing's (path, size, mtime), a file's stamp) go the
same way (`rows_to_columns`): a tuple is an extension value MessagePack hands back to Python one
at a time, a column of strings or integers it reads in C.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePath
from typing import Any

from sitegen.incremental.codec import Undecodable
from sitegen.incremental.shape import Check, Each, Shape, checker, of_hint

_Column: typing.TypeAlias = "tuple[str, Callable[[Any], Any], Callable[[Any], Any], Check]"
_COLUMNS: dict[type, list[_Column]] = {}


def to_columns(records: Sequence[Any], cls: type) -> dict[str, list[Any]]:
    """`records` (all of class `cls`) as {field: values}."""
    return {name: [put(getattr(r, name)) for r in records]
            for name, put, _, _ in _columns(cls)}


def from_columns(columns: Any, cls: type) -> list[Any]:
    """The records `to_columns` was given, or Undecodable when the columns do not make them."""
    spec = _columns(cls)
    if type(columns) is not dict or columns.keys() != {name for name, _, _, _ in spec}:
        raise Undecodable(f"not the columns of {cls.__qualname__} records")
    made: list[list[Any]] = []
    size = None
    for name, _, take, check in spec:
        column = columns[name]
        if type(column) is not list or (size is not None and len(column) != size):
            raise Undecodable(f"column {name!r} of {cls.__qualname__} records is not a list")
        size = len(column)
        try:
            values = [take(v) for v in column]
        except (TypeError, ValueError) as exc:
            raise Undecodable(f"column {name!r}: {exc}") from None
        if not all(map(check, values)):
            raise Undecodable(f"column {name!r} does not fit {cls.__qualname__}.{name}")
        made.append(values)
    return [cls(*row) for row in zip(*made, strict=True)]


def rows_to_columns(rows: Iterable[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Tuples of `width` values as `width` lists (the i-th list holds every row's i-th value)."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    appends = [c.append for c in columns]
    for row in rows:
        for append, value in zip(appends, row, strict=True):
            append(value)
    return columns


def column_shapes(*values: Shape) -> tuple[Shape, ...]:
    """The shapes of columns holding values of `values` (made once, at import: checks are
    cached by shape)."""
    return tuple(Each(list, value) for value in values)


def rows_from_columns(columns: Any, shapes: tuple[Shape, ...]) -> list[tuple[Any, ...]] | None:
    """The rows `rows_to_columns` was given, or None when `columns` are not lists of equal length
    fitting `shapes` (from `column_shapes`, one per column)."""
    if type(columns) is not list or len(columns) != len(shapes):
        return None
    if not all(checker(shape)(column) for column, shape in zip(columns, shapes, strict=True)):
        return None
    if len({len(column) for column in columns}) > 1:
        return None
    return list(zip(*columns, strict=True))


def _columns(cls: type) -> list[_Column]:
    """(field, to stored value, from stored value, check) for each field `cls` is made with,
    in constructor order."""
    known = _COLUMNS.get(cls)
    if known is None:
        hints = typing.get_type_hints(cls)
        known = _COLUMNS[cls] = [(f.name, *_convert(hints[f.name]),
                                  checker(of_hint(hints[f.name])))
                                 for f in dataclasses.fields(cls) if f.init]
    return known


def record_to_row(record: Any, cls: type) -> list[Any]:
    """One record of class `cls` as a row: its fields in constructor order, nested records as
    rows, paths as text (what `to_columns` keeps per record, for a record stored alone)."""
    return _row(record, cls)


def record_from_row(row: Any, cls: type) -> Any:
    """The record `record_to_row` was given, or Undecodable when `row` does not make one."""
    try:
        return _from_row(row, cls)
    except (TypeError, ValueError) as exc:
        raise Undecodable(f"a {cls.__qualname__} row: {exc}") from None


def _convert(hint: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """How a value of a field declared `hint` is stored, and made again."""
    origin = typing.get_origin(hint)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    nested = args[0] if len(args) == 1 and dataclasses.is_dataclass(args[0]) \
        and isinstance(args[0], type) else None
    if hint is Path or (origin in (typing.Union, types.UnionType) and args == [Path]):
        return (lambda v: str(v) if isinstance(v, PurePath) else v,
                lambda v: Path(v) if type(v) is str else v)
    if origin in (typing.Union, types.UnionType) and nested is not None:   # a record or None
        one: type = nested
        return (lambda v: _row(v, one) if isinstance(v, one) else v,
                lambda v: None if v is None else _from_row(v, one))
    if origin is list and nested is not None:
        listed: type = nested
        return (lambda v: [_row(r, listed) for r in v] if type(v) is list else v,
                lambda v: list(_from_rows(v, listed)))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            record: type = item
            return (lambda v: [_row(r, record) for r in v] if type(v) is tuple else v,
                    lambda v: _from_rows(v, record))
        return (lambda v: list(v) if type(v) is tuple else v, tuple)
    return (lambda v: v, lambda v: v)


def _row(record: Any, cls: type) -> list[Any]:
    return [put(getattr(record, name)) for name, put, _, _ in _columns(cls)]


def _from_row(row: Any, cls: type) -> Any:
    """One record from its row, each value checked against its field."""
    known = _ROW_SPECS.get(cls)
    if known is None:   # `_columns`' takes and checks apart: 50,000 nested rows a snapshot load
        spec = _columns(cls)
        known = _ROW_SPECS[cls] = (len(spec), tuple(take for _, _, take, _ in spec),
                                   tuple(check for _, _, _, check in spec))
    width, takes, checks = known
    if type(row) is not list or len(row) != width:
        raise TypeError(f"not a row of a {cls.__qualname__} record")
    # the lengths are equal (checked just above): zip's own check would only cost time
    values = [take(v) for take, v in zip(takes, row, strict=False)]
    for check, value in zip(checks, values, strict=False):
        if not check(value):
            raise TypeError(f"a row that does not fit {cls.__qualname__}")
    return cls(*values)


_ROW_SPECS: dict[type, tuple[int, tuple[Callable[[Any], Any], ...],
                             tuple[Callable[[Any], bool], ...]]] = {}


def _from_rows(rows: Any, cls: type) -> tuple[Any, ...]:
    """Nested records (an article's speakers) from their rows, each value checked."""
    if type(rows) is not list:
        raise TypeError(f"not rows of {cls.__qualname__} records")
    return tuple(_from_row(row, cls) for row in rows)
