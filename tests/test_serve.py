"""`sitegen serve` at the HTTP level: a real server on a free port, real file watching.

Every test runs the real build pipeline (`sitegen.site.build_site`) on a small site with
`search = false` (Pagefind indexing is tested elsewhere), so what is served is what the default
theme really renders. Where a test must see the build calls, the real `build_site` is wrapped to
record them, never replaced; only the crash test swaps in a failing builder (see its docstring).
"""

from __future__ import annotations

import http.client
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.cli import main
from sitegen.config import CONFIG_NAME, Config
from sitegen.serve import Preview
from sitegen.serve.livereload import EVENTS_PATH, inject
from sitegen.serve.server import url_to_relative
from sitegen.serve.watch import Debouncer, Watcher, is_ignored
from sitegen.site import BuildReport, build_site
from tests.conftest import SAMPLE_RAW, write_article, write_config

SECRET = "TOP-SECRET-OUTSIDE-THE-OUTPUT"
WAIT = 10.0
BURST_WAIT = 60.0   # a 1,000-file burst is a whole rebuild: 10.7 s seen at load 8-10
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class CountingBuilder:
    """The real `build_site`, recording the config of every call (a wrapper, not a stand-in)."""

    def __init__(self) -> None:
        self.calls: list[Config] = []

    def __call__(self, config: Config, **kwargs: Any) -> BuildReport:
        self.calls.append(config)
        return build_site(config, **kwargs)


def make_site(root: Path, base_url: str = "http://127.0.0.1:8000/") -> Path:
    """A real site: one tagged article, the default theme's stylesheet patched by the site (so a
    test can edit it), a PNG in the site's own static/ folder, and a secret outside the output."""
    (root / "content" / "articles").mkdir(parents=True)
    (root / "themes" / "default" / "static").mkdir(parents=True)
    (root / "themes" / "default" / "static" / "style.css").write_text("body{color:red}")
    (root / "static" / "img").mkdir(parents=True)
    (root / "static" / "img" / "logo.png").write_bytes(PNG)
    write_config(root, f'title = "Preview"\nbase_url = "{base_url}"\nsearch = false\n')
    (root / "secret.txt").write_text(SECRET)
    write_article(root / "content", "one", title="First story", date="2022-12-10",
                  tags=["Russia"])
    return root


def start(root: Path, **kwargs: Any) -> Preview:
    preview = Preview(root, port=0, **kwargs)
    preview.start()
    return preview


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    p = start(make_site(tmp_path / "site"))
    yield p
    p.stop()


