"""The tags index grouped by kind (issue 17, "Indexes"): the `tag_kinds` front matter the importer
writes, merged over a site's articles, puts the most covered tags under People, Organisations,
Places, Topics and Other; a site whose tags have no kinds keeps the index by size. Real sites
built by `sitegen build`, read back as HTML; and the incremental build following a kind's change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.content import load_articles
from sitegen.ingest.tags import TAG_KINDS as IMPORTER_KINDS
from sitegen.ingest.tags import load_tag_rules
from sitegen.taxonomy import TAG_KINDS, build_taxonomy, tag_kinds
from tests.conftest import clean_build_snapshot, snapshot, write_config
from tests.test_theme import css, html, text

# (tags, tag_kinds) of each story, oldest first
STORIES: list[tuple[list[str], dict[str, str] | None]] = [
    (["Russia", "Vladimir Putin", "NATO"],
     {"Russia": "place", "Vladimir Putin": "person", "NATO": "organisation"}),
    (["Russia", "Vladimir Putin", "Diplomacy", "Xbox"],
     {"Russia": "place", "Vladimir Putin": "person", "Diplomacy": "topic"}),
    (["Russia", "Sergey Lavrov", "Diplomacy", "Xbox", "Mixed"],   # an editor's " Place"
     {"Russia": " Place", "Sergey Lavrov": "person", "Diplomacy": "topic", "Mixed": "person"}),
    (["Russia", "Ukraine", "Sergey Lavrov", "NATO", "Mixed", "Lonely"],
     {"Ukraine": "place", "Sergey Lavrov": "person", "NATO": "organisation", "Mixed": "person",
      "Lonely": "place"}),
    # Xbox and Russia are not this story's tags: their kinds here are not counted
    (["Ukraine", "Vladimir Putin", "Mixed", "Tie"],
     {"Ukraine": "place", "Vladimir Putin": "person", "Mixed": "organisation", "Tie": "place",
      "Xbox": "topic", "Russia": "person"}),
    (["Tie", "Gadget"], {"Tie": "organisation", "Gadget": "gizmo"}),   # not a kind: ignored
    (["Gadget"], None),
]

GROUPED = {
    "People": ["Mixed 3 stories", "Vladimir Putin 3 stories", "Sergey Lavrov 2 stories"],
    "Organisations": ["NATO 2 stories", "Tie 2 stories"],   # Tie: one vote each, organisation
    "Places": ["Russia 4 stories", "Ukraine 2 stories"],    # first; Lonely (1 story) only A-Z
    "Topics": ["Diplomacy 2 stories"],
    "Other": ["Gadget 2 stories", "Xbox 2 stories"],
}
BY_SIZE = ["Russia 4 stories", "Mixed 3 stories", "Vladimir Putin 3 stories",
           "Diplomacy 2 stories", "Gadget 2 stories", "NATO 2 stories", "Sergey Lavrov 2 stories",
           "Tie 2 stories", "Ukraine 2 stories", "Xbox 2 stories"]


def make_site(root: Path, stories: list[tuple[list[str], dict[str, str] | None]]) -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    write_config(root, 'title = "Kinds news"\nsearch = false\ncards = false\n'
                       'base_url = "https://example.github.io/news/"\n')
    for n, (tags, kinds) in enumerate(stories, start=1):
        front: dict[str, Any] = {"title": f"Story {n}", "date": f"2023-03-{n:02d}", "tags": tags}
        if kinds is not None:
            front["tag_kinds"] = kinds
        # as the importer writes them: `tags` and `tag_kinds` each on one line
        header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True,
                                default_flow_style=None, width=1000)
        (root / "content" / "articles" / f"story-{n}.md").write_text(
            f"---\n{header}---\nBody of story {n}.\n", encoding="utf-8")
    return root


def build(root: Path) -> None:
    assert main(["build", "--site", str(root), "--quiet"]) == 0


def sections(page: Any) -> dict[str, list[str]]:
    """Each kind section of the index's "most covered": its heading and its tags with counts."""
    found = {}
    for section in css(page, ".busiest > section.kind"):
        [heading] = page.xpath(f"//*[@id='{section.get('aria-labelledby')}']")
        assert heading.tag == "h3" and heading.getparent() is section
        found[text(heading)] = [text(li) for li in css(section, ".tag-cloud > li")]
    return found


def assert_a_to_z_jump_works(page: Any) -> dict[str, list[str]]:
    """Every letter of the jump list leads to its heading; the A-Z lists every tag once."""
    letters = {}
    for link in css(page, ".a-z .jump a"):
        [target] = page.xpath(f"//*[@id='{link.get('href')[1:]}']")
        assert text(target) == text(link) and target.tag == "h3"
        letters[text(link)] = [text(li) for li in css(target.getparent(), ".term-list > li")]
    return letters


