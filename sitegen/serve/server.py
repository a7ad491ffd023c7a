"""Serve the built site from its output folder, as GitHub Pages would, plus the live-reload stream.

Stdlib `ThreadingHTTPServer` with daemon threads: each client (and each long-lived event stream)
gets its own thread, so one open tab never blocks another. The request path is checked before it
touches the file system: nothing outside the output folder is ever served, however it is encoded.
"""

from __future__ import annotations

import errno
import logging
import mimetypes
import os
import queue
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import unquote, urlsplit

from sitegen.errors import UsageError
from sitegen.serve.livereload import EVENTS_PATH, KEEPALIVE_SECONDS, Event, Hub, inject

log = logging.getLogger("sitegen.serve")

# Preview only: the right types for what sitegen writes, independent of the machine's mime.types.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
}
FEED_NAMES = frozenset({"feed.xml", "atom.xml"})
NOT_FOUND_PAGE = "404.html"
# The output folder is missing for an instant while a build swaps the new site in.
SWAP_RETRIES = 40
SWAP_RETRY_SECONDS = 0.025


def content_type(path: Path) -> str:
    """The Content-Type header for a file of the built site."""
    if path.name in FEED_NAMES:
        return "application/atom+xml"
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def url_to_relative(raw_path: str, base_path: str) -> tuple[str, ...] | None:
    """The path segments below the output folder for a request path, or None to refuse it.

    Refused: anything outside `base_path`, `..` and `.` segments (also percent-encoded), encoded
    slashes and backslashes (`%2f`, `%5c`), backslashes, NUL, and empty segments (`//etc`).
    """
    path = urlsplit(raw_path).path
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered or "\\" in path:
        return None
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith(base_path):
        return None
    rest = decoded[len(base_path):]
    parts = rest.split("/")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if any(part in ("", ".", "..") or ":" in part for part in parts):
        return None
    return tuple(parts)


def _wait_for_folder(out_dir: Path) -> None:
    """The output folder is missing for an instant while a build swaps the new site in."""
    for _ in range(SWAP_RETRIES):
        if out_dir.is_dir():
            return
        time.sleep(SWAP_RETRY_SECONDS)


@contextmanager
def _pinned(out_dir: Path) -> Iterator[int | None]:
    """The inode of the folder now at `out_dir` (None if absent), held open meanwhile so that
    a folder swapped in later cannot reuse it: an equal inode afterwards means the same site."""
    fd = None
    for _ in range(SWAP_RETRIES):
        try:
            fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
            break
        except OSError:
            time.sleep(SWAP_RETRY_SECONDS)  # a build is swapping the new site in
    if fd is None:
        yield None
        return
    try:
        yield os.fstat(fd).st_ino
    finally:
        os.close(fd)


def _inode(out_dir: Path) -> int | None:
    try:
        return os.stat(out_dir).st_ino
    except OSError:
        return None


def _open_file(path: Path) -> BinaryIO | None:
    """The regular file at `path`, open for reading; None when it is not there (any more)."""
    try:
        return path.open("rb") if path.is_file() else None
    except OSError:
        return None


class PreviewState:
    """What the request handlers read: the folder to serve and its base path; swapped on reload."""

    def __init__(self, out_dir: Path, base_path: str, hub: Hub) -> None:
        self.out_dir = out_dir
        self.base_path = base_path
        self.hub = hub
        self.building = threading.Event()


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threading server whose threads never keep the process alive on exit."""

    daemon_threads = True
    block_on_close = False
    state: PreviewState

    def __init__(self, address: tuple[str, int], state: PreviewState) -> None:
        self.state = state
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)


    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A browser closing a connection early is normal; never print a traceback for it."""
        log.debug("request from %s failed", client_address, exc_info=True)