def get(preview: Preview, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=WAIT)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Events:
    """A minimal Server-Sent Events reader with bounded waits."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.buffer = b""
        self.next("hello")

    def next(self, *names: str, timeout: float = WAIT) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                lines = block.decode().splitlines()
                name = next((x[7:] for x in lines if x.startswith("event: ")), "")
                data = "\n".join(x[6:] for x in lines if x.startswith("data: "))
                if name and (not names or name in names):
                    return name, data
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {names} event within {timeout}s")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("event stream closed")
            self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def test_content_types_and_injected_script(preview: Preview) -> None:
    expected = {"/": "text/html; charset=utf-8", "/static/style.css": "text/css",
                "/feed.xml": "application/atom+xml", "/sitemap.xml": "application/xml",
                "/static/img/logo.png": "image/png", "/robots.txt": "text/plain"}
    for path, kind in expected.items():
        status, headers, body = get(preview, path)
        assert status == 200, path
        assert headers["Content-Type"].startswith(kind), (path, headers["Content-Type"])
        assert int(headers["Content-Length"]) == len(body)
    _, _, page = get(preview, "/index.html")
    assert b"First story" in page
    assert page.index(b"sitegen-livereload") < page.index(b"</body>")
    on_disk = (preview.state.out_dir / "index.html").read_bytes()
    assert b"sitegen-livereload" not in on_disk, "files on disk stay clean"
    status, headers, body = get(preview, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_missing_page_is_404_with_the_sites_404_page(preview: Preview) -> None:
    status, headers, body = get(preview, "/no/such/page/")
    assert status == 404
    assert b"Page not found" in body and b"sitegen-livereload" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_folder_without_slash_redirects(preview: Preview) -> None:
    status, headers, _ = get(preview, "/tags/russia?x=1")
    assert status == 301 and headers["Location"] == "/tags/russia/?x=1"
    status, _, body = get(preview, "/tags/russia/")
    assert status == 200 and b"Russia" in body and b"First story" in body
    assert get(preview, "/static/")[0] == 404  # a folder without index.html is not listed


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/..%2Fsecret.txt", "/tags/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt",
    "//secret.txt", "/" + "%2e%2e/" * 8 + "etc/passwd", "/index.html%00", "/%00",
    "/tags/./russia/", "/%ff%fe",
])
def test_no_path_outside_the_output_folder(preview: Preview, path: str) -> None:
    status, _, body = get(preview, path)
    assert status == 404, path
    assert SECRET.encode() not in body and b"root:" not in body


def test_symlink_out_of_the_output_folder_is_refused(preview: Preview) -> None:
    link = preview.state.out_dir / "leak.txt"
    link.symlink_to(preview.root / "secret.txt")
    status, _, body = get(preview, "/leak.txt")
    assert status == 404 and SECRET.encode() not in body


def test_url_to_relative() -> None:
    assert url_to_relative("/repo/a/b/?q=1", "/repo/") == ("a", "b")
    assert url_to_relative("/repo/", "/repo/") == ()
    assert url_to_relative("/other/", "/repo/") is None
    assert url_to_relative("/repo/%2e%2e/x", "/repo/") is None
    assert url_to_relative("/repo/caf%C3%A9/", "/repo/") == ("café",)


def test_base_path_of_a_project_site(tmp_path: Path) -> None:
    builder = CountingBuilder()
    p = start(make_site(tmp_path / "site", "https://user.github.io/repo/"), builder=builder)
    try:
        assert p.url == f"http://127.0.0.1:{p.port}/repo/"
        assert builder.calls[-1].base_url == p.url
        for path in ("/", "/repo"):
            status, headers, _ = get(p, path)
            assert status == 301 and headers["Location"] == "/repo/", path
        status, _, body = get(p, "/repo/")
        assert status == 200 and b'href="/repo/static/style.css"' in body
        assert get(p, "/repo/static/style.css")[0] == 200
        assert get(p, "/static/style.css")[0] == 404
        assert get(p, "/repo/nothing")[0] == 404
    finally:
        p.stop()


def test_many_clients_at_once_while_event_streams_are_open(preview: Preview) -> None:
    streams = [Events(preview.port) for _ in range(8)]
    failures: list[str] = []

    def client() -> None:
        for path in ("/", "/static/style.css", "/feed.xml", "/nope"):
            try:
                status, _, _ = get(preview, path)
                if status not in (200, 404):
                    failures.append(f"{path}: {status}")
            except OSError as exc:
                failures.append(f"{path}: {exc}")

    threads = [threading.Thread(target=client) for _ in range(40)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=WAIT)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert time.monotonic() - started < WAIT
    assert preview.hub.client_count == 8
    for s in streams:
        s.close()


BROKEN_FRONT_MATTER = """---
date: 2022-12-10
title: Broken: a colon inside an unquoted title
tags: [Russia]
---
Body
"""


def test_edit_reloads_after_the_build_and_errors_show_then_clear(preview: Preview) -> None:
    events = Events(preview.port)
    article = preview.root / "content" / "articles" / "one.md"
    article.write_text(article.read_text().replace("First story", "Changed title"))
    events.next("reload")
    assert b"Changed title" in get(preview, "/")[2], "reload is sent after the swap"

    good = article.read_text()
    article.write_text(BROKEN_FRONT_MATTER)  # a second unquoted colon on line 3
    _, data = events.next("error")
    assert "one.md" in data and '"line": 3' in data and "not valid YAML" in data
    status, _, page = get(preview, "/")
    assert status == 200 and b"Changed title" in page, "last good site stays served"
    assert b"not valid YAML" in page, "a page opened now shows the overlay"
    late = Events(preview.port)  # a tab that connects during the error gets it too
    assert late.next("error")[0] == "error"

    article.write_text(good)
    events.next("reload")
    assert b"not valid YAML" not in get(preview, "/")[2]
    events.close()
    late.close()


def test_css_change_sends_css_event(preview: Preview) -> None:
    events = Events(preview.port)
    css = preview.root / "themes" / "default" / "static" / "style.css"
    css.write_text("body{color:blue}")
    events.next("css", "reload")
    assert get(preview, "/static/style.css")[2] == b"body{color:blue}"
    events.close()


def test_atomic_save_counts_as_a_change_and_temp_files_are_ignored(preview: Preview) -> None:
    events = Events(preview.port)
    articles = preview.root / "content" / "articles"
    builds = preview.builds
    for name in ("one.md.swp", ".one.md.swx", "one.md~", "4913", ".#one.md", "x___jb_tmp___"):
        (articles / name).write_text("title: junk")
    time.sleep(0.8)
    assert preview.wait_idle()
    assert preview.builds == builds, "editor temp files do not rebuild"
    temp = articles / "one.md.tmp"
    temp.write_text("---\ntitle: Saved atomically\ndate: 2022-12-10\n---\nBody\n")
    os.replace(temp, articles / "one.md")
    events.next("reload")
    assert b"Saved atomically" in get(preview, "/")[2]
    events.close()


def test_polling_observer_sees_atomic_saves(tmp_path: Path) -> None:
    p = start(make_site(tmp_path / "site"), poll=True)
    try:
        events = Events(p.port)
        articles = p.root / "content" / "articles"
        temp = articles / ".one.md.tmp-123"
        temp.write_text("---\ntitle: Polled change\ndate: 2022-12-10\n---\nBody\n")
        os.replace(temp, articles / "one.md")
        events.next("reload")
        assert b"Polled change" in get(p, "/")[2]
        events.close()
    finally:
        p.stop()


def test_a_burst_of_changes_gives_one_rebuild_with_the_final_state(preview: Preview) -> None:
    events = Events(preview.port)
    builds = preview.builds
    articles = preview.root / "content" / "articles"
    texts = {articles / f"burst-{i:04d}.md": f"---\ntitle: Burst {i}\ndate: 2022-12-10\n---\nB\n"
             for i in range(1000)}
    for path, text in texts.items():  # as fast as a `git checkout` writes them
        path.write_text(text, encoding="utf-8")
    events.next("reload", timeout=BURST_WAIT)
    assert preview.wait_idle()
    time.sleep(0.5)
    assert preview.wait_idle()
    assert preview.builds == builds + 1
    assert preview.last_report is not None and preview.last_report.articles == 1001
    for i in (0, 500, 999):  # the one rebuild saw the final state: first, middle and last file
        status, _, page = get(preview, f"/2022/12/burst-{i}/")
        assert status == 200 and f"Burst {i}<".encode() in page, i


def test_broken_config_is_an_overlay_not_a_crash(preview: Preview) -> None:
    events = Events(preview.port)
    config = preview.root / "sitegen.toml"
    good = config.read_text()
    config.write_text(good + "per_pgae = 3\n")
    _, data = events.next("error")
    assert "per_page" in data and "sitegen.toml" in data
    assert get(preview, "/")[0] == 200
    config.write_text(good.replace("Preview", "Renamed"))
    events.next("reload")
    assert b"Renamed" in get(preview, "/")[2]
    events.close()


def test_builder_crash_is_reported_not_fatal(tmp_path: Path) -> None:
    """A bug inside a build stage must not take the preview down. The builder here raises on
    purpose: no real input makes the real pipeline crash with a non-SitegenError (that would be a
    bug to fix), so this is the one place a failing builder replaces `build_site`; it exercises the
    preview's own crash path, not the renderer."""

    def crash(config: Config, **kwargs: Any) -> BuildReport:
        raise RuntimeError("renderer bug")

    p = start(make_site(tmp_path / "site"), builder=crash)
    try:
        assert p.hub.errors and "renderer bug" in p.hub.errors[0].message
        status, _, body = get(p, "/")
        assert status == 404 and b"renderer bug" in body
    finally:
        p.stop()


