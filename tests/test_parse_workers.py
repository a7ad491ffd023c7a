"""A load that finds files the parse cache does not hold parses them in forked workers
(`content._ParsedAhead`): the same articles, warnings and problems, in the same order, as when
one process parses them all, and a file whose bytes are not those hashed is parsed as it is.
A clean build parses the bytes it hashed for its input key: each file is read once."""

from __future__ import annotations

import builtins
import io
import logging
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen import content, parallel
from sitegen.config import load_config
from sitegen.content import load_articles
from sitegen.errors import SitegenError
from sitegen.incremental.stores import BuildCache
from sitegen.model import Article
from sitegen.site import build_site
from sitegen.snapshot import load_model
from sitegen.stamps import bytes_digest
from tests.conftest import write_article

N = 9


@pytest.fixture
def parsed_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A file the process that parsed each article writes its pid and file name to (workers
    inherit the wrapper at fork), with parsing in workers from two files on."""
    record = tmp_path / "parsed-by.txt"
    real = content._parse_raw

    def parse(path: Path, raw: bytes, config: object) -> object:
        with record.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {path.name}\n")
        return real(path, raw, config)  # type: ignore[arg-type]

    monkeypatch.setattr(content, "_parse_raw", parse)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    yield record
    parallel.set_jobs(None)


def _site(root: Path) -> Path:
    for n in range(N):
        body = f"Story {n} body." + ("\x07 with a bell" if n in (2, 6) else "")
        write_article(root / "content", f"a{n}", body, title=f"Story {n}",
                      date=f"2022-12-{n + 1:02d}", tags=["Energy"] if n % 2 else [])
    write_article(root / "content", "twin", "Same title.", title="Story 4",
                  date="2022-12-05")   # a derived slug made unique across files
    return root


def _load(root: Path, jobs: int, cache: Path,
          caplog: pytest.LogCaptureFixture) -> tuple[list[Article], list[str]]:
    parallel.set_jobs(jobs)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sitegen"):
        model = load_model(load_config(root), BuildCache(cache))
    return model.articles, [r.getMessage() for r in caplog.records]


def _pids(record: Path) -> list[int]:
    lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    return [int(line.split()[0]) for line in lines]


def test_workers_parse_what_one_process_parses(tmp_path: Path, parsed_by: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    root = _site(tmp_path / "site")
    alone, said_alone = _load(root, 1, tmp_path / "cache-1", caplog)
    assert set(_pids(parsed_by)) == {os.getpid()}
    parsed_by.unlink()
    spread, said_spread = _load(root, 2, tmp_path / "cache-2", caplog)
    pids = _pids(parsed_by)
    assert len(pids) == N + 1 and os.getpid() not in pids   # each file once, all in workers
    assert spread == alone
    assert said_spread == said_alone and len(said_alone) == 2   # the bells, in file order
    assert "a2.md" in said_alone[0] and "a6.md" in said_alone[1]
    parsed_by.unlink()
    again, said_again = _load(root, 2, tmp_path / "cache-2", caplog)   # all from the cache
    assert again == alone and said_again == said_alone and not parsed_by.exists()


def test_problems_found_by_workers_are_those_of_one_process(
        tmp_path: Path, parsed_by: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = _site(tmp_path / "site")
    (root / "content" / "articles" / "a3.md").write_text(
        "---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    found = []
    for jobs in (1, 2):
        with pytest.raises(SitegenError) as exc:
            _load(root, jobs, tmp_path / f"cache-{jobs}", caplog)
        found.append([str(p) for p in exc.value.problems])
    assert found[0] == found[1] and len(found[0]) == 1 and "a3.md:3" in found[0][0]


def test_a_file_whose_bytes_changed_after_hashing_is_parsed_as_it_is(
        tmp_path: Path, parsed_by: Path) -> None:
    root = _site(tmp_path / "site")
    config = load_config(root)
    files = sorted((root / "content" / "articles").glob("*.md"))
    digests = {str(p): bytes_digest(p.read_bytes()) for p in files}
    edited = root / "content" / "articles" / "a5.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Story 5 body.", "Rewritten."),
                      encoding="utf-8")   # after the build hashed it
    parallel.set_jobs(2)
    loaded = load_articles(config, cache=BuildCache(tmp_path / "cache"), digests=digests)
    parallel.set_jobs(1)
    fresh = load_articles(config)
    assert loaded == fresh and "Rewritten." in {a.body for a in loaded}
    by = [line.split() for line in parsed_by.read_text(encoding="utf-8").splitlines()]
    assert [name for pid, name in by if int(pid) == os.getpid()].count("a5.md") == 2  # here
    assert sorted(name for pid, name in by if int(pid) != os.getpid()) == sorted(
        p.name for p in files if p != edited)


def test_a_clean_build_reads_each_article_file_once(tmp_path: Path, parsed_by: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The input key hashes every article; the model parses those bytes (kept by
    `FileDigests.keep`, inherited by the workers), not the file read and hashed again. An
    article file is opened once, with workers or without, and the site is the same."""
    opened = tmp_path / "opened.txt"
    real = io.open

    def opening(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".md"):   # in a worker too: it inherits the wrapper
            with real(opened, "a", encoding="utf-8") as out:
                out.write(f"{file}\n")
        return real(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", opening)
    monkeypatch.setattr(io, "open", opening)
    sites = []
    for jobs in (1, 2):
        root = _site(tmp_path / f"site-{jobs}")
        opened.unlink(missing_ok=True)
        parallel.set_jobs(jobs)
        report = build_site(load_config(root), search_index=False)
        assert report.articles == N + 1
        reads = Counter(Path(line).name for line in opened.read_text().splitlines())
        assert reads == Counter(f"a{n}.md" for n in range(N)) + Counter(["twin.md"]), jobs
        sites.append({p.relative_to(root / "_site"): p.read_bytes()
                      for p in (root / "_site").rglob("*") if p.is_file()})
    assert sites[0] == sites[1]
