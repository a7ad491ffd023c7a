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


def _holds(res: labelled.Score, *, stories: int, found: float, right: float, f1: float,
           non_people: int, roles: float) -> None:
    """The floors one part of the set must stay above."""
    assert res.stories == stories
    assert res.found / res.quotes >= found
    assert res.speaker_right / res.found >= right
    assert _f1(res) >= f1
    assert res.errors["non-person as speaker"] <= non_people
    assert res.roles_right / res.tp >= roles


def test_unseen_outlets() -> None:
    # third round: tuned on these too (0.937 right, F1 0.976, roles 0.927 after it; the same
    # after the fourth round, which was not tuned on them)
    _holds(labelled.score(labelled.load("outlets")), stories=12, found=0.95, right=0.90,
           f1=0.95, non_people=0, roles=0.90)


@pytest.mark.shared
def test_heldout_stories() -> None:
    if not labelled.CORPUS.is_dir():
        pytest.skip(f"corpus not found at {labelled.CORPUS} (lives in ../shared)")
    # fourth round: found 0.955, right 0.839, F1 0.895, one non-person, roles 0.814
    _holds(labelled.score(labelled.load("heldout")), stories=56, found=0.94, right=0.83,
           f1=0.89, non_people=1, roles=0.81)
