"""The last build's articles and taxonomy are reused only when a fresh load would give the same.

tests/test_incremental.py holds every build to a clean one over random edit sequences; these
check which path a build takes, and that the snapshot path says and refuses what a full load does.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bench import corpus
from bench.peers import fresh_clone
from sitegen import snapshot as snapshot_module
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.incremental import store
from sitegen.incremental.inputs import CACHE_DIR, digest
from sitegen.incremental.stores import BuildCache
from sitegen.incremental.table import to_columns
from sitegen.model import Article
from sitegen.render import fingerprint
from sitegen.render.context import _keyed_groups
from sitegen.site import build_site
from sitegen.snapshot import HeldModel
from sitegen.stamps import bytes_digest
from sitegen.taxonomy import build_taxonomy
from tests.conftest import calls, snapshot

ITEMS = corpus.generate(8, seed=5)


def _site(root: Path) -> Path:
    corpus.write_sitegen(ITEMS, root)
    return root


def _article(root: Path, number: int) -> Path:
    return root / "content" / "articles" / f"{ITEMS[number].slug}.md"


Build = Callable[..., bool]


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch) -> Build:
    """Build a site; True when its articles came from the snapshot, i.e. no file was loaded
    afresh (`load_articles` was not called). `held` is `serve`'s model kept in memory."""
    loads = calls(monkeypatch, snapshot_module, "load_articles")

    def run(root: Path, held: HeldModel | None = None) -> bool:
        loads.clear()
        build_site(load_config(root), import_raw=False, held=held)
        return not loads

    return run


def _clean(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("_site", CACHE_DIR))
    build_site(load_config(scratch), import_raw=False)
    return snapshot(scratch / "_site")


def _replace_line(path: Path, start: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if line.startswith(start))
    lines[number] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_body_edit_reuses_the_snapshot_and_builds_what_a_clean_build_does(
        tmp_path: Path, build: Build) -> None:
    root = _site(tmp_path / "site")
    assert not build(root)
    corpus.edit(_article(root, 2), 1)
    assert build(root)
    corpus.edit(_article(root, 5), 2)   # a second file drifts from the snapshot
    corpus.edit(_article(root, 2), 3)
    assert build(root)
    assert "Correction number 3" in (root / "_site").joinpath(
        *_page_of(root, 2)).read_text(encoding="utf-8")
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def _page_of(root: Path, number: int) -> tuple[str, ...]:
    found = [p for p in (root / "_site").rglob("index.html") if ITEMS[number].slug in str(p)]
    assert len(found) == 1, found
    return found[0].relative_to(root / "_site").parts


