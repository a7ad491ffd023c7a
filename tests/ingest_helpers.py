"""Shared bits of the importer tests: fixture paths and the sample's expected values."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SAMPLE_NAME = "000_09a015d091362e36.txt"
SAMPLE = FIXTURES / SAMPLE_NAME
WIRE = FIXTURES / "wire"
SAMPLE_TITLE = ("West looks for any clue to drive a wedge between Russia and Kazakhstan, "
                "says Lavrov")
SAMPLE_SUBTITLE = ("According to Russian Foreign Minister, US and EU follow very closely the "
                   "developments in the post-Soviet space")
CONTRACT_FIELDS = ["title", "subtitle", "date", "updated", "location", "source", "tags",
                   "speakers", "quotes", "slug", "origin", "draft"]


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def needs_pipeline() -> pytest.MarkDecorator:
    """The importer calls quotes.py and tags.py, written in parallel; skip until both exist."""
    missing = [m for m in ("sitegen.ingest.quotes", "sitegen.ingest.tags") if not _importable(m)]
    return pytest.mark.skipif(bool(missing), reason=f"not written yet: {', '.join(missing)}")
