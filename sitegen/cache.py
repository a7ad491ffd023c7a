"""The build cache in `<site>/.sitegen-cache/`: work a rebuild can skip when its inputs match.

Safe to delete at any time (the next build is a clean one), and versioned: every entry file is
keyed by the sitegen version and the hash of the code and settings that produced it, so an
upgrade or a settings change invalidates exactly that part. Entries are keyed by the hash of
their input bytes, never by mtimes, so a cached result is the result a clean build would give.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.config import Config
from sitegen.markup import MarkdownRenderer, Paragraph
from sitegen.parallel import map_chunks
from sitegen.render.reading import word_count

log = logging.getLogger("sitegen.cache")

CACHE_DIR = ".sitegen-cache"
FORMAT = 1
_CODE = (Path(__file__).parent / "markup.py", Path(__file__).parent / "render" / "reading.py")

# A converted body: HTML, its top-level paragraphs (quote anchors) and its word count.
Converted = tuple[str, tuple[Paragraph, ...], int]


def cache_dir(config: Config) -> Path:
    return config.root / CACHE_DIR


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _markdown_key(config: Config) -> str:
    """What Markdown output depends on besides the text: code version, extensions, safety."""
    code = [p.read_bytes() for p in _CODE if p.is_file()]
    return digest(__version__, str(FORMAT), repr(config.markdown_extensions),
                  repr(config.unsafe_html), *code)


def load(config: Config, name: str, key: str) -> dict[str, Any]:
    """The entries of cache file `name` when it was written under `key`, else none."""
    path = cache_dir(config) / f"{name}.pickle"
    try:
        with path.open("rb") as f:
            stored = pickle.load(f)
    except FileNotFoundError:
        return {}
    except Exception as exc:   # a corrupt or foreign cache is a cache miss, never an error
        log.debug("ignoring %s: %s", path, exc)
        return {}
    if not isinstance(stored, dict) or stored.get("key") != key:
        return {}
    entries = stored.get("entries")
    return entries if isinstance(entries, dict) else {}


def save(config: Config, name: str, key: str, entries: dict[str, Any]) -> None:
    """Write cache file `name` atomically; a cache that cannot be written is only slower."""
    folder = cache_dir(config)
    path = folder / f"{name}.pickle"
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump({"key": key, "entries": entries}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("cannot write %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


_renderer: tuple[Config, MarkdownRenderer] | None = None


def _convert_chunk(bodies: Sequence[str]) -> list[Converted]:
    """Convert Markdown bodies with one renderer (also run in forked workers)."""
    assert _renderer is not None
    renderer = _renderer[1]
    out: list[Converted] = []
    for body in bodies:
        html = renderer.convert(body)
        out.append((html, renderer.paragraphs, word_count(html)))
    return out


def convert_bodies(config: Config, bodies: Sequence[str]) -> list[Converted]:
    """Markdown -> HTML for every body: cached results by text hash, the rest converted (over
    processes when there are many) and remembered for the next build."""
    global _renderer
    key = _markdown_key(config)
    cached = load(config, "markdown", key)
    hashes = [digest(b) for b in bodies]
    missing = sorted({h: b for h, b in zip(hashes, bodies, strict=True) if h not in cached}.items())
    if missing:
        _renderer = (config, MarkdownRenderer(config))
        try:
            done = map_chunks(_convert_chunk, [b for _, b in missing])
        finally:
            _renderer = None
        cached.update(zip((h for h, _ in missing), done, strict=True))
    used = {h: cached[h] for h in hashes}
    if missing or len(used) != len(cached):
        save(config, "markdown", key, used)
    return [used[h] for h in hashes]