@pytest.mark.parametrize("edit", ["title", "tags", "new file", "removed file", "title and new"])
def test_a_front_matter_edit_or_a_new_or_removed_file_parses_only_those_files(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """The unchanged files' records come from the snapshot, the changed ones are parsed, and
    all are grouped afresh: what a clean build gives."""
    root = _site(tmp_path / "site")
    build(root)
    parsed = _parses(monkeypatch)
    article = _article(root, 4)
    extra = article.parent / "extra.md"
    if edit in ("title", "title and new"):
        _replace_line(article, "title:", "title: A new headline")
    if edit in ("new file", "title and new"):
        extra.write_text("---\ntitle: Extra\ndate: 2024-01-02\n---\nBody.\n", encoding="utf-8")
    if edit == "tags":
        _replace_line(article, "tags:", "tags: [Newly tagged]")
    elif edit == "removed file":
        article.unlink()
    assert build(root)
    expected = {"title": [article], "tags": [article], "new file": [extra], "removed file": [],
                "title and new": [extra, article]}[edit]
    assert sorted(parsed) == sorted(expected)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")
    taken = store.held(root / CACHE_DIR / f"snapshot{store.SUFFIX}")["entries"]["articles"]
    afresh = snapshot_module.load_model(load_config(root), BuildCache(None))
    columns = to_columns(afresh.articles, Article)
    bodies = columns.pop("body")
    assert taken == columns   # unchanged rows copied, not made; the bodies kept apart
    assert _stored_bodies(root).items() >= {_file_digest(a.path): body for a, body
                                            in zip(afresh.articles, bodies, strict=True)}.items()
    parsed.clear()
    corpus.edit(_article(root, 2), 1)   # the new snapshot was taken: a body edit after it
    assert build(root) and parsed == [_article(root, 2)]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean2")


def test_a_publish_from_a_fresh_checkout_parses_only_the_new_story(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """As CI publishes: every file checked out anew (new mtimes, new inodes), the cache and the
    site restored, one new story."""
    root = _site(tmp_path / "site")
    build(root)
    fresh_clone(root, ("_site", CACHE_DIR), (CACHE_DIR, "_site"))
    new = replace(ITEMS[3], slug="breaking", date=max(i.date for i in ITEMS) + timedelta(hours=1))
    corpus.add_sitegen(new, root)
    parsed = _parses(monkeypatch)
    assert build(root)
    assert parsed == [root / "content" / "articles" / "breaking.md"]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_a_large_sites_new_snapshot_written_by_a_forked_child_is_a_clean_builds(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site's publish writes the new snapshot in a forked child while the build goes
    on (`parallel.ahead`): the site is a clean build's, and the next publish takes its model
    from the snapshot the child wrote, parsing only its new story."""
    from sitegen import parallel

    monkeypatch.setattr(snapshot_module, "SAVE_BESIDE_AT", 0)
    started = calls(monkeypatch, parallel, "ahead", lambda work, arg: work.__name__)
    parallel.set_jobs(2)
    try:
        root = _site(tmp_path / "site")
        build(root)
        latest = max(i.date for i in ITEMS)
        for number, slug in enumerate(("breaking", "later")):
            fresh_clone(root, (), (CACHE_DIR, "_site"))
            corpus.add_sitegen(replace(ITEMS[3 + number], slug=slug,
                                       date=latest + timedelta(hours=number + 1)), root)
            parsed = _parses(monkeypatch)
            started.clear()
            assert build(root)
            assert parsed == [root / "content" / "articles" / f"{slug}.md"]
            assert started == ["_save_args"]
            assert snapshot(root / "_site") == _clean(root, tmp_path / f"clean-{slug}")
    finally:
        parallel.set_jobs(None)


def test_a_publish_from_a_fresh_checkout_digests_only_the_groups_the_new_story_is_in(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """The snapshot's groups are read back and regrouped, so the groups without the new story
    are the snapshot's very objects and take the digests the last build stored of them: only
    the new story's terms, month and year are hashed again, and the site is a clean build's."""
    root = _site(tmp_path / "site")
    build(root)
    fresh_clone(root, ("_site", CACHE_DIR), (CACHE_DIR, "_site"))
    new = replace(ITEMS[3], slug="breaking", date=max(i.date for i in ITEMS) + timedelta(hours=1))
    corpus.add_sitegen(new, root)
    def unknown(self: fingerprint.Fingerprints, group: Any,
                kind: str | None = None) -> tuple[object, ...] | None:
        key = fingerprint.group_key(group, kind)
        return key if key not in self.known_groups() else None

    hashed = calls(monkeypatch, fingerprint.Fingerprints, "group", unknown)
    monkeypatch.setattr(fingerprint, "_last", {})   # as in a fresh process
    assert build(root)
    taxonomy = snapshot_module.load_model(load_config(root), BuildCache(None)).taxonomy
    story = root / "content" / "articles" / "breaking.md"
    holding = {*(("tags", t.slug) for t in taxonomy.tags if t.articles[0].path == story),
               *(("speakers", t.slug) for t in taxonomy.speakers if t.articles[0].path == story),
               ("year", new.date.year), ("month", new.date.year, new.date.month)}
    assert len(holding) > 3 and sorted(map(repr, hashed)) == sorted(map(repr, holding))
    model = snapshot_module.load_model(load_config(root), BuildCache(root))
    afresh = fingerprint.Fingerprints(None)   # what every digest taken as given must equal
    assert fingerprint._stored_digests(BuildCache(root), model.structure) == [
        afresh.group(group, kind) for group, kind in _keyed_groups(model.taxonomy)]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def _body_shards(root: Path) -> dict[str, tuple[int, int]]:
    """Each file of the body store with its inode and mtime (a rewrite changes them)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (root / CACHE_DIR / snapshot_module.BODIES).iterdir()}


def _stored_bodies(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for shard in (root / CACHE_DIR / snapshot_module.BODIES).iterdir():
        found.update(store.held(shard)["entries"])
    return found


def _file_digest(path: Path) -> str:
    return bytes_digest(path.read_bytes()).hex()


def test_a_new_story_rewrites_one_shard_of_bodies_not_every_body(
        tmp_path: Path, build: Build) -> None:
    """The snapshot is taken again for a new story; the bodies of the stories it held are not
    written again (they were most of its bytes), only the shard the new one falls in."""
    root = _site(tmp_path / "site")
    build(root)
    before = _body_shards(root)
    new = replace(ITEMS[3], slug="breaking", date=max(i.date for i in ITEMS) + timedelta(hours=1))
    corpus.add_sitegen(new, root)
    assert build(root)
    after = _body_shards(root)
    shard = _file_digest(root / "content" / "articles" / "breaking.md")[:2]
    assert {name for name in after if after[name] != before.get(name)} == {shard + store.SUFFIX}
    stored = _stored_bodies(root)[_file_digest(root / "content" / "articles" / "breaking.md")]
    assert new.body.split("\n\n")[0] in stored
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_a_lost_shard_of_bodies_is_a_full_load(tmp_path: Path, build: Build) -> None:
    root = _site(tmp_path / "site")
    build(root)
    shard = _file_digest(_article(root, 3))[:2]
    (root / CACHE_DIR / snapshot_module.BODIES / f"{shard}{store.SUFFIX}").unlink()
    corpus.edit(_article(root, 5), 1)
    assert not build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")
    corpus.edit(_article(root, 5), 2)   # the full load stored every body again
    assert build(root)


def test_too_many_changes_load_everything_afresh(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "MAX_CHANGED", 0.25)   # of 8 files: 2 may change
    root = _site(tmp_path / "site")
    build(root)
    for number in (0, 1):
        _replace_line(_article(root, number), "title:", f"title: Headline {number}")
    assert build(root)
    for number in (2, 3, 4):
        _replace_line(_article(root, number), "title:", f"title: Headline {number}")
    assert not build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_a_new_speaker_alias_loads_everything_afresh(tmp_path: Path, build: Build) -> None:
    """The aliases file is in the snapshot's key: every record's speakers may change."""
    root = _site(tmp_path / "site")
    build(root)
    (root / "content" / "speakers.toml").write_text(
        f'[aliases]\n"{ITEMS[4].speakers[0][0]}" = "Someone Else"\n', encoding="utf-8")
    assert not build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def _plain(root: Path, name: str, front: str) -> Path:
    """An article file without an explicit slug unless `front` gives one."""
    path = root / "content" / "articles" / name
    path.write_text(f"---\ntitle: Same Story\ndate: 2024-01-02\n{front}---\nBody of {name}.\n",
                    encoding="utf-8")
    return path


def test_slugs_are_made_unique_across_the_snapshots_files_and_the_new_ones(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new file can take a slug an unchanged one had (it comes first in path order, or the
    editor chose it), and a removed one frees its slug: the unchanged file's URL moves as in a
    clean build. A draft (not built) claims a slug too."""
    root = _site(tmp_path / "site")
    middle = _plain(root, "m.md", "")
    _plain(root, "d.md", "draft: true\n")
    build(root)
    parsed = _parses(monkeypatch)
    first = _plain(root, "a.md", "")   # same-story; m.md becomes same-story-2
    assert build(root) and parsed == [first]
    site = snapshot(root / "_site")
    assert site == _clean(root, tmp_path / "clean")
    assert any("same-story-2" in page and b"Body of m.md" in site[page] for page in site)
    first.unlink()
    assert build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean2")
    parsed.clear()
    chosen = _plain(root, "z.md", "slug: same-story\n")
    assert build(root) and parsed == [chosen]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean3")
    before = snapshot(root / "_site")
    _plain(root, "y.md", "slug: same-story\n")
    with pytest.raises(SitegenError) as failure:
        build(root)
    assert "already used by" in str(failure.value) and middle.exists()
    assert snapshot(root / "_site") == before


def test_a_body_edit_that_breaks_the_file_is_reported_like_a_full_load(
        tmp_path: Path, build: Build) -> None:
    root = _site(tmp_path / "site")
    build(root)
    before = snapshot(root / "_site")
    article = _article(root, 1)
    article.write_bytes(article.read_bytes() + b"\nbad byte \xff\n")
    with pytest.raises(SitegenError) as failure:
        build(root)
    assert article.name in str(failure.value) and "UTF-8" in str(failure.value)
    assert snapshot(root / "_site") == before


def test_warnings_of_unchanged_files_are_said_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, build: Build) -> None:
    root = _site(tmp_path / "site")
    noisy = _article(root, 6)
    noisy.write_text(noisy.read_text(encoding="utf-8") + "\nA bell \x07 rang.\n",
                     encoding="utf-8")
    build(root)
    corpus.edit(_article(root, 0), 1)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        assert build(root)
    messages = [r.getMessage() for r in caplog.records]
    assert any(noisy.name in m and "control character" in m for m in messages)


@pytest.mark.parametrize("edit", ["body", "title"])
def test_a_changed_files_warnings_are_said_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, build: Build,
        edit: str) -> None:
    root = _site(tmp_path / "site")
    build(root)
    noisy = _article(root, 3)
    noisy.write_text(noisy.read_text(encoding="utf-8") + "\nA bell \x07 rang.\n",
                     encoding="utf-8")
    if edit == "title":   # parsed, and grouped again with the others
        _replace_line(noisy, "title:", "title: A noisy headline")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        assert build(root)
    said = [r.getMessage() for r in caplog.records if "control character" in r.getMessage()]
    assert len(said) == 1 and noisy.name in said[0], said


def test_too_many_drifted_files_take_a_fresh_snapshot(
        tmp_path: Path, build: Build,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "MAX_DRIFT", 1)
    root = _site(tmp_path / "site")
    build(root)
    taken = root / CACHE_DIR / f"snapshot{store.SUFFIX}"
    first = taken.read_bytes()
    corpus.edit(_article(root, 0), 1)
    assert build(root) and taken.read_bytes() == first   # one body edit: the snapshot kept
    corpus.edit(_article(root, 1), 1)
    assert build(root)   # two files drifted: grouped again, a new snapshot taken
    assert taken.read_bytes() != first
    second = taken.read_bytes()
    parsed = _parses(monkeypatch)
    corpus.edit(_article(root, 2), 1)
    assert build(root) and taken.read_bytes() == second
    assert parsed == [_article(root, 2)]   # the others are in the new snapshot
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_a_damaged_snapshot_is_a_full_load(tmp_path: Path,
                                           build: Build) -> None:
    root = _site(tmp_path / "site")
    build(root)
    (root / CACHE_DIR / f"snapshot{store.SUFFIX}").write_bytes(b"\x80\x05not a cache file")
    corpus.edit(_article(root, 3), 1)
    assert not build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_groups_read_back_are_the_groups_made_afresh(tmp_path: Path,
                                                     build: Build) -> None:
    """The snapshot keeps groups as article positions: after a body edit they must be exactly
    what grouping the new records gives (terms, quotes, roles, companions, top speakers)."""
    root = _site(tmp_path / "site")
    build(root)
    corpus.edit(_article(root, 6), 1)
    config = load_config(root)
    model = snapshot_module.load_model(config, BuildCache(root))
    assert "Correction number 1" in next(a.body for a in model.articles
                                         if a.path == _article(root, 6))
    afresh = build_taxonomy(model.articles)
    assert any(t.quotes and t.roles and t.companions for t in afresh.speakers)
    assert any(t.top_speakers for t in afresh.tags)
    assert model.taxonomy == afresh
    assert all(a is b for term, fresh in zip(model.taxonomy.speakers, afresh.speakers,
                                             strict=True)
               for (a, _), (b, _) in zip(term.quotes, fresh.quotes, strict=True))


@pytest.mark.parametrize("damage", ["position past the end", "negative position",
                                    "name not text", "quote past the end",
                                    "quote's article negative", "quote's article past the end",
                                    "quote's article a bool", "quote's number a bool"])
def test_stored_groups_that_do_not_fit_the_articles_are_a_full_load(
        tmp_path: Path, build: Build, damage: str) -> None:
    """Written by a build of this code (the checksum holds) yet not fitting the articles: a
    cache restored from elsewhere must give a fresh load, never a traceback or wrong pages."""
    root = _site(tmp_path / "site")
    build(root)
    path = root / CACHE_DIR / f"snapshot{store.SUFFIX}"
    held = store.held(path)
    groups = held["entries"]["groups"]
    speaker = next(row for row in groups["speakers"] if row[3])
    if damage == "position past the end":
        groups["tags"][0][2].append(len(ITEMS))
    elif damage == "negative position":
        groups["tags"][0][2][0] = -1
    elif damage == "name not text":
        speaker[0] = 7
    elif damage == "quote's article negative":
        speaker[3][0][0] = -1
    elif damage == "quote's article past the end":
        speaker[3][0][0] = len(ITEMS) + 3
    elif damage == "quote's article a bool":
        speaker[3][0][0] = True
    elif damage == "quote's number a bool":
        speaker[3][0][1] = False
    else:
        speaker[3][0][1] = 99
    store.write(path, held["key"], held["entries"])
    corpus.edit(_article(root, 3), 1)
    assert not build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_stored_groups_that_do_not_fit_a_new_storys_records_are_grouped_afresh(
        tmp_path: Path, build: Build) -> None:
    """A new story regroups the snapshot's groups read back: when they do not fit its
    records (a cache restored from elsewhere), the records are grouped afresh, never wrongly."""
    root = _site(tmp_path / "site")
    build(root)
    path = root / CACHE_DIR / f"snapshot{store.SUFFIX}"
    held = store.held(path)
    held["entries"]["groups"]["tags"][0][2].append(len(ITEMS))   # a position past the end
    store.write(path, held["key"], held["entries"])
    corpus.add_sitegen(replace(ITEMS[3], slug="breaking"), root)
    assert build(root)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


# The model held in memory by `serve` (`HeldModel`) ---------------------------------------------

def _parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files parsed from their text from now on."""
    from sitegen import content

    return calls(monkeypatch, content, "_parse_raw", lambda path, raw, config: path)


def test_a_held_model_takes_a_body_edit_in_place_and_parses_only_changed_files(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(tmp_path / "site")
    build(root)   # a snapshot on disk: the held model does not use it
    held = HeldModel()
    assert not build(root, held) and held.ready   # held empty: a full load fills it
    parsed = _parses(monkeypatch)
    corpus.edit(_article(root, 2), 1)
    assert build(root, held)   # a body edit: no load, the records put into the held groups
    assert parsed == [_article(root, 2)]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")
    parsed.clear()
    _replace_line(_article(root, 4), "title:", "title: A new headline")
    assert build(root, held)   # grouped afresh around the held records, nothing loaded
    assert parsed == [_article(root, 4)]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean2")
    corpus.edit(_article(root, 4), 2)
    _replace_line(_article(root, 1), "tags:", "tags: [Newly tagged]")
    assert build(root, held)
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean3")
    parsed.clear()
    first = _plain(root, "a.md", "")   # a new file, and one removed
    _article(root, 6).unlink()
    assert build(root, held) and parsed == [first]
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean4")


def test_a_held_model_is_forgotten_when_a_build_fails_and_says_warnings_again(
        tmp_path: Path, build: Build, caplog: pytest.LogCaptureFixture) -> None:
    root = _site(tmp_path / "site")
    held = HeldModel()
    noisy = _article(root, 6)
    noisy.write_text(noisy.read_text(encoding="utf-8") + "\nA bell \x07 rang.\n",
                     encoding="utf-8")
    build(root, held)
    corpus.edit(_article(root, 0), 1)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        assert build(root, held)
    said = [r.getMessage() for r in caplog.records if "control character" in r.getMessage()]
    assert len(said) == 1 and noisy.name in said[0], said
    broken = _article(root, 1)
    good = broken.read_bytes()
    broken.write_bytes(good + b"\nbad byte \xff\n")
    with pytest.raises(SitegenError):
        build(root, held)
    assert not held.ready
    broken.write_bytes(good)
    assert not build(root, held) and held.ready
    assert snapshot(root / "_site") == _clean(root, tmp_path / "clean")


def test_the_parse_cache_keeps_every_unchanged_files_entry_and_forgets_changed_ones(
        tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that parses only the changed files reads and writes only their shards of the
    parse cache: a later full load still finds every file there, and no stale entry is left."""
    root = _site(tmp_path / "site")
    build(root)
    config = load_config(root)
    shards = {k[:2] for k in BuildCache(root).load_sharded("articles", repr(config), object)}
    text = b"---\ntitle: Same Story\ndate: 2024-01-02\n---\nBody.\n"
    new = next(path for path in (root / "content" / "articles" / f"new-{n}.md"
                                 for n in range(10_000))
               if digest(str(path), bytes_digest(text))[:2] in shards)   # a shard shared
    new.write_bytes(text)
    assert build(root)
    _replace_line(_article(root, 4), "title:", "title: A new headline")
    _article(root, 6).unlink()
    assert build(root)
    entries = BuildCache(root).load_sharded("articles", repr(config), object)
    assert len(entries) == len(ITEMS)   # 8 - 1 + 1, the old parse of the retitled file gone
    (root / "content" / "speakers.toml").write_text(
        f'[aliases]\n"{ITEMS[4].speakers[0][0]}" = "Someone Else"\n', encoding="utf-8")
    parsed = _parses(monkeypatch)
    assert not build(root)   # a full load
    assert parsed == []


def test_a_regrouping_build_says_every_files_warnings_in_a_full_loads_order(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, build: Build) -> None:
    root = _site(tmp_path / "site")
    for number in (1, 6):
        noisy = _article(root, number)
        noisy.write_text(noisy.read_text(encoding="utf-8") + "\nA bell \x07 rang.\n",
                         encoding="utf-8")
    build(root)
    (root / "content" / "articles" / "a000003-new.md").write_text(
        "---\ntitle: New\ndate: 2024-01-02\n---\nA bell \x07 rang.\n", encoding="utf-8")

    def said() -> list[str]:
        return [Path(r.getMessage().split(":")[0]).name for r in caplog.records
                if "control character" in r.getMessage()]

    with caplog.at_level(logging.WARNING, logger="sitegen.content"):
        caplog.clear()
        assert build(root)
        from_snapshot = said()
        caplog.clear()
        _clean(root, tmp_path / "clean")
        assert from_snapshot == said() and len(from_snapshot) == 3
