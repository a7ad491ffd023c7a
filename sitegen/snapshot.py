"""The articles and their taxonomy, taken from the last build's snapshot for every file that did
not change since.

Loading 10,000 articles from the parse cache, merging speakers and grouping them took 2 s of a
one-edit rebuild; the snapshot (`.sitegen-cache/snapshot.msgpack`) loads in a fraction of that.
It is used only when it gives what a fresh load would: the same sitegen code, settings,
`--drafts` and `speakers.toml` (its key). Its records (speakers merged, which is done article by
article; stored as columns: `incremental.table`) stand for the files whose bytes are the same;
the others (added, or of other bytes) are parsed, through the parse cache (`content.load_changed`,
which reads only the shards they are in), and their warnings said with the stored ones in the
order a full load says them. Then:

- when every changed file parses to the front matter it had (title, dates, slug, tags, speakers,
  quotes, extra fields) and none was added or removed, an edit to bodies only: slugs, speakers,
  tags, archives and related stories never look at a body, so the stored records are made again
  with the new bodies put in, and the groups around them from their stored positions
  (`stored_groups`). The snapshot is not rewritten for that (it would cost more than it saves);
  files that drifted from it are parsed again on each build (parse-cache hits), so after
  `MAX_DRIFT` of them the next way is taken instead;
- otherwise (a new story, a removed one, a front-matter edit) slugs are made unique across all
  files again from what the snapshot keeps of each (`content.SlugClaim`), the stored records and
  the fresh ones are grouped afresh (`_regroup`) and a new snapshot is taken. A publish at 10,000
  articles parses one file instead of decoding 10,000 parses.

A changed file with problems, a new `speakers.toml`, or more than `MAX_CHANGED` of the files
changed loads everything afresh (`_load`), and that load says what is wrong.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.content import (
    LoadedFile,
    SlugClaim,
    article_files,
    articles_inside,
    load_articles,
    load_changed,
    load_file,
    unique_slugs,
)
from sitegen.content import log as content_log
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.codec import Undecodable
from sitegen.incremental.inputs import code_digest, digest
from sitegen.incremental.outputs import HeldSite
from sitegen.incremental.parses import HeldParses
from sitegen.incremental.shape import Each, Fields, Map, Maybe
from sitegen.incremental.stores import BuildCache
from sitegen.incremental.table import (
    column_shapes,
    from_columns,
    rows_from_columns,
    rows_to_columns,
    to_columns,
)
from sitegen.model import Article, record_bytes
from sitegen.speaker_aliases import SPEAKERS_FILE, load_speaker_aliases, merge_speakers
from sitegen.stamps import FileDigests
from sitegen.stored_groups import SHAPE as GROUPS
from sitegen.stored_groups import groups_from_data, groups_to_data
from sitegen.taxonomy import Taxonomy, build_taxonomy, placed_articles, regroup, with_records
from sitegen.watched import Watched

log = logging.getLogger("sitegen.snapshot")

NAME = "snapshot"
# The articles' bodies, kept apart from the snapshot by the digest of their file's bytes (a body is
# made from those alone), in shards by its first two hex digits: a new story rewrites one shard
# (a few hundred KB at 10,000 articles) where the snapshot with its bodies in was 75 MB, 65 MB
# of them bodies, rewritten whole (0.8 s of CPU of a publish).
BODIES = "snapshot-bodies"
_BODY = Map(str, str)
MAX_DRIFT = 200   # files parsed again on every build before a fresh snapshot is taken
MAX_CHANGED = 0.5   # of the files changed, added or removed, beyond which a full load is quicker
# path, digest of the bytes, front matter, and what its slug is made unique from (`SlugClaim`)
FILES = column_shapes(str, bytes, bytes, str, bool, Maybe(int), bool, datetime)
SHAPE = Fields({"files": list, "warnings": Map(str, Each(tuple, (int, str))),
                "articles": dict, "groups": GROUPS, "versions": Each(list, str),
                "structure": str})


@dataclass(frozen=True)
class Model:
    """What the render stage is given: the articles newest first, their groups, and a version of
    each article (`version`)."""

    articles: tuple[Article, ...]
    taxonomy: Taxonomy
    versions: dict[Path, str] = field(repr=False, compare=False)   # by article file
    structure: str = ""   # a digest of all the taxonomy is made from (`_model`)
    layout: str = ""      # the same but for titles, in a long-lived process (`HeldModel`)
    frame: str = ""       # the layout but for tags, speakers and quotes (`HeldModel._layout`)
    # the snapshot's taxonomy this one was regrouped from, with its structure: the groups kept
    # from it are its very objects, so their digests are that build's (`group_fingerprints`)
    grouped_from: tuple[Taxonomy, str] | None = field(default=None, repr=False, compare=False)
    # a body edit's model (`HeldModel._with_bodies`): the versions of the model it was made
    # from, and the new version of each file edited (the others are those)
    edited: tuple[dict[Path, str], dict[Path, str]] | None = field(default=None, repr=False,
                                                                   compare=False)

    def changed_since(self, versions: dict[Path, str]) -> Mapping[Path, str] | None:
        """The article files whose version may differ from `versions`, with this model's
        version of each: none when `versions` are this model's, the files edited when this
        model was made from the one they are by a body edit (the same articles); None when
        not known (every article is compared)."""
        if versions is self.versions:
            return {}
        if self.edited is not None and self.edited[0] is versions:
            return self.edited[1]
        return None

    def version(self, article: Article) -> str:
        """A digest that changes whenever any field of `article` may have: its file's path and
        bytes, its slug (made unique across files) and the key (code, settings, speaker aliases).
        Hashing that is much quicker than hashing the record."""
        return self.versions[article.path]


def _version(key: str, article: Article, files: dict[str, bytes]) -> str:
    return digest(key, str(article.path), files[str(article.path)], article.slug)


def _structure(key: str, taxonomy: Taxonomy, headers: dict[str, bytes]) -> str:
    """The key, every file's path and front matter and every slug (not bodies): groups and
    related stories change only with it."""
    return digest(key, *(path.encode("utf-8", "surrogateescape") + headers[path]
                         for path in sorted(headers)),
                  *(a.slug for a in taxonomy.articles))


class HeldModel:
    """The model of a long-lived process's last build (`serve`), with the digest, front matter
    and slug claim of each file it was made from, and the parse of each file (`parses`).

    The next build updates it for the files that changed instead of decoding the snapshot
    (0.4 s at 10,000 articles), parsing only those: a body edit puts the new records into the
    groups that hold them (`taxonomy.with_records`); any other change (a title, a new file) makes
    slugs unique again and groups the held records and the new ones afresh (`_regroup`; loading
    every record again from the held parses was most of a title edit). A build that failed
    forgets it. It holds nothing until a full load fills it (`ready`).
    """

    def __init__(self, watched: Watched | None = None) -> None:
        self.watched = watched or Watched()   # what `serve`'s watcher vouches for
        self.parses = HeldParses()
        self.site = HeldSite()   # the output of the last build (`site.py` keeps it)
        self._key = ""
        self._files: dict[str, bytes] = {}
        self._loaded: dict[str, LoadedFile] = {}
        self._model: Model | None = None
        # record, digests but for its title (layout) and but for its title and groups (frame)
        self._layouts: dict[Path, tuple[Article, str, str]] = {}
        # each record's place in the model's articles: a body edit keeps every place, so its
        # new records are put in by place, not found by walking 50,000 articles
        self._numbers: dict[Path, int] = {}

    @property
    def ready(self) -> bool:
        """True once a full load filled it (until then a build loads everything)."""
        return self._model is not None

    def keep(self, key: str, files: dict[str, bytes], loaded: dict[str, LoadedFile],
             model: Model, shape: tuple[str, str] | None = None) -> Model:
        """Hold `model`, given its `layout` and `frame` (`shape`, made here unless known), which
        it returns."""
        layout, frame = shape if shape is not None else self._layout(key, model)
        model = replace(model, layout=layout, frame=frame)
        self._key, self._files, self._loaded, self._model = key, dict(files), loaded, model
        return model

    def _layout(self, key: str, model: Model) -> tuple[str, str]:
        """The layout: the key, every record but its title and body, and every slug in order;
        while it stays, an edit changed nothing but titles and bodies, so every list, group,
        count and related story is as it was (`render._keeps`). And the frame: the same but for
        each record's tags, speakers and quotes, with every tag's and speaker's slug and name in
        order; while it stays, every list by date, page count of a list by date, month, year,
        term and term name is as it was, and only the members of some terms (and so some
        related stories) may differ. Records are digested once each."""
        held, layouts = self._layouts, {}
        for article in model.articles:
            found = held.get(article.path)
            layouts[article.path] = found if found is not None and found[0] is article else (
                article, digest(record_bytes((replace(article, title="", body=""),
                                              article.extra))),
                digest(record_bytes((replace(article, title="", body="", tags=(), speakers=(),
                                             quotes=()), article.extra))))
        self._layouts = layouts
        self._numbers = {a.path: n for n, a in enumerate(model.articles)}
        slugs = [a.slug for a in model.articles]
        terms = [f"{kind}:{t.slug}:{t.name}" for kind, group in (
            ("tags", model.taxonomy.tags), ("speakers", model.taxonomy.speakers)) for t in group]
        return (digest(key, *sorted(str(path) + found[1] for path, found in layouts.items()),
                       *slugs),
                digest(key, *sorted(str(path) + found[2] for path, found in layouts.items()),
                       *slugs, *terms))

    def forget(self) -> None:
        self._model = None
        self.site.forget()

    def update(self, config: Config, key: str, files: dict[str, bytes],
               drafts: bool) -> Model | None:
        """The model for `files` made from the one held (which it then becomes), parsing only
        the files that changed; None when a full load is needed."""
        model = self._model
        if model is None or key != self._key or not files:
            return None
        fresh: dict[str, tuple[Article, LoadedFile]] = {}
        for path, found in files.items():
            if self._files.get(path) != found:
                loaded = load_file(Path(path), config, self.parses, found)
                if loaded is None:
                    return None   # the full load says this file's problems
                fresh[path] = loaded
        shape = None
        if files.keys() == self._files.keys() and all(
                f.header == self._loaded[path].header for path, (_, f) in fresh.items()):
            loaded_now = self._loaded | {path: f for path, (_, f) in fresh.items()}
            model = self._with_bodies(key, files, model, fresh)
            shape = self._bodies_changed(model, fresh)
        else:
            loaded_now = {path: fresh[path][1] if path in fresh else self._loaded[path]
                          for path in files}
            known = {path: _Known(found, f.header, f.claim) for path, f in self._loaded.items()
                     if (found := self._files[path]) == files.get(path)}
            regrouped = _regroup(config, key, files, drafts, known,
                                 {str(a.path): a for a in model.articles}, fresh, {},
                                 model)
            if regrouped is None:
                return None
            model = regrouped[0]
        for path in files:   # what a full load would say, in its order
            for level, message in loaded_now[path].warnings:
                content_log.log(level, "%s", message)
        return self.keep(key, files, loaded_now, model, shape)

    def _bodies_changed(self, model: Model,
                        fresh: dict[str, tuple[Article, LoadedFile]]) -> tuple[str, str] | None:
        """The held layout and frame, still `model`'s after an edit of bodies only (a record's
        layout and frame leave its body out), its new records noted; None when one is not held
        (made anew)."""
        for article in self._placed(model, fresh):
            held = self._layouts.get(article.path)
            if held is None:
                return None
            self._layouts[article.path] = (article, held[1], held[2])
        return model.layout, model.frame

    def _placed(self, model: Model, paths: Collection[str]) -> list[Article]:
        """The records of `model` of the files `paths` (drafts are not in it), in its order:
        found by place (`_numbers`) while each holds the file it held, else by a walk."""
        numbers = self._numbers
        found = placed_articles(model.articles, [p for p in map(Path, paths) if p in numbers],
                                numbers)
        if found is not None:
            return found
        wanted = set(paths)
        return [a for a in model.articles if str(a.path) in wanted]

    def _with_bodies(self, key: str, files: dict[str, bytes], model: Model,
                     fresh: dict[str, tuple[Article, LoadedFile]]) -> Model:
        """`model` with the new bodies of the `fresh` files (same front matter) put in."""
        if not fresh:
            return model
        records = {a.path: replace(a, body=fresh[str(a.path)][0].body)
                   for a in self._placed(model, fresh)}
        taxonomy = with_records(model.taxonomy, records, self._numbers)
        edited = {path: _version(key, article, files) for path, article in records.items()}
        log.debug("articles held in memory, %d of them with a new body", len(records))
        return Model(taxonomy.articles, taxonomy, model.versions | edited, model.structure,
                     model.layout, model.frame, edited=(model.versions, edited))


def load_model(config: Config, cache: BuildCache, *, drafts: bool = False,
               held: HeldModel | None = None) -> Model:
    """The site's articles (speakers merged) and taxonomy; raises listing every bad file.
    `cache` is the build's: its file digests, its parse results and the snapshot. `held` is
    the model a long-lived process keeps (updated in place, and the snapshot left as it is).
    The bytes of article files the build kept when it hashed them (`FileDigests.keep`) are
    parsed instead of read again, and dropped once loaded."""
    try:
        return _load_model(config, cache, drafts, held)
    finally:
        cache.digests.keep(None)


def _load_model(config: Config, cache: BuildCache, drafts: bool, held: HeldModel | None
                ) -> Model:
    digests = cache.digests
    folder = config.content_path / "articles"
    files = {str(path): digests.digest(str(path))
             for path in (_article_files(folder, config.content_path, digests)
                          if folder.is_dir() else ())}
    key = _key(config, digests, drafts)
    if held is not None:
        try:
            model = _load_held(config, cache, drafts, held, key, files)
        except BaseException:
            held.forget()
            raise
        return model
    stored = cache.load(NAME, key, SHAPE)
    known = _files(stored)
    bodies: dict[str, Any] = {}
    if known is not None and files:
        bodies = cache.load_sharded(BODIES, key, _BODY)
        if not _with_stored_bodies(stored["articles"], known, bodies):
            known = None
    if known is not None and files:   # no folder: the full load says so
        reused = _reuse(config, cache, stored, known, key, files, drafts, bodies)
        if reused is not None:
            return reused
    model, loaded = _load(config, cache, drafts, key, files)
    if loaded.keys() == files.keys():
        _save_beside((cache, key, files, loaded, model, bodies, None))
    return model


def _article_files(folder: Path, root: Path, digests: FileDigests) -> list[Path]:
    """`content.article_files`, or in `serve` the listing a watcher vouches for (one with links
    leading out of the content is made again each time, so its warnings are said each time)."""
    vouch = digests.vouch
    if vouch is None:
        return article_files(folder, root)
    found = vouch.listing(f"articles {folder}", lambda: articles_inside(folder, root),
                          lambda paths: map(str, paths or ()), os.fspath(folder))
    return found if found is not None else article_files(folder, root)


def _with_stored_bodies(columns: dict[str, Any], known: dict[str, _Known],
                        bodies: dict[str, Any]) -> bool:
    """Put each stored article's body (`BODIES`, by its file's digest) into the snapshot's
    `columns`; False when one is missing (a damaged or lost shard: the snapshot is a miss)."""
    paths = columns.get("path")
    if "body" in columns or not isinstance(paths, list):
        return False
    column = []
    for path in paths:
        entry = known.get(path) if isinstance(path, str) else None
        body = bodies.get(entry.digest.hex()) if entry is not None else None
        if body is None:
            return False
        column.append(body)
    columns["body"] = column
    return True


def _save(cache: BuildCache, key: str, files: dict[str, bytes], loaded: dict[str, LoadedFile],
          model: Model, before: dict[str, Any], columns: dict[str, list[Any]] | None = None
          ) -> None:
    """Take a snapshot of `model` (`columns`: its articles as `to_columns` makes them, if
    known), its bodies apart (`BODIES`; `before`: what that store held, so only the shards
    whose bodies changed are written)."""
    columns = dict(columns if columns is not None else to_columns(model.articles, Article))
    columns.pop("body")
    cache.save_sharded(BODIES, key, {files[str(a.path)].hex(): a.body for a in model.articles},
                       before)
    cache.save(NAME, key, {
        "files": rows_to_columns(((path, files[path], loaded[path].header,
                                   *_claim_row(loaded[path].claim)) for path in files), 8),
        "warnings": {path: loaded[path].warnings for path in files if loaded[path].warnings},
        "articles": columns,
        "groups": groups_to_data(model.taxonomy),
        "versions": [model.versions[a.path] for a in model.articles],
        "structure": model.structure})


def _load(config: Config, cache: BuildCache, drafts: bool, key: str, files: dict[str, bytes],
          parses: HeldParses | None = None) -> tuple[Model, dict[str, LoadedFile]]:
    """Every file loaded and grouped afresh (a file whose bytes the parse cache, or `parses`,
    knows is not parsed again), and what loading each gave (`files` gets any file that
    appeared meanwhile)."""
    loaded: dict[str, LoadedFile] = {}
    problems: list[Problem] = []
    try:
        articles = load_articles(config, drafts=drafts, files=loaded, cache=cache,
                                 digests=files, held=parses, read=cache.digests.take)
    except SitegenError as exc:
        problems.extend(exc.problems)
        articles = []
    try:
        articles = merge_speakers(articles, load_speaker_aliases(config.content_path))
    except SitegenError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SitegenError(problems)
    taxonomy = build_taxonomy(articles)
    for path in loaded.keys() - files.keys():   # a file that appeared while loading
        files[path] = cache.digests.digest(path)
    versions = [_version(key, a, files) for a in taxonomy.articles]
    structure = _structure(key, taxonomy, {path: f.header for path, f in loaded.items()})
    return _model(taxonomy, versions, structure), loaded


def _load_held(config: Config, cache: BuildCache, drafts: bool, held: HeldModel, key: str,
               files: dict[str, bytes]) -> Model:
    """`held`'s model updated for `files`, else a full load (through its parses) kept in it."""
    updated = held.update(config, key, files, drafts)
    if updated is not None:
        return updated
    model, loaded = _load(config, cache, drafts, key, files, held.parses)
    if loaded.keys() == files.keys():
        model = held.keep(key, files, loaded, model)
    else:
        held.forget()
    return model


