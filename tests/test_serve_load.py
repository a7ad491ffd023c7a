"""`sitegen serve` under load, with the real pipeline: many concurrent clients on 127.0.0.1 while
articles change and the site is rebuilt and swapped under them. No request fails, no page is
torn, nothing is stale after the last rebuild, and no request reaches outside the site.

Bounded: 32 clients x 20 requests, every socket with a timeout, the whole test in seconds.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sitegen.serve import Preview
from tests.conftest import write_article, write_config

CLIENTS = 32
REQUESTS = 20
EDITS = 10
TIMEOUT = 10.0
SECRET = "SECRET-BESIDE-THE-SITE"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Load"\nper_page = 3\n')
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    for n in range(8):
        write_article(root / "content", f"a{n}", f"Story {n}.", title=f"Story {n}",
                      date=f"2022-12-{n + 1:02d}", tags=["Russia"], speakers=["Sergey Lavrov"])
    write_article(root / "content", "live", "Live story.", title="Version 0",
                  date="2022-12-20", tags=["Russia"], slug="live")
    p = Preview(root, port=0, quiet_seconds=0.05)
    p.start()
    assert not p.hub.errors, p.hub.errors
    try:
        yield p
    finally:
        p.stop()


PAGES = ["/", "/2022/12/live/", "/tags/russia/", "/speakers/sergey-lavrov/", "/page/2/",
         "/archive/", "/2022/12/", "/feed.xml", "/sitemap.xml", "/static/style.css",
         "/tags/russia/feed.xml", "/robots.txt"]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def whole(path: str, body: bytes) -> bool:
    """A page that was read completely from one version of the site."""
    if path.endswith("/"):
        return body.rstrip().endswith(b"</html>")
    if path.endswith(".xml"):
        return body.rstrip().endswith((b"</feed>", b"</urlset>"))
    return bool(body)


def test_many_clients_while_the_site_is_rebuilt_never_fail_or_see_stale_pages(
        preview: Preview) -> None:
    live = preview.root / "content" / "articles" / "live.md"
    failures: list[str] = []
    done = threading.Event()

    def editor() -> None:
        for version in range(1, EDITS + 1):
            time.sleep(0.1)
            text = live.read_text(encoding="utf-8")
            live.write_text(text.replace(f"Version {version - 1}", f"Version {version}"),
                            encoding="utf-8")
        done.set()

    def client(number: int) -> int:
        served = 0
        for n in range(REQUESTS):
            path = PAGES[(number + n) % len(PAGES)]
            try:
                status, body = fetch(preview.port, path)
            except OSError as exc:
                failures.append(f"{path}: {exc!r}")
                continue
            if status != 200 or not whole(path, body):
                failures.append(f"{path}: {status}, {len(body)} bytes")
            served += 1
            time.sleep(0.005 * (number % 4))   # spread the clients over the rebuilds
        return served

    started = time.monotonic()
    writer = threading.Thread(target=editor)
    writer.start()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        served = sum(pool.map(client, range(CLIENTS), timeout=60))
    writer.join(timeout=TIMEOUT)
    assert done.is_set()
    assert failures == [], failures[:10]
    assert served == CLIENTS * REQUESTS
    assert preview.wait_idle(30)
    assert preview.builds >= 2, "the edits were rebuilt while clients were reading"
    final = f"Version {EDITS}".encode()
    for path in ("/", "/2022/12/live/", "/tags/russia/", "/feed.xml", "/2022/12/"):
        status, body = fetch(preview.port, path)
        assert status == 200 and final in body, f"{path} is stale after the last rebuild"
        assert f"Version {EDITS - 1}<".encode() not in body
    assert time.monotonic() - started < 60


OUTSIDE = [
    "/..", "/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/%2fetc%2fpasswd",
    "//etc/passwd", "/etc/passwd", "/..\\secret.txt", "/%5c..%5csecret.txt",
    "/tags/../../secret.txt", "/tags/%2e%2e/%2e%2e/secret.txt", "/index.html%00.txt",
    "/%00", "/static/..%00/secret.txt", "/C:/secret.txt", "/c:%5csecret.txt",
    "/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt", "http://127.0.0.1/../secret.txt",
    "/./secret.txt", "/static/./../../secret.txt",
]


def raw_request(port: int, target: str) -> tuple[int, bytes]:
    """Send the request line exactly as given (http.client would refuse or normalise some)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_requests_outside_the_site_get_404(preview: Preview) -> None:
    for target in OUTSIDE:
        status, body = raw_request(preview.port, target)
        assert status in (404, 400), (target, status)
        assert SECRET.encode() not in body, target
    # ...while the same server still serves the site.
    assert raw_request(preview.port, "/")[0] == 200


class _Out:
    def __init__(self, path: str, content: bytes) -> None:
        self.path, self.content = path, content


def test_a_storm_of_swaps_never_fails_a_request(preview: Preview) -> None:
    """Swap whole sites in as fast as `write_site` can while clients read: the race between
    finding a file and opening it is hit hundreds of times, not once per rebuild."""
    from sitegen.write import write_site

    out = preview.state.out_dir
    versions = [[_Out("index.html", b"<html><body>A" + b"a" * 5000 + b"</body></html>\n"),
                 _Out("feed.xml", b"<feed>" + b"a" * 20000 + b"</feed>\n"),
                 _Out("deep/page/index.html", b"<html><body>deep A</body></html>\n"),
                 _Out("404.html", b"<html><body>missing</body></html>\n")],
                [_Out("index.html", b"<html><body>B" + b"b" * 7000 + b"</body></html>\n"),
                 _Out("feed.xml", b"<feed>" + b"b" * 30000 + b"</feed>\n"),
                 _Out("deep/page/index.html", b"<html><body>deep B</body></html>\n"),
                 _Out("404.html", b"<html><body>missing</body></html>\n")]]
    assert preview.wait_idle(30)
    write_site(versions[1], out)   # every path asked for exists from now on
    stop = threading.Event()
    swaps = 0

    def swapper() -> None:
        nonlocal swaps
        while not stop.is_set():
            write_site(versions[swaps % 2], out)
            swaps += 1

    failures: list[str] = []

    def client(number: int) -> None:
        for n in range(REQUESTS):
            path = ("/", "/feed.xml", "/deep/page/", "/deep/page")[(number + n) % 4]
            try:
                status, body = fetch(preview.port, path)
            except OSError as exc:
                failures.append(f"{path}: {exc!r}")
                continue
            expected = 301 if path == "/deep/page" else 200
            if status != expected or (expected == 200 and not body.rstrip().endswith(
                    (b"</html>", b"</feed>"))):
                failures.append(f"{path}: {status}, {len(body)} bytes")

    thread = threading.Thread(target=swapper)
    thread.start()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(client, range(CLIENTS), timeout=60))
    finally:
        stop.set()
        thread.join(timeout=TIMEOUT)
    assert swaps >= 20
    assert failures == [], (len(failures), failures[:10])
