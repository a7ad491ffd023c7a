"""Front-matter Markdown text: contract field order, readable YAML, body escaping."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import frontmatter

from sitegen.ingest.dates import ArticleDates
from sitegen.ingest.structure import Block, Dateline, ParsedArticle
from sitegen.ingest.writer import escape_paragraph, markdown_body, render_markdown
from sitegen.model import Quote, Speaker
from tests.ingest_helpers import CONTRACT_FIELDS

MSK = timezone(timedelta(hours=3))
ARTICLE = ParsedArticle(
    title="Лавров: West looks for any clue",
    subtitle=("A standfirst " + "that goes on " * 20).strip(),
    blocks=(Block("First paragraph."), Block("Use of US dollar", heading=True),
            Block("1. Not a list, just a number.")),
    dateline=Dateline("MOSCOW, December 10. /TASS/.", "Moscow", "TASS", 12, 10),
)
DATES = ArticleDates(date(2022, 12, 10), datetime(2022, 12, 10, 18, 21, tzinfo=MSK), "test")


def render() -> str:
    return render_markdown(ARTICLE, DATES, tags=["Russia", "Kazakhstan"],
                           speakers=[Speaker("Sergey Lavrov", "Russian Foreign Minister")],
                           quotes=[Quote("In today’s world: any # news", "Sergey Lavrov"),
                                   Quote("Unattributed")],
                           slug="west-looks", origin="000.txt")


def test_fields_in_contract_order_and_reloadable() -> None:
    post = frontmatter.loads(render())
    assert list(post.metadata) == CONTRACT_FIELDS
    assert post["title"] == ARTICLE.title and post["subtitle"] == ARTICLE.subtitle
    assert post["date"] == date(2022, 12, 10)
    assert post["updated"] == DATES.updated
    assert post["speakers"] == [{"name": "Sergey Lavrov", "role": "Russian Foreign Minister"}]
    assert post["quotes"][1] == {"speaker": None, "text": "Unattributed"}
    assert post["draft"] is False


def test_yaml_reads_like_the_contract() -> None:
    text = render()
    assert "\ntags: [Russia, Kazakhstan]\n" in text
    assert "\nupdated: 2022-12-10T18:21:00+03:00\n" in text
    assert "\nspeakers:\n  - name: Sergey Lavrov\n    role: Russian Foreign Minister\n" in text
    assert "Лавров" in text and "\\u" not in text
    subtitle_line = next(line for line in text.splitlines() if line.startswith("subtitle:"))
    assert subtitle_line.endswith("that goes on")   # one line, not folded


def test_body_heading_and_escaping() -> None:
    body = markdown_body(ARTICLE.blocks)
    assert body == "First paragraph.\n\n## Use of US dollar\n\n1\\. Not a list, just a number.\n"
    assert escape_paragraph("# not a heading") == "\\# not a heading"
    assert escape_paragraph("- not a list") == "\\- not a list"
    assert escape_paragraph("2022 was a year.") == "2022 was a year."


def test_tag_kinds_are_one_flow_mapping_a_theme_reads_from_extra(tmp_path: Path) -> None:
    import yaml as _yaml

    from sitegen.config import load_config
    from sitegen.content import load_file
    from sitegen.ingest.dates import ArticleDates
    from sitegen.ingest.structure import parse_article
    from sitegen.ingest.writer import render_markdown
    article = parse_article("Talks in Oslo\n\nOSLO, May 2 (Reuters) - Talks went on.\n")
    dates = ArticleDates(date=date(2024, 5, 2), updated=None, reason="")
    text = render_markdown(article, dates, tags=["Norway", "Ann Lee: Oslo"], speakers=[],
                           quotes=[], slug="talks", origin="a.txt",
                           tag_kinds={"Norway": "place", "Ann Lee: Oslo": "person"})
    line = next(x for x in text.splitlines() if x.startswith("tag_kinds:"))
    assert _yaml.safe_load(line) == {"tag_kinds": {"Norway": "place", "Ann Lee: Oslo": "person"}}
    assert "tag_kinds" not in render_markdown(article, dates, tags=[], speakers=[], quotes=[],
                                              slug="talks", origin="a.txt")
    (tmp_path / "sitegen.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n')
    path = tmp_path / "content" / "articles" / "talks.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    loaded = load_file(path, load_config(tmp_path))
    assert loaded is not None
    assert loaded[0].extra["tag_kinds"] == {"Norway": "place", "Ann Lee: Oslo": "person"}
    assert not loaded[1].warnings  # no "did you mean 'tags'"
