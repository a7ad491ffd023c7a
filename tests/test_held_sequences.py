"""A serving process (one `snapshot.HeldModel` across builds) after edits that move files
rather than change them: renames of the same content, a file moved to a year folder, two files
swapping their contents, drafts published and back, files deleted and put back, mixed with body
edits (the held body-edit path places new records by their place in the article list, and the
related stories map an article to its number in the last record's order). After each edit the
site is a clean build's, byte for byte."""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import corpus
from sitegen import parallel
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.render.teasers import MACROS
from sitegen.site import build_site
from sitegen.snapshot import HeldModel
from sitegen.theme import DEFAULT_THEME
from tests.conftest import clean_build_snapshot, snapshot

POOL = corpus.generate(8, seed=11)
KINDS = st.sampled_from(["body", "rename", "year", "swap", "draft", "delete", "readd",
                         "date", "title", "damage", "beside", "macro"])


def _apply(root: Path, kind: str, pick: int, step: int, trash: dict[Path, str]) -> None:
    folder = root / "content" / "articles"
    if kind in ("damage", "beside", "macro"):
        _apply_cache(root, kind, pick, step)
        return
    present = sorted(folder.rglob("*.md"))
    if kind == "readd" or not present:
        if trash:
            path = sorted(trash)[pick % len(trash)]
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(trash.pop(path), encoding="utf-8")
        return
    path = present[pick % len(present)]
    text = path.read_text(encoding="utf-8")
    if kind == "body":
        corpus.edit(path, step)
    elif kind == "rename":   # the same content at a new path
        path.rename(path.with_name(f"{'a' if step % 2 else 'z'}{step}-{path.name}"))
    elif kind == "year":     # into (or out of) a year folder
        target = (folder / path.name if path.parent != folder
                  else folder / str(2000 + step) / path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    elif kind == "swap":
        other = present[(pick + 1 + step) % len(present)]
        if other != path:
            other_text = other.read_text(encoding="utf-8")
            other.write_text(text, encoding="utf-8")
            path.write_text(other_text, encoding="utf-8")
    elif kind == "draft":
        if "\ndraft: true\n" in text:
            path.write_text(text.replace("\ndraft: true\n", "\n", 1), encoding="utf-8")
        else:
            path.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    elif kind == "delete":
        trash[path] = text
        path.unlink()
    elif kind == "date":
        path.write_text(re.sub(r"\ndate: (\d{4})", lambda m: f"\ndate: {int(m[1]) - step}",
                               text, count=1), encoding="utf-8")
    elif kind == "title":
        path.write_text(re.sub(r"\ntitle: (.*)\n", lambda m: f"\ntitle: {m[1][:-1]} {step}"
                               f"{m[1][-1]}\n", text, count=1), encoding="utf-8")


@contextlib.contextmanager
def _jobs(jobs: int) -> Iterator[None]:
    minimum = parallel.MIN_PARALLEL
    parallel.MIN_PARALLEL = 2
    parallel.set_jobs(jobs)
    try:
        yield
    finally:
        parallel.MIN_PARALLEL = minimum
        parallel.set_jobs(None)


def _apply_cache(root: Path, kind: str, pick: int, step: int) -> None:
    """The teaser shards under the serving process: damaged in place, rewritten by a build of
    another process beside it (after a body edit), or keyed anew by a change of the macro."""
    if kind == "damage":
        shards = sorted((root / ".sitegen-cache" / "teasers").glob("*"))
        if shards:
            shard = shards[pick % len(shards)]
            shard.write_bytes(shard.read_bytes()[: step * 7] + b"\x00garbage")
    elif kind == "beside":
        present = sorted((root / "content" / "articles").rglob("*.md"))
        if present:
            corpus.edit(present[pick % len(present)], 100 + step)
        build_site(load_config(root), import_raw=False)
    else:
        template = root / "templates" / MACROS
        template.parent.mkdir(exist_ok=True)
        default = (DEFAULT_THEME / "templates" / MACROS).read_text(encoding="utf-8")
        template.write_text(default + f"{{# revision {step} #}}\n", encoding="utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(KINDS, st.integers(0, 7)), min_size=2, max_size=6),
       st.sampled_from([1, 2]))
def test_held_builds_after_moves_swaps_and_drafts_equal_clean_builds(
        steps: list[tuple[str, int]], jobs: int) -> None:
    """Jobs 2 renders in workers (every chunk of two or more), jobs 1 in the process."""
    with _jobs(jobs), tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        corpus.write_sitegen(POOL, root)
        held = HeldModel()
        build_site(load_config(root), import_raw=False, held=held)
        trash: dict[Path, str] = {}
        for number, (kind, pick) in enumerate(steps, start=1):
            _apply(root, kind, pick, number, trash)
            build_site(load_config(root), import_raw=False, held=held)
            clean = clean_build_snapshot(root, Path(tmp) / "clean")
            assert snapshot(root / "_site") == clean, (kind, number)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_held_build_that_fails_while_rendering_leaves_the_next_one_a_clean_build(
        tmp_path: Path, jobs: int) -> None:
    """A render that raises half-way (a template error, in a worker with jobs 2, after some
    teasers and feed entries were made) changes nothing the serving process keeps: once the
    template is mended, the next held build is a clean build's."""
    with _jobs(jobs):
        root = tmp_path / "site"
        corpus.write_sitegen(POOL, root)
        held = HeldModel()
        build_site(load_config(root), import_raw=False, held=held)
        present = sorted((root / "content" / "articles").glob("*.md"))
        template = root / "templates" / "article.html"
        template.parent.mkdir(exist_ok=True)
        default = (DEFAULT_THEME / "templates" / "article.html").read_text(encoding="utf-8")
        slug = present[3].stem
        template.write_text(default + "{% if '" + slug + "' in article.url %}"
                            "{% set x = {}.fail() %}{% endif %}\n", encoding="utf-8")
        corpus.edit(present[0], 1)
        corpus.edit(present[3], 1)
        with pytest.raises(SitegenError, match="fail"):
            build_site(load_config(root), import_raw=False, held=held)
        template.unlink()
        corpus.edit(present[5], 2)
        build_site(load_config(root), import_raw=False, held=held)
        assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")
