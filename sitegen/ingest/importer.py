"""`sitegen import`: raw files -> `content/articles/<year>/<slug>.md`, safely and repeatably.

The file-touching edge of the ingest stage. Rules it keeps (docs/ARCHITECTURE.md, "Import
state"): re-importing an unchanged raw file is a no-op; an article an editor changed is never
overwritten without `force`; two raw files never share a slug or clobber each other's file; a bad
file is one Problem naming it, nothing is written for it, and the rest of the batch goes on;
every write is atomic (temp file + os.replace), so a crash never leaves half an article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from sitegen.errors import Problem, SitegenError
from sitegen.ingest.committed import first_commit_time
from sitegen.ingest.dates import infer_dates
from sitegen.ingest.decode import RAW_SUFFIXES, UnreadableText, raw_text
from sitegen.ingest.quotes import attribute_quotes
from sitegen.ingest.structure import ParsedArticle, StructureError, parse_article
from sitegen.ingest.tags import TagRules, extract_tag_kinds, load_tag_rules, tag_key
from sitegen.ingest.writer import render_markdown
from sitegen.lock import site_lock
from sitegen.pids import running
from sitegen.slugs import is_safe_slug, slugify, unique_slug
from sitegen.walk import files_below

log = logging.getLogger("sitegen.ingest")

STATE_NAME = ".sitegen-import.json"
ARTICLES = "articles"
PROGRESS_THRESHOLD = 5
_SAVE_EVERY = 100
_ORIGIN_LINE = re.compile(r"^origin:\s*['\"]?(?P<o>[^'\"\n]+?)['\"]?\s*$", re.MULTILINE)
# `write_atomic`'s temp files: `.NAME.PID-RANDOM.tmp`, so a later run can tell that the process
# that made one is dead (killed between writing and renaming) and remove it. Before the pid was in
# the name they were `.NAME.RANDOM.tmp`: removed once no import can still be writing them.
_TEMP = re.compile(r"\..+\.(?P<pid>\d+)-[a-z0-9_]+\.tmp")
_OLD_TEMP = re.compile(r"\..+\.(md|json)\.[a-z0-9_]{8}\.tmp")
_OLD_TEMP_AGE = 600   # seconds; writing one small file never takes that long


@dataclass
class ImportReport:
    """What one import run did. `written` and `kept_edited` hold Markdown paths, `unchanged`
    raw paths; in a dry run `written` lists what would have been written."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    removed_temps: list[Path] = field(default_factory=list)   # left by an import killed mid-write

    def summary(self) -> str:
        """One line for the CLI: "import: 3 written, 1 unchanged, 1 kept (edited), 0 failed"."""
        head = "import (dry run): 0 written, {} would be written" if self.dry_run else \
            "import: {} written"
        parts = [head.format(len(self.written)), f"{len(self.unchanged)} unchanged"]
        if self.kept_edited:
            parts.append(f"{len(self.kept_edited)} kept (edited by hand; --force overwrites)")
        parts.append(f"{len(self.failed)} failed")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}")
        return ", ".join(parts)


@dataclass
class _Entry:
    """What we know about one origin: the bytes we imported and the Markdown we wrote."""

    raw_sha256: str
    markdown_sha256: str
    path: str   # relative to the content folder, POSIX separators
    source: str = ""   # the raw file: relative to the content folder when inside it, else absolute


@dataclass
class _Batch:
    """Mutable state of one run, threaded through the per-file steps."""

    content_dir: Path
    state: dict[str, _Entry]
    taken: set[str]
    rules: TagRules
    force: bool
    dry_run: bool
    now: datetime
    report: ImportReport
    seen: dict[str, Path] = field(default_factory=dict)
    on_disk: dict[str, Path] | None = None
    known_tags: dict[str, str] | None = None  # tag_key -> the form the site's articles use
    dirty: int = 0
    draft: bool = False


