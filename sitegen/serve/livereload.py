"""Live reload over Server-Sent Events, and the small script that listens for it.

The script is injected into HTML responses at serve time, so files on disk stay exactly what
`sitegen build` writes. Events: `reload` after a successful rebuild was swapped in, `css` when only
stylesheets changed (swap them, keep the page state), `error` with the build problems (an overlay in
every open tab while the last good site stays served), `hello` on connect with the build number so
a tab that missed a rebuild while disconnected catches up.
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem

EVENTS_PATH = "/__sitegen/events"
KEEPALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class Event:
    """One Server-Sent Event."""

    name: str
    data: str

    def encode(self) -> bytes:
        lines = "".join(f"data: {line}\n" for line in self.data.splitlines() or [""])
        return f"event: {self.name}\n{lines}\n".encode()


def problems_json(problems: Iterable[Problem], root: Path | None = None) -> str:
    """Problems as a JSON list of {file, line, message}, paths relative to the site when inside."""
    return json.dumps([{"file": _show(p.path, root), "line": p.line, "message": p.message}
                       for p in problems])


def _show(path: Path | None, root: Path | None) -> str:
    if path is None:
        return ""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except (ValueError, OSError):
            pass
    return str(path)


class Hub:
    """The connected browsers, the current build number and the current error state."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._clients: set[queue.Queue[Event | None]] = set()
        self.generation = 0
        self.errors: tuple[Problem, ...] = ()

    def connect(self) -> queue.Queue[Event | None]:
        """A queue of events for one client, primed with the current state."""
        inbox: queue.Queue[Event | None] = queue.Queue()
        with self._lock:
            inbox.put(Event("hello", str(self.generation)))
            if self.errors:
                inbox.put(Event("error", problems_json(self.errors, self.root)))
            self._clients.add(inbox)
        return inbox

    def disconnect(self, inbox: queue.Queue[Event | None]) -> None:
        with self._lock:
            self._clients.discard(inbox)

    @property
    def client_count(self) -> int:
        with self._lock:
            return len(self._clients)

    def built(self, *, css_only: bool) -> None:
        """A new build is in place: reload the tabs (or only swap stylesheets)."""
        with self._lock:
            was_broken = bool(self.errors)
            self.errors = ()
            self.generation += 1
            name = "css" if css_only and not was_broken else "reload"
            self._send(Event(name, str(self.generation)))

    def failed(self, problems: Iterable[Problem]) -> None:
        """The build failed: show the problems in every tab; the last good site stays served."""
        with self._lock:
            self.errors = tuple(problems)
            self._send(Event("error", problems_json(self.errors, self.root)))

    def close(self) -> None:
        """Wake every event stream so its thread ends (server shutdown)."""
        with self._lock:
            for inbox in self._clients:
                inbox.put(None)
            self._clients.clear()

    def _send(self, event: Event) -> None:
        for inbox in self._clients:
            inbox.put(event)

    def snippet(self) -> bytes:
        """The script for one HTML response, carrying the state at the time it was served."""
        with self._lock:
            errors = problems_json(self.errors, self.root) if self.errors else "[]"
            generation = self.generation
        state = _script_json(errors)
        return (f'<script id="sitegen-livereload">window.__sitegen={{"generation":{generation},'
                f'"errors":{state},"events":"{EVENTS_PATH}"}};\n{CLIENT_JS}</script>\n').encode()


def _script_json(text: str) -> str:
    """JSON that cannot end the <script> element it sits in."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(html: bytes, snippet: bytes) -> bytes:
    """Put the snippet before the last `</body>`, or at the end when there is none."""
    matches = list(_BODY_END.finditer(html))
    if not matches:
        return html + snippet
    at = matches[-1].start()
    return html[:at] + snippet + html[at:]


# Plain ES5 without dependencies; DOM text only through textContent, so problems are escaped.
CLIENT_JS = r"""(function () {
  var state = window.__sitegen, generation = state.generation, OVERLAY = "sitegen-error-overlay";
  function hide() { var old = document.getElementById(OVERLAY); if (old) old.remove(); }
  function show(problems) {
    hide();
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
      "padding:2rem;background:rgba(20,20,20,.97);color:#fff;font:15px/1.5 monospace;";
    var title = document.createElement("h2");
    title.textContent = "sitegen: the build failed; showing the last good site";
    title.style.cssText = "color:#ff8080;font:bold 18px/1.4 sans-serif;margin:0 0 1rem";
    box.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = p.file ? p.file + (p.line ? ":" + p.line : "") + ": " : "";
      item.textContent = where + p.message;
      item.style.cssText = "white-space:pre-wrap;margin:0 0 .5rem";
      list.appendChild(item);
    });
    box.appendChild(list);
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page updates by itself.";
    box.appendChild(hint);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.onclick = hide;
    box.appendChild(close);
    document.body.appendChild(box);
  }
  function swapCss() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      url.searchParams.set("sitegen", String(Date.now()));
      link.href = url.toString();
    });
  }
  if (state.errors.length) show(state.errors);
  if (!window.EventSource) return;
  // Browsers allow about six connections per host; a hidden tab lets go of its stream so many
  // open tabs never starve page loads, and catches up through `hello` when shown again.
  var source = null;
  function connect() {
    source = new EventSource(state.events);
    source.addEventListener("hello", function (e) {
      if (Number(e.data) !== generation) location.reload();
    });
    source.addEventListener("reload", function () { source.close(); location.reload(); });
    source.addEventListener("css", function (e) {
      generation = Number(e.data);
      hide();
      swapCss();
    });
    source.addEventListener("error", function (e) {
      if (e.data !== undefined) show(JSON.parse(e.data));
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && source) { source.close(); source = null; }
    else if (!document.hidden && !source) connect();
  });
  if (!document.hidden) connect();
})();"""