def _model(taxonomy: Taxonomy, versions: list[str], structure: str) -> Model:
    """`versions` in the order of `taxonomy.articles`."""
    return Model(taxonomy.articles, taxonomy,
                 {a.path: v for a, v in zip(taxonomy.articles, versions, strict=True)}, structure)


def _key(config: Config, digests: FileDigests, drafts: bool) -> str:
    aliases = digests.digest(str(config.content_path / SPEAKERS_FILE))
    return digest(code_digest(digests), repr(config), repr(drafts), aliases)


@dataclass(frozen=True)
class _Known:
    """What the snapshot holds of one file: the digest of its bytes, and what loading it gave
    besides the article (its warnings are the snapshot's `warnings`)."""

    digest: bytes
    header: bytes
    claim: SlugClaim


def _claim_row(claim: SlugClaim) -> tuple[str, bool, int | None, bool, datetime]:
    return claim.slug, claim.explicit, claim.line, claim.draft, claim.date


def _files(stored: dict[str, Any]) -> dict[str, _Known] | None:
    """The snapshot's files by path; None when there is no snapshot (or not of `SHAPE`)."""
    if not stored:
        return None
    rows = rows_from_columns(stored["files"], FILES)
    if rows is None:
        return None
    return {path: _Known(found, header, SlugClaim(*claim))
            for path, found, header, *claim in rows}


