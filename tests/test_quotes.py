"""Quote detection and speaker attribution (sitegen.ingest.quotes)."""

from __future__ import annotations

from pathlib import Path

from sitegen.ingest.quotes import attribute_quotes
from sitegen.model import Speaker

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"


def sample_paragraphs() -> list[str]:
    """Body paragraphs of the product's sample TASS article (chrome, dateline, heading removed)."""
    text = (FIXTURES / "sample_tass.txt").read_text(encoding="utf-8")
    pars = [p.strip() for p in text.split("\n\n") if p.strip()]
    start = next(i for i, p in enumerate(pars) if p.startswith("MOSCOW"))
    pars = pars[start:]
    pars[0] = pars[0].split("/TASS/. ", 1)[1]
    return [p for p in pars if p != "Use of US dollar"]


def test_sample_speakers_and_quotes() -> None:
    result = attribute_quotes(sample_paragraphs())
    assert result.speakers == (Speaker("Sergey Lavrov", "Russian Foreign Minister"),)
    assert len(result.quotes) == 9  # 7 quoted passages, two of them split around the frame
    assert all(q.speaker == "Sergey Lavrov" for q in result.quotes)
    texts = [q.text for q in result.quotes]
    assert texts[0].startswith("In today’s communications environment")
    assert texts[2].startswith("They watch out for any clues")
    for scare in ("interested parties", "whims", "dollars", "inflate"):
        assert scare not in texts
