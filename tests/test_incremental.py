"""Incremental builds give exactly the bytes of a clean build, and touch only what changed.

The build cache (.sitegen-cache/: Markdown by text hash, the no-op check) and the write step
(unchanged files hard-linked from the previous site) are shortcuts; these tests hold them to the
clean build, byte for byte, over random edit sequences.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import corpus
from sitegen import parallel
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.incremental import outputs, store
from sitegen.incremental.inputs import CACHE_DIR
from sitegen.incremental.outputs import listed_entries, site_listing, updated_listing
from sitegen.render.context import SiteContext
from sitegen.render.fingerprint import Fingerprints
from sitegen.site import build_site
from sitegen.snapshot import HeldModel
from sitegen.taxonomy import Month, Term, Year
from sitegen.theme import DEFAULT_THEME
from sitegen.write import PreviousSite, _scan
from tests.conftest import (
    build_snapshot,
    calls,
    clean_build_snapshot,
    snapshot,
    write_article,
    write_config,
)

POOL = corpus.generate(12, seed=3)


def _site(root: Path, count: int) -> Path:
    corpus.write_sitegen(POOL[:count], root)
    return root


def _article(root: Path, item: corpus.Item) -> Path:
    return root / "content" / "articles" / f"{item.slug}.md"


def test_one_edit_rewrites_only_what_depends_on_it(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", 8)
    build_snapshot(root)
    before = {p: p.stat().st_mtime_ns for p in (root / "_site").rglob("*") if p.is_file()}
    edited = POOL[3]
    corpus.edit(_article(root, edited), 1)
    build_snapshot(root)
    changed = {str(p.relative_to(root / "_site")) for p, mtime in before.items()
               if p.exists() and p.stat().st_mtime_ns != mtime}
    assert any(edited.slug in path for path in changed)
    assert len(changed) < len(before) / 3, sorted(changed)
    # a tag page of another article's tags only, not of the edited one, is untouched
    untouched = [p for p in (root / "_site" / "tags").rglob("index.html")]
    assert any(p.stat().st_mtime_ns == before[p] for p in untouched if p in before)


def test_one_edit_renders_only_the_pages_that_show_the_article(tmp_path: Path) -> None:
    items = corpus.generate(60, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    config = load_config(root)
    first = build_site(config, import_raw=False)
    assert first.rendered == first.files
    stamps = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (root / "_site").rglob("*")
              if p.is_file()}
    edited = items[30]
    corpus.edit(root / "content" / "articles" / f"{edited.slug}.md", 1)
    second = build_site(config, import_raw=False)
    rewritten = {str(p.relative_to(root / "_site")) for p in (root / "_site").rglob("*")
                 if p.is_file() and stamps.get(p) != (p.stat().st_mtime_ns, p.stat().st_ino)}
    assert any(edited.slug in path for path in rewritten)
    # its page, pages listing it (its terms, its month, related stories), feeds and sitemaps;
    # not the other articles' pages, and not the tag and speaker pages it is not on
    assert len(rewritten) <= second.rendered < second.files / 5, sorted(rewritten)
    others = [i for i in items if i is not edited and not any(i.slug in p for p in rewritten)]
    assert len(others) > 40
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_the_site_listing_kept_after_an_in_place_update_is_the_site_on_disk(
        tmp_path: Path) -> None:
    """It is patched from what the writer changed, not walked again: it must still be exact."""
    root = _site(tmp_path / "site", 8)
    build_snapshot(root)
    corpus.edit(_article(root, POOL[2]), 1)
    (root / "content" / "articles" / f"{POOL[5].slug}.md").unlink()   # pages removed too
    build_snapshot(root)
    kept = store.held(root / CACHE_DIR / f"site{store.SUFFIX}")["entries"]["listing"]
    assert list(zip(*kept, strict=True)) == site_listing(root / "_site")   # kept as columns


def test_the_listing_patched_for_a_few_changed_files_is_the_site_on_disk(
        tmp_path: Path) -> None:
    """`serve` patches its held listing from the files a write changed, found by bisection
    (paths that sort next to each other: `a-b` between `a` and `a/b`), without walking the
    site, and leaves the listing it was given as it was."""
    out = tmp_path / "_site"
    for name in ("a/index.html", "a/b/index.html", "a-b/index.html", "a.b", "b/x.html", "z"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(name)
    listed = site_listing(out)
    assert listed is not None

    class Row(tuple[str, int, int]):   # a row the patch must not read through, only compare
        def __iter__(self) -> Iterator[Any]:
            raise AssertionError("went through every row of the listing")

    before: list[tuple[str, int, int]] = [Row(row) for row in listed]
    held = list(before)
    (out / "a/b/index.html").write_text("longer than it was")   # replaced
    (out / "a-b/index.html").unlink()                            # removed
    (out / "a-b").rmdir()
    (out / "a/a.html").write_text("new")                         # added between two
    (out / "0").write_text("first")                              # added first
    (out / "zz/last.html").parent.mkdir()
    (out / "zz/last.html").write_text("last")                    # added last
    changed = {"a/b/index.html", "a-b/index.html", "a/a.html", "0", "zz/last.html",
               "gone/never.html"}   # a path the write removed that the listing never had
    with mock.patch.object(outputs, "walk", side_effect=AssertionError("walked the site")):
        patched = updated_listing(before, out, False, changed)
    assert patched == site_listing(out)
    assert before == held


def test_a_tag_and_a_speaker_of_one_name_are_told_apart(tmp_path: Path) -> None:
    """Group digests are kept by kind and slug: a tag and a speaker both "Vladimir Putin"
    (one slug) must not share one, or a change to the speaker alone (his latest role) leaves
    the speakers' index stale."""
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    write_config(root, 'title = "Kinds"\nsearch = false\n')
    putin = [{"name": "Vladimir Putin", "role": "President"}]
    write_article(content, "tagged", "Tagged story.", title="Tagged", date="2024-01-02",
                  tags=["Vladimir Putin"], speakers=putin)
    other = write_article(content, "quoted", "Quoted story.", title="Quoted",
                          date="2024-01-03", tags=["Economy"], speakers=putin)
    build_snapshot(root)
    text = other.read_text(encoding="utf-8").replace("President", "Head of state")
    other.write_text(text, encoding="utf-8")
    built = build_snapshot(root)
    assert b"Head of state" in built["speakers/index.html"]
    assert built == clean_build_snapshot(root, tmp_path / "clean")