def _reuse(config: Config, cache: BuildCache, stored: dict[str, Any], known: dict[str, _Known],
           key: str, files: dict[str, bytes], drafts: bool, bodies: dict[str, Any]
           ) -> Model | None:
    """The model from the snapshot and the files that changed since (added, removed, or of
    other bytes), only those parsed; None when a full load is needed (a changed file with
    problems, which it reports, or too many changes for the snapshot to save time)."""
    changed = [path for path, found in files.items()
               if path not in known or known[path].digest != found]
    gone = {path: known[path].digest for path in known.keys() - files.keys()}
    if len(changed) + len(gone) > MAX_CHANGED * len(files):
        return None
    fresh = load_changed(config, changed, files, cache,
                         gone | {path: known[path].digest for path in changed if path in known},
                         cache.digests.take)
    if fresh is None:
        return None
    warnings: dict[str, tuple[tuple[int, str], ...]] = dict(stored["warnings"])
    warnings.update((path, loaded.warnings) for path, (_, loaded) in fresh.items())
    if len(fresh) <= MAX_DRIFT and not gone and all(
            path in known and loaded.header == known[path].header
            for path, (_, loaded) in fresh.items()):
        model = _with_bodies(stored, key, files, {p: a.body for p, (a, _) in fresh.items()})
    else:
        model = _regroup_stored(config, cache, stored, known, key, files, drafts, fresh,
                                warnings, bodies)
    if model is None:
        return None
    for path in files:   # what a full load would say, in its order
        for level, message in warnings.get(path, ()):
            content_log.log(level, "%s", message)
    return model


