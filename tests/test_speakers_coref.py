"""Who holds the floor (issue 13, fourth round): descriptions such as "the American", "the
24-year-old Swiss" or "the Leeds winger" refer back to the person the story is talking about,
and a title's object ("Secretary to the Treasury") is no part of the name after it. All texts
are our own."""

from __future__ import annotations

from sitegen.ingest.names import split_name
from sitegen.ingest.quotes import attribute_quotes
from sitegen.model import Speaker


def said_by(*paragraphs: str) -> list[str | None]:
    return [q.speaker for q in attribute_quotes(list(paragraphs)).quotes]


def test_a_nationality_refers_to_the_subject_of_the_sentence_before() -> None:
    story = [
        "Coach Dan Reeve praised his players after the final.",
        "Nora Banks was left frustrated after losing both her matches on clay.",
        '"I had my chances and did not take them," said the American.',
    ]
    assert said_by(*story) == ["Nora Banks"]


def test_a_nationality_is_not_the_person_named_as_an_object_in_its_sentence() -> None:
    story = [
        "World number three Ines Vaz has criticised the organisers over prize money.",
        'Reacting to a remark by club chairman Tom Hale, the Portuguese said: "It is insulting."',
    ]
    assert said_by(*story) == ["Ines Vaz"]


def test_an_age_and_a_nationality_read_like_a_pronoun() -> None:
    story = [
        "Petra Lind says she may return to the tour next season.",
        'Speaking to a local paper, the 27-year-old Austrian added: "My body feels fine."',
    ]
    assert said_by(*story) == ["Petra Lind"]


def test_a_club_before_a_role_noun_is_no_name() -> None:
    story = [
        "Owen Marsh was named player of the year on Sunday.",
        'Marsh, who will captain the side, was delighted. "It is an honour," said the Leeds '
        "winger.",
    ]
    assert said_by(*story) == ["Owen Marsh"]
    assert [s.name for s in attribute_quotes(story).speakers] == ["Owen Marsh"]


def test_a_description_goes_to_the_first_subject_not_one_in_a_clause() -> None:
    story = [
        "Team member Carla Dunn said the squad would understand if Mia Ross pulled out.",
        '"It would be great to have her," said the European champion.',
    ]
    assert said_by(*story) == ["Carla Dunn"]


def test_an_unnamed_person_in_between_keeps_a_description_from_the_earlier_subject() -> None:
    story = [
        "Nora Banks lost in straight sets on Friday.",
        'A spokesman for the federation said: "We will review the draw." "It was fair,"'
        " said the American.",
    ]
    assert said_by(*story)[-1] is None


def test_a_title_with_an_object_before_the_name() -> None:
    parts = split_name(["Chief", "Secretary", "to", "the", "Treasury", "Ken", "Osei"])
    assert parts is not None
    assert (parts.name, parts.role) == ("Ken Osei", "Chief Secretary to the Treasury")
    got = attribute_quotes([
        "But Chief Secretary to the Treasury Ken Osei attacked the plans. "
        '"They would mean cuts to schools," he said.'
    ])
    assert [q.speaker for q in got.quotes] == ["Ken Osei"]
    assert got.speakers == (Speaker("Ken Osei", "Chief Secretary to the Treasury"),)


def test_a_frameless_quote_after_sentences_about_a_speaker_is_theirs() -> None:
    story = [
        '"I feel ready," Lena Moss said after her win on Tuesday.',
        "Moss spent six weeks at number one before an injury let her rival back in front. "
        '"Since then my game has come back and I want the ranking again."',
    ]
    assert said_by(*story) == ["Lena Moss", "Lena Moss"]


def test_a_frameless_quote_about_someone_who_never_spoke_has_no_speaker() -> None:
    story = [
        "Lena Moss won on Tuesday.",
        "Moss spent six weeks at number one before an injury let her rival back in front. "
        '"Since then the game has changed and the ranking is open again."',
    ]
    assert said_by(*story) == [None]


def test_a_frameless_quote_after_an_unnamed_person_has_no_speaker() -> None:
    story = [
        '"I feel ready," Lena Moss said after her win on Tuesday.',
        "A spokesman for the tour confirmed the schedule. "
        '"All players have been told and the ranking is open again."',
    ]
    assert said_by(*story)[-1] is None


def test_a_fronted_apposition_at_a_later_mention_gives_the_role() -> None:
    story = [
        '"I was asked to present the research," Maria Olsen said of her first job.',
        "Now the highest-ranking judge in the United States, Olsen rose despite obstacles.",
    ]
    assert attribute_quotes(story).speakers == (
        Speaker("Maria Olsen", "highest-ranking judge in the United States"),)


def test_a_fronted_time_phrase_is_no_role() -> None:
    story = ['The day after the vote, Maria Olsen resigned. "It is over," she said.']
    assert attribute_quotes(story).speakers == (Speaker("Maria Olsen", None),)


def test_a_sentence_ending_in_a_colon_introduces_the_next_quote_not_the_last() -> None:
    got = said_by(
        '"It is a great honour," said Ana Ruiz. "It crowns a great year." Ben Cole said: "I am '
        'proud of her."'
    )
    assert got == ["Ana Ruiz", "Ana Ruiz", "Ben Cole"]


def test_a_given_name_the_table_lacks_completes_a_surname() -> None:
    story = [
        "Yesterday, Ekuru Kemboi from Kenya ran the course in record time.",
        '"The pacers were the best in the world," said Kemboi after the run. He thanked them.',
    ]
    assert said_by(*story) == ["Ekuru Kemboi"]


def test_a_capitalised_word_opening_a_sentence_is_no_given_name() -> None:
    story = [
        "Kemboi ran the course in record time. Yesterday Kemboi rested.",
        '"The pacers were the best in the world," said Kemboi after the run.',
    ]
    assert said_by(*story) == [None]


def test_a_he_after_a_club_and_a_player_in_one_sentence_is_the_player() -> None:
    story = [
        "Even before Newcastle said the striker would not be sold, Dale Price insisted he had "
        'no plan to leave. "I would play anywhere for this club," he said.',
    ]
    assert said_by(*story) == ["Dale Price"]


def test_a_he_after_a_spokesman_with_an_aside_is_the_spokesman() -> None:
    story = [
        'Culture Secretary Tom Lee said: "Casinos will be tightly regulated."',
        "A spokesman for the Casino Guild, which represents the industry, said the plans were "
        "unfair. He said firms were at a disadvantage. "
        '"Our industry is respected," he said. "We have the lowest rate of problem gambling. '
        '"We do not use tricks."',
    ]
    assert said_by(*story) == ["Tom Lee", None, None, None]


def test_a_constituency_before_a_title_is_no_name() -> None:
    story = [
        "Labour MP Sam Reed has told of his joy at finding his daughter.",
        '"It was a horrible thing with a happy ending," said the Leeds North MP.',
    ]
    assert said_by(*story) == ["Sam Reed"]


def test_a_sentence_of_reported_speech_after_an_earlier_quote_frames_the_next() -> None:
    story = [
        'The firm said it wanted a "patent pool". Ian Rhee, its open source manager, said the '
        'move was a real attempt to help developers. "We believe this will speed things up."',
    ]
    assert said_by(*story)[-1] == "Ian Rhee"
