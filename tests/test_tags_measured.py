"""Tags on the labelled set and on Reuters-21578's index terms (bench/tags_labelled.py,
bench/tags_reuters.py): floors under the figures in docs/IMPORTER.md, so a change that makes them
worse fails. `outlets` (our own stories) lives in the project; tune and Reuters read ../shared and
are opt-in like every test that does. Held-out figures are not floored here: that part is
measured once per round, by hand.
"""

from __future__ import annotations

import pytest

from bench import tags_labelled, tags_reuters
from bench.import_robustness import CORPUS


def _corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (lives in ../shared)")


def test_unseen_outlets() -> None:
    res = tags_labelled.score("outlets")
    assert res.stories == 12
    assert res.found / res.editor_tags >= 0.5  # 0.521 (25/48)
    assert sum(c for k, c in res.per_story.items() if 3 <= k <= 8) == res.stories  # 12 of 12
    assert res.untagged == 0
    assert res.junk == 0


@pytest.mark.shared
def test_tune_stories() -> None:
    _corpus()
    res = tags_labelled.score("tune")
    assert res.stories == 54
    assert res.found / res.editor_tags >= 0.80  # 0.812 (156/192)
    assert sum(c for k, c in res.per_story.items() if 3 <= k <= 8) == res.stories
    assert res.untagged == 0
    assert res.junk == 0


@pytest.mark.shared
def test_reuters_index_terms() -> None:
    _corpus()
    res = tags_reuters.measure(CORPUS / "reuters21578-sample")
    assert res.untagged / res.stories < 0.02

    def recall(kind: str) -> float:
        return res.kinds[kind].found / res.kinds[kind].total

    assert recall("places") >= 0.89  # 0.897
    assert recall("people") >= 0.85  # 0.851 (80/94)
    assert recall("orgs") >= 0.91  # 0.921
    assert recall("topics") >= 0.78  # 0.792
