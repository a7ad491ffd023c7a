"""The articles and their taxonomy, taken from the last build's snapshot when only bodies changed.

Loading 10,000 articles from the parse cache, merging speakers and grouping them took 2 s of a
one-edit rebuild; the snapshot (`.sitegen-cache/snapshot.msgpack`) loads in a fraction of that.
It is used only when it gives what a fresh load would:

- the same sitegen code, settings, `--drafts` and `speakers.toml` (its key);
- the same article files, and every file whose bytes differ from the snapshot's parses without
  problems to the same front matter (title, dates, slug, tags, speakers, quotes, extra fields):
  an edit to the body only.

Slugs, speakers, tags, archives and related stories never look at a body, so the snapshot's
article records (speakers merged, stored as columns: `incremental.table`) are made again with the
new bodies put in, and the groups are made again around them from their stored positions
(`stored_groups`).
Any other change loads and groups everything afresh and takes a new snapshot. The snapshot is
not rewritten for body edits (that would cost more than it saves); files that drifted from it
are parsed again on each build, so after `MAX_DRIFT` of them a full load takes a fresh one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen.config import Config
from sitegen.content import LoadedFile, article_files, load_articles, load_file
from sitegen.content import log as content_log
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.codec import Undecodable
from sitegen.incremental.inputs import code_digest, digest
from sitegen.incremental.outputs import HeldSite
from sitegen.incremental.parses import HeldParses
from sitegen.incremental.shape import Each, Fields, Map
from sitegen.incremental.stores import BuildCache
from sitegen.incremental.table import (
    column_shapes,
    from_columns,
    rows_from_columns,
    rows_to_columns,
    to_columns,
)
from sitegen.model import Article
from sitegen.speaker_aliases import SPEAKERS_FILE, load_speaker_aliases, merge_speakers
from sitegen.stamps import FileDigests
from sitegen.stored_groups import SHAPE as GROUPS
from sitegen.stored_groups import groups_from_data, groups_to_data
from sitegen.taxonomy import Taxonomy, build_taxonomy, with_records

log = logging.getLogger("sitegen.snapshot")

NAME = "snapshot"
MAX_DRIFT = 200   # files parsed again on every build before a fresh snapshot is taken
FILES = column_shapes(str, bytes, bytes)   # path, digest of the bytes, front matter
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
    """The model of a long-lived process's last build (`serve`), with the digest and front
    matter of each file it was made from, and the parse of each file (`parses`).

    The next build updates it for the files that changed instead of decoding the snapshot
    (0.4 s at 10,000 articles): a body edit puts the new records into the groups that hold them
    (`taxonomy.with_records`); any other change loads afresh, but only the changed files are
    parsed (loading every record from the parse cache took a second or two). A build that
    failed forgets it. It holds nothing until a full load fills it (`ready`).
    """

    def __init__(self) -> None:
        self.parses = HeldParses()
        self.site = HeldSite()   # the output of the last build (`site.py` keeps it)
        self._key = ""
        self._files: dict[str, bytes] = {}
        self._headers: dict[str, bytes] = {}
        self._warnings: dict[str, tuple[tuple[int, str], ...]] = {}
        self._model: Model | None = None

    @property
    def ready(self) -> bool:
        """True once a full load filled it (until then a build loads everything)."""
        return self._model is not None

    def keep(self, key: str, files: dict[str, bytes], loaded: dict[str, LoadedFile],
             model: Model) -> None:
        self._key, self._files, self._model = key, dict(files), model
        self._headers = {path: f.header for path, f in loaded.items()}
        self._warnings = {path: f.warnings for path, f in loaded.items() if f.warnings}

    def forget(self) -> None:
        self._model = None
        self.site.forget()

    def update(self, config: Config, key: str, files: dict[str, bytes]) -> Model | None:
        """The model for `files` when only bodies changed since the one held (which it then
        becomes), else None (a full load is needed)."""
        model = self._model
        if model is None or key != self._key or files.keys() != self._files.keys():
            return None
        drifted = [path for path, found in files.items() if self._files[path] != found]
        fresh: dict[str, Article] = {}
        warnings = dict(self._warnings)
        for path in drifted:
            loaded = load_file(Path(path), config, self.parses, files[path])
            if loaded is None or loaded[1].header != self._headers.get(path):
                return None   # the full load says this file's warnings
            fresh[path] = loaded[0]
            warnings[path] = loaded[1].warnings
        for path in files:   # what a full load would say, in its order
            for level, message in warnings.get(path, ()):
                content_log.log(level, "%s", message)
        self._files, self._warnings = dict(files), warnings
        if fresh:
            records = {a.path: replace(a, body=fresh[str(a.path)].body)
                       for a in model.articles if str(a.path) in fresh}   # drafts are not
            taxonomy = with_records(model.taxonomy, records)
            versions = dict(model.versions)
            for article in records.values():
                versions[article.path] = _version(key, article, files)
            self._model = model = Model(taxonomy.articles, taxonomy, versions, model.structure)
            log.debug("articles held in memory, %d of them with a new body", len(records))
        return model


def load_model(config: Config, cache: BuildCache, *, drafts: bool = False,
               held: HeldModel | None = None) -> Model:
    """The site's articles (speakers merged) and taxonomy; raises listing every bad file.
    `cache` is the build's: its file digests, its parse results and the snapshot. `held` is
    the model a long-lived process keeps (updated in place, and the snapshot left as it is)."""
    digests = cache.digests
    folder = config.content_path / "articles"
    files = {str(path): digests.digest(str(path))
             for path in (article_files(folder, config.content_path) if folder.is_dir() else ())}
    key = _key(config, digests, drafts)
    if held is not None:
        try:
            model = _load_held(config, cache, drafts, held, key, files)
        except BaseException:
            held.forget()
            raise
        return model
    stored = cache.load(NAME, key, SHAPE)
    reused = _reuse(config, stored, files)
    if reused is not None:
        taxonomy, drifted = reused
        versions = [_version(key, a, files) if str(a.path) in drifted else known
                    for a, known in zip(taxonomy.articles, stored["versions"], strict=True)]
        return _model(taxonomy, versions, stored["structure"])
    model, loaded = _load(config, cache, drafts, key, files)
    if loaded.keys() == files.keys():
        cache.save(NAME, key, {
            "files": rows_to_columns(((path, files[path], loaded[path].header)
                                      for path in files), 3),
            "warnings": {path: loaded[path].warnings for path in files if loaded[path].warnings},
            "articles": to_columns(model.articles, Article),
            "groups": groups_to_data(model.taxonomy),
            "versions": [model.versions[a.path] for a in model.articles],
            "structure": model.structure})
    return model


def _load(config: Config, cache: BuildCache, drafts: bool, key: str, files: dict[str, bytes],
          parses: HeldParses | None = None) -> tuple[Model, dict[str, LoadedFile]]:
    """Every file loaded and grouped afresh (a file whose bytes the parse cache, or `parses`,
    knows is not parsed again), and what loading each gave (`files` gets any file that
    appeared meanwhile)."""
    loaded: dict[str, LoadedFile] = {}
    problems: list[Problem] = []
    try:
        articles = load_articles(config, drafts=drafts, files=loaded, cache=cache,
                                 digests=files, held=parses)
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
    updated = held.update(config, key, files)
    if updated is not None:
        return updated
    model, loaded = _load(config, cache, drafts, key, files, held.parses)
    if loaded.keys() == files.keys():
        held.keep(key, files, loaded, model)
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


def _reuse(config: Config, stored: dict[str, Any],
           files: dict[str, bytes]) -> tuple[Taxonomy, set[str]] | None:
    """The snapshot's taxonomy with new bodies put in, and the paths whose bytes differ from the
    snapshot's; None when a fresh load is needed."""
    if not stored:   # none, or not of `SHAPE`
        return None
    rows = rows_from_columns(stored["files"], FILES)
    if rows is None:
        return None
    known = {path: (found, header) for path, found, header in rows}
    columns: dict[str, Any] = stored["articles"]
    if known.keys() != files.keys():
        return None
    drifted = [path for path, found in files.items() if known[path][0] != found]
    if len(drifted) > MAX_DRIFT:
        return None
    bodies: dict[str, str] = {}
    warnings: dict[str, tuple[tuple[int, str], ...]] = dict(stored["warnings"])
    for path in drifted:
        fresh = load_file(Path(path), config)
        if fresh is None or fresh[1].header != known[path][1]:
            return None   # the full load says this file's warnings
        bodies[path] = fresh[0].body
        warnings[path] = fresh[1].warnings
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
    for path in files:   # what a full load would say, in its order
        for level, message in warnings.get(path, ()):
            content_log.log(level, "%s", message)
    log.debug("articles from the snapshot, %d of them with a new body", len(bodies))
    return taxonomy, set(drifted)
