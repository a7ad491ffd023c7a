"""Split a list of articles into numbered pages with prev/next URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list, as templates see it (`pager.prev_url` etc.)."""

    number: int
    total: int
    items: tuple[T, ...]
    url: str
    prev_url: str | None
    next_url: str | None


def paginate(items: Sequence[T], per_page: int, url_for: Callable[[int], str]) -> list[Pager[T]]:
    """Pages of at most `per_page` items; an empty list still has one (empty) page."""
    total = max(1, -(-len(items) // per_page))
    urls = [url_for(n) for n in range(1, total + 1)]   # each once: a page links its neighbours
    return [Pager(number=n, total=total,
                  items=tuple(items[(n - 1) * per_page:n * per_page]), url=urls[n - 1],
                  prev_url=urls[n - 2] if n > 1 else None,
                  next_url=urls[n] if n < total else None)
            for n in range(1, total + 1)]
