"""The unit the renderer produces and the writer consumes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """One file of the built site: path relative to the output folder, and its bytes."""

    path: str
    content: bytes
