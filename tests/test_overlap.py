"""A clean build keeps both cores busy: Markdown converts in forked workers
(`parallel.stream_chunks`) while this process ranks related stories, which then run here
(`parallel.map_chunks`) instead of in more workers competing for the same cores."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sitegen import parallel, related
from sitegen.config import load_config
from sitegen.render import bodies
from sitegen.site import build_site
from tests.conftest import write_article


def _pids(items: Sequence[int]) -> list[int]:
    return [os.getpid() for _ in items]


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    parallel.set_jobs(2)
    yield
    parallel.set_jobs(None)


def test_map_chunks_runs_here_while_a_stream_runs(two_jobs: None) -> None:
    here = os.getpid()
    assert here not in parallel.map_chunks(_pids, range(4))
    streamed = parallel.stream_chunks(_pids, range(4), chunk_size=1)
    assert next(streamed) != here   # its workers are running now
    assert parallel.map_chunks(_pids, range(4)) == [here] * 4
    assert here not in list(streamed)
    assert here not in parallel.map_chunks(_pids, range(4))   # the stream is over


def test_related_stories_are_ranked_while_markdown_converts(
        tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    for n in range(6):
        write_article(site / "content", f"a{n}", f"Story {n} *body*.", title=f"Story {n}",
                      date=f"2022-12-{n + 1:02d}", tags=["Energy", f"T{n % 2}"])
    ranked, converted = _recorded(monkeypatch, related, "_rank_chunk", tmp_path / "ranked"), \
        _recorded(monkeypatch, bodies, "_convert_chunk", tmp_path / "converted")
    monkeypatch.setattr(related, "RANK_IN_PROCESS", 0)   # ranked over workers when it can be
    build_site(load_config(site))
    here = str(os.getpid())
    assert converted.read_text(encoding="utf-8").split() and \
        here not in converted.read_text(encoding="utf-8").split()
    assert set(ranked.read_text(encoding="utf-8").split()) == {here}


def _recorded(monkeypatch: pytest.MonkeyPatch, module: object, name: str, record: Path) -> Path:
    """`module.name` (a function of a chunk) writing the pid of each process it runs in to
    `record` (forked workers inherit the wrapper)."""
    real = getattr(module, name)

    def work(items: Sequence[object]) -> list[object]:
        with record.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(items)  # type: ignore[no-any-return]

    monkeypatch.setattr(module, name, work)
    return record
