"""Opt-in: reading + structure over every article of the shared corpora (read in place from
../shared, never copied). Zero crashes; every article gets a title and a body."""

from __future__ import annotations

import pytest

from bench.import_robustness import CORPUS, Sample, bbc, polnear, reuters, wikinews
from sitegen.ingest.decode import UnreadableText, decode_text
from sitegen.ingest.structure import StructureError, parse_article

pytestmark = [pytest.mark.shared,
              pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent")]


@pytest.mark.parametrize("source", [bbc, reuters, wikinews, polnear])
def test_every_corpus_article_has_title_and_body(source: object) -> None:
    samples: list[Sample] = list(source(CORPUS))  # type: ignore[operator]
    assert samples, "corpus folder is empty"
    missing = []
    for sample in samples:
        try:
            article = parse_article(decode_text(sample.data))
        except (UnreadableText, StructureError) as exc:
            if not sample.empty_source:
                missing.append(f"{sample.ident}: {exc}")
            continue
        if not article.title or not article.paragraphs:
            missing.append(sample.ident)
    assert missing == []
