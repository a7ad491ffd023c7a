"""`sitegen serve`: build, serve, watch, rebuild, reload — wired together.

One rebuild thread runs builds one at a time; changes that arrive during a build are merged into
exactly one more build afterwards. Browsers are told to reload only after `build_site` returned,
i.e. after the new output is in place; a failed build keeps the last good site and sends the
problems instead. Every rebuild is a whole build (correct by construction: no stale tag, index or
feed pages), made quick by the build cache and by the model this process keeps between builds
(`snapshot.HeldModel`, handed to `build_site`). A rebuild keeps the search index as it was, so the
reload is not held up by Pagefind; once no edit has come for `SEARCH_DELAY`, one more build brings
the index up to date the way `sitegen build` does (only the parts whose pages changed). An edit
that arrives while that search build runs cancels it (Pagefind is killed, nothing is moved in),
so the edit's rebuild starts at once; the search build is asked for again after it.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

from sitegen.config import CONFIG_NAME, Config, load_config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.outputs import settle_records
from sitegen.search import IndexCancelled
from sitegen.serve.livereload import Hub
from sitegen.serve.server import PreviewHTTPServer, PreviewState, bind
from sitegen.serve.watch import Watcher
from sitegen.serve.worker import Worker
from sitegen.watched import Watched

if TYPE_CHECKING:
    from sitegen.snapshot import HeldModel

log = logging.getLogger("sitegen.serve")

CSS_SUFFIXES = (".css",)
SEARCH_DELAY = 1.0   # seconds without edits before the search index is brought up to date
# seconds after a build before its garbage collection (`site.settle_collection`): the reload
# it told the browsers of, and their requests for the new page, go first
SETTLE_DELAY = 0.5


class BuildResult(Protocol):
    """The part of `sitegen.site.BuildReport` the preview uses."""

    @property
    def out_dir(self) -> Path: ...

    @property
    def seconds(self) -> float: ...

    def summary(self) -> str: ...


Builder = Callable[..., BuildResult]


def default_theme_dir() -> Path:
    """The folder of the built-in theme, whose templates and static files are watched too."""
    try:
        theme: object = importlib.import_module("sitegen.theme")
    except ImportError:
        theme = None
    for name in ("DEFAULT_THEME_DIR", "DEFAULT_THEME", "DEFAULT_THEME_PATH"):
        value = getattr(theme, name, None)
        if isinstance(value, Path):
            return value
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "themes" / "default", package.parent / "themes" / "default"):
        if candidate.is_dir():
            return candidate
    return package.parent / "themes" / "default"


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class _Rebuilder:
    """One build at a time; everything submitted during a build becomes one more build. A
    search build asked for (`index_later`) runs once nothing else is queued and its time came;
    edits go first and a later request moves it back, and an edit submitted while it runs
    cancels it (`index` is handed the event that `submit` sets). A held build's garbage
    collection (`settle_later`) runs the same way, before the search build."""

    def __init__(self, build: Callable[[set[Path]], None],
                 index: Callable[[threading.Event], None],
                 settle: Callable[[], None] = lambda: None) -> None:
        self._worker: Worker[set[Path] | str] = Worker(
            name="sitegen-rebuild", take=self._take, work=self._work, timeout=self._timeout,
            crashed="sitegen serve: rebuild crashed", done=self._done)
        self._build = build
        self._index = index
        self._settle = settle
        self._settle_at: float | None = None   # when the last build's collection may run
        self._cond = self._worker.cond
        self._pending: set[Path] = set()
        self._dirty = False
        self._busy = False
        self._index_at: float | None = None   # when the search build may start
        self._cancel: threading.Event | None = None   # the running search build's
        self._worker.start()

    def submit(self, paths: set[Path]) -> None:
        with self._cond:
            self._pending |= paths
            self._dirty = True
            if self._cancel is not None:   # the edit goes first: stop the search build
                self._cancel.set()
            self._cond.notify_all()

    def index_later(self, delay: float | None) -> None:
        """Run the search build once `delay` seconds passed with nothing else to build (None:
        not at all, the site is broken)."""
        with self._cond:
            self._index_at = None if delay is None else time.monotonic() + delay
            self._cond.notify_all()

    def settle_later(self, delay: float) -> None:
        """Run `settle` once `delay` seconds passed with nothing else to build."""
        with self._cond:
            self._settle_at = time.monotonic() + delay
            self._cond.notify_all()

    @property
    def pending(self) -> bool:
        """Whether an edit waits for a build (idle work then stops early)."""
        with self._cond:
            return self._dirty

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._busy

    def wait_idle(self, timeout: float) -> bool:
        """True once no build is running or queued, the search build and the last build's
        collection included (for tests and benchmarks: a settled preview)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty or self._busy or self._index_at is not None \
                    or self._settle_at is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 30.0) -> None:
        self._worker.close(timeout)  # let a running build finish its swap

    def _take(self) -> set[Path] | str | None:
        """All that was submitted, as one batch (an empty one still asks for a build); else
        the search build when due."""
        if self._dirty:
            batch, self._pending, self._dirty, self._busy = self._pending, set(), False, True
            return batch
        if self._settle_at is not None and time.monotonic() >= self._settle_at:
            self._settle_at, self._busy = None, True
            return _SETTLE
        if self._index_at is not None and time.monotonic() >= self._index_at:
            self._index_at, self._busy = None, True
            self._cancel = threading.Event()
            return _INDEX
        return None

    def _timeout(self) -> float | None:
        due = [at for at in (self._settle_at, self._index_at) if at is not None]
        return None if not due else max(0.0, min(due) - time.monotonic())

    def _work(self, batch: set[Path] | str) -> None:
        if batch == _SETTLE:
            self._settle()
        elif isinstance(batch, str):
            with self._cond:
                cancel = self._cancel
            assert cancel is not None
            self._index(cancel)
        else:
            self._build(batch)
        if batch != _SETTLE:
            self.settle_later(SETTLE_DELAY)

    def _done(self) -> None:
        """Wake `wait_idle`, crashed build or not."""
        self._busy = False
        self._cancel = None
        self._cond.notify_all()