def test_editor_file_filter() -> None:
    for name in ("a.md.swp", "a.md.swx", "a.md~", "4913", ".#a.md", "a.md___jb_tmp___",
                 "a.md___jb_old___", "a.tmp", ".DS_Store", ".hidden.md"):
        assert is_ignored(Path("/site/content") / name), name
    for name in ("a.md", "style.css", "raw.txt", "sitegen.toml"):
        assert not is_ignored(Path("/site/content") / name), name


def test_a_save_naming_one_file_is_built_after_the_short_quiet_period() -> None:
    fired: list[tuple[float, set[Path]]] = []
    debouncer = Debouncer(lambda batch: fired.append((time.monotonic(), batch)), quiet=0.05,
                          burst=3.0)
    try:
        added = time.monotonic()
        debouncer.add([Path("/site/content/articles/a.md")])
        deadline = added + WAIT
        while not fired and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fired and fired[0][0] - added < 2.5, "one file waits the short quiet period"
    finally:
        debouncer.close()


def test_a_batch_naming_several_files_waits_the_burst_quiet_period() -> None:
    """A writer of many files that stalls after its second longer than an editor's save takes
    still gives one batch."""
    fired: list[set[Path]] = []
    debouncer = Debouncer(fired.append, quiet=0.05, burst=1.0)
    try:
        debouncer.add([Path("/site/content/articles/a.md")])
        debouncer.add([Path("/site/content/articles/b.md")])
        time.sleep(0.5)   # ten short quiet periods, half the burst one
        debouncer.add([Path("/site/content/articles/c.md")])
        deadline = time.monotonic() + WAIT
        while not fired and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(1.2)
        assert [{p.name for p in batch} for batch in fired] == [{"a.md", "b.md", "c.md"}]
    finally:
        debouncer.close()