def test_noop_rebuild_writes_nothing_and_a_damaged_site_is_rebuilt(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", 5)
    first = build_snapshot(root)
    stamp = (root / "_site" / "index.html").stat().st_mtime_ns
    assert build_snapshot(root) == first
    assert (root / "_site" / "index.html").stat().st_mtime_ns == stamp
    (root / "_site" / "index.html").unlink()
    assert build_snapshot(root) == first


def test_cache_is_safe_to_delete_or_corrupt(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", 5)
    first = build_snapshot(root)
    corrupted = [p for p in (root / CACHE_DIR).rglob("*") if p.is_file()]
    assert len(corrupted) > 5   # sharded: a folder per cache, a file per shard
    for entry in corrupted:
        entry.write_bytes(b"not a cache file")
    corpus.edit(_article(root, POOL[0]), 1)
    second = build_snapshot(root)
    assert second == clean_build_snapshot(root, tmp_path / "clean")
    shutil.rmtree(root / CACHE_DIR)
    assert build_snapshot(root) == second != first


def test_a_lost_markdown_shard_is_converted_again(tmp_path: Path) -> None:
    """The index says a body is cached, its shard is gone: the page still gets its HTML."""
    root = _site(tmp_path / "site", 6)
    first = build_snapshot(root)
    for shard in (root / CACHE_DIR / "markdown").iterdir():
        shard.unlink()
    (root / "templates").mkdir()   # every page is rendered again, from the index's word
    (root / "templates" / "404.html").write_text(
        (DEFAULT_THEME / "templates" / "404.html").read_text(encoding="utf-8") + "\n",
        encoding="utf-8")
    second = build_snapshot(root)
    assert {p: b for p, b in second.items() if p != "404.html"} == {
        p: b for p, b in first.items() if p != "404.html"}
    assert not (root / CACHE_DIR / f"markdown-index{store.SUFFIX}").exists()  # made again next
    corpus.edit(_article(root, POOL[1]), 1)
    assert build_snapshot(root) == clean_build_snapshot(root, tmp_path / "clean")
    assert (root / CACHE_DIR / f"markdown-index{store.SUFFIX}").exists()


def test_parallel_conversion_matches_serial(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path / "site", 12)
    serial = build_snapshot(root)
    shutil.rmtree(root / CACHE_DIR)
    shutil.rmtree(root / "_site")
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    parallel.set_jobs(2)
    try:
        assert build_snapshot(root) == serial
    finally:
        parallel.set_jobs(None)


def test_jobs_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 3)
    assert main(["build", "--site", str(root), "-q", "--jobs", "1"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["build", "--site", str(root), "--jobs", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err
    parallel.set_jobs(None)


EDITS = st.sampled_from(["add", "edit", "title", "slug", "date", "delete", "tags", "kinds",
                         "speakers", "template", "none", "retag", "requote"])


def _apply(root: Path, edit: str, pick: int, step: int) -> None:
    present = sorted((root / "content" / "articles").glob("*.md"))
    items = {i.slug: i for i in POOL}
    if edit == "add" or not present:
        for item in POOL:
            if not _article(root, item).exists():
                _article(root, item).write_text(corpus.sitegen_text(item), encoding="utf-8")
                return
        return
    path = present[pick % len(present)]
    item = items[path.stem]
    if edit == "edit":
        corpus.edit(path, step)
    elif edit == "title":   # shown in lists, feeds and other articles' related stories
        path.write_text(corpus.sitegen_text(dataclasses.replace(
            item, title=f"{item.title} (update {step})")), encoding="utf-8")
    elif edit == "slug":    # a new URL, first or last among the stories of another's date
        other = POOL[(pick + step) % len(POOL)]
        path.write_text(corpus.sitegen_text(dataclasses.replace(
            item, slug=f"{'a' if step % 2 else 'z'}-{item.slug}-{step}", date=other.date)),
            encoding="utf-8")
    elif edit == "date":    # moves it in every list and archive
        path.write_text(corpus.sitegen_text(dataclasses.replace(
            item, date=item.date.replace(year=item.date.year - step))), encoding="utf-8")
    elif edit == "delete":
        path.unlink()
    elif edit == "tags":
        other = POOL[(pick + step) % len(POOL)]
        path.write_text(corpus.sitegen_text(dataclasses.replace(item, tags=other.tags)),
                        encoding="utf-8")
    elif edit == "kinds":   # the importer's `tag_kinds`: the tags index groups tags by them
        kind = ("person", "organisation", "place", "topic")[step % 4]
        lines = [line for line in path.read_text(encoding="utf-8").split("\n")
                 if not line.startswith("tag_kinds:")]
        at = next(n for n, line in enumerate(lines) if line.startswith("tags:")) + 1
        lines.insert(at, "tag_kinds: {" + ", ".join(
            f"{json.dumps(tag)}: {kind}" for tag in item.tags) + "}")
        path.write_text("\n".join(lines), encoding="utf-8")
    elif edit == "speakers":
        other = POOL[(pick + step) % len(POOL)]
        quotes = tuple((other.speakers[0][0], text) for _, text in item.quotes)
        path.write_text(corpus.sitegen_text(dataclasses.replace(
            item, speakers=other.speakers, quotes=quotes)), encoding="utf-8")
    elif edit in ("retag", "requote"):   # a tag or speaker another story has (no new term)
        path.write_text(corpus.sitegen_text(_regrouped(item, [
            items[p.stem] for p in present if p != path], edit, step)), encoding="utf-8")
    elif edit == "template":
        template = root / "templates" / "article.html"
        template.parent.mkdir(exist_ok=True)
        default = (DEFAULT_THEME / "templates" / "article.html").read_text(encoding="utf-8")
        template.write_text(default + f"<!-- revision {step} -->\n", encoding="utf-8")


def _regrouped(item: corpus.Item, others: list[corpus.Item], edit: str,
               step: int) -> corpus.Item:
    """`item` as an editor retags it (one of its tags swapped for, or joined by, a tag of
    another story) or requotes it (its first speaker, in its quotes too, swapped for another
    story's), so every term it has is one the site already has, unless no other has any."""
    if edit == "retag":
        tags = [t for other in others for t in other.tags if t not in item.tags]
        if not tags:
            return item
        new = tags[step % len(tags)]
        return dataclasses.replace(item, tags=(*item.tags[:1], new) if step % 2 else
                                   (*item.tags, new))
    names = [s for other in others for s in other.speakers if s[0] not in dict(item.speakers)]
    if not names or not item.speakers:
        return item
    old, new = item.speakers[0][0], names[step % len(names)]
    return dataclasses.replace(
        item, speakers=(new, *item.speakers[1:]),
        quotes=tuple((new[0] if who == old else who, text) for who, text in item.quotes))


@contextlib.contextmanager
def _loads() -> Iterator[list[str]]:
    """What the builds inside load: "everything" for each full load of the articles, and the
    path of each file parsed from its text."""
    from sitegen import content
    from sitegen import snapshot as snapshot_module

    seen: list[str] = []
    full, parse = snapshot_module.load_articles, content._parse_raw

    def loading(*args: Any, **kwargs: Any) -> Any:
        seen.append("everything")
        return full(*args, **kwargs)

    def parsing(path: Path, raw: bytes, config: Any) -> Any:
        seen.append(str(path))
        return parse(path, raw, config)

    with mock.patch.object(snapshot_module, "load_articles", loading), \
            mock.patch.object(content, "_parse_raw", parsing):
        yield seen


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EDITS, st.integers(0, 11)), min_size=1, max_size=3))
def test_incremental_build_equals_clean_build(steps: list[tuple[str, int]]) -> None:
    """Every edit here (a file added, removed, or edited anywhere) takes the last build's
    records of the other files from its snapshot and parses only the file it touched."""
    with tempfile.TemporaryDirectory() as tmp:
        root = _site(Path(tmp) / "site", 6)
        build_snapshot(root)
        for number, (edit, pick) in enumerate(steps, start=1):
            _apply(root, edit, pick, number)
            clean = clean_build_snapshot(root, Path(tmp) / "clean")
            with _loads() as loaded:
                assert build_snapshot(root) == clean, (edit, number)
            assert len(loaded) <= 1 and "everything" not in loaded, (edit, number, loaded)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(EDITS, st.integers(0, 11)), min_size=1, max_size=4))