def _with_bodies(stored: dict[str, Any], key: str, files: dict[str, bytes],
                 bodies: dict[str, str]) -> Model | None:
    """The snapshot's model with the files that changed only in their body given their new
    `bodies`: the groups are read back, not made again, and the snapshot is kept as it is."""
    columns: dict[str, Any] = stored["articles"]
    if bodies and isinstance(columns.get("path"), list) and isinstance(columns.get("body"), list):
        columns["body"] = [bodies.get(path, body) if isinstance(path, str) else body
                           for path, body in zip(columns["path"], columns["body"], strict=False)]
    try:   # made with their new bodies: the records are never changed after
        articles = tuple(from_columns(columns, Article))
        taxonomy = groups_from_data(articles, stored["groups"])
    except Undecodable as exc:
        log.debug("loading afresh: the snapshot's articles do not decode (%s)", exc)
        return None
    if len(stored["versions"]) != len(articles):
        return None
    versions = [_version(key, a, files) if str(a.path) in bodies else known
                for a, known in zip(taxonomy.articles, stored["versions"], strict=True)]
    log.debug("articles from the snapshot, %d of them with a new body", len(bodies))
    return _model(taxonomy, versions, stored["structure"])


def _regroup_stored(config: Config, cache: BuildCache, stored: dict[str, Any],
                    known: dict[str, _Known], key: str, files: dict[str, bytes], drafts: bool,
                    fresh: dict[str, tuple[Article, LoadedFile]],
                    warnings: dict[str, tuple[tuple[int, str], ...]],
                    bodies: dict[str, Any]) -> Model | None:
    """`_regroup` of the snapshot's records, and a new snapshot taken (`bodies`: the body
    store as read)."""
    try:
        records = from_columns(stored["articles"], Article)
    except Undecodable as exc:
        log.debug("loading afresh: the snapshot's articles do not decode (%s)", exc)
        return None
    last = _stored_model(stored, records)
    regrouped = _regroup(config, key, files, drafts, known,
                         {str(a.path): a for a in records}, fresh, warnings, last)
    if regrouped is None:
        return None
    model, loaded = regrouped
    if last is not None:
        model = replace(model, grouped_from=(last.taxonomy, last.structure))
    _save_beside((cache, key, files, loaded, model, bodies,
                  _columns(model.articles, records, stored["articles"])))
    return model