def test_tags_index_groups_the_most_covered_by_kind_with_counts(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", STORIES)
    build(root)
    page = html(root / "_site", "tags/index.html")
    assert sections(page) == GROUPED
    # headings in order: the page's h1, "Most covered" and its kinds, then the A-Z and letters
    headings = [(h.tag, text(h)) for h in page.xpath("//main//*[self::h1 or self::h2 or self::h3]")]
    assert headings[:7] == [("h1", "Tags"), ("h2", "Most covered"), ("h3", "People"),
                            ("h3", "Organisations"), ("h3", "Places"), ("h3", "Topics"),
                            ("h3", "Other")]
    assert headings[7] == ("h2", "All tags, A–Z")
    letters = assert_a_to_z_jump_works(page)
    assert list(letters) == ["D", "G", "L", "M", "N", "R", "S", "T", "U", "V", "X"]
    assert letters["L"] == ["Lonely 1 story"]
    assert sum(map(len, letters.values())) == 11
    # links lead to the tags' pages
    assert css(page, ".kind-person .tag-cloud a")[0].get("href") == "/news/tags/mixed/"


def test_a_site_whose_tags_have_no_kinds_keeps_the_index_by_size(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", [(tags, None) for tags, _ in STORIES])
    build(root)
    page = html(root / "_site", "tags/index.html")
    assert css(page, ".kind") == [] and css(page, ".busiest h3") == []
    assert [text(li) for li in css(page, ".busiest > .tag-cloud > li")] == BY_SIZE
    assert len(assert_a_to_z_jump_works(page)) == 11


def test_kinds_only_on_tags_of_one_story_leave_the_index_by_size(tmp_path: Path) -> None:
    """Kinds are given, but no tag with a kind is among the most covered: "Other" alone would
    be the list by size under another name, so the page stays as it was."""
    stories = [(tags, {"Lonely": "place"} if "Lonely" in tags else None) for tags, _ in STORIES]
    root = make_site(tmp_path / "site", stories)
    build(root)
    page = html(root / "_site", "tags/index.html")
    assert css(page, ".kind") == []
    assert [text(li) for li in css(page, ".busiest > .tag-cloud > li")] == BY_SIZE


def test_a_tag_takes_the_kind_most_stories_give_it_ties_in_a_fixed_order(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", STORIES)
    taxonomy = build_taxonomy(load_articles(load_config(root)))
    assert tag_kinds(taxonomy) == {
        "diplomacy": "topic", "mixed": "person", "nato": "organisation", "russia": "place",
        "sergey-lavrov": "person", "tie": "organisation", "ukraine": "place",
        "vladimir-putin": "person", "lonely": "place"}
    assert TAG_KINDS == IMPORTER_KINDS   # the values the importer writes, in the page's order


def test_a_changed_kind_renders_the_tags_index_again_as_a_clean_build_does(
        tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", STORIES)
    build(root)
    index = root / "_site" / "tags" / "index.html"
    before = index.read_bytes()
    # a body edit leaves the index as it is (not rendered again: same file)
    story = root / "content" / "articles" / "story-2.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Body of story 2.",
                                                               "Body of story 2, edited."),
                     encoding="utf-8")
    stat = index.stat()
    build(root)
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    # Mixed: person in stories 3 and 4, organisation in 5; now an organisation in 3 as well
    story = root / "content" / "articles" / "story-3.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Mixed: person",
                                                               "Mixed: organisation"),
                     encoding="utf-8")
    build(root)
    after = index.read_bytes()
    assert after != before
    grouped = sections(html(root / "_site", "tags/index.html"))
    assert grouped["People"] == ["Vladimir Putin 3 stories", "Sergey Lavrov 2 stories"]
    assert grouped["Organisations"] == ["Mixed 3 stories", "NATO 2 stories", "Tie 2 stories"]
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean-1")
    # every kind taken away: the index by size again
    for path in (root / "content" / "articles").glob("*.md"):
        path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("tag_kinds:")) + "\n",
                        encoding="utf-8")
    build(root)
    page = html(root / "_site", "tags/index.html")
    assert [text(li) for li in css(page, ".busiest > .tag-cloud > li")] == BY_SIZE
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean-2")


TAGS_TOML = """stop = ["Europe"]
[kinds]   # an editor's say, over the stories'
"xbox" = "Organisation"
"Russia" = "topic"
"Nobody" = "person"   # no story's tag: nothing to say
"""


def test_an_editor_sets_a_tags_kind_in_tags_toml(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", STORIES)
    build(root)
    index = root / "_site" / "tags" / "index.html"
    before = index.read_bytes()
    (root / "content" / "tags.toml").write_text(TAGS_TOML, encoding="utf-8")
    assert load_tag_rules(root / "content").kinds == {
        "xbox": "organisation", "Russia": "topic", "Nobody": "person"}
    build(root)
    assert index.read_bytes() != before
    grouped = {**GROUPED, "Organisations": ["NATO 2 stories", "Tie 2 stories", "Xbox 2 stories"],
               "Places": ["Ukraine 2 stories"],
               "Topics": ["Russia 4 stories", "Diplomacy 2 stories"],
               "Other": ["Gadget 2 stories"]}
    assert sections(html(root / "_site", "tags/index.html")) == grouped
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean-1")
    # a body edit: the stories' kinds come from the cache, the editor's still win
    story = root / "content" / "articles" / "story-2.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Body of story 2.", "Edited."),
                     encoding="utf-8")
    stat = index.stat()
    build(root)
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert sections(html(root / "_site", "tags/index.html")) == grouped
    # the editor takes their say back
    (root / "content" / "tags.toml").write_text('stop = ["Europe"]\n', encoding="utf-8")
    build(root)
    assert sections(html(root / "_site", "tags/index.html")) == GROUPED
    assert snapshot(root / "_site") == clean_build_snapshot(root, tmp_path / "clean-2")


def test_a_wrong_kind_in_tags_toml_stops_the_build_naming_file_and_line(
        tmp_path: Path, capsys: Any) -> None:
    root = make_site(tmp_path / "site", STORIES)
    (root / "content" / "tags.toml").write_text('[kinds]\n"Xbox" = "console"\n',
                                                encoding="utf-8")
    assert main(["build", "--site", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "tags.toml:2" in err and "'Xbox' must be one of person, organisation, place, topic" \
        in err, err
