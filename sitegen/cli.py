"""Command line: `sitegen build | import | check | serve | deploy | new`.

Exit codes: 0 ok, 1 content or build errors (every one listed), 2 usage errors. Users never see a
traceback for a problem they can fix.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sitegen import __version__
from sitegen.config import Config, load_config
from sitegen.errors import SitegenError, UsageError

if TYPE_CHECKING:
    from sitegen.model import Article

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def run() -> NoReturn:
    """The `sitegen` console script and `python -m sitegen`: one command, then the process ends.

    A build runs with the cyclic collector off (`site.py`). Turned back on after it, the
    collector would scan everything the build allocated, and the interpreter scans it all again
    at exit, only to free memory the exit frees anyway: about 70 ms of a one-edit rebuild at
    1,000 articles. So a process that ends with its build keeps the collector off and freezes
    what is alive before exiting. In-process callers (tests, `serve`) call `main` and keep it.
    """
    code = main(process_ends=True)
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    """Run one command; return the process exit code. `process_ends`: see `run`."""
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # say it with the subcommand's usage ("build --output"), not the top level's
        _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(unknown)}")
    if process_ends and args.command == "build":
        gc.disable()
    _setup_logging(args.verbose, args.quiet)
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except UsageError as exc:
        _print_problems(exc)
        return EXIT_USAGE
    except SitegenError as exc:
        _print_problems(exc)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:  # argparse keeps its subparsers here and nowhere public
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen",
                                     description="A static site generator for news.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="the site folder holding sitegen.toml (default: current folder)")
    common.add_argument("-v", "--verbose", action="store_true", help="say more")
    common.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", parents=[common], help="import new raw files, render the site")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site)")
    build.add_argument("--base-url", metavar="URL",
                       help="e.g. https://USER.github.io/REPO/ for a project site")
    build.add_argument("--drafts", action="store_true", help="include draft articles")
    build.add_argument("--jobs", "-j", type=_positive, metavar="N",
                       help="worker processes for parsing, Markdown, related stories and "
                            "pages (default: one per core)")
    build.set_defaults(run=_run_build)

    imp = sub.add_parser("import", parents=[common],
                         help="raw article files or folders -> front-matter Markdown")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--content-dir", type=Path, metavar="DIR",
                     help="content folder to write into (default: the site's content/)")
    imp.add_argument("--dry-run", action="store_true",
                     help="write nothing; say what would be written")
    imp.add_argument("--force", action="store_true",
                     help="re-import over articles an editor has changed")
    imp.set_defaults(run=_run_import)

    check = sub.add_parser("check", parents=[common],
                           help="validate content and check every link of the built site")
    check.add_argument("--out", type=Path, metavar="DIR",
                       help="built site to check (default: _site)")
    check.add_argument("--base-url", metavar="URL", help="the base URL the site was built for")
    check.set_defaults(run=_run_check)

    serve = sub.add_parser("serve", parents=[common],
                           help="build, serve on 127.0.0.1, rebuild and reload on every change")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--poll", action="store_true",
                       help="poll for changes (file systems without change events)")
    serve.add_argument("--drafts", action="store_true", help="include draft articles")
    serve.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site)")
    serve.set_defaults(run=_run_serve)

    deploy = sub.add_parser("deploy", parents=[common],
                            help="build and commit the site onto the gh-pages branch")
    deploy.add_argument("--remote", default="origin",
                        help="remote to push to (default: %(default)s)")
    deploy.add_argument("--branch", default="gh-pages",
                        help="branch to publish on (default: %(default)s)")
    deploy.add_argument("--message", metavar="TEXT", help="commit message")
    deploy.add_argument("--push", action="store_true", help="push the branch to the remote")
    deploy.set_defaults(run=_run_deploy)

    new = sub.add_parser("new", help="create a site ready to publish on GitHub Pages")
    new.add_argument("target", type=Path, metavar="DIR", help="folder to create (must be empty)")
    new.add_argument("-v", "--verbose", action="store_true", help="say more")
    new.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    new.set_defaults(run=_run_new)
    return parser


def _config(args: argparse.Namespace) -> Config:
    if not args.site.is_dir():
        raise UsageError(f"{args.site}: no such site folder")
    return load_config(args.site, overrides={"base_url": getattr(args, "base_url", None)})


def _require_site(folder: Path) -> None:
    """A build writes _site/ and .sitegen-cache/ into the folder: refuse one that is no site,
    as Hugo does, instead of quietly filling a stray folder."""
    if folder.is_dir() and not (folder / "sitegen.toml").is_file() and not (
            folder / "content").is_dir():
        raise UsageError(f"{folder.resolve()}: not a site (no sitegen.toml and no content/ "
                         "folder); run `sitegen new DIR` to make one, or pass --site DIR")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _run_build(args: argparse.Namespace) -> int:
    from sitegen.site import build_site

    if args.jobs is not None or "sitegen.parallel" in sys.modules:
        # Not imported only to store the default: a build with nothing to do starts no workers
        # (multiprocessing is a slow import).
        from sitegen.parallel import set_jobs

        set_jobs(args.jobs)
    _require_site(args.site)
    config = _config(args)
    report = build_site(config, out_dir=args.out, drafts=args.drafts, progress=not args.quiet)
    if report.imported is not None and (report.imported.written or report.imported.kept_edited):
        logging.getLogger("sitegen").info(report.imported.summary())
    logging.getLogger("sitegen").info(report.summary())
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    from sitegen.ingest.importer import import_paths

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(", ".join(f"{p}: no such file or folder" for p in missing))
    content_dir = args.content_dir or _config(args).content_path
    report = import_paths(args.paths, content_dir, force=args.force, dry_run=args.dry_run,
                          progress=not args.quiet)
    for problem in report.failed:
        print(f"error: {problem}", file=sys.stderr)
    print(report.summary())
    return EXIT_ERRORS if report.failed else EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from sitegen.content import load_articles
    from sitegen.incremental.stores import BuildCache
    from sitegen.linkcheck import check_links
    from sitegen.speaker_aliases import load_speaker_aliases, unsure_merges

    config = _config(args)
    articles = load_articles(config, drafts=True, cache=BuildCache(config.root))
    for unsure in unsure_merges(articles, load_speaker_aliases(config.content_path)):
        logging.getLogger("sitegen").warning("speakers: %s", unsure.message())
    _warn_dates_not_from_text(articles)
    _warn_thin_entries([a for a in articles if not a.draft])   # as the site shows them
    out = args.out or config.output_path
    if not out.is_dir():
        raise UsageError(f"{out}: no built site here; run `sitegen build` first")
    broken = check_links(out, config.base_url)
    for link in broken:
        print(f"{link.page}: broken link {link.url} ({link.reason})", file=sys.stderr)
    print(f"checked {out}: {len(broken)} broken link(s)")
    return EXIT_ERRORS if broken else EXIT_OK


_DATE_FROM = {"git": "the raw file's first commit", "file": "the raw file's modification time"}


def _warn_dates_not_from_text(articles: list[Article]) -> None:
    """An editor must look at every article whose date the importer did not read in its text."""
    guessed = [(a, _DATE_FROM[a.date_from]) for a in articles if a.date_from in _DATE_FROM]
    for article, origin in guessed:
        logging.getLogger("sitegen").warning(
            "%s: date %s was not read from the text but from %s; check it, then set "
            "'date_from: text'", article.path, article.date.date(), origin)
    if guessed:
        print(f"{len(guessed)} article(s) with a date not read from their text")


_LISTED = 20  # names listed per kind of warning; the count says how many more


def _warn_thin_entries(articles: list[Article]) -> None:
    """What an editor looks at before publishing: speakers the site shows with no role, and
    tags on one article only (a typo, or a tag no one will browse)."""
    from collections import Counter

    log = logging.getLogger("sitegen")
    roles: dict[str, bool] = {}
    for article in articles:
        for speaker in article.speakers:
            roles[speaker.name] = roles.get(speaker.name, False) or bool(speaker.role)
    no_role = sorted(name for name, has in roles.items() if not has)
    used = Counter(tag for article in articles for tag in dict.fromkeys(article.tags))
    once = sorted(tag for tag, n in used.items() if n == 1)
    for kind, names in (("speaker(s) with no role", no_role), ("tag(s) used once", once)):
        if names:
            more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
            log.warning("%d %s: %s%s", len(names), kind, ", ".join(names[:_LISTED]), more)


def _run_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import serve

    if not args.site.is_dir():
        raise UsageError(f"{args.site}: no such site folder")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: must be between 0 and 65535")
    return serve(args.site, host=args.host, port=args.port, poll=args.poll, drafts=args.drafts,
                 out_dir=args.out)


def _run_deploy(args: argparse.Namespace) -> int:
    from sitegen.deploy import deploy

    report = deploy(_config(args), remote=args.remote, branch=args.branch,
                    message=args.message, push=args.push)
    logging.getLogger("sitegen").info(report.summary())
    return EXIT_OK


def _run_new(args: argparse.Namespace) -> int:
    from sitegen.scaffold import WORKFLOW, install_spec, new_site, spec_line

    found = install_spec()
    made = new_site(args.target, found.spec)
    log = logging.getLogger("sitegen")
    log.info(f"created {len(made.files)} files in {args.target}; next: set base_url in "
             f"{args.target / 'sitegen.toml'}, then `sitegen build --site {args.target}`")
    log.info(f"{made.example}: the example story, imported from content/raw/ as a draft: "
             f"`build` leaves it out, `serve --drafts` shows it; delete it (and its raw file) "
             f"once you have your own, or set `draft: false` to publish it")
    workflow = args.target / WORKFLOW
    if found.spec is None:
        log.warning(f"{workflow}:{spec_line()}: set SITEGEN_SPEC to where GitHub can install "
                    f"sitegen from (e.g. sitegen @ git+https://github.com/OWNER/sitegen@v0.1.0)"
                    f" before the first push: {found.why}")
    else:
        log.info(f"{workflow} installs {found.spec}, {found.why}")
    return EXIT_OK


def _print_problems(exc: SitegenError) -> None:
    for problem in exc.problems:
        print(f"error: {problem}", file=sys.stderr)
    if len(exc.problems) > 1:
        print(f"{len(exc.problems)} problems", file=sys.stderr)


class _Format(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


def _setup_logging(verbose: bool, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Format())
    root = logging.getLogger("sitegen")
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