# From this many articles a new snapshot (a publish's, a full load's) is written by a forked
# child while the build goes on (`_save_beside`); below it, forking costs what it saves.
SAVE_BESIDE_AT = 2_000
_saving: list[Callable[[], None]] = []   # snapshots being written by a child (`settle_saves`)


def _save_beside(args: tuple[BuildCache, str, dict[str, bytes], dict[str, LoadedFile], Model,
                             dict[str, Any], dict[str, list[Any]] | None]) -> None:
    """`_save(*args)`, for a large site in a forked child (`parallel.ahead`): encoding,
    checksumming and writing the snapshot (1.0 s of CPU at 50,000 articles; a clean build's
    0.5 s at 10,000) is then done on the core the build's serial stages leave idle, not before
    them. The build waits for it
    before it returns (`settle_saves`, under the site's lock); a child that fails has it
    written here then. A build killed meanwhile leaves the last snapshot or the new one, each
    whole (a cache file is replaced at once), and either is only a cache."""
    if len(args[4].articles) < SAVE_BESIDE_AT:
        _save(*args)
        return
    from sitegen.parallel import ahead

    _saving.append(ahead(_save_args, args))


def _save_args(args: tuple[BuildCache, str, dict[str, bytes], dict[str, LoadedFile], Model,
                           dict[str, Any], dict[str, list[Any]] | None]) -> None:
    _save(*args)