def test_a_file_an_event_says_is_whole_is_built_after_the_closed_quiet_period() -> None:
    """A file closed after a write (or renamed into place) is not being written any more: one
    such file waits `closed` seconds, not `quiet`; an event after it that may come from a
    writer not done yet (modified again) waits `quiet` again."""
    fired: list[tuple[float, set[Path]]] = []
    debouncer = Debouncer(lambda batch: fired.append((time.monotonic(), batch)), quiet=3.0,
                          closed=0.02)
    a = Path("/site/content/articles/a.md")
    try:
        debouncer.add([a])
        added = time.monotonic()
        debouncer.add([a], whole=True)
        deadline = added + WAIT
        while not fired and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fired and fired[0][0] - added < 1.5, "a whole file waits the closed period"
        fired.clear()
        debouncer.add([a], whole=True)
        debouncer.add([a])   # written to again
        time.sleep(1.0)
        assert not fired, "a file being written waits the whole quiet period"
    finally:
        debouncer.close()


@pytest.mark.skipif(sys.platform != "linux", reason="inotify's close and rename events")
def test_a_save_closed_or_renamed_into_place_fires_sooner_than_a_write_left_open(
        tmp_path: Path) -> None:
    """Through the real observer: a file still open after its write waits the quiet period
    (3 s here), the same file closed goes at once, and so does a file renamed over its
    original from an ignored temp name (an atomic save). Reads of the watched folder make no
    event at all (the observer is not asked for opens and closes without a write)."""
    (tmp_path / "content").mkdir()
    target = tmp_path / "content" / "a.md"
    target.write_text("one")
    batches: list[tuple[float, set[str]]] = []
    events: list[object] = []
    watcher = Watcher(lambda batch: batches.append((time.monotonic(), {p.name for p in batch})),
                      quiet=3.0)
    handler = watcher._handler
    seen_event = handler.on_any_event

    def counted(event: Any) -> None:
        events.append(event)
        seen_event(event)

    handler.on_any_event = counted   # type: ignore[method-assign]

    def expect(name: str, since: float) -> float:
        deadline = since + WAIT
        while not batches:
            assert time.monotonic() < deadline, f"{name} not seen"
            time.sleep(0.01)
        at, batch = batches.pop()
        assert batch == {name}
        return at - since

    try:
        watcher.watch([tmp_path / "content"])
        time.sleep(0.2)
        for _ in range(5):
            assert target.read_text() == "one"
        time.sleep(0.3)
        assert events == [], "reading a watched file is no event"
        with target.open("w") as stream:
            stream.write("two")
            stream.flush()
            time.sleep(1.0)
            assert not batches, "a file still open waits the quiet period"
            closed = time.monotonic()
        assert expect("a.md", closed) < 1.5
        (tmp_path / "content" / ".a.md.tmp-1").write_text("three")
        moved = time.monotonic()
        os.replace(tmp_path / "content" / ".a.md.tmp-1", target)
        assert expect("a.md", moved) < 1.5
    finally:
        watcher.close()


