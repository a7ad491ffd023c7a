"""Front-matter Markdown text: contract field order, readable YAML, body escaping."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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