def settle_saves() -> None:
    """Wait until the snapshots being written beside this build (`_save_beside`) are."""
    while _saving:
        _saving.pop()()


def _stored_model(stored: dict[str, Any], records: list[Article]) -> Model | None:
    """The snapshot's model around its `records` (its groups read back, not made), for
    `_regroup` to count again only the groups whose members changed; None when its groups or
    versions do not fit the records (then it groups afresh)."""
    if len(stored["versions"]) != len(records):
        return None
    try:
        taxonomy = groups_from_data(tuple(records), stored["groups"])
    except Undecodable as exc:
        log.debug("grouping afresh: the snapshot's groups do not decode (%s)", exc)
        return None
    return _model(taxonomy, stored["versions"], stored["structure"])


def _columns(articles: tuple[Article, ...], records: list[Article],
             columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """`to_columns(articles)`, each of `records` (made from `columns`) among them copied from
    its row of `columns` rather than made again (0.17 s at 10,000 articles)."""
    row = {id(record): number for number, record in enumerate(records)}
    new = [a for a in articles if id(a) not in row]
    made = to_columns(new, Article)
    at = {id(a): -1 - number for number, a in enumerate(new)}   # negative: a new row
    picks = [row[id(a)] if id(a) in row else at[id(a)] for a in articles]
    return {name: [column[i] if i >= 0 else made[name][-1 - i] for i in picks]
            for name, column in columns.items()}


def _regroup(config: Config, key: str, files: dict[str, bytes], drafts: bool,
             known: dict[str, _Known], kept: dict[str, Article],
             fresh: dict[str, tuple[Article, LoadedFile]],
             warnings: dict[str, tuple[tuple[int, str], ...]], last: Model | None = None
             ) -> tuple[Model, dict[str, LoadedFile]] | None:
    """The last build's records (`kept`, speakers merged, by path) of the files unchanged since
    (`known`), and the `fresh` ones of the others, slugs made unique across them all again and
    grouped afresh (only the groups whose members changed, given `last`, the model `kept`
    are in, whose versions they keep), with what loading each file gave; None when a full load
    is needed."""
    loaded = {path: fresh[path][1] if path in fresh else
              LoadedFile(known[path].header, known[path].claim, warnings.get(path, ()))
              for path in files}
    problems: list[Problem] = []
    slugs = unique_slugs({path: f.claim for path, f in loaded.items()}, config, problems)
    if problems:
        return None   # the full load says them
    try:
        aliases = load_speaker_aliases(config.content_path)
    except SitegenError:
        return None
    added = [replace(a, slug=slugs[path]) if a.slug != slugs[path] else a
             for path, (a, _) in fresh.items() if drafts or not a.draft]
    articles = merge_speakers(added, aliases)   # one by one: the others were merged
    for path in files:
        if path in fresh:
            continue
        article = kept.get(path)
        if article is None:
            if drafts or not known[path].claim.draft:
                return None   # not the records of this key
            continue
        articles.append(article if article.slug == slugs[path]
                        else replace(article, slug=slugs[path]))
    taxonomy = build_taxonomy(articles) if last is None else regroup(last.taxonomy, articles)
    versions = [last.versions[a.path] if last is not None and kept.get(str(a.path)) is a
                else _version(key, a, files) for a in taxonomy.articles]
    structure = _structure(key, taxonomy, {path: f.header for path, f in loaded.items()})
    log.debug("articles from the last build, %d files loaded afresh", len(fresh))
    return _model(taxonomy, versions, structure), loaded
