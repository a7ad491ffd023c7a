"""Digests of what a build reads: sitegen's own code, the site's templates and content.

A build with nothing to do stops after hashing these (`input_key`); a page is rendered again
when `render_key` (everything its bytes depend on besides its values) changed. Bytes are
hashed, never mtimes (`stamps.FileDigests` reads only files whose stat changed), so no edit
can hide behind a coarse clock.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.config import Config
from sitegen.stamps import FileDigests

FORMAT = 2   # of the cache: 2, data (`incremental.codec`) instead of pickles
PACKAGE = Path(__file__).resolve().parent.parent
CACHE_DIR = ".sitegen-cache"


def digest(*parts: str | bytes) -> str:
    """One hex digest of `parts`, each length-prefixed so no two lists of parts collide."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _tree(h: Any, folder: Path, skip: frozenset[str], digests: FileDigests) -> None:
    """Add every file below `folder` (path and bytes, sorted) to hash `h`; in `serve`, the
    listing a watcher vouches for (`watched`) instead of a walk."""
    if not folder.is_dir():
        h.update(b"\0absent\0" + str(folder).encode("utf-8", "surrogateescape"))
        return
    top = os.fspath(folder)
    vouch = digests.vouch
    files = _files(top, skip) if vouch is None else vouch.listing(
        f"tree {sorted(skip)} {top}", lambda: _files(top, skip),
        lambda found: (path for _, path in found), top)
    for rel, path in files:
        h.update(len(rel).to_bytes(8, "little") + rel)
        h.update(digests.digest(path))


def _files(top: str, skip: frozenset[str]) -> tuple[tuple[bytes, str], ...]:
    """Each file below `top` as (its path from `top` as bytes, its path), sorted by folder."""
    found = []
    for dirpath, dirnames, filenames in os.walk(top):   # plain strings: no Path per file
        dirnames[:] = sorted(d for d in dirnames if d not in skip and d != "__pycache__")
        prefix = os.path.relpath(dirpath, top)
        for name in sorted(filenames):
            rel = (name if prefix == "." else os.path.join(prefix, name)).encode(
                "utf-8", "surrogateescape")
            found.append((rel, os.path.join(dirpath, name)))
    return tuple(found)


_code: str | None = None


def code_digest(digests: FileDigests | None = None) -> str:
    """One digest of sitegen itself: its version, the cache format, and every file of the
    package and of the default theme (data tables included), walked once per process.

    Every cache entry is keyed by it instead of by hand-kept lists of the modules that made it
    (a list that missed a new import kept stale entries). Any change to sitegen's code is then
    a clean build, which only its developers notice. `digests` lets a build reuse the stat of
    files it hashed last time.
    """
    global _code
    if _code is None:
        h = hashlib.blake2b(digest_size=20)
        h.update(repr((__version__, FORMAT)).encode())
        _tree(h, PACKAGE, frozenset(), digests or FileDigests())   # the wheel's theme inside
        checkout_theme = PACKAGE.parent / "themes" / "default"   # a checkout's beside it
        if (checkout_theme / "templates").is_dir():
            _tree(h, checkout_theme, frozenset(), digests or FileDigests())
        _code = h.hexdigest()
    return _code


def render_key(config: Config, digests: FileDigests) -> str:
    """A hash of everything a page's bytes depend on besides the values it is given: settings,
    the site's templates, themes and static files, and sitegen's own code and default theme."""
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((code_digest(digests), config)).encode("utf-8", "surrogateescape"))
    for folder in (config.root / "templates", config.root / "themes", config.root / "static"):
        _tree(h, folder, frozenset({config.output_dir, CACHE_DIR, ".git"}), digests)
    return h.hexdigest()


def input_key(config: Config, out: Path, digests: FileDigests, **options: object) -> str:
    """A hash of everything a build reads: the render key, build options, and the content folder
    (articles, raw text, alias files)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((render_key(config, digests), str(out.resolve()), sorted(options.items()),
                   os.environ.get("SITEGEN_PAGEFIND"))).encode("utf-8", "surrogateescape"))
    for extra in (config.root / "sitegen.toml",):
        h.update(extra.read_bytes() if extra.is_file() else b"\0absent\0")
    _tree(h, config.content_path, frozenset({out.name, CACHE_DIR, ".git"}), digests)
    return h.hexdigest()
