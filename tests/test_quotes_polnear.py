"""Opt-in: quote recall and speaker accuracy on the PolNeAR test split (read from ../shared)."""

from __future__ import annotations

import pytest

from bench import quotes_polnear

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def test_split() -> quotes_polnear.Score:
    if not (quotes_polnear.CORPUS / "attributions_dev_test.jsonl").is_file():
        pytest.skip(f"PolNeAR corpus not found at {quotes_polnear.CORPUS} (lives in ../shared)")
    return quotes_polnear.score("test")


def test_recall_on_test_split(test_split: quotes_polnear.Score) -> None:
    assert test_split.gold > 300
    assert test_split.found / test_split.gold >= 0.95, test_split.misses


def test_speaker_accuracy_does_not_regress(test_split: quotes_polnear.Score) -> None:
    """Floor just under the measured 0.878, so a regression shows."""
    assert test_split.scored > 250
    assert test_split.correct / test_split.scored >= 0.86, test_split.wrong


@pytest.mark.xfail(reason="target 0.90 not met yet: 0.878 on test (0.928 on dev)", strict=False)
def test_speaker_accuracy_target(test_split: quotes_polnear.Score) -> None:
    assert test_split.correct / test_split.scored >= 0.90, test_split.wrong
