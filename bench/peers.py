"""sitegen against Hugo (with and without Pagefind) and Pelican on one synthetic corpus, in one
run: `python -m bench`; clean, no-op, one-edit and publish (a CI run adding one story) builds.

Every figure is a median of `--repeats` runs measured as a child process (wall time, CPU time and
peak RSS from `os.wait4`), and the ratios compare figures taken in the same run, each round of a
kind going once round the generators, so a busy or slowing machine slows them all alike. Writes
`docs/benchmarks.md` and prints the same table.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import functools
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import corpus
from sitegen.incremental.machine import CACHE_ENV
from sitegen.search import pagefind_executable

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(__file__).resolve().parent / ".peers"
KINDS = ("clean", "noop", "edit", "publish")
# Who is compared with whom: sitegen without search with the peers that build none, sitegen
# with search with Hugo followed by Pagefind (the same Pagefind).
USER_CACHE = ".user-cache"   # $SITEGEN_CACHE_DIR of the builds, inside each site's folder
PAIRS = {"sitegen": ("hugo", "pelican"), "sitegen+search": ("hugo+pagefind",)}


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Tool:
    """How to build, and what to delete for a clean build, for one generator."""

    name: str
    command: list[str]
    scratch: tuple[str, ...]               # outputs and caches removed before a clean build
    write: Callable[[list[corpus.Item], Path], Path]
    add: Callable[[corpus.Item, Path], None]   # one more article
    version: str = ""
    env: dict[str, str] | None = None      # added to the environment of each build
    kept: tuple[str, ...] = ()             # what a CI run restores (actions/cache) before a build


def ensure_peers(install: bool) -> dict[str, list[str]]:
    """Hugo from Debian's package and Pelican from PyPI in its own venv, installed when missing."""
    hugo = shutil.which("hugo")
    if hugo is None and install:
        print("installing hugo (apt-get)", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        hugo = shutil.which("hugo")
    pelican = PEERS / "pelican" / "bin" / "pelican"
    if not pelican.exists() and install:
        print("installing pelican into bench/.peers/pelican", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS / "pelican")], check=True)
        subprocess.run([str(PEERS / "pelican" / "bin" / "pip"), "install", "-q",
                        "pelican>=4.9", "markdown"], check=True)
    found: dict[str, list[str]] = {}
    if hugo:
        found["hugo"] = [hugo]
    if pelican.exists():
        found["pelican"] = [str(pelican)]
    return found


def _version(cmd: list[str], env: dict[str, str] | None = None) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                             env={**os.environ, **env} if env else None).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.strip().splitlines()[0] if out.strip() else "?"


def tools(peers: dict[str, list[str]], jobs: int | None) -> dict[str, Tool]:
    sitegen = [sys.executable, "-m", "sitegen", "build", "-q"]
    if jobs is not None:
        sitegen += ["--jobs", str(jobs)]
    version = _version([sys.executable, "-m", "sitegen", "--version"])
    kept = (".sitegen-cache", "_site")   # what `sitegen new`'s workflow restores
    plain = functools.partial(corpus.write_sitegen, cards=False)   # no peer draws card images
    searched = functools.partial(corpus.write_sitegen, search=True, cards=False)
    out = {"sitegen": Tool("sitegen", sitegen, ("_site", ".sitegen-cache"), plain,
                           corpus.add_sitegen, version, kept=kept),
           "sitegen+search": Tool("sitegen+search", sitegen, ("_site", ".sitegen-cache"),
                                  searched, corpus.add_sitegen, version, kept=kept)}
    if "hugo" in peers:
        hugo = [*peers["hugo"], "--quiet"]
        version = _version([*peers["hugo"], "version"])[:40]
        out["hugo"] = Tool("hugo", hugo, ("public", "resources"), corpus.write_hugo,
                           corpus.add_hugo, version)
        pagefind = pagefind_executable()
        if pagefind is not None:   # the Pagefind sitegen runs, over Hugo's output
            out["hugo+pagefind"] = Tool(
                "hugo+pagefind", ["sh", "-c", f"{shlex.join(hugo)} && {shlex.quote(str(pagefind))}"
                                  " --site public >/dev/null"],
                ("public", "resources"), corpus.write_hugo, corpus.add_hugo,
                f"{version}, {_version([str(pagefind), '--version'])}")
    if "pelican" in peers:
        out["pelican"] = Tool("pelican", [*peers["pelican"], "content", "-s", "pelicanconf.py",
                                          "-o", "output", "-q"], ("output", "cache"),
                              corpus.write_pelican, corpus.add_pelican,
                              "pelican " + _version([*peers["pelican"], "--version"]))
    return out


