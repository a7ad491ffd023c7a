"""Organisations whose names look like people's are never speakers (issue 13, fourth round).

A company named after its founder ("Hollis Marsh"), or one whose name opens with a given name,
passes a person check that reads the name alone, and a role ("the retailer's chairman") or an
apposition once let it through. The article itself says what the name is: "shares in X", "X's
chief executive", "retailer X", "X, which", "X said its", "X & Y", "the X said". When the text
says organisation more often than person, the quote keeps speaker null. All texts are our own.
"""

from __future__ import annotations

import pytest

from sitegen.ingest.persons import is_person_name, not_a_person, org_evidence
from sitegen.ingest.quotes import attribute_quotes


def said_by(*paragraphs: str) -> list[str | None]:
    return [q.speaker for q in attribute_quotes(list(paragraphs)).quotes]


def speaker_names(*paragraphs: str) -> list[str]:
    return [s.name for s in attribute_quotes(list(paragraphs)).speakers]


@pytest.mark.parametrize("context", [
    "Shares in Hollis Marsh fell 4% in early trading.",
    "Hollis Marsh's chief executive left in March.",
    "Hollis Marsh shares have halved this year.",
    "The fashion retailer Hollis Marsh has 200 stores.",
    "Hollis Marsh, which employs 3,000 people, is in talks with lenders.",
    "Hollis Marsh said its sales were flat.",
    "Hollis Marsh, the high street retailer, is in talks with lenders.",
    "The Hollis Marsh said nothing more.",
])
def test_what_the_article_says_of_a_firm_makes_it_no_speaker(context: str) -> None:
    quote = '"Trading over Christmas was tough," Hollis Marsh, the chain\'s owner, said.'
    assert org_evidence("Hollis Marsh", f"{context}\n{quote}")
    assert said_by(context, quote) == [None]
    assert speaker_names(context, quote) == []


def test_a_role_alone_never_lets_an_organisation_through() -> None:
    text = "Shares in Gloria Penn rose on Monday."
    assert is_person_name("Gloria Penn", introduced=True, gender="f")
    assert not is_person_name("Gloria Penn", introduced=True, gender="f", text=text)


def test_a_person_named_as_one_outweighs_a_single_mention_as_a_firm() -> None:
    story = [
        "Gloria Penn founded the label in 1971 and Ms Penn still owns most of it.",
        "Shares in the group rose after Gloria Penn's chief executive quit.",
        '"I will stay as long as I am needed," Ms Penn said.',
    ]
    assert said_by(*story) == ["Gloria Penn"]


def test_a_partnership_written_with_an_ampersand_is_a_firm() -> None:
    story = [
        "A report by Hale & Dorrit urged the chancellor to act.",
        '"The budget needs a long view," Hale Dorrit said.',
    ]
    assert said_by(*story) == [None]


def test_a_person_named_as_a_subject_is_unaffected() -> None:
    story = ["Tessa Lyle, 41, runs a bakery in the town.",
             '"We lost half our trade," Tessa Lyle said.']
    assert not org_evidence("Tessa Lyle", "\n".join(story))
    assert said_by(*story) == ["Tessa Lyle"]


def test_a_film_maker_is_no_firm() -> None:
    story = ['"It is a dark film," film-maker Rona Pike said.']
    assert said_by(*story) == ["Rona Pike"]


@pytest.mark.parametrize("name", [
    "So I'm", "Just I've", "Barker Brothers' Angels", "Ladbrokes' Ann Lee", "ShopStat.com",
    "Royal Ballet", "Gazeta Polska", "Grand Slam", "Evening Bulletin",
])
def test_contractions_possessives_web_names_and_listed_words_are_no_names(name: str) -> None:
    assert not_a_person(name)


def test_a_surname_with_an_apostrophe_is_a_name() -> None:
    assert not not_a_person("Sean O'Dowd")
    assert not not_a_person("Anna D'Souza")
