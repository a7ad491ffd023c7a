"""The importer's vocabularies and outlet conventions, as TOML tables (one reader for all)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def table(name: str) -> dict[str, Any]:
    """`<name>.toml` of this folder, parsed once per process."""
    return tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))
