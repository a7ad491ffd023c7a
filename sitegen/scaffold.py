"""`sitegen new DIR`: a site that builds at once and publishes to GitHub Pages on the first push.

The files come from `scaffold_files/`, shipped as package data, so an installed sitegen can
scaffold without the source repository at hand.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sitegen.errors import Problem, SitegenError

SAMPLE_RAW = "example-tass-2022-12-10.txt"

# Destination inside the new site -> file in scaffold_files/ (None: an empty file).
# Dotfiles are stored without their dot so packaging tools cannot drop them.
FILES: dict[str, str | None] = {
    "sitegen.toml": "sitegen.toml",
    f"content/raw/{SAMPLE_RAW}": SAMPLE_RAW,
    "content/articles/.gitkeep": None,
    "templates/README.md": "templates-README.md",
    ".gitignore": "gitignore",
    ".github/workflows/pages.yml": "pages.yml",
}


def scaffold_file(name: str) -> bytes:
    """The bytes of one shipped scaffold file."""
    return resources.files("sitegen").joinpath("scaffold_files", name).read_bytes()


def new_site(target: Path) -> list[Path]:
    """Write a new site into `target` (absent or empty) and return the files written.

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
        path.write_bytes(scaffold_file(source) if source is not None else b"")
        written.append(path)
    return written