def baseline(rev: str, jobs: int | None) -> Tool:
    """sitegen as it was at git revision `rev` (its package exported into bench/.peers/ and put
    first on PYTHONPATH), so a change is measured against what it changed in the same run."""
    commit = subprocess.run(["git", "rev-parse", "--short", f"{rev}^{{commit}}"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip()
    where = PEERS / f"sitegen-{commit}"
    if not (where / "sitegen").is_dir():
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit, "sitegen", "themes"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    compileall.compile_dir(where / "sitegen", quiet=1)
    env = {"PYTHONPATH": str(where)}
    command = [sys.executable, "-m", "sitegen", "build", "-q"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return Tool(f"sitegen@{commit}", command, ("_site", ".sitegen-cache"),
                functools.partial(corpus.write_sitegen, cards=False),
                corpus.add_sitegen,
                _version([sys.executable, "-m", "sitegen", "--version"], env) + f" at {commit}",
                env, kept=(".sitegen-cache", "_site"))


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One build as a child process: wall seconds, CPU seconds (with its children), peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **env} if env else None)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{err.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


class Bench:
    """One generator's site in a folder of its own, and the builds timed on it."""

    def __init__(self, tool: Tool, items: list[corpus.Item], where: Path) -> None:
        if where.exists():
            shutil.rmtree(where)
        self.tool, self.where = tool, where
        content = tool.write(items, where)
        # sitegen's user cache (the search parts it keeps for builds into other folders) lives
        # in the site's folder here and goes with a clean build and with a publish: neither a
        # build from nothing nor a fresh CI runner has it
        self.env = {**(tool.env or {}), CACHE_ENV: str(where / USER_CACHE)}
        self.scratch = (*tool.scratch, USER_CACHE)
        self.edited = sorted(content.glob("*.md"))[len(items) // 2]
        self.runs: dict[str, list[Run]] = {k: [] for k in KINDS}

    def _build(self, kind: str) -> None:
        self.runs[kind].append(measure(self.tool.command, self.where, self.env))

    def clean(self) -> None:
        for name in self.scratch:
            shutil.rmtree(self.where / name, ignore_errors=True)
        self._build("clean")

    def noop(self) -> None:
        self._build("noop")

    def edit(self, n: int) -> None:
        time.sleep(0.01)       # a new mtime for generators that look at it
        corpus.edit(self.edited, n)
        self._build("edit")

    def publish(self, item: corpus.Item) -> None:
        """A CI run adding `item`: a fresh clone (`fresh_clone`) with what the workflow keeps."""
        fresh_clone(self.where, self.scratch, self.tool.kept)
        self.tool.add(item, self.where)
        self._build("publish")


def bench_tools(tools: dict[str, Tool], items: list[corpus.Item], new: list[corpus.Item],
                where: Path, repeats: int) -> dict[str, dict[str, list[Run]]]:
    """Clean, no-op and one-edit builds, then publishes (each of `new` added in a fresh clone),
    `repeats` of each per generator. Each round of a kind goes once round the generators, so a
    machine that slows down during the run slows sitegen and its peers alike, and the ratios
    hold: before, each generator ran all its builds in a block of its own, minutes apart."""
    benches = [Bench(tool, items, where / name) for name, tool in tools.items()]
    steps: list[tuple[str, Callable[[Bench], None]]] = [
        *(("clean", Bench.clean) for _ in range(repeats)),
        *(("no-op", Bench.noop) for _ in range(repeats)),
        *(("edit", functools.partial(Bench.edit, n=n)) for n in range(repeats)),
        *(("publish", functools.partial(Bench.publish, item=item)) for item in new[:repeats]),
    ]
    for label, step in steps:
        for bench in benches:
            print(f"  {bench.tool.name}: {label}", flush=True)
            step(bench)
    return {bench.tool.name: bench.runs for bench in benches}


def fresh_clone(where: Path, scratch: tuple[str, ...], kept: tuple[str, ...]) -> None:
    """`where` as a CI run finds it: every source file new (a fresh checkout: new mtimes, new
    inodes), the build's outputs gone except `kept`, which are restored as actions/cache does
    (tar: mtimes kept). At the same path, as a runner's checkout always is."""
    previous = where.with_name(where.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    where.rename(previous)
    shutil.copytree(previous, where, copy_function=shutil.copy,
                    ignore=shutil.ignore_patterns(*scratch, *kept))
    for name in kept:
        if (previous / name).exists():
            shutil.copytree(previous / name, where / name, symlinks=True)   # copy2: mtimes kept
    shutil.rmtree(previous)


def median(runs: list[Run], what: str) -> float:
    return float(statistics.median(getattr(r, what) for r in runs))


def report(results: dict[int, dict[str, dict[str, list[Run]]]], versions: dict[str, str],
           repeats: str, started: str) -> str:
    lines = [
        "# Benchmarks: sitegen, Hugo (with and without Pagefind) and Pelican on one corpus",
        "",
        "Written by `make bench` (`python -m bench`); rerun it to refresh. Synthetic corpus from "
        "`bench/corpus.py` (seed 6): 600-900-word articles, 200 tags, 300 speakers, 2-4 quotes "
        "each, dates over ten years. Each generator builds an article page per article, a "
        "paginated index, tag and speaker pages paginated by 10 and an Atom feed per term "
        "(Pelican: speakers as its multi-valued authors; Hugo: a `speakers` taxonomy). sitegen "
        "also writes its full default theme: archives, related stories, JSON-LD, sitemaps. "
        "`sitegen` and the peers build no search index; `sitegen+search` and `hugo+pagefind` "
        "index the articles with the same Pagefind (article body, speaker and tag filters, "
        "date sort). sitegen's modules are byte-compiled first, as pip does on install "
        "(Pelican's are, by pip).",
        "",
        f"Run {started} on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; medians of {repeats} run(s), the generators taking "
        "turns at each run; "
        + ", ".join(f"{k}: {v}" for k, v in versions.items()) + ".",
        "no-op = a rebuild with nothing changed; edit = one article's body changed, then a "
        "rebuild; publish = what a CI run does for one new story (dated after all others): a "
        "fresh checkout (every source file new) with what the workflow restores (sitegen: "
        "`.sitegen-cache/` and `_site/`, not its user cache, which a clean build starts "
        "without too; Hugo and Pelican keep nothing between runs), one article added, a build. "
        "Wall seconds (CPU seconds in brackets); ratio = sitegen / peer, from the same run "
        "(below 1 means sitegen is faster). `+search`: the build indexes the site with "
        "Pagefind (sitegen: its default; Hugo: `pagefind --site public` after it).",
        "",
        "| articles | generator | clean | no-op | one edit | publish | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for size, per_tool in results.items():
        for name, runs in per_tool.items():
            cells = [f"{median(runs[k], 'wall'):.2f} s ({median(runs[k], 'cpu'):.2f})"
                     if runs[k] else "-" for k in KINDS]
            rss = max(r.rss_mb for k in KINDS for r in runs[k])
            lines.append(f"| {size:,} | {name} | {' | '.join(cells)} | {rss:.0f} MB |")
    lines += ["", "Ratios, sitegen / peer (wall time; RSS is peak memory); sitegen with search "
              "against Hugo then Pagefind, sitegen without against the others:", "",
              "| articles | sitegen | peer | clean | no-op | one edit | publish | peak RSS |",
              "|---|---|---|---|---|---|---|---|"]
    for size, per_tool in results.items():
        for name, runs in per_tool.items():
            for mine_name, peers in PAIRS.items():
                mine = per_tool.get(mine_name)
                if mine is None or not (name in peers or (mine_name == "sitegen"
                                                          and name.startswith("sitegen@"))):
                    continue
                cells = [f"{median(mine[k], 'wall') / median(runs[k], 'wall'):.2f}"
                         if mine[k] and runs[k] else "-" for k in KINDS]
                rss = (max(r.rss_mb for k in KINDS for r in mine[k])
                       / max(r.rss_mb for k in KINDS for r in runs[k]))
                lines.append(f"| {size:,} | {mine_name} | {name} | {' | '.join(cells)} "
                             f"| {rss:.2f} |")
    sizes = [s for s in results if "sitegen" in results[s]]
    if len(sizes) > 1:
        lines += ["", "Growth of sitegen's clean build (time per article relative to the "
                  "smallest size):", ""]
        base = median(results[sizes[0]]["sitegen"]["clean"], "wall") / sizes[0]
        for s in sizes:
            per = median(results[s]["sitegen"]["clean"], "wall") / s
            lines.append(f"- {s:,} articles: {per * 1000:.2f} ms per article "
                         f"({per / base:.2f}x)")
    return "\n".join(lines) + "\n"


def preview_report(sizes: list[int], edits: int) -> str:
    """`sitegen serve` (search on, as `sitegen new` makes sites): save to browser reload. Each
    kind and size in a process of its own, as a user's `sitegen serve` runs: not inside this
    one, which holds the corpus and has forked every build before."""
    lines = ["", "Preview (`sitegen serve`, search on): from saving an article to the browser's "
             f"reload event, median of {edits} edits (the worst in brackets); `bench/"
             "serve_latency.py`:", "",
             "| articles | body edit | title edit | tag edit | speaker edit |",
             "|---|---|---|---|---|"]
    for size in sizes:
        print(f"{size} articles: preview ...", flush=True)
        cells = []
        for kind in ("body", "title", "tag", "speaker"):
            r = json.loads(subprocess.run(
                [sys.executable, str(Path(__file__).with_name("serve_latency.py")),
                 "--articles", str(size), "--edits", str(edits), "--kind", kind, "--json"],
                check=True, capture_output=True, text=True).stdout.splitlines()[-1])
            cells.append(f"{r['median']:.2f} s ({r['worst']:.2f})")
        lines.append(f"| {size:,} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000",
                        help="corpus sizes built by every generator (default 1000,10000)")
    parser.add_argument("--sitegen-sizes", default="50000",
                        help="extra sizes built by sitegen alone (default 50000; '' for none)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure below 10,000")
    parser.add_argument("--large-repeats", type=int, default=1,
                        help="runs per figure at 10,000 articles and more (Pelican takes minutes)")
    parser.add_argument("--tools", default="sitegen,hugo,pelican,sitegen+search,hugo+pagefind")
    parser.add_argument("--jobs", type=int, default=None, help="sitegen build --jobs")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sitegen-bench"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-install", action="store_true", help="do not install the peers")
    parser.add_argument("--preview-edits", type=int, default=3,
                        help="edits per kind timed in `sitegen serve` at each of --sizes "
                             "(0: none)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also build with sitegen as it was at git revision REV, as a peer")
    args = parser.parse_args(argv)
    wanted = args.tools.split(",")
    peers = ensure_peers(not args.no_install) \
        if set(wanted) - {"sitegen", "sitegen+search"} else {}
    available = {k: v for k, v in tools(peers, args.jobs).items() if k in wanted}
    if args.baseline:
        then = baseline(args.baseline, args.jobs)
        available[then.name] = then
    for missing in set(wanted) - set(available):
        print(f"warning: {missing} is not available; left out", file=sys.stderr)
    # A checkout run with PYTHONDONTWRITEBYTECODE would compile every module on each build.
    compileall.compile_dir(ROOT / "sitegen", quiet=1)
    plan = [(int(s), list(available)) for s in args.sizes.split(",") if s]
    plan += [(int(s), [t for t in ("sitegen", "sitegen+search") if t in available])
             for s in args.sitegen_sizes.split(",") if s]
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[int, dict[str, dict[str, list[Run]]]] = {}
    for size, names in plan:
        repeats = args.repeats if size < 10000 else args.large_repeats
        items = corpus.generate(size + repeats)
        items, extra = items[:size], items[size:]
        # the stories each publish adds: news, so each newer than everything before it
        latest = max(item.date for item in items)
        new = [dataclasses.replace(item, date=latest + timedelta(hours=n + 1))
               for n, item in enumerate(extra)]
        print(f"{size} articles: {', '.join(names)}", flush=True)
        per_tool = bench_tools({name: available[name] for name in names}, items, new,
                               args.workdir / str(size), repeats)
        results[size] = per_tool
        for name, runs in per_tool.items():
            print(f"  {name}: " + ", ".join(f"{k} {median(runs[k], 'wall'):.2f}s"
                                            for k in KINDS), flush=True)
    repeats = f"{args.repeats} (below 10,000 articles) and {args.large_repeats} (from 10,000)"
    text = report(results, {k: t.version for k, t in available.items()}, repeats, started)
    if args.preview_edits and "sitegen+search" in available:
        text += preview_report([int(s) for s in args.sizes.split(",") if s], args.preview_edits)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0
