"""The units the renderer produces and the writer consumes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial


@dataclass(frozen=True)
class Output:
    """One file of the built site: path relative to the output folder, and its bytes.

    `content` is None when the file is unchanged since the last build: the previous site holds
    it exactly as that build wrote it, and the writer keeps it.
    """

    path: str
    content: bytes | None


@dataclass(frozen=True)
class Task:
    """An output not rendered yet: what it is made from (`inputs`, fingerprinted to decide
    whether the last build's file can be kept) and how to make its bytes."""

    path: str
    inputs: tuple[object, ...]
    make: Callable[[], bytes]


def ready(path: str, content: bytes) -> Task:
    """A task for an output whose bytes are already known (a static file, robots.txt)."""
    return Task(path, ("bytes", hashlib.blake2b(content).hexdigest()), partial(bytes, content))


KEPT: tuple[object, ...] = ("kept",)   # the inputs of `kept_task`s (told apart by identity)


def _kept() -> bytes:
    raise AssertionError("a kept output is never rendered")


def kept_task(path: str) -> Task:
    """The output at `path` as the last build left it, known to be so without its inputs
    (`render._keeps`): never fingerprinted nor rendered."""
    return Task(path, KEPT, _kept)