@pytest.mark.parametrize("poll", [False, True])
def test_watcher_follows_folders_created_removed_and_recreated(tmp_path: Path,
                                                               poll: bool) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "sitegen.toml").write_text("")
    batches: list[set[str]] = []
    watcher = Watcher(lambda batch: batches.append({p.name for p in batch}), poll=poll,
                      quiet=0.1)

    def rewatch() -> None:
        watcher.watch([tmp_path / "content", tmp_path / "templates"],
                      files=[tmp_path / "sitegen.toml"])

    def expect(name: str) -> set[str]:
        deadline = time.monotonic() + WAIT
        while not any(name in b for b in batches):
            assert time.monotonic() < deadline, f"{name} not seen; got {batches}"
            time.sleep(0.05)
        time.sleep(0.3)
        rewatch()  # what the preview does after every batch
        seen = set().union(*batches)
        batches.clear()
        return seen

    try:
        rewatch()
        (tmp_path / "templates").mkdir()
        expect("templates")
        (tmp_path / "templates" / "a.html").write_text("1")
        expect("a.html")
        shutil.rmtree(tmp_path / "templates")
        expect("templates")
        (tmp_path / "templates").mkdir()
        expect("templates")
        (tmp_path / "templates" / "b.html").write_text("2")
        expect("b.html")
        (tmp_path / "sitegen.toml").write_text("title = 'x'")
        expect("sitegen.toml")
        (tmp_path / "unrelated.txt").write_text("x")
        (tmp_path / "content" / "c.md").write_text("x")
        assert "unrelated.txt" not in expect("c.md")
    finally:
        watcher.close()


def test_inject_without_body_appends() -> None:
    assert inject(b"<p>x</p>", b"<s>") == b"<p>x</p><s>"
    assert inject(b"<body></body></body >", b"<s>") == b"<body></body><s></body >"
    assert inject(b"<BODY></BODY>", b"<s>") == b"<BODY><s></BODY>"


@pytest.fixture
def cli_logging() -> Iterator[None]:
    """main() points the sitegen logger at the captured stderr; undo it for later tests."""
    logger = logging.getLogger("sitegen")
    saved = logger.handlers[:], logger.propagate, logger.level
    yield
    logger.handlers[:], logger.propagate = saved[0], saved[1]
    logger.setLevel(saved[2])


