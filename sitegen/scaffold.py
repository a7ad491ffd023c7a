"""`sitegen new DIR`: a site that builds at once and publishes to GitHub Pages on the first push.

The files come from `scaffold_files/`, shipped as package data, so an installed sitegen can
scaffold without the source repository at hand.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.errors import Problem, SitegenError

SAMPLE_RAW = "example-tass-2022-12-10.txt"
WORKFLOW = ".github/workflows/pages.yml"
# The workflow's install line as shipped: what a user must edit when no real spec is known.
PLACEHOLDER_SPEC = "sitegen @ git+https://github.com/OWNER/sitegen"
_SPEC_LINE = f'  SITEGEN_SPEC: "{PLACEHOLDER_SPEC}"\n'
# What a spec written into the workflow may hold: printable ASCII that a URL uses; no `{`
# (so no `${{ }}` Actions expression) and no quote that would end the YAML string.
_SPEC_CHARS = re.compile(r"[A-Za-z0-9 ._~:/?#@!$&()*+,;=%\[\]-]+")

# Destination inside the new site -> file in scaffold_files/ (None: an empty file).
# Dotfiles are stored without their dot so packaging tools cannot drop them.
FILES: dict[str, str | None] = {
    "sitegen.toml": "sitegen.toml",
    f"content/raw/{SAMPLE_RAW}": SAMPLE_RAW,
    "content/articles/.gitkeep": None,
    "templates/README.md": "templates-README.md",
    ".gitignore": "gitignore",
    WORKFLOW: "pages.yml",
}


def scaffold_file(name: str) -> bytes:
    """The bytes of one shipped scaffold file."""
    return resources.files("sitegen").joinpath("scaffold_files", name).read_bytes()


@dataclass(frozen=True)
class InstallSpec:
    """Where the GitHub runner installs sitegen from: `spec` when it is known, else why not."""

    spec: str | None
    why: str


_RUNNING = Path(__file__).resolve().parent / "__init__.py"


def install_spec(dist: metadata.Distribution | None = None,
                 running: Path | None = _RUNNING) -> InstallSpec:
    """The pip spec this sitegen was installed from, when a GitHub runner can install it too.

    Read from the distribution's PEP 610 `direct_url.json`: a git URL over https becomes
    `sitegen @ git+URL@COMMIT` (the very commit installed), an https archive `sitegen @ URL`
    with its hash. A local folder or file, another scheme, a URL with credentials in it, or an
    install from a package index (which pip does not record) give no spec: sitegen is not on
    PyPI, and guessing a name there could install someone else's package. The distribution
    must be the one `running` (this sitegen's `__init__.py`) comes from, not another install
    that a `PYTHONPATH` hides.
    """
    try:
        dist = dist or metadata.distribution("sitegen")
    except metadata.PackageNotFoundError:
        return InstallSpec(None, "sitegen is not installed as a package here")
    text = dist.read_text("direct_url.json")
    if text is None:
        return InstallSpec(None, "no URL is recorded for this sitegen (installed from a "
                                 "package index, which pip does not record, or run from a "
                                 "source tree)")
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(info, dict) or not isinstance(url, str):
        return InstallSpec(None, "its install record (direct_url.json) is unreadable")
    parts = urlsplit(url)
    if parts.username or parts.password:   # said without the URL, which holds them
        return InstallSpec(None, "the URL sitegen was installed from carries credentials, "
                                 "which must not be committed")
    if parts.scheme == "file" or "dir_info" in info:
        return InstallSpec(None, f"sitegen was installed from the local folder or file "
                                 f"{parts.path or url}, which a GitHub runner cannot reach")
    if running is not None and not _provides(dist, running):
        return InstallSpec(None, f"the running sitegen ({running.parent}) is not the one "
                                 f"installed from {url}")
    if parts.scheme != "https":
        return InstallSpec(None, f"sitegen was installed from {url}, which a GitHub runner "
                                 "cannot fetch without credentials")
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        if vcs.get("vcs") != "git" or not isinstance(commit, str) or not commit:
            return InstallSpec(None, f"sitegen was installed from {url} without a git commit")
        spec = f"sitegen @ git+{url}@{commit}"
    else:
        archive = info.get("archive_info")
        hashes = archive.get("hashes") if isinstance(archive, dict) else None
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        spec = f"sitegen @ {url}" + (f"#sha256={sha256}" if isinstance(sha256, str) else "")
    subdirectory = info.get("subdirectory")
    if isinstance(subdirectory, str) and subdirectory:
        spec += f"{'&' if '#' in spec else '#'}subdirectory={subdirectory}"
    if not _SPEC_CHARS.fullmatch(spec):
        return InstallSpec(None, f"the URL sitegen was installed from ({url!r}) is not one "
                                 "to write into a workflow")
    return InstallSpec(spec, f"the spec this sitegen was installed from ({url})")


def _provides(dist: metadata.Distribution, module: Path) -> bool:
    """True when `dist`'s installed files (its RECORD) include `module`."""
    for entry in dist.files or ():
        if entry.as_posix() == "sitegen/__init__.py":
            return Path(str(dist.locate_file(entry))).resolve() == module.resolve()
    return False


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Only warnings and errors from `logger` inside."""
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def workflow_text(spec: str | None) -> str:
    """The Pages workflow, installing sitegen from `spec` (the placeholder when None)."""
    text = scaffold_file("pages.yml").decode("utf-8")
    if spec is not None:
        text = text.replace(_SPEC_LINE, f'  SITEGEN_SPEC: "{spec}"\n', 1)
    return text


def spec_line() -> int:
    """The line of the workflow that says where sitegen is installed from (1-based)."""
    return workflow_text(None).splitlines(keepends=True).index(_SPEC_LINE) + 1


@dataclass(frozen=True)
class NewSite:
    """What `new_site` wrote, and the example story (a draft) among it."""

    files: list[Path]
    example: Path


def new_site(target: Path, spec: str | None = None) -> NewSite:
    """Write a new site into `target` (absent or empty); its workflow installs sitegen from
    `spec` (`install_spec()`), or has the placeholder to edit.

    The example wire story is imported at once, as a draft: the site shows what the importer
    makes of wire copy, and the story never lands among the user's own (in their front page,
    tags, speakers and related stories) unless they publish it.

    A non-empty folder is refused rather than merged into: the user's files are never
    overwritten, and a half-scaffolded mix of old and new would be hard to untangle.
    """
    if target.exists():
        if not target.is_dir():
            raise SitegenError(Problem(target, "exists and is not a folder"))
        if any(target.iterdir()):
            raise SitegenError(Problem(target, "is not empty; `sitegen new` only creates a "
                                       "site in a new or empty folder"))
    written: list[Path] = []
    for dest, source in FILES.items():
        path = target / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        if dest == WORKFLOW:
            path.write_text(workflow_text(spec), encoding="utf-8")
        else:
            path.write_bytes(scaffold_file(source) if source is not None else b"")
        written.append(path)
    from sitegen.ingest.importer import STATE_NAME, import_paths

    content = target / "content"
    with _quiet(logging.getLogger("sitegen.ingest")):   # how it read the date: not news here
        report = import_paths([content / "raw" / SAMPLE_RAW], content, progress=False,
                              draft=True)
    if report.failed or len(report.written) != 1:
        raise SitegenError(report.failed or [Problem(content / "raw" / SAMPLE_RAW,
                                                     "the example story was not imported")])
    written.extend([report.written[0], content / STATE_NAME])
    return NewSite(written, report.written[0])
