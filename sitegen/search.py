"""Full-text search: run Pagefind over the freshly written site, before it is swapped in.

Pagefind (https://pagefind.app, the `pagefind[bin]` package) reads the built HTML and writes a
static index into `pagefind/`, which the theme's `search.js` queries in the browser; no server is
involved, so search works on GitHub Pages and under a base path. Indexing runs on the staging
folder (see `write.write_site`), so a failed index fails the build and the old site stays.
A missing binary is a warning, not an error: the site is built without an index and the search
box stays what it is without JavaScript, links to the tag and speaker indexes.

Pagefind's filter and metadata files are not byte-stable between runs (Pagefind issue #638), so
the index of each site's last build is kept in sitegen's user cache folder (`$SITEGEN_CACHE_DIR`,
else `$XDG_CACHE_HOME/sitegen`, else `~/.cache/sitegen`; never in the site, which `deploy`
promises not to touch), keyed by the HTML it was built from: unchanged pages give the same index
bytes (a `sitegen deploy` of an unchanged site commits nothing) and a rebuild that changed no
page (a stylesheet edit in `serve`) skips Pagefind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from sitegen.config import Config
from sitegen.errors import Problem, SitegenError
from sitegen.incremental.machine import user_cache_root

log = logging.getLogger("sitegen.search")

SEARCH_DIR = "pagefind"          # the index, at <base path>pagefind/
PAGEFIND_ENV = "SITEGEN_PAGEFIND"  # path of a pagefind binary to use instead of the bundled one
TIMEOUT_SECONDS = 600
MISSING = ("search = true but the pagefind binary is not installed "
           "(pip install 'pagefind[bin]'); the site is built without a search index")


def pagefind_executable() -> Path | None:
    """$SITEGEN_PAGEFIND, else the binary of the `pagefind_bin` package, else `pagefind` on PATH."""
    override = os.environ.get(PAGEFIND_ENV)
    if override:
        path = Path(override)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped,import-not-found,unused-ignore]

        found = Path(get_executable())
        if found.is_file():
            return found
    except (ImportError, FileNotFoundError):
        pass
    on_path = shutil.which("pagefind")
    return Path(on_path) if on_path else None


def index_site(site_dir: Path, config: Config) -> str | None:
    """Write the search index into `site_dir/pagefind/`; return a warning when it could not.

    Raises SitegenError when Pagefind runs and fails, so the half-indexed site is never used.
    """
    exe = pagefind_executable()
    if exe is None:
        log.warning(MISSING)
        return MISSING
    command = [str(exe), "--site", str(site_dir), "--output-subdir", SEARCH_DIR, "--silent"]
    cache = site_cache(config) / _input_key(site_dir, exe, command[3:])
    target = site_dir / SEARCH_DIR
    if (cache / "pagefind.js").is_file():
        try:
            shutil.copytree(cache, target)
            return None
        except OSError:
            shutil.rmtree(target, ignore_errors=True)   # index afresh below
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SitegenError(Problem(None, f"search index: cannot run {exe}: {exc}")) from None
    if result.returncode != 0 or not (site_dir / SEARCH_DIR / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SitegenError(Problem(None, f"search index: pagefind failed (exit "
                                         f"{result.returncode}): {' | '.join(detail)}"))
    _remember(target, cache)
    return None


def site_cache(config: Config) -> Path:
    """This site's search cache folder (one per site root) in sitegen's user cache."""
    site = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:16]
    return user_cache_root() / "search" / site


def _input_key(site_dir: Path, exe: Path, options: list[str]) -> str:
    """A digest of everything Pagefind reads: the binary, its options and every HTML file."""
    digest = hashlib.sha256()
    info = exe.stat()
    digest.update(f"{exe.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    digest.update("\0".join(options).encode())
    for path in sorted(site_dir.rglob("*.html")):
        digest.update(b"\0" + path.relative_to(site_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _remember(index: Path, cache: Path) -> None:
    """Keep this index as the only cached one; a cache that cannot be written is no error."""
    partial = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        if cache.parent.is_dir():   # only our own key-named folders live here
            for old in cache.parent.iterdir():
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old, ignore_errors=True)
        shutil.copytree(index, partial)
        partial.rename(cache)
    except OSError as exc:
        log.debug("search index not cached: %s", exc)
        shutil.rmtree(partial, ignore_errors=True)