def import_paths(paths: Sequence[Path], content_dir: Path, *, force: bool = False,
                 dry_run: bool = False, progress: bool = True,
                 now: datetime | None = None, draft: bool = False) -> ImportReport:
    """Import raw article files (folders: every *.txt inside, recursively) into content_dir.

    `now` is the clock (tests pass one); a file time later than `now` is taken as `now`.
    `draft` writes the articles as drafts (`sitegen new`'s example story).
    Raises SitegenError only for problems with the whole run (an unreadable state file).
    """
    if dry_run:
        return _import(paths, content_dir, force=force, dry_run=True, progress=progress, now=now,
                       draft=draft)
    with site_lock(content_dir):   # one writer at a time: a build may be importing too
        return _import(paths, content_dir, force=force, dry_run=False, progress=progress,
                       now=now, draft=draft)


def _import(paths: Sequence[Path], content_dir: Path, *, force: bool, dry_run: bool,
            progress: bool, now: datetime | None, draft: bool = False) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    files, missing = collect_files(paths)
    report.failed.extend(missing)
    batch = _Batch(content_dir=content_dir, state=load_state(content_dir), taken=set(),
                   rules=load_tag_rules(content_dir), force=force, dry_run=dry_run,
                   now=now or datetime.now(UTC), report=report, draft=draft)
    batch.taken = taken_slugs(content_dir / ARTICLES, batch.state)
    if not dry_run:
        report.removed_temps = remove_stale_temps(content_dir)
    # a bar only on a terminal: written to a file or a pipe it becomes dozens of partial lines
    show = progress and len(files) > PROGRESS_THRESHOLD and sys.stderr.isatty()
    try:
        if show:
            # Log lines go through tqdm.write so they do not tear the bar.
            with logging_redirect_tqdm(loggers=[logging.getLogger("sitegen")]):
                _run(tqdm(files, desc="import", unit="file", file=sys.stderr, leave=False),
                     batch)
        else:
            _run(files, batch)
    finally:
        _save(batch)
    return report


def _run(files: Iterable[Path], batch: _Batch) -> None:
    for raw in files:
        _import_one(raw, batch)
        if batch.dirty >= _SAVE_EVERY:
            _save(batch)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, plus raw files (.txt, .html, .htm) under folders (hidden ones
    skipped), each once."""
    files: dict[Path, None] = {}
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for found in _folder_files(path):
                files.setdefault(found, None)
        elif path.is_file():
            files.setdefault(path, None)
        else:
            problems.append(Problem(path, "no such file or folder"))
    return list(files), problems


def _folder_files(folder: Path) -> list[Path]:
    """Raw files (*.txt, *.html, *.htm) below `folder`, sorted, hidden ones skipped. Links that
    lead out of the folder are not followed (and said so): a raw folder must not pull in files
    from elsewhere."""
    found = files_below(folder, folder, _is_raw)
    for link, _ in found.outside:
        log.warning("%s: skipped: it is a link to %s, outside %s", link, link.resolve(), folder)
    return sorted(path for path in found.files if path.is_file())


def _is_raw(name: str) -> bool:
    return name.lower().endswith(RAW_SUFFIXES)


def _import_one(raw: Path, batch: _Batch) -> None:
    """Import one raw file; any failure becomes one Problem naming it and writes nothing."""
    try:
        _import_checked(raw, batch)
    except (UnreadableText, StructureError) as exc:
        batch.report.failed.append(Problem(raw, str(exc)))
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else raw   # the raw file, or a file we write
        what = "" if where == raw else f"cannot write in {where.parent}: "
        batch.report.failed.append(Problem(raw, f"cannot import: {what}{exc.strerror or exc}"))
    except Exception as exc:  # a bug in one stage must not lose the rest of the batch
        log.debug("importing %s failed", raw, exc_info=True)
        batch.report.failed.append(
            Problem(raw, f"could not import ({type(exc).__name__}: {exc}); please report this"))


def _import_checked(raw: Path, batch: _Batch) -> None:
    """The import rules in order: unchanged -> no-op; edited by hand -> kept (unless force);
    otherwise convert and write, at the article's known path or under a fresh unique slug."""
    origin = raw.name
    if origin in batch.seen:
        raise StructureError(f"has the same file name as {batch.seen[origin]} in this batch; "
                             "raw file names identify articles, so rename one")
    batch.seen[origin] = raw
    data = _read_bytes(raw)
    raw_hash = sha256(data)
    entry = batch.state.get(origin)
    if entry is not None and entry.raw_sha256 == raw_hash and not batch.force:
        batch.report.unchanged.append(raw)
        return
    other = _other_source(raw, entry, batch)
    if other is not None and not batch.force:
        raise StructureError(f"has the same file name as {other}, imported earlier as "
                             f"{entry.path if entry else '?'}; file names identify articles, so "
                             "rename this file (or use --force to replace that article)")
    target = _known_target(origin, entry, batch)
    if target is not None and not batch.force and _edited(target, entry):
        _keep(raw, target, batch)
        return
    text = raw_text(raw.name, data)
    markdown, target = _convert(raw, text, target, batch)
    if entry is None and target.exists() and not batch.force:
        # An article from this origin exists but the state file does not know it.
        if target.read_bytes() == markdown.encode("utf-8"):
            _record(origin, raw_hash, markdown, target, batch, raw)
            batch.report.unchanged.append(raw)
        else:
            _keep(raw, target, batch)
        return
    if batch.dry_run:
        log.info("would write %s (from %s)", target, raw)
    else:
        write_atomic(target, markdown)
        log.debug("wrote %s (from %s)", target, raw)
    _record(origin, raw_hash, markdown, target, batch, raw)
    batch.report.written.append(target)