@pytest.mark.usefixtures("cli_logging")
def test_port_taken_is_one_line_and_exit_2(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--site", str(site), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert f"port {port}" in err and "already in use" in err and "Traceback" not in err


@pytest.mark.usefixtures("cli_logging")
def test_missing_site_folder_is_a_usage_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--site", str(tmp_path / "nope"), "--port", "0"]) == 2
    assert "no such site folder" in capsys.readouterr().err


def test_raw_file_dropped_in_is_imported_and_served_with_one_rebuild(tmp_path: Path) -> None:
    """Real pipeline: a raw wire file appears as an article; the import's own writes do not
    trigger a second rebuild."""
    site = tmp_path / "site"
    (site / "content" / "raw").mkdir(parents=True)
    write_article(site / "content", "one", title="Existing story", date="2022-12-09")
    write_config(site, "search = false\n")
    p = Preview(site, port=0)
    p.start()
    try:
        events = Events(p.port)
        builds = p.builds
        shutil.copy(SAMPLE_RAW, site / "content" / "raw")
        events.next("reload", timeout=30)
        assert b"West looks for any clue" in get(p, "/")[2]
        time.sleep(1.0)
        assert p.wait_idle()
        assert p.builds == builds + 1
        events.close()
    finally:
        p.stop()


def test_template_folder_created_while_serving_is_watched(tmp_path: Path) -> None:
    """Real pipeline: a `templates/` override made after start re-renders, and so do its edits."""
    from sitegen.theme import DEFAULT_THEME

    site = tmp_path / "site"
    write_article(site / "content", "one", title="Template story", date="2022-12-09")
    write_config(site, "search = false\n")
    p = Preview(site, port=0)
    p.start()
    try:
        events = Events(p.port)
        base = (DEFAULT_THEME / "templates" / "base.html").read_text(encoding="utf-8")
        (site / "templates").mkdir()
        (site / "templates" / "base.html").write_text(
            base.replace("</body>", "<p>OVERRIDE-ONE</p></body>"), encoding="utf-8")
        events.next("reload", timeout=30)
        assert p.wait_idle()
        assert b"OVERRIDE-ONE" in get(p, "/")[2]
        (site / "templates" / "base.html").write_text(
            base.replace("</body>", "<p>OVERRIDE-TWO</p></body>"), encoding="utf-8")
        deadline = time.monotonic() + 30
        while b"OVERRIDE-TWO" not in get(p, "/")[2]:
            assert time.monotonic() < deadline, "template edit not picked up"
            events.next("reload", timeout=30)
        events.close()
    finally:
        p.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_real_serve_command_builds_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """The real `python -m sitegen serve` process: builds, serves, exits cleanly on SIGINT."""
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    write_article(site / "content", "one", title="Real pipeline story", date="2022-12-10",
                  tags=["Russia"])
    write_config(site, "search = false\n")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--site", str(site),
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready and proc.stdout is not None, "no 'serving' line within 60 s"
        first_line = proc.stdout.readline()
        assert first_line.startswith(f"serving http://127.0.0.1:{port}/"), first_line
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/")
        page = conn.getresponse().read()
        conn.close()
        assert b"Real pipeline story" in page
        assert not (site / "_site" / "index.html").read_bytes().count(b"sitegen-livereload")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err and "stopped" in err


def test_a_build_s_garbage_collection_waits_until_the_reload_went_out(
        preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collection that ends a held build (0.08 s with the interpreter lock held at 10,000
    articles) runs once the browsers were told to reload, not before; the collector is then on
    again, and a stopped preview leaves it on."""
    import gc

    import sitegen.site

    deadline = time.monotonic() + WAIT
    while not gc.isenabled() and time.monotonic() < deadline:   # the first build's, done
        time.sleep(0.05)
    order: list[str] = []
    real_collect, built = gc.collect, preview.hub.built
    monkeypatch.setattr(sitegen.site.gc, "collect",
                        lambda *a: order.append("collect") or real_collect(*a))
    monkeypatch.setattr(preview.hub, "built",
                        lambda **kw: order.append("reload") or built(**kw))
    events = Events(preview.port)
    article = preview.root / "content" / "articles" / "one.md"
    article.write_text(article.read_text().replace("First story", "Changed title"))
    events.next("reload")
    while "collect" not in order and time.monotonic() < deadline:
        time.sleep(0.05)
    assert order[:2] == ["reload", "collect"]
    # "collect" is noted as the collection starts; the collector is on again once it ended
    while not gc.isenabled() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gc.isenabled()
    events.close()


@pytest.mark.parametrize("cards", [True, False])
def test_the_card_drawing_is_warmed_once_in_the_idle_time_after_the_first_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cards: bool) -> None:
    """The first build draws its cards in forked workers (at 10,000 articles): the first edit,
    drawing its story's card in the process, would import Pillow and load the fonts. The idle
    step after the first build does that (`cards.warm`), once, and only for a site with cards."""
    import sitegen.render.cards

    warmed: list[bool] = []
    monkeypatch.setattr(sitegen.render.cards, "warm", lambda: warmed.append(True))
    root = make_site(tmp_path / "site")
    if not cards:
        (root / CONFIG_NAME).write_text((root / CONFIG_NAME).read_text() + "cards = false\n")
    p = start(root)
    try:
        assert p.wait_idle(WAIT)
        assert warmed == [True] * cards
        builds = p.builds
        article = root / "content" / "articles" / "one.md"
        article.write_text(article.read_text().replace("First story", "Changed title"))
        deadline = time.monotonic() + WAIT
        while p.builds == builds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert p.builds == builds + 1
        assert p.wait_idle(WAIT)
        assert warmed == [True] * cards
    finally:
        p.stop()
