"""Tags against the editor tags of our labelled set (bench/labelled, see bench.quotes_labelled).

    .venv/bin/python -m bench.tags_labelled [--split tune|heldout|outlets|all] [--show N]

An editor tag counts as found when one of the article's tags or speakers names it: the same
words (case, accents and punctuation aside), or one contains the other as whole words ("Ford"
and "Ford Motor Company", "Labour" and "Labour Party"). Also reported: tags per story, stories
without tags, and tags that are junk by construction (weekdays, months, single letters).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.import_robustness import CORPUS
from bench.quotes_labelled import load, words
from sitegen.ingest.decode import decode_text
from sitegen.ingest.quotes import attribute_quotes
from sitegen.ingest.structure import parse_article
from sitegen.ingest.tags import extract_tags, load_tag_rules

_JUNK_WORDS = """
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
"""
_JUNK = frozenset(_JUNK_WORDS.split())


@dataclass
class TagScore:
    stories: int = 0
    editor_tags: int = 0
    found: int = 0
    tags: int = 0
    untagged: int = 0
    junk: int = 0
    per_story: Counter[int] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)


def _names(value: str) -> tuple[str, ...]:
    return tuple(words(value))


def matches(editor: str, ours: str) -> bool:
    a, b = _names(editor), _names(ours)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def score(split: str, root: Path = CORPUS) -> TagScore:
    rules = load_tag_rules(Path("content-that-does-not-exist"))
    res = TagScore()
    for story in load(split, root):
        article = parse_article(decode_text(story.text.encode("utf-8")))
        headline = [t for t in (article.title, article.subtitle) if t]
        people = [s.name for s in attribute_quotes(article.paragraphs, headline).speakers]
        tags = extract_tags(article.title, article.subtitle, article.paragraphs,
                            location=article.location, rules=rules, people=people)
        res.stories += 1
        res.tags += len(tags)
        res.per_story[len(tags)] += 1
        res.untagged += not tags
        res.junk += sum(1 for t in tags if t.lower() in _JUNK or len(t) < 2)
        for editor in story.label.get("tags", []):
            res.editor_tags += 1
            if any(matches(editor, ours) for ours in [*tags, *people]):
                res.found += 1
            else:
                res.missed.append(f"{story.ident}: {editor!r} (ours: {tags})")
    return res


def report(split: str, res: TagScore, show: int) -> str:
    n = max(res.stories, 1)
    lines = [
        f"split {split}: {res.stories} stories",
        f"  editor tags found (tags or speakers)  {res.found / max(res.editor_tags, 1):.3f} "
        f"({res.found}/{res.editor_tags})",
        f"  tags per story  {res.tags / n:.2f}  (3-8: "
        f"{sum(c for k, c in res.per_story.items() if 3 <= k <= 8)}/{res.stories})",
        f"  stories without tags  {res.untagged}   junk tags  {res.junk}",
    ]
    if show and split == "tune":
        lines.extend(f"    missed {m}" for m in res.missed[:show])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune", choices=["tune", "heldout", "outlets", "all"])
    parser.add_argument("--show", type=int, default=0, help="missed tags to list (tune only)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir() and args.split != "outlets":
        print(f"{CORPUS}: shared corpus is absent; nothing to measure", file=sys.stderr)
        return 0
    splits = ["tune", "heldout", "outlets"] if args.split == "all" else [args.split]
    for split in splits:
        print(report(split, score(split), args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