def _convert(raw: Path, text: str, target: Path | None, batch: _Batch) -> tuple[str, Path]:
    """Text -> Markdown, and the path it goes to (a fresh unique slug for a new article)."""
    article = parse_article(text)
    dates = infer_dates(article, file_time=_file_time(raw, batch.now))
    if dates.source != "text":  # only then ask git: one call per undated story
        committed = first_commit_time(raw)
        if committed is not None:
            dates = infer_dates(article, file_time=_file_time(raw, batch.now), committed=committed)
    message = f"{raw.name}: {dates.reason}"
    if dates.warning:
        log.warning(message)
        batch.report.warnings.append(message)
    else:
        log.info(message)
    attribution = attribute_quotes(article.paragraphs, _headline(article))
    if batch.known_tags is None:  # read once, when the first story is tagged
        batch.known_tags = site_tags(batch.content_dir / ARTICLES)
    tagged = extract_tag_kinds(article.title, article.subtitle, article.paragraphs,
                               location=article.location,
                               rules=replace(batch.rules, known=batch.known_tags),
                               people=[s.name for s in attribution.speakers])
    tags = [tag for tag, _ in tagged]
    for tag in tags:  # the next stories of the batch take these forms too
        batch.known_tags.setdefault(tag_key(tag), tag)
    if target is None:
        slug = unique_slug(slugify(article.title), batch.taken)
        target = batch.content_dir / ARTICLES / f"{dates.date.year:04d}" / f"{slug}.md"
    batch.taken.add(target.stem)
    markdown = render_markdown(article, dates, tags=tags, speakers=attribution.speakers,
                               quotes=attribution.quotes, slug=target.stem, origin=raw.name,
                               draft=batch.draft,
                               tag_kinds={tag: kind for tag, kind in tagged if kind is not None})
    return markdown, target


def _known_target(origin: str, entry: _Entry | None, batch: _Batch) -> Path | None:
    """Where this origin's article is: the state file's path, else wherever an article with
    `origin: <name>` is (an editor may have moved it, or the state file may be gone)."""
    recorded = safe_target(batch.content_dir, entry.path) if entry is not None else None
    if recorded is not None and recorded.exists():
        return recorded
    if batch.on_disk is None:
        batch.on_disk = origins_on_disk(batch.content_dir / ARTICLES)
    return batch.on_disk.get(origin, recorded)


