"""The article record every stage after loading works with.

Immutable, so the taxonomy and render stages can share one list of articles safely (and across
processes later) without anyone editing it behind another stage's back.
"""

from __future__ import annotations

import functools
import io
import pickle
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Speaker:
    """A person quoted in an article: canonical full name, and their role as the article gave it."""

    name: str
    role: str | None = None


@dataclass(frozen=True)
class Quote:
    """A direct quote; speaker is None when the article does not say who said it."""

    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Article:
    """One article as loaded from front-matter Markdown (see the contract in docs/DESIGN.md)."""

    path: Path                    # the Markdown file it came from
    title: str
    date: datetime                # always timezone-aware (site timezone applied to plain dates)
    body: str                     # Markdown source, front matter removed
    slug: str
    subtitle: str | None = None
    updated: datetime | None = None
    location: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    quotes: tuple[Quote, ...] = ()
    origin: str | None = None
    draft: bool = False
    date_has_time: bool = False   # False when the front matter gave a plain date
    date_from: str | None = None  # where the importer found the date: text, git or file
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


@functools.lru_cache(maxsize=1 << 16)   # a few names, looked up hundreds of thousands of times
def name_key(name: str) -> str:
    """A tag's or person's name folded for comparison: spellings that differ only in case or
    spacing are one term, one speaker (taxonomy, speaker aliases, the pages that match a quote
    to its speaker)."""
    return " ".join(name.casefold().split())


def record_bytes(value: object) -> bytes:
    """A record as bytes to hash: pickled without the memo (`fast`), so equal values give equal
    bytes whether or not they share objects, and datetimes keep the offsets that equality would
    ignore (twice quicker than repr for an article, and as exact)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()
