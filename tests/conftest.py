"""Shared test helpers: real site folders on disk, built with the real pipeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE_RAW = REPO / "tests" / "fixtures" / "ingest" / "000_09a015d091362e36.txt"
SHARED = REPO.parent / "shared"


def write_article(content_dir: Path, name: str, body: str = "Body text.", **front: Any) -> Path:
    """Write one front-matter Markdown article under content/articles/."""
    path = content_dir / "articles" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{header}---\n{body}\n", encoding="utf-8")
    return path


def write_config(site: Path, text: str) -> None:
    (site / "sitegen.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty site folder with a content/ folder."""
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    return root


@pytest.fixture
def article_factory(site: Path) -> Callable[..., Path]:
    def make(name: str, body: str = "Body text.", **front: Any) -> Path:
        return write_article(site / "content", name, body, **front)

    return make


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove a failed build changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def requires_shared() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} (shared corpus) is absent")


def requires_tool(name: str, why: str) -> pytest.MarkDecorator:
    """Skip locally when a system tool is missing; in CI (CI=true) run anyway and fail loudly."""
    import os
    import shutil

    missing = shutil.which(name) is None and os.environ.get("CI") != "true"
    return pytest.mark.skipif(missing, reason=f"{why} needs `{name}`, which is not installed")


@pytest.fixture(autouse=True)
def _search_cache(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the search index cache (sitegen.search) of test sites out of the user's ~/.cache."""
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
