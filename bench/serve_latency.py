"""How long from saving an article to the browser's reload event, on a generated site.

Runs the real preview (`sitegen.serve.Preview` with `build_site`) on a free port, listens to the
live-reload stream as a browser would, edits one article several times and reports the median
and worst time from the save to the `reload` event (debounce + full rebuild + swap).

The articles carry an explicit `slug:`, as `sitegen import` writes them. The edits (`--kind`), as
a newsroom makes them: `body` (a sentence added), `title` (retitled: the URL stays), `tag` (one
tag the site has added to the story, or put in place of its first), `speaker` (its quoted person
becomes another the site quotes, in `speakers` and `quotes`), and `title-url` (retitled with the
`slug:` line dropped, so the URL moves: the title edit of runs before the slugs were written).

    .venv/bin/python bench/serve_latency.py --articles 1000 --edits 5 --kind tag
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.serve import Preview
from sitegen.serve.livereload import EVENTS_PATH
from sitegen.slugs import slugify

WORDS = ["minister", "talks", "energy", "summit", "trade", "border", "gas", "pipeline",
         "sanctions", "vote", "court", "bank", "grain", "port", "election", "reform", "budget",
         "treaty", "army", "drought", "rail", "nuclear"]
TAGS = [f"Topic {i}" for i in range(300)] + ["Russia", "Kazakhstan", "European Union", "China"]
PEOPLE = [f"Person {chr(65 + i % 26)}{i} Example" for i in range(200)]


def generate(root: Path, count: int, search: bool = True, seed: int = 7) -> list[Path]:
    """`count` front-matter articles with random titles, tags and speakers."""
    rng = random.Random(seed)
    articles = root / "content" / "articles"
    start = date(2019, 1, 1)
    paths = []
    for i in range(count):
        day = start + timedelta(days=rng.randrange(1500))
        speaker = rng.choice(PEOPLE)
        front = {
            "title": " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {i}",
            "date": day.isoformat(),
            "location": "Moscow",
            "source": "TASS",
            "tags": rng.sample(TAGS, 3),
            "speakers": [{"name": speaker, "role": "Official"}],
            "quotes": [{"speaker": speaker, "text": f"Quote number {i}."}],
        }
        front["slug"] = slugify(str(front["title"]))   # as the importer writes it
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(5))
        path = articles / str(day.year) / f"story-{i:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{body}\n",
                        encoding="utf-8")
        paths.append(path)
    (root / "sitegen.toml").write_text(f'title = "Bench"\nsearch = {str(search).lower()}\n',
                                       encoding="utf-8")
    return paths


KINDS = ("body", "title", "tag", "speaker", "title-url")


def edit(text: str, kind: str, n: int) -> str:
    """The article file `text` after the `n`th edit of `kind` (see the module docstring)."""
    if kind == "body":
        return text.rstrip("\n") + f"\n\nEdited {n} in preview.\n"
    _, header, body = text.split("---\n", 2)
    front = yaml.safe_load(header)
    if kind in ("title", "title-url"):
        front["title"] = f"Edited {n} {front['title']}"
        if kind == "title-url":
            del front["slug"]
    elif kind == "tag":
        new = next(t for t in TAGS[n * 37 % len(TAGS):] + TAGS if t not in front["tags"])
        front["tags"] = [*front["tags"], new] if n % 2 == 0 else [new, *front["tags"][1:]]
    elif kind == "speaker":
        old = front["speakers"][0]["name"]
        new = next(p for p in PEOPLE[n * 13 % len(PEOPLE):] + PEOPLE if p != old)
        front["speakers"][0]["name"] = new
        for quote in front["quotes"]:
            if quote["speaker"] == old:
                quote["speaker"] = new
    else:
        raise ValueError(f"unknown edit kind {kind!r}")
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{body}"


class EventStream:
    """A bare Server-Sent Events client: what the injected script's EventSource receives."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        self.buffer = b""

    def wait_for(self, name: str, timeout: float) -> None:
        marker = f"event: {name}\n".encode()
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buffer += chunk
        self.buffer = self.buffer.split(marker, 1)[1]


def measure(count: int, edits: int, poll: bool, search: bool,
            kind: str = "title") -> dict[str, float]:
    """Save-to-reload times of `edits` edits of `kind` (one of `KINDS`, `edit`)."""
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        root = Path(tmp) / "site"
        paths = generate(root, count, search)
        started = time.perf_counter()
        preview = Preview(root, port=0, poll=poll)
        preview.start()
        first = time.perf_counter() - started
        if preview.hub.errors:
            raise SystemExit(f"initial build failed: {preview.hub.errors[0]}")
        try:
            stream = EventStream(preview.port)
            stream.wait_for("hello", 10)
            # a settled preview, as before each later edit: the first edit would otherwise
            # land within a second of the first build, in its collection and search build
            preview.wait_idle(600)
            times = []
            for n in range(edits):
                target = paths[(n * 7919) % len(paths)]
                text = target.read_text(encoding="utf-8")
                saved = time.perf_counter()
                edited = edit(text, kind, n)
                target.write_text(edited, encoding="utf-8")
                stream.wait_for("reload", timeout=600)
                times.append(time.perf_counter() - saved)
                preview.wait_idle(600)
                time.sleep(0.3)
            build = preview.last_build_seconds
            files = float(getattr(preview.last_report, "files", 0))
        finally:
            preview.stop()
    return {"articles": count, "first_build": first, "median": statistics.median(times),
            "worst": max(times), "best": min(times), "rebuild": build, "files": files}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--poll", action="store_true", help="use the polling observer")
    parser.add_argument("--no-search", action="store_true",
                        help="search = false: no Pagefind index, rebuilds update in place")
    parser.add_argument("--kind", choices=KINDS, default="title")
    parser.add_argument("--json", action="store_true",
                        help="print each size's figures as one JSON line (for `make bench`)")
    args = parser.parse_args()
    if args.json:
        for count in args.articles:
            r = measure(count, args.edits, args.poll, not args.no_search, args.kind)
            print(json.dumps(r), flush=True)
        return 0
    print("| articles | files | first build | save -> reload median | best | worst "
          "| last rebuild |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count in args.articles:
        r = measure(count, args.edits, args.poll, not args.no_search, args.kind)
        print(f"| {count:,} | {r['files']:,.0f} | {r['first_build']:.1f} s | {r['median']:.2f} s "
              f"| {r['best']:.2f} s | {r['worst']:.2f} s | {r['rebuild']:.2f} s |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
