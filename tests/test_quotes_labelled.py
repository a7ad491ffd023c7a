"""Speakers, roles and quotes on our labelled set (bench/quotes_labelled.py): floors under the
figures measured on the parts never tuned on, so a change that makes them worse fails.

`outlets` (our own stories in the styles of twelve outlets) lives in the project; `heldout` reads
its stories from ../shared and is opt-in like every test that does.
"""

from __future__ import annotations

import pytest

from bench import quotes_labelled as labelled


def _f1(res: labelled.Score) -> float:
    p = res.tp / (res.tp + res.fp)
    r = res.tp / (res.tp + res.fn)
    return 2 * p * r / (p + r)


def test_unseen_outlets() -> None:
    res = labelled.score(labelled.load("outlets"))
    assert res.stories == 12
    assert res.found / res.quotes >= 0.95
    assert res.speaker_right / res.found >= 0.80
    assert _f1(res) >= 0.83
    assert res.errors["non-person as speaker"] <= 3


@pytest.mark.shared
def test_heldout_stories() -> None:
    if not labelled.CORPUS.is_dir():
        pytest.skip(f"corpus not found at {labelled.CORPUS} (lives in ../shared)")
    res = labelled.score(labelled.load("heldout"))
    assert res.stories == 56
    assert res.found / res.quotes >= 0.94
    assert res.speaker_right / res.found >= 0.81
    assert _f1(res) >= 0.87
    assert res.errors["non-person as speaker"] <= 3