def test_builds_with_the_model_held_in_memory_equal_clean_builds(
        steps: list[tuple[str, int]]) -> None:
    """`serve` keeps the model in its process between builds and updates it for each change
    (`snapshot.HeldModel`), parsing only the file the edit touched: after every edit of a
    sequence, the site is a clean build's."""
    with tempfile.TemporaryDirectory() as tmp:
        root = _site(Path(tmp) / "site", 6)
        held = HeldModel()
        build_site(load_config(root), import_raw=False, held=held)
        for number, (edit, pick) in enumerate(steps, start=1):
            _apply(root, edit, pick, number)
            with _loads() as loaded:
                build_site(load_config(root), import_raw=False, held=held)
            assert len(loaded) <= 1 and "everything" not in loaded, (edit, number, loaded)
            clean = clean_build_snapshot(root, Path(tmp) / "clean")
            assert snapshot(root / "_site") == clean, (edit, number)
            # what the held builds remembered of each page (some they kept without looking
            # at it) is what a build that looks at every page finds: it renders nothing
            fresh = build_site(load_config(root), import_raw=False, held=HeldModel())
            assert fresh.rendered == 0, (edit, number)


def _fingerprinted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources of every output the renderer fingerprints from now on (its task was made)."""
    return calls(monkeypatch, Fingerprints, "of_repr", lambda self, sources: sources)


def test_a_body_edit_while_serving_makes_only_the_outputs_that_show_the_article(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the structure unchanged, the held site tells which outputs show the edited story
    (`render._keeps`): those are made and changed, and the ~90% others are kept without a task."""
    items = corpus.generate(60, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    first = build_site(load_config(root), import_raw=False, held=held)
    edited = max(items, key=lambda i: i.date)   # in the site feed too
    corpus.edit(root / "content" / "articles" / f"{edited.slug}.md", 7)
    made = _fingerprinted(monkeypatch)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(made) < first.files / 5
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    # what shows the story's text changed: its page, the site feed, its tags' and speakers' feeds
    added = b"Correction number 7 was added here."
    tag = next(t for t in site if t.startswith("tags/") and t.endswith("feed.xml")
               and edited.title.encode() in site[t])
    page = next(p for p in site if p.endswith(f"/{edited.slug}/index.html"))
    for path in (page, "feed.xml", tag):
        assert added in site[path], path
    # and without the held site every output is made again
    made.clear()
    build_site(load_config(root), import_raw=False, held=HeldModel())
    assert len(made) > first.files / 2


def test_a_rebuild_while_serving_takes_the_page_memo_it_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page memo the last build saved is the fingerprints the held site keeps: a rebuild
    in `serve` does not read it back (a 17,900-row table at 10,000 articles), and a build
    without the held listing (another process built meanwhile, or a page deleted by hand)
    still does, and each builds a clean build's site."""
    from sitegen.incremental.stores import BuildCache

    root = _site(tmp_path / "site", 8)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    read = calls(monkeypatch, BuildCache, "load", lambda self, name, *args, **kwargs: name)
    articles = sorted((root / "content" / "articles").glob("*.md"))
    corpus.edit(articles[2], 1)
    build_site(load_config(root), import_raw=False, held=held)
    assert outputs.PAGES not in read
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")
    (root / "_site" / "404.html").unlink()   # the held listing is wrong: listed again
    corpus.edit(articles[3], 2)
    build_site(load_config(root), import_raw=False, held=held)
    assert outputs.PAGES in read
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")
    read.clear()
    corpus.edit(articles[4], 3)
    build_site(load_config(root), import_raw=False, held=held)
    assert outputs.PAGES not in read
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean3")


def test_a_body_edit_while_serving_takes_the_related_stories_it_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Related stories are made from the structure alone: after a body edit (the structure
    unchanged) the held site's related lists stand, and only the pages made look theirs up,
    not every article's; the site is a clean build's, and a tag edit looks them all up again."""
    from sitegen.related import KnownRelated

    items = corpus.generate(40, seed=5)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    looked = calls(monkeypatch, KnownRelated, "to", lambda self, article: article.path)
    path = _article(root, items[5])
    corpus.edit(path, 4)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(looked) < len(items) / 2
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")
    looked.clear()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tags: [", "tags: [Held related, ", 1), encoding="utf-8")
    build_site(load_config(root), import_raw=False, held=held)
    assert len(looked) >= len(items)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")


def test_a_title_edit_while_serving_makes_only_the_outputs_that_show_the_story(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A title edit changes the structure but not the layout (`render._keeps`): the outputs that
    show the story or one of its groups are made again and show the new title, the others are
    kept without a task; a tag edit after it moves the story between tag pages (all made)."""
    items = corpus.generate(60, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    first = build_site(load_config(root), import_raw=False, held=held)
    edited = max(items, key=lambda i: i.date)   # on the front page and in the site feed
    path = root / "content" / "articles" / f"{edited.slug}.md"
    path.write_text(corpus.sitegen_text(dataclasses.replace(
        edited, title=f"{edited.title} corrected")), encoding="utf-8")
    made = _fingerprinted(monkeypatch)
    # the groups hashed: those holding the story, the others kept
    digested = calls(monkeypatch, Fingerprints, "_plain", lambda self, value: value
                     if isinstance(value, (Term, Month, Year)) else None)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(made) < first.files / 5
    assert digested and all(any(a.slug == edited.slug for a in g.articles) for g in digested)
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    retitled = f"{edited.title} corrected".encode()
    page = next(p for p in site if p.endswith(f"/{edited.slug}/index.html"))
    for shown in (page, "index.html", "feed.xml"):
        assert retitled in site[shown], shown
    tagged = {p for p in site if p.startswith("tags/") and retitled in site[p]}
    assert len(tagged) >= len(edited.tags)
    # what it kept was what a build that looks at every page finds (their groups' digests too)
    assert build_site(load_config(root), import_raw=False, held=HeldModel()).rendered == 0
    # a tag it did not have: that tag's page lists it now (only that tag and what shows the
    # story or its related stories are made again, `test_a_tag_edit_while_serving...`)
    other = next(t for i in items for t in i.tags if t not in edited.tags)
    path.write_text(corpus.sitegen_text(dataclasses.replace(
        edited, title=f"{edited.title} corrected", tags=(*edited.tags, other))), encoding="utf-8")
    made.clear()
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(made) < first.files / 5
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean2")
    assert {p for p in site if p.startswith("tags/") and retitled in site[p]} > tagged


@pytest.mark.parametrize("edit", ["retag", "requote", "untag"])
def test_a_tag_or_speaker_edit_while_serving_makes_only_what_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """A story gains or loses a tag, or quotes another person, that other stories have (the
    same `frame`): the term pages it joins or leaves, the tags index with its counts, the
    front page and the pages of stories whose related stories moved are made again and are a
    clean build's; the other pages of the site get no task."""
    items = corpus.generate(60, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    first = build_site(load_config(root), import_raw=False, held=held)
    index = snapshot(root / "_site")["tags/index.html"]
    edited = items[17]
    if edit == "untag":
        term = next(t for t in edited.tags if any(t in i.tags for i in items if i is not edited))
        changed = dataclasses.replace(edited, tags=tuple(t for t in edited.tags if t != term))
    else:
        changed = _regrouped(edited, [i for i in items if i is not edited],
                             "retag" if edit == "retag" else "requote", 2)
        term = (next(t for t in changed.tags if t not in edited.tags) if edit == "retag"
                else changed.speakers[0][0])
    assert changed != edited and any(term in (*i.tags, *dict(i.speakers)) for i in items
                                     if i is not edited)
    _article(root, edited).write_text(corpus.sitegen_text(changed), encoding="utf-8")
    made = _fingerprinted(monkeypatch)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(made) < first.files / 5
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    kind = "speakers" if edit == "requote" else "tags"
    shown = [p for p in site if p.startswith(f"{kind}/") and f"<h1>{term}".encode() in site[p]
             and f"/{edited.slug}/".encode() in site[p]]   # the term's pages listing the story
    assert bool(shown) is (edit != "untag"), shown
    if kind == "tags":
        assert site["tags/index.html"] != index   # the tag's count
    # the held relations are a full build's: a second edit of another term is right too
    again = _regrouped(changed, [i for i in items if i is not edited], "retag", 5)
    _article(root, edited).write_text(corpus.sitegen_text(again), encoding="utf-8")
    build_site(load_config(root), import_raw=False, held=held)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")
    assert build_site(load_config(root), import_raw=False, held=HeldModel()).rendered == 0


def test_an_edit_of_tags_toml_while_serving_changes_the_tags_index(tmp_path: Path) -> None:
    """The tags index shows the kinds `content/tags.toml` gives tags, which the model's
    structure does not cover: the held outputs are not trusted after it changes."""
    root = _site(tmp_path / "site", 8)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    index = snapshot(root / "_site")["tags/index.html"]
    busiest = sorted({t for item in POOL[:8] for t in item.tags},
                     key=lambda t: -sum(t in i.tags for i in POOL[:8]))[:2]
    (root / "content" / "tags.toml").write_text(
        "[kinds]\n" + "".join(f'"{t}" = "place"\n' for t in busiest), encoding="utf-8")
    build_site(load_config(root), import_raw=False, held=held)
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    assert site["tags/index.html"] != index


def test_a_page_deleted_by_hand_while_serving_is_made_again(tmp_path: Path) -> None:
    """`serve` keeps the site listing between builds; a page deleted from the site by hand
    since then is found missing by the writer, and the build is done again from the site as it
    is instead of failing."""
    root = _site(tmp_path / "site", 6)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    (root / "_site" / "404.html").unlink()   # a page no edit changes: kept by the next build
    corpus.edit(sorted((root / "content" / "articles").glob("*.md"))[2], 1)
    build_site(load_config(root), import_raw=False, held=held)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_body_edit_while_serving_gives_the_writer_only_the_outputs_it_made_again(
        tmp_path: Path) -> None:
    """With the structure as it was, a held build makes the tasks of only the articles and
    terms owning an output that changed (`render._narrow`): the writer is given those and the
    outputs of no owner, not one `Output` per article page (the rest it keeps as a set)."""
    import sitegen.site

    root = _site(tmp_path / "site", 12)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    given: list[str] = []
    real = sitegen.site.write_site

    def counting(outputs: Any, *args: Any, **kwargs: Any) -> int:
        def noted() -> Iterator[Any]:
            for output in outputs:
                given.append(output.path)
                yield output
        return real(noted(), *args, **kwargs)

    corpus.edit(_article(root, POOL[5]), 1)
    with mock.patch.object(sitegen.site, "write_site", counting):
        build_site(load_config(root), import_raw=False, held=held)
    pages = [path for path in given if path.count("/") == 3 and path.endswith("/index.html")
             and path[:4].isdigit()]   # yyyy/mm/slug/index.html: article pages
    assert 0 < len(pages) < 12, pages
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_kept_page_deleted_by_hand_in_a_settled_folder_while_serving_is_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While serving, the writer checks only the files of the folders whose mtime is not the
    one held (`write._same_folders`): a page deleted by hand, or replaced by a link, changes
    its folder's mtime, so it is found missing and made again, and the files of the folders
    left alone are not checked one by one."""
    import sitegen.write

    # every folder's mtime trusted at once
    monkeypatch.setattr(outputs, "SETTLED_NS", -10**12, raising=False)
    root = _site(tmp_path / "site", 12)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    site = root / "_site"
    corpus.edit(_article(root, POOL[9]), 1)
    checked = calls(monkeypatch, sitegen.write, "_check", lambda previous, where, key: key)
    build_site(load_config(root), import_raw=False, held=held)
    assert len(checked) < len(held.site.listing or ()) // 2, checked
    pages = sorted(site.glob("[0-9]*/*/*/index.html"))
    pages[1].unlink()   # article pages no edit below changes
    pages[4].unlink()
    pages[4].symlink_to(pages[6])
    corpus.edit(_article(root, POOL[9]), 2)
    build_site(load_config(root), import_raw=False, held=held)
    assert pages[1].is_file() and pages[4].is_file() and not pages[4].is_symlink()
    assert snapshot(site) == clean_build_snapshot(root, tmp_path / "clean")


def test_folders_a_build_wrote_are_made_known_in_idle_time_but_not_one_changed_by_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folders a build wrote are too young for the next edit to trust their mtimes, so
    its writer would check each of their files; `serve` makes them known in idle time
    (`HeldSite.settle_folders`), and the first edit checks few files. A folder whose entries
    are not the listing's (a page deleted by hand before that) stays not known, and the page
    comes back with the next edit."""
    import sitegen.write

    monkeypatch.setattr(outputs, "SETTLED_NS", 0, raising=False)   # settled once written
    root = _site(tmp_path / "site", 12)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    assert all(mtime is None for mtime in held.site.folders.values())   # all written just now
    assert held.site.settle_folders() == len(held.site.folders)
    edited = _article(root, POOL[9])
    corpus.edit(edited, 1)
    checked = calls(monkeypatch, sitegen.write, "_check", lambda previous, where, key: key)
    build_site(load_config(root), import_raw=False, held=held)
    assert len(checked) < len(held.site.listing or ()) // 2, checked
    site = root / "_site"
    page = next(site.rglob(f"{edited.stem}/index.html"))   # its folder written by the edit
    gone = page.parent.relative_to(site).as_posix()
    assert held.site.folders[gone] is None
    page.unlink()
    held.site.settle_folders()
    assert held.site.folders[gone] is None   # its entries are not the listing's
    corpus.edit(edited, 2)
    build_site(load_config(root), import_raw=False, held=held)
    assert page.is_file()
    assert snapshot(site) == clean_build_snapshot(root, tmp_path / "clean")


def _edit_and_build(root: Path, held: HeldModel, path: Path, round_: int) -> None:
    """One body edit of `path`, then a build as `serve` makes it."""
    corpus.edit(path, round_)
    build_site(load_config(root), import_raw=False, held=held)


def test_the_writers_listing_made_in_idle_time_is_used_once_and_checked_as_ever(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve`'s idle step makes the writer's view of the held listing (`HeldSite.prepare`):
    the next edit's writer takes it instead of making it, and still finds a page deleted by
    hand; it is used once, and a build after one with no idle step makes its own."""
    import sitegen.write

    root = _site(tmp_path / "site", 12)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    edited = _article(root, POOL[9])
    _edit_and_build(root, held, edited, 0)   # (the first build's listing is taken again)
    made = calls(monkeypatch, sitegen.write.PreviousSite, "listed", lambda paths: len(paths))
    held.site.prepare()
    held.site.prepare()   # made once for a listing
    assert len(made) == 1
    _edit_and_build(root, held, edited, 1)
    assert len(made) == 1, "the edit's writer took the listing made in idle time"
    assert held.site.prepared is None
    _edit_and_build(root, held, edited, 2)
    assert len(made) == 2, "no idle step: the writer made its own"
    held.site.prepare()
    held.site.listing = list(held.site.listing or ())   # another listing: not its view
    _edit_and_build(root, held, edited, 3)
    assert len(made) == 4
    site = root / "_site"
    page = sorted(site.glob("[0-9]*/*/*/index.html"))[1]   # a page no edit below changes
    held.site.prepare()
    page.unlink()
    _edit_and_build(root, held, edited, 4)
    assert page.is_file()
    assert snapshot(site) == clean_build_snapshot(root, tmp_path / "clean")


def test_a_held_body_edit_compares_the_versions_of_the_files_edited_not_of_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body edit's model is the last one with the edited files' versions changed
    (`Model.changed_since`): `render._keeps` compares only those with the held site's, and
    every article's after a title edit (the model made anew); the site is a clean build's."""
    import sitegen.render
    from bench.serve_latency import edit as edit_kind
    from sitegen.snapshot import Model

    root = _site(tmp_path / "site", 12)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    edited = _article(root, POOL[9])
    _edit_and_build(root, held, edited, 0)
    asked: list[Path] = []
    keeping = [False]
    real_version, real_keeps = Model.version, sitegen.render._keeps

    def version(self: Model, article: Any) -> str:
        if keeping[0]:
            asked.append(article.path)
        return real_version(self, article)

    def keeps(*args: Any, **kwargs: Any) -> Any:
        keeping[0] = True
        try:
            return real_keeps(*args, **kwargs)
        finally:
            keeping[0] = False

    monkeypatch.setattr(Model, "version", version)
    monkeypatch.setattr(sitegen.render, "_keeps", keeps)
    _edit_and_build(root, held, edited, 1)
    assert asked == []
    model = held._model
    assert model is not None and model.changed_since(model.versions) == {}
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")
    edited.write_text(edit_kind(edited.read_text(encoding="utf-8"), "title", 2),
                      encoding="utf-8")
    build_site(load_config(root), import_raw=False, held=held)
    assert len(asked) == 12
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")


class _NotWalked(list[tuple[str, int, int]]):
    """A listing that fails when walked whole."""

    def __iter__(self) -> Iterator[tuple[str, int, int]]:
        raise AssertionError("the whole listing was walked")


def test_settling_a_few_folders_does_not_walk_the_whole_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit only its folders (the site's own among them) are not known: the idle
    step pays for those, not for the 36,000 paths the held listing has at 10,000 articles
    (each step grouped them all, 0.03 s of CPU)."""
    monkeypatch.setattr(outputs, "SETTLED_NS", 0, raising=False)   # settled once written
    paths = ["index.html", "a/b/index.html", "a/index.html", "a-z/index.html", "c/index.html"]
    for path in paths:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x", encoding="utf-8")
    site = outputs.HeldSite()
    site.out = str(tmp_path)
    site.listing = _NotWalked(sorted((path, 1, 2) for path in paths))
    site.folders = {"": None, "a": 5, "a/b": None, "a-z": 5, "c": None}
    (tmp_path / "c" / "stray.html").write_text("x", encoding="utf-8")   # not the listing's
    assert site.settle_folders() == 2
    assert site.folders[""] is not None and site.folders["a/b"] is not None
    assert site.folders["c"] is None


@settings(max_examples=200, deadline=None)
@given(st.sets(st.lists(st.sampled_from(["a", "a-b", "a.b", "a0", "ab", "b", "index.html"]),
                        min_size=1, max_size=4).map("/".join), max_size=40))
def test_a_folders_entries_found_by_bisection_are_the_listings(paths: set[str]) -> None:
    """`settle_folders` compares each folder's entries on disk with the held listing's, found
    by bisection (`listed_entries`), not by grouping the whole listing: the same names for
    every folder, the site's own ("") too, with names that sort around "/" ("a-b", "a.b",
    "a0")."""
    listing = sorted((path, 1, 2) for path in paths)
    files: dict[str, set[str]] = {}
    folders: dict[str, set[str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        files.setdefault(folder, set()).add(name)
        while folder:
            parent, _, name = folder.rpartition("/")
            folders.setdefault(parent, set()).add(name)
            folder = parent
    for folder in {"", "b/a", *files, *folders}:
        assert listed_entries(listing, folder) == (files.get(folder, set()),
                                                   folders.get(folder, set())), folder


def test_the_writer_takes_the_held_listing_for_the_site_it_left(tmp_path: Path) -> None:
    """While serving, the writer takes the held listing instead of walking the site: it must
    say what a walk says (files, and each folder's entries, so an emptied folder goes)."""
    root = _site(tmp_path / "site", 8)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    listed = PreviousSite.listed(path for path, _, _ in held.site.listing or ())
    walked = _scan(root / "_site")
    assert (listed.files, listed.dirs) == (walked.files | walked.others, walked.dirs)
    gone = sorted((root / "content" / "articles").glob("*.md"))[3]
    page = next((root / "_site").rglob(f"{gone.stem}/index.html")).parent
    gone.unlink()
    build_site(load_config(root), import_raw=False, held=held)
    assert not page.exists()
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_build_walks_its_site_once_and_the_writer_takes_that_listing(
        tmp_path: Path) -> None:
    """A `sitegen build` lists the site at its start (to know whether it is built); the writer
    takes that listing instead of walking the site again before the first page is rendered."""
    root = _site(tmp_path / "site", 8)
    build_snapshot(root)
    corpus.edit(sorted((root / "content" / "articles").glob("*.md"))[2], 1)
    with mock.patch("sitegen.write._scan", side_effect=AssertionError("walked again")):
        build_site(load_config(root), import_raw=False)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_kept_page_deleted_by_hand_after_the_build_listed_the_site_is_written(
        tmp_path: Path) -> None:
    """A page the build keeps, deleted by hand between the listing taken at the build's start
    and the write: the build lists the site again and writes it, rather than failing."""
    import sitegen.site

    root = _site(tmp_path / "site", 6)
    build_snapshot(root)
    corpus.edit(sorted((root / "content" / "articles").glob("*.md"))[2], 1)
    calls = []

    def listing_then_delete(out: Path) -> Any:
        found = site_listing(out)
        calls.append(out)
        if len(calls) == 1:   # after the first listing only
            (out / "404.html").unlink()
        return found

    with mock.patch.object(sitegen.site, "site_listing", listing_then_delete):
        build_site(load_config(root), import_raw=False)
    assert len(calls) == 2
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_page_of_the_edited_story_deleted_by_hand_while_serving_is_written(
        tmp_path: Path) -> None:
    """A page the next build writes anew, deleted by hand since the held listing: added, not
    a failed replace."""
    root = _site(tmp_path / "site", 6)
    held = HeldModel()
    build_site(load_config(root), import_raw=False, held=held)
    edited = sorted((root / "content" / "articles").glob("*.md"))[2]
    next((root / "_site").rglob(f"{edited.stem}/index.html")).unlink()
    corpus.edit(edited, 1)
    build_site(load_config(root), import_raw=False, held=held)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean")


def test_a_template_error_in_a_render_worker_names_the_template_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path / "site", 6)
    build_snapshot(root)
    before = snapshot(root / "_site")
    (root / "templates").mkdir()
    (root / "templates" / "term.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{{ term.name }}\n{{ no_such_value }}\n"
        "{% endblock %}\n", encoding="utf-8")
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)   # render in forked workers
    parallel.set_jobs(2)
    try:
        assert main(["build", "--site", str(root)]) == 1
    finally:
        parallel.set_jobs(None)
    err = capsys.readouterr().err
    assert "term.html:4: template error" in err and "Traceback" not in err
    assert snapshot(root / "_site") == before


def _with_tag_counts(monkeypatch: pytest.MonkeyPatch, register: bool) -> None:
    """A page kind the renderer does not know: `counts.txt`, every tag with its number of
    stories (plain values, as a theme's tag cloud shows them), read as an aggregate
    (`Fingerprints.aggregate`) when `register`, else as plain sources only."""
    from sitegen import render
    from sitegen.render.output import Task, kept_task

    outputs = render._outputs

    def with_counts(ctx: Any) -> list[Any]:
        counts = tuple((t.name, len(t.articles)) for t in ctx.taxonomy.tags)
        shown = ctx.fp.aggregate(("counts",), counts) if register else counts
        text = "".join(f"{name} {count}\n" for name, count in counts).encode()
        made = kept_task("counts.txt") if ctx.kept("counts.txt") else \
            Task("counts.txt", ("counts", shown), lambda: text)
        return [*outputs(ctx), made]

    monkeypatch.setattr(render, "_outputs", with_counts)


@pytest.mark.parametrize("edit", ["retag", "untag"])
def test_a_new_page_kind_showing_tag_counts_is_made_again_after_a_tag_edit_while_serving(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """No list of the outputs that show terms by value is kept by hand: a page kind that reads
    the tags' counts registers them as an aggregate, and a tag edit while serving (the same
    `frame`: other outputs kept without a task) makes it again, as a clean build has it."""
    _with_tag_counts(monkeypatch, register=True)
    items = corpus.generate(40, seed=5)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    held = HeldModel()
    first = build_site(load_config(root), import_raw=False, held=held)
    counts = (root / "_site" / "counts.txt").read_bytes()
    edited = items[9]
    others = [i for i in items if i is not edited]
    changed = (_regrouped(edited, others, "retag", 2) if edit == "retag" else
               dataclasses.replace(edited, tags=edited.tags[1:]))
    assert changed.tags != edited.tags
    _article(root, edited).write_text(corpus.sitegen_text(changed), encoding="utf-8")
    made = _fingerprinted(monkeypatch)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(made) < first.files / 5   # the skip is taken
    site = snapshot(root / "_site")
    assert site["counts.txt"] != counts      # the counts moved
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    # a body edit reads the same counts: the page is kept without being made
    corpus.edit(_article(root, items[3]), 4)
    made.clear()
    build_site(load_config(root), import_raw=False, held=held)
    assert made and not any("'counts'" in sources for sources in made)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")


@pytest.mark.parametrize("edit", ["retag", "untag"])
def test_a_tag_edit_while_serving_walks_only_the_owners_it_changes_and_moves_their_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """A tag edit (the same `frame`) makes the tasks of only the articles and terms owning an
    output it changes (`render._narrow`), not of every article and term; a tag that gains a
    page (or loses one, whose file goes) has its pages found again, in the sitemap too, and
    the site is a clean build's."""
    items = corpus.generate(60, seed=11)
    root = tmp_path / "site"
    corpus.write_sitegen(items, root)
    config = root / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page = 10", "per_page = 2"),
                      encoding="utf-8")
    held = HeldModel()
    first = build_site(load_config(root), import_raw=False, held=held)
    counts = {t: sum(t in i.tags for i in items) for i in items for t in i.tags}
    # a story and a tag whose page count the edit changes: one more page, or one fewer
    edited, term = next((i, t) for i in items for t in sorted(counts)
                        if (t in i.tags) is (edit == "untag") and counts[t] > 2
                        and counts[t] % 2 == (1 if edit == "untag" else 0))
    changed = dataclasses.replace(edited, tags=(*edited.tags, term) if edit == "retag"
                                  else tuple(t for t in edited.tags if t != term))
    _article(root, edited).write_text(corpus.sitegen_text(changed), encoding="utf-8")
    before = set(snapshot(root / "_site"))
    owned = calls(monkeypatch, SiteContext, "owned", lambda self, path, owner: path)
    build_site(load_config(root), import_raw=False, held=held)
    assert 0 < len(owned) < first.files / 5, len(owned)
    site = snapshot(root / "_site")
    assert site == clean_build_snapshot(root, tmp_path / "clean")
    assert (set(site) - before if edit == "retag" else before - set(site)), "no page moved"
    # the relations, origins and pages it holds are a full build's: another edit is right too
    again = _regrouped(changed, [i for i in items if i is not edited], "retag", 5)
    _article(root, edited).write_text(corpus.sitegen_text(again), encoding="utf-8")
    build_site(load_config(root), import_raw=False, held=held)
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean2")
    assert build_site(load_config(root), import_raw=False, held=HeldModel()).rendered == 0