_INDEX = "search index"
_SETTLE = "collection"


class Preview:
    """A running preview of one site: HTTP server, watcher, rebuild thread, live-reload hub."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 poll: bool = False, drafts: bool = False, out_dir: Path | None = None,
                 builder: Builder | None = None, quiet_seconds: float | None = None,
                 overrides: dict[str, Any] | None = None) -> None:
        self.root = root
        self.host = host
        self.port = port
        self.drafts = drafts
        self.out_override = out_dir
        self.overrides = dict(overrides or {})
        self.hub = Hub(root)
        self.builds = 0
        self.last_build_seconds = 0.0
        self.last_report: BuildResult | None = None
        self._builder = builder
        self._poll = poll
        self._quiet = quiet_seconds
        self._server: PreviewHTTPServer | None = None
        self._server_thread: threading.Thread | None = None
        self._watcher: Watcher | None = None
        self._rebuilder: _Rebuilder | None = None
        self._stopped = threading.Event()
        self._own_writes: dict[Path, int] = {}
        self._own_folders: set[Path] = set()
        self._build_lock = threading.Lock()
        self._held: HeldModel | None = None   # the model kept between builds
        self._cold_cards = False   # the site has cards, not drawn in this process yet
        self._watched = Watched()   # what the watcher's events vouch for, to the held model
        self.indexed = 0   # search builds done after rebuilds
        self.state = PreviewState(out_dir or root / "_site", "/", self.hub)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}{self.state.base_path}"

    def start(self) -> None:
        """Bind (UsageError when the port is taken), build once, then serve and watch."""
        config = self._try_config()
        if config is not None:
            self.state.base_path = config.base_path
            self.state.out_dir = self.out_override or config.output_path
        self._server = bind(self.host, self.port, self.state)
        self.port = self._server.server_address[1]
        # Watch before the first build: a save during a long first build is not missed (its
        # rebuild waits for the build lock).
        self._rebuilder = _Rebuilder(self._build, self._index, self._settle)
        watcher_args: dict[str, Any] = {"poll": self._poll}
        if self._quiet is not None:
            watcher_args["quiet"] = self._quiet
        self._watcher = Watcher(self._rebuilder.submit, seen=self._watched.changed,
                                lost=self._watched.rescan, **watcher_args)
        self._watch(config)
        self._build(set(), first=True)
        self._rebuilder.settle_later(SETTLE_DELAY)
        self._server_thread = threading.Thread(target=self._server.serve_forever,
                                               kwargs={"poll_interval": 0.2},
                                               name="sitegen-http", daemon=True)
        self._server_thread.start()

    def wait(self) -> None:
        """Block until `stop()` or Ctrl-C."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, finish a running build, end event streams, close the socket."""
        self._stopped.set()
        if self._watcher is not None:
            self._watcher.close()
        if self._rebuilder is not None:
            if self._rebuilder.busy:
                log.warning("waiting for the running build to finish its swap "
                            "(Ctrl-C again quits at once)")
            self._rebuilder.close()
        self._collect()   # the collector on again for an in-process caller
        settle_records()   # the last build's records, for the next process
        self.hub.close()
        if self._server is not None:
            if self._server_thread is not None and self._server_thread.is_alive():
                self._server.shutdown()
            self._server.server_close()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        idle = self._rebuilder.wait_idle(timeout) if self._rebuilder else True
        if idle:
            settle_records()   # the last build's records saved too
        return idle

    # -- building --------------------------------------------------------------------------

    def _try_config(self) -> Config | None:
        try:
            return self._config()
        except SitegenError:
            return None

    def _config(self) -> Config:
        """The site's config with base_url pointing at this server, keeping the base path."""
        config = load_config(self.root, overrides=self.overrides)
        return replace(config, base_url=f"http://{_url_host(self.host)}:{self.port}"
                                        f"{config.base_path}")

    def _watch(self, config: Config | None) -> None:
        if self._watcher is None:
            return
        content = config.content_path if config else self.root / "content"
        folders = [content, self.root / "themes", self.root / "templates", self.root / "static",
                   default_theme_dir()]
        self._watcher.watch(folders, files=[self.root / CONFIG_NAME])
        if self._watcher.exact:   # else every build stats every file, as `sitegen build`
            self._watched.watch(os.fspath(content))

    def _settle(self) -> None:
        """Once the last build's reload went out (`SETTLE_DELAY`), with nothing to build: its
        garbage collection, then the site's folders it wrote made known to the next edit's
        writer (`HeldSite.settle_folders`), stopped early by an edit, and the writer's view of
        the site's listing made (`HeldSite.prepare`); after the first build,
        the card drawing warmed (`cards.warm`)."""
        self._collect()
        rebuilder = self._rebuilder
        with self._build_lock:
            if self._held is not None and rebuilder is not None:
                self._held.site.settle_folders(lambda: rebuilder.pending)
                if not rebuilder.pending:
                    self._held.site.prepare()
            if self._cold_cards and rebuilder is not None and not rebuilder.pending:
                self._cold_cards = False   # (once: the first edit's card is drawn here)
                from sitegen.render.cards import warm

                warm()

    def _collect(self) -> None:
        """The last build's garbage collection (`site.settle_collection`), if still due."""
        from sitegen.site import settle_collection

        with self._build_lock:
            settle_collection()

    def _build(self, changed: set[Path], *, first: bool = False) -> None:
        """Rebuild everything; on success reload the tabs, on failure show the problems."""
        with self._build_lock:
            self._build_locked(changed, first)

    def _build_locked(self, changed: set[Path], first: bool) -> None:
        started = time.perf_counter()
        if not first:
            changed = {p for p in changed if not self._written_by_us(p)}
            if not changed:
                return
        config_path = (self.root / CONFIG_NAME).resolve()
        try:
            config = self._config()
        except SitegenError as exc:
            self._failed(exc.problems, first)
            return
        self._watch(config)
        css_only = bool(changed) and all(
            p.suffix.lower() in CSS_SUFFIXES for p in changed) and config_path not in changed
        raw_dir = config.content_path.resolve() / "raw"
        import_raw = first or any(p == raw_dir or raw_dir in p.parents for p in changed)
        out = self.out_override or config.output_path
        # the first build indexes; a rebuild keeps the index, `_index` brings it up to date
        report = self._attempt(
            lambda: self._run(config, out_dir=out, import_raw=import_raw, search_index=first),
            "building", first)
        if report is None:
            return
        self.state.out_dir = report.out_dir
        self.state.base_path = config.base_path
        if first:
            self._cold_cards = config.cards and self._builder is None
        self._remember_imports(report)
        self.last_report = report
        self.builds += 1
        self.last_build_seconds = time.perf_counter() - started
        self.hub.built(css_only=css_only)
        if first:
            log.info(report.summary())
        else:
            if config.search and not css_only and self._rebuilder is not None:
                self._rebuilder.index_later(SEARCH_DELAY)   # no page changes with a stylesheet
            what = "stylesheet" if css_only else f"{len(changed)} change(s)"
            log.info("rebuilt after %s in %.2fs", what, self.last_build_seconds)

    def _attempt(self, build: Callable[[], BuildResult], what: str,
                 first: bool) -> BuildResult | None:
        """`build()`, or None when it failed: the site's problems (or a bug in a stage) are
        shown in the browser and the preview stays up."""
        try:
            return build()
        except IndexCancelled:
            raise
        except SitegenError as exc:
            self._failed(exc.problems, first)
        except Exception as exc:  # a bug in a stage must not take the preview down
            log.debug("crashed while %s", what, exc_info=True)
            self._failed([Problem(None, f"internal error while {what}: {exc!r}")], first)
        return None

    def _run(self, config: Config, **options: Any) -> BuildResult:
        """One build with the options given, and the model this preview keeps."""
        if self._builder is not None:
            return self._builder(config, drafts=self.drafts, progress=False, **options)
        from sitegen.site import build_site
        from sitegen.snapshot import HeldModel

        if self._held is None:
            self._held = HeldModel(self._watched)
        return build_site(config, drafts=self.drafts, progress=False, held=self._held,
                          **options)

    def _index(self, cancel: threading.Event) -> None:
        """Bring the search index up to date after rebuilds (its parts whose pages changed):
        a build like the last one with search on, without a reload (no page changed). An edit
        that sets `cancel` meanwhile stops it; it is asked for again, after that edit."""
        def index() -> BuildResult:
            config = self._config()
            return self._run(config, out_dir=self.out_override or config.output_path,
                             import_raw=False, search_index=True, cancel=cancel)

        with self._build_lock:
            started = time.perf_counter()
            try:
                report = self._attempt(index, "indexing", False)
            except IndexCancelled:
                log.info("search build cancelled by an edit after %.2fs",
                         time.perf_counter() - started)
                if self._rebuilder is not None:   # the edit's rebuild moves it back again
                    self._rebuilder.index_later(SEARCH_DELAY)
                return
            if report is None:
                return
            self.indexed += 1
            log.info("search index brought up to date in %.2fs", time.perf_counter() - started)

    def _remember_imports(self, report: BuildResult) -> None:
        """Articles the build's raw import just wrote: their events must not rebuild again."""
        written = getattr(getattr(report, "imported", None), "written", None) or []
        own: dict[Path, int] = {}
        folders: set[Path] = set()
        for path in written:
            try:
                resolved = Path(path).resolve()
                own[resolved] = resolved.stat().st_mtime_ns
            except OSError:
                continue
            folders.update(resolved.parents)  # e.g. a new content/articles/2022/
        self._own_writes = own
        self._own_folders = folders

    def _written_by_us(self, path: Path) -> bool:
        """True for an article the import wrote (unchanged since) or a folder it created."""
        try:
            if path in self._own_folders and path.is_dir():
                return True
            return self._own_writes.get(path) == path.stat().st_mtime_ns
        except OSError:
            return False

    def _failed(self, problems: list[Problem], first: bool) -> None:
        if self._rebuilder is not None:   # indexing a broken site fails the same way
            self._rebuilder.index_later(None)
        self.hub.failed(problems)
        for problem in problems:
            log.error("%s", problem)
        log.warning("build failed%s; fix the file and save (the browser shows the errors)",
                    "" if first else "; still serving the last good site")


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, poll: bool = False,
          drafts: bool = False, out_dir: Path | None = None) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); return the exit code."""
    preview = Preview(root, host=host, port=port, poll=poll, drafts=drafts, out_dir=out_dir)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a shell starting us in the background may have set it to "ignore".
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        preview.start()
        print(f"serving {preview.url} (watching for changes; Ctrl-C to stop)", flush=True)
        preview.wait()
    except KeyboardInterrupt:
        print("sitegen serve: stopped", file=sys.stderr)
    finally:
        preview.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    return 0
