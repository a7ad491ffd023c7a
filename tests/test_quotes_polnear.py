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


def test_speaker_target_for_quotes_whose_gold_source_is_a_name(
        test_split: quotes_polnear.Score) -> None:
    """The issue's target: the right speaker for >= 0.90 of found quotes with a named source."""
    correct, scored = test_split.by_kind["name"]
    assert scored > 200
    assert correct / scored >= 0.90, test_split.wrong


def test_speaker_accuracy_with_pronoun_sources_does_not_regress(
        test_split: quotes_polnear.Score) -> None:
    """Pronoun sources are scored by the nearest earlier named gold source, a rough proxy
    for coreference; floors just under the measured 0.82 (pronouns) and 0.878 (all)."""
    correct, scored = test_split.by_kind["pronoun"]
    assert scored > 50
    assert correct / scored >= 0.80, test_split.wrong
    assert test_split.correct / test_split.scored >= 0.86, test_split.wrong