def bind(host: str, port: int, state: PreviewState) -> PreviewHTTPServer:
    """Bind the preview server, or a one-line UsageError (port taken, no such address)."""
    try:
        return PreviewHTTPServer((host, port), state)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other server "
                             f"or pick another port with --port {port + 1}") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"not allowed to listen on {host}:{port}; "
                             "use a port above 1023 such as --port 8000") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the built site; the event stream for live reload."""

    server_version = "sitegen-serve"
    protocol_version = "HTTP/1.1"

    @property
    def state(self) -> PreviewState:
        return cast(PreviewHTTPServer, self.server).state

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events()
            return
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        state = self.state
        base = state.base_path
        path = urlsplit(self.path).path
        if base != "/" and path in ("/", base.rstrip("/")):
            self._redirect(base)
            return
        parts = url_to_relative(self.path, base)
        if parts is None:
            self._not_found(head)
            return
        # A rebuild may swap the whole folder between looking a file up and opening it: when
        # the folder changed meanwhile, look again (an open file stays readable after a swap).
        for _ in range(SWAP_RETRIES):
            with _pinned(state.out_dir) as before:
                if before is None:
                    break   # no site has been built
                target = self._find(state.out_dir, parts)
                if target is not None and target.is_dir():
                    if not path.endswith("/"):
                        query = urlsplit(self.path).query
                        self._redirect(path + "/" + (f"?{query}" if query else ""))
                        return
                    target = target / "index.html"
                handle = _open_file(target) if target is not None else None
                if target is not None and handle is not None:
                    with handle:
                        self._send_handle(handle, target, HTTPStatus.OK, head)
                    return
                if _inode(state.out_dir) == before:
                    break   # the site did not change under us: it really is missing
        self._not_found(head)

    def _find(self, out_dir: Path, parts: tuple[str, ...]) -> Path | None:
        """The existing file or folder for the segments, inside the output folder only."""
        _wait_for_folder(out_dir)
        root = out_dir.resolve()
        target = root.joinpath(*parts)
        if not target.exists():
            return None
        resolved = target.resolve()
        if resolved != root and root not in resolved.parents:
            return None  # a symlink pointing out of the output folder
        return target

    def _not_found(self, head: bool) -> None:
        page = self.state.out_dir / NOT_FOUND_PAGE
        if page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, head)
            return
        built = self.state.out_dir.is_dir()
        text = (b"No such page in the built site." if built
                else b"No site has been built yet: see the errors (or the terminal).")
        body = (b"<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>"
                b"<body><h1>Not found</h1><p>" + text + b"</p></body></html>")
        body = inject(body, self.state.hub.snippet())
        self._send_bytes(body, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND, head)

    def _send_file(self, path: Path, status: HTTPStatus, head: bool) -> None:
        handle = _open_file(path)
        if handle is None:
            self._send_bytes(b"not found", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND, head)
            return
        with handle:
            self._send_handle(handle, path, status, head)

    def _send_handle(self, handle: BinaryIO, path: Path, status: HTTPStatus,
                     head: bool) -> None:
        """Send an open file; its size comes from the handle, so a swap cannot change it."""
        kind = content_type(path)
        if kind.startswith("text/html"):
            body = inject(handle.read(), self.state.hub.snippet())
            self._send_bytes(body, kind, status, head)
            return
        size = os.fstat(handle.fileno()).st_size
        self.send_response(status)
        self._headers(kind, size)
        if not head:
            shutil.copyfileobj(handle, self.wfile)

    def _send_bytes(self, body: bytes, kind: str, status: HTTPStatus, head: bool) -> None:
        self.send_response(status)
        self._headers(kind, len(body))
        if not head:
            self.wfile.write(body)

    def _headers(self, kind: str, length: int) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """Stream events until the client goes away or the server stops."""
        hub = self.state.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        self.close_connection = True
        inbox = hub.connect()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                try:
                    event: Event | None = inbox.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")
                    self.wfile.flush()
                    continue
                if event is None:
                    return
                self.wfile.write(event.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return
        finally:
            hub.disconnect(inbox)
