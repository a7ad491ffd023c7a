"""What this machine keeps for sitegen outside any site: the user cache folder, and the key
that signs compiled templates.

Compiled templates are code (Jinja's bytecode is marshalled Python code objects), so unlike the
rest of the build cache they cannot be made harmless by storing them as data: 8 bytes of
`\\xff` in one crashed the interpreter, and a crafted one would run in the publishing job once CI
restores the cache (issue 18). Each is signed with a key that never leaves this machine's user
cache; one whose signature does not verify (damaged, crafted, or made on another machine, as a
cache restored in CI is) is compiled again from its source.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.incremental.store import replace_file

if TYPE_CHECKING:
    from jinja2.bccache import Bucket, BytecodeCache

log = logging.getLogger("sitegen.cache")

CACHE_ENV = "SITEGEN_CACHE_DIR"
_KEY_FILE = "template-signing.key"


def user_cache_root() -> Path:
    """`$SITEGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sitegen`, else `~/.cache/sitegen`."""
    base = os.environ.get(CACHE_ENV) or (
        str(Path(os.environ["XDG_CACHE_HOME"]) / "sitegen") if os.environ.get("XDG_CACHE_HOME")
        else str(Path.home() / ".cache" / "sitegen"))
    return Path(base)


def signing_key() -> bytes | None:
    """This machine's key (made on first use, readable by the user only), or None when the
    user cache cannot hold one."""
    path = user_cache_root() / _KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(tmp, path)
        return path.read_bytes() if path.stat().st_size == 32 else None   # a racing maker won
    except OSError as exc:
        log.debug("no template signing key: %s", exc)
        return None


def signed_bytecode_cache(folder: Path) -> BytecodeCache | None:
    """A Jinja bytecode cache in `folder` that loads only what this machine signed, or None."""
    found = signing_key()
    if found is None:
        return None
    key: bytes = found
    from jinja2 import bccache

    class SignedBytecodeCache(bccache.BytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                data = (folder / f"{bucket.key}.cache").read_bytes()
            except OSError:
                return
            mac, body = data[:32], data[32:]
            if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
                log.debug("compiling %s again: its cached bytecode is not signed here",
                          bucket.key)
                return
            bucket.load_bytecode(io.BytesIO(body))

        def dump_bytecode(self, bucket: Bucket) -> None:
            body = bucket.bytecode_to_string()   # a read-only cache: compiled again next time
            replace_file(folder / f"{bucket.key}.cache",
                         hmac.new(key, body, hashlib.sha256).digest() + body)

    return SignedBytecodeCache()
