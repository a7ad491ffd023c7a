"""Shared bits of the importer tests: fixture paths and the sample's expected values."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SAMPLE_NAME = "000_09a015d091362e36.txt"
SAMPLE = FIXTURES / SAMPLE_NAME
WIRE = FIXTURES / "wire"
SAMPLE_TITLE = ("West looks for any clue to drive a wedge between Russia and Kazakhstan, "
                "says Lavrov")
SAMPLE_SUBTITLE = ("According to Russian Foreign Minister, US and EU follow very closely the "
                   "developments in the post-Soviet space")
CONTRACT_FIELDS = ["title", "subtitle", "date", "updated", "location", "source", "tags",
                   "speakers", "quotes", "slug", "origin", "date_from", "draft"]
# Written after `tags` when the importer knows the kind of at least one tag (for themes).
OPTIONAL_FIELDS = {"tag_kinds"}


def contract_fields(metadata: dict[str, object]) -> list[str]:
    """The front matter's keys without the optional ones, which must sit right after `tags`."""
    keys = list(metadata)
    if "tag_kinds" in keys:
        assert keys[keys.index("tag_kinds") - 1] == "tags"
    return [k for k in keys if k not in OPTIONAL_FIELDS]