def _edited(target: Path, entry: _Entry | None) -> bool:
    """True when the article on disk is not the Markdown we last wrote for it."""
    if not target.exists():
        return False
    if entry is None:
        return False   # untracked: compared with the fresh conversion instead
    return sha256(target.read_bytes()) != entry.markdown_sha256


def _keep(raw: Path, target: Path, batch: _Batch) -> None:
    message = (f"{target}: kept; it was edited by hand (or not written by this importer) and "
               f"{raw.name} changed; use --force to overwrite it")
    log.warning(message)
    batch.report.kept_edited.append(target)
    batch.report.warnings.append(message)


def _record(origin: str, raw_hash: str, markdown: str, target: Path, batch: _Batch,
            raw: Path | None = None) -> None:
    relative = target.relative_to(batch.content_dir).as_posix()
    source = _source_of(raw, batch) if raw is not None else ""
    batch.state[origin] = _Entry(raw_hash, sha256(markdown.encode("utf-8")), relative, source)
    batch.dirty += 1


def _source_of(raw: Path, batch: _Batch) -> str:
    """Where a raw file is, as the state file keeps it: relative to the content folder when it
    is inside (the same on every clone), else absolute."""
    resolved = raw.resolve()
    content = batch.content_dir.resolve()
    if resolved.is_relative_to(content):
        return resolved.relative_to(content).as_posix()
    return str(resolved)


def _other_source(raw: Path, entry: _Entry | None, batch: _Batch) -> str | None:
    """The other raw file this origin came from, when that file is still there: a story of the
    same name from another folder, which must not replace the first (a moved file may)."""
    if entry is None or not entry.source or entry.source == _source_of(raw, batch):
        return None
    recorded = Path(entry.source)
    where = recorded if recorded.is_absolute() else batch.content_dir / recorded
    return entry.source if where.is_file() else None


def _read_bytes(raw: Path) -> bytes:
    try:
        return raw.read_bytes()
    except OSError as exc:
        raise UnreadableText(f"cannot read file: {exc.strerror or exc}") from None


def _file_time(raw: Path, now: datetime) -> datetime:
    """The file's modification time (the date of last resort), never later than `now`."""
    try:
        mtime = datetime.fromtimestamp(raw.stat().st_mtime, tz=UTC)
    except OSError:
        return now
    return min(mtime, now)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_target(content_dir: Path, relative: str) -> Path | None:
    """content_dir/relative when it is a `articles/.../<safe-slug>.md` path; None otherwise, so a
    tampered state file cannot make us write outside the articles folder."""
    parts = Path(relative).parts
    if (len(parts) < 2 or parts[0] != ARTICLES or ".." in parts or Path(relative).is_absolute()
            or not relative.endswith(".md") or not is_safe_slug(Path(relative).stem)):
        return None
    return content_dir / Path(*parts)


def taken_slugs(articles_dir: Path, state: dict[str, _Entry]) -> set[str]:
    """Slugs in use: every article file's name, and every slug the state file remembers."""
    taken = {p.stem for p in articles_dir.rglob("*.md")} if articles_dir.is_dir() else set()
    taken.update(Path(entry.path).stem for entry in state.values())
    return taken


