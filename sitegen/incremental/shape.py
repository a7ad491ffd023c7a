"""The shape an entry kind must have to be used: a checksum proves a cache file is the one a
build wrote, not that a build wrote it (it can be restored from anywhere in CI); an entry of any
other shape is a miss, not a traceback half-way through a build.

A shape is a type (an `int` is not a `bool`), `Each(container, shape)` for a list, tuple, set
or frozenset of any length, `Map(key, value)` for a dict, `Fields({name: shape})` for a dict
with those keys, a tuple of shapes for a tuple of that length, `Maybe(shape)` for that or None,
`OneOf(shapes)` for any of them. `of_hint` makes one from a type hint, so a record read back
is checked field by field against its own class's annotations (`codec`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import UnionType
from typing import Any, TypeAlias, Union, cast, get_args, get_origin

Shape: TypeAlias = "type | Each | Map | Fields | Maybe | OneOf | tuple[Shape, ...]"


# Plain classes, not dataclasses: every build imports this, and making five dataclasses cost
# 5 ms of a build with nothing to do.
class Each:
    def __init__(self, container: type, item: Shape) -> None:
        self.container, self.item = container, item


class Map:
    def __init__(self, key: Shape, value: Shape) -> None:
        self.key, self.value = key, value


class Fields:
    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes


class Maybe:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape


class OneOf:
    def __init__(self, shapes: tuple[Shape, ...]) -> None:
        self.shapes = shapes


Check: TypeAlias = Callable[[Any], bool]
_checks: dict[int, tuple[Shape, Check]] = {}   # by id: a Fields shape holds a dict


def fits(value: Any, shape: Shape) -> bool:
    """True when `value` has `shape` all the way down."""
    return checker(shape)(value)


def checker(shape: Shape) -> Check:
    """`fits(value, shape)` as one function made once per shape (a cache reads back thousands
    of entries of one shape; walking the shape for each cost more than decoding them)."""
    known = _checks.get(id(shape))
    if known is None:
        known = _checks[id(shape)] = (shape, _make(shape))
    return known[1]


def _make(shape: Shape) -> Check:
    if isinstance(shape, type):
        if shape is object:
            return lambda v: True
        if shape is bool or not issubclass(shape, int):
            return lambda v: isinstance(v, shape)
        return lambda v: isinstance(v, shape) and not isinstance(v, bool)
    if isinstance(shape, Each):
        container, item = shape.container, checker(shape.item)
        # exactly the container: a str is not a list of letters
        return lambda v: type(v) is container and all(map(item, cast(Iterable[Any], v)))
    if isinstance(shape, Map):
        key, value = checker(shape.key), checker(shape.value)
        return lambda v: type(v) is dict and all(map(key, v.keys())) \
            and all(map(value, v.values()))
    if isinstance(shape, Fields):
        fields = {name: checker(s) for name, s in shape.shapes.items()}
        names = fields.keys()
        return lambda v: type(v) is dict and v.keys() == names \
            and all(check(v[name]) for name, check in fields.items())
    if isinstance(shape, Maybe):
        inner = checker(shape.shape)
        return lambda v: v is None or inner(v)
    if isinstance(shape, OneOf):
        options = [checker(s) for s in shape.shapes]
        return lambda v: any(check(v) for check in options)
    parts = [checker(s) for s in shape]
    size = len(parts)
    return lambda v: type(v) is tuple and len(v) == size \
        and all(check(x) for check, x in zip(parts, v, strict=True))


def of_hint(hint: Any) -> Shape:
    """The shape of a type hint of the kinds records use (classes, `X | None`, `tuple[X, ...]`,
    `tuple[X, Y]`, `list[X]`, `set[X]`, `dict[K, V]`, `object`/`Any`)."""
    if hint is Any:
        return object
    if hint is None or hint is type(None):
        return type(None)
    origin, args = get_origin(hint), get_args(hint)
    if origin is None:
        if not isinstance(hint, type):
            raise TypeError(f"no shape for the type hint {hint!r}")
        return hint
    if origin in (Union, UnionType):
        shapes = tuple(of_hint(a) for a in args if a is not type(None))
        one = shapes[0] if len(shapes) == 1 else OneOf(shapes)
        return Maybe(one) if type(None) in args else one
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return Each(tuple, of_hint(args[0]))
        return tuple(of_hint(a) for a in args)
    if origin in (list, set, frozenset):
        return Each(origin, of_hint(args[0]) if args else object)
    if origin is dict:
        return Map(of_hint(args[0]), of_hint(args[1])) if args else Map(object, object)
    raise TypeError(f"no shape for the type hint {hint!r}")
