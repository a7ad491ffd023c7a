"""Errors users can act on: each names a file (and a line where there is one).

Stages collect these instead of raising on the first problem, so one build run reports every
bad file; the CLI prints them and exits 1 without a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    path: Path | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class SitegenError(Exception):
    """A failure made of one or more user-facing problems; never shown as a traceback."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type[SitegenError], tuple[list[Problem]]]:
        """Keep the problems when a build worker process hands the error back."""
        return type(self), (self.problems,)


class UsageError(SitegenError):
    """Bad command-line usage; the CLI exits 2 for these."""


@contextmanager
def recorded(logger: logging.Logger, *,
             held: bool = False) -> Iterator[list[tuple[int, str]]]:
    """The (level, message) of each record `logger` emits inside, to say again when a cached
    result is used. The records still reach the user now, unless `held` (the caller says them
    when it knows they are wanted)."""
    records: list[tuple[int, str]] = []
    handler = _Recorder(records)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = propagate and not held
    try:
        yield records
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


class _Recorder(logging.Handler):
    def __init__(self, sink: list[tuple[int, str]]) -> None:
        super().__init__()
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append((record.levelno, record.getMessage()))