def remove_stale_temps(content_dir: Path) -> list[Path]:
    """Remove the temp files an import killed outright (SIGKILL, a power cut) left in the content
    folder and its `articles/`: only names `write_atomic` makes, and only once the process that
    made them is gone. They are hidden and no article is read from them; they are only clutter
    (and `git status` noise). Returns what it removed."""
    removed: list[Path] = []
    now = time.time()
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = [d for d in dirnames if d == ARTICLES or dirpath != str(content_dir)]
        for name in filenames:
            path = Path(dirpath) / name
            match = _TEMP.fullmatch(name)
            try:
                if match is not None:
                    stale = not running(int(match.group("pid")))
                else:
                    stale = (_OLD_TEMP.fullmatch(name) is not None
                             and now - path.lstat().st_mtime > _OLD_TEMP_AGE)
                if stale:
                    path.unlink()
                    removed.append(path)
                    log.info("%s: removed, a temporary file of an import that was killed", path)
            except OSError:
                continue   # not ours to fix now: the writes of this import report real trouble
    return removed


_TAGS_LINE = re.compile(r"^tags:.*$", re.MULTILINE)


def site_tags(articles_dir: Path) -> dict[str, str]:
    """The tags the site's articles use, by `tag_key`: the form most articles write (ties: the
    first in sorted order), so a new story's "Jaroslaw Kaczynski" is the site's "Jarosław
    Kaczyński". Read from each file's `tags:` line (the whole front matter when the tags are a
    block list); an article that cannot be read is skipped (the build reports it)."""
    forms: dict[str, Counter[str]] = {}
    if not articles_dir.is_dir():
        return {}
    for path in sorted(articles_dir.rglob("*.md")):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
            front = head.split("\n---", 1)[0] if head.startswith("---") else ""
            line = _TAGS_LINE.search(front)
            if line is None:
                continue
            data = yaml.safe_load(line.group() if line.group().strip() != "tags:"
                                  else front.removeprefix("---"))
        except (OSError, yaml.YAMLError):
            continue
        tags = data.get("tags") if isinstance(data, dict) else None
        if isinstance(tags, str):
            tags = tags.split(",")
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, str) and tag.strip():
                forms.setdefault(tag_key(tag), Counter())[tag.strip()] += 1
    return {key: min(counts, key=lambda form: (-counts[form], form))
            for key, counts in forms.items()}


def origins_on_disk(articles_dir: Path) -> dict[str, Path]:
    """origin -> article file, read from the `origin:` line of each article's front matter."""
    found: dict[str, Path] = {}
    if not articles_dir.is_dir():
        return found
    for path in sorted(articles_dir.rglob("*.md")):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
        except OSError:
            continue
        front = head.split("\n---", 1)[0] if head.startswith("---") else ""
        match = _ORIGIN_LINE.search(front)
        if match:
            found.setdefault(match.group("o").strip(), path)
    return found


def load_state(content_dir: Path) -> dict[str, _Entry]:
    """The import state file, or an empty state when there is none yet."""
    path = content_dir / STATE_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data.get("files", data) if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise ValueError("expected a JSON object")
        return {str(origin): _Entry(str(e["raw_sha256"]), str(e["markdown_sha256"]),
                                    str(e["path"]), str(e.get("source", "")))
                for origin, e in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise SitegenError(Problem(path, f"import state is unreadable ({exc}); fix it, or delete "
                                         "it to re-import everything as new")) from None


def _save(batch: _Batch) -> None:
    if batch.dry_run or not batch.dirty:
        return
    files = {origin: {"raw_sha256": e.raw_sha256, "markdown_sha256": e.markdown_sha256,
                      "path": e.path, **({"source": e.source} if e.source else {})}
             for origin, e in sorted(batch.state.items())}
    text = json.dumps({"version": 1, "files": files}, indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomic(batch.content_dir / STATE_NAME, text)
    except OSError as exc:
        problem = f"cannot save the import state: {exc.strerror or exc}"
        raise SitegenError(Problem(batch.content_dir / STATE_NAME, problem)) from None
    batch.dirty = 0


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and os.replace: all of it or none of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-",
                                    suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _headline(article: ParsedArticle) -> tuple[str, ...]:
    """Title and standfirst: where a story may give the full name its body shortens."""
    return tuple(t for t in (article.title, article.subtitle) if t)
