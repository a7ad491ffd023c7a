"""Quote detection and speaker attribution (sitegen.ingest.quotes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quotes_precision import score
from sitegen.ingest.quotes import Attribution, attribute_quotes
from sitegen.model import Quote, Speaker

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"


def sample_paragraphs() -> list[str]:
    """Body paragraphs of the product's sample TASS article (chrome, dateline, heading removed)."""
    text = (FIXTURES / "sample_tass.txt").read_text(encoding="utf-8")
    pars = [p.strip() for p in text.split("\n\n") if p.strip()]
    start = next(i for i, p in enumerate(pars) if p.startswith("MOSCOW"))
    pars = pars[start:]
    pars[0] = pars[0].split("/TASS/. ", 1)[1]
    return [p for p in pars if p != "Use of US dollar"]


def quotes(*paragraphs: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in attribute_quotes(paragraphs).quotes]


# --- the sample article ----------------------------------------------------------------------


def test_sample_speakers_and_quotes() -> None:
    result = attribute_quotes(sample_paragraphs())
    assert result.speakers == (Speaker("Sergey Lavrov", "Russian Foreign Minister"),)
    # 7 quoted passages; two are split around their frame ("..., the minister said. ...")
    assert len(result.quotes) == 9
    assert all(q.speaker == "Sergey Lavrov" for q in result.quotes)
    texts = [q.text for q in result.quotes]
    assert texts[0].startswith("In today’s communications environment")
    assert texts[1].startswith("We know how closely") and texts[1].endswith("post-Soviet space")
    assert texts[2].startswith("They watch out for any clues")
    assert texts[-1].endswith("by the end of 2022")
    for scare in ("interested parties", "whims", "dollars", "inflate"):
        assert all(scare != t for t in texts)
    assert "‘inflate’" in texts[2]  # nested single quotes stay inside the quote


def test_result_is_frozen_and_typed() -> None:
    result = attribute_quotes(['"We are ready," said John Smith.'])
    assert isinstance(result, Attribution)
    assert result.quotes == (Quote("We are ready", "John Smith"),)
    with pytest.raises(AttributeError):
        result.quotes = ()  # type: ignore[misc]


def test_empty_and_quote_free_input() -> None:
    assert attribute_quotes([]) == Attribution((), ())
    assert attribute_quotes(["No quotes at all here."]) == Attribution((), ())


# --- quote marks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "“We will finish the bridge by spring,” John Smith said.",
        '"We will finish the bridge by spring," John Smith said.',
        "«We will finish the bridge by spring,» John Smith said.",
        "'We will finish the bridge by spring,' John Smith said.",
        "‘We will finish the bridge by spring,’ John Smith said.",
    ],
)
def test_quote_mark_styles(paragraph: str) -> None:
    assert quotes(paragraph) == [("We will finish the bridge by spring", "John Smith")]


def test_nested_single_quotes_stay_inside() -> None:
    got = quotes('"He told me \'never again\' and left," said Maria Lopez.')
    assert got == [("He told me 'never again' and left", "Maria Lopez")]


def test_apostrophes_are_not_quote_marks() -> None:
    text = "Don't forget the '90s, when the Peoples' Party leader's aide ran Lavrov's office."
    assert quotes(text) == []
    got = quotes("\"It's the '90s again, and Lavrov's people don't care,\" Ivan Orlov said.")
    assert got == [("It's the '90s again, and Lavrov's people don't care", "Ivan Orlov")]


def test_multi_paragraph_quote() -> None:
    got = quotes(
        'Governor Tom Reed said: "The budget is balanced for the first time in a decade.',
        '"We cut waste everywhere and we protected schools."',
        "The vote is next week.",
    )
    assert got == [
        (
            "The budget is balanced for the first time in a decade. "
            "We cut waste everywhere and we protected schools.",
            "Tom Reed",
        )
    ]


def test_curly_quote_nested_in_a_curly_quote() -> None:
    got = quotes(
        "“No sympathy, a real fiasco.” ― Oscar Quintero\n“I’d rather live in what he calls "
        "“hell” than live in a world where he is president.” ― Adriana Rodarte"
    )
    assert got == [
        ("No sympathy, a real fiasco.", "Oscar Quintero"),
        ("I’d rather live in what he calls “hell” than live in a world where he is president.",
         "Adriana Rodarte"),
    ]


def test_partial_quote_inside_sentence() -> None:
    got = quotes('Mayor Lisa Chen called the plan "a reckless gamble that costs jobs" on Tuesday.')
    assert got == [("a reckless gamble that costs jobs", "Lisa Chen")]


# --- frames --------------------------------------------------------------------------------------


def test_frame_quote_subject_verb() -> None:
    assert quotes('"Talks will go on," Anna Berg said.') == [("Talks will go on", "Anna Berg")]


def test_frame_quote_verb_subject_inverted() -> None:
    result = attribute_quotes(['"Talks will go on," said Kremlin spokesman Dmitry Peskov.'])
    assert result.quotes == (Quote("Talks will go on", "Dmitry Peskov"),)
    assert result.speakers == (Speaker("Dmitry Peskov", "Kremlin spokesman"),)


def test_frame_subject_verb_colon_quote() -> None:
    got = quotes('Prime Minister Jacinda Ardern said: "We are one, they are us."')
    assert got == [("We are one, they are us.", "Jacinda Ardern")]


def test_frame_split_quote() -> None:
    got = quotes('"We are ready," Peter Novak said, "but we need guarantees from both sides."')
    assert got == [
        ("We are ready", "Peter Novak"),
        ("but we need guarantees from both sides.", "Peter Novak"),
    ]


def test_frame_according_to() -> None:
    got = quotes('According to Dr. Amy Patel, "the outbreak is now under control in the north."')
    assert got == [("the outbreak is now under control in the north.", "Amy Patel")]


def test_according_to_a_reporter_does_not_beat_the_speaker() -> None:
    got = quotes('Ann Lee called the deal a "betrayal of every worker we have," according to NBC.')
    assert got == [("betrayal of every worker we have", "Ann Lee")]


def test_aside_between_speaker_and_verb() -> None:
    result = attribute_quotes(['"The clinic is safe," Paul Green, a doctor at the clinic, said.'])
    assert result.quotes == (Quote("The clinic is safe", "Paul Green"),)
    assert result.speakers == (Speaker("Paul Green", "doctor at the clinic"),)


def test_dash_attribution() -> None:
    got = quotes("“The debate changed nothing for me.” ― Maria Gonzalez")
    assert got == [("The debate changed nothing for me.", "Maria Gonzalez")]


@pytest.mark.parametrize(
    "verb",
    ["wrote", "tweeted", "posted", "insisted", "argued", "warned", "explained", "recalled",
     "quipped", "assured voters", "grumbled", "cried", "muttered", "conceded", "shot back",
     "told reporters", "told CNN", "said in a statement", "said in an interview with Fox News"],
)
def test_reporting_verbs_after_the_quote(verb: str) -> None:
    assert quotes(f'"We will win this race in November," Ana Ruiz {verb}.') == [
        ("We will win this race in November", "Ana Ruiz")
    ]


def test_passive_quoted_as_saying() -> None:
    got = quotes('Ana Ruiz was quoted as saying: "We will win this race in November."')
    assert got == [("We will win this race in November.", "Ana Ruiz")]
    got = quotes('"We will win this race in November," Ana Ruiz was quoted by Reuters as saying.')
    assert got == [("We will win this race in November", "Ana Ruiz")]


def test_said_of() -> None:
    got = quotes('Ana Ruiz said of her rival: "He has never won a race in his life."')
    assert got == [("He has never won a race in his life.", "Ana Ruiz")]


def test_according_to_after_the_speech_verb_names_a_reporter() -> None:
    got = quotes('"We will win this race in November," Ana Ruiz said, according to the AP.')
    assert got == [("We will win this race in November", "Ana Ruiz")]
    got = quotes('According to the AP, Ana Ruiz said: "We will win this race in November."')
    assert got == [("We will win this race in November.", "Ana Ruiz")]


def test_as_name_put_it() -> None:
    got = quotes('As Ana Ruiz put it, "we will win this race in November."')
    assert got == [("we will win this race in November.", "Ana Ruiz")]


def test_long_apposition_before_the_verb() -> None:
    got = quotes(
        "Ana Ruiz, who has served in the Senate since 1998 and chairs the finance committee, "
        'said: "We will win this race in November."'
    )
    assert got == [("We will win this race in November.", "Ana Ruiz")]


@pytest.mark.parametrize(
    "paragraph",
    [
        'Ana Ruiz wrote on Facebook: "We will win this race in November."',
        'Ana Ruiz told NBC\'s "Today" show: "We will win this race in November."',
        'Ana Ruiz — who has called for a recount — said: "We will win this race in November."',
        'Ana Ruiz took to Twitter to say that "we will win this race in November."',
        'Ana Ruiz went on to say: "We will win this race in November."',
        'Ana Ruiz has long argued that "we will win this race in November."',
        'A statement from Ana Ruiz said: "We will win this race in November."',
        "Ana Ruiz, a senior fellow at the Brookings Institution in Washington, D.C., who advised "
        'two presidents, said: "We will win this race in November."',
    ],
)
def test_more_frames_before_the_quote(paragraph: str) -> None:
    assert [s for _, s in quotes(paragraph)] == ["Ana Ruiz"]


def test_verbs_in_a_relative_aside_do_not_frame() -> None:
    got = quotes(
        '"We will win this race in November," Ana Ruiz — who has called for a recount — said.'
    )
    assert got == [("We will win this race in November", "Ana Ruiz")]


def test_show_title_after_a_network_possessive_is_not_speech() -> None:
    got = quotes('Ana Ruiz told NBC\'s "Today" show: "We will win this race in November."')
    assert [t for t, _ in got] == ["We will win this race in November."]


# --- resolving who -------------------------------------------------------------------------------


def test_pronouns_follow_gender() -> None:
    got = quotes(
        "Senator Mark Hill met Governor Jane Ross on Monday.",
        '"It was a productive meeting," she said.',
        '"We agreed on almost nothing," he said.',
    )
    assert got == [
        ("It was a productive meeting", "Jane Ross"),
        ("We agreed on almost nothing", "Mark Hill"),
    ]


def test_role_nouns_resolve_to_people_with_that_role() -> None:
    got = quotes(
        "Health Minister Olga Petrova and police chief Ivan Sokolov spoke on Friday.",
        '"Hospitals are ready for the storm," the minister said.',
        '"Roads in the north are closed," the police chief said.',
    )
    assert got == [
        ("Hospitals are ready for the storm", "Olga Petrova"),
        ("Roads in the north are closed", "Ivan Sokolov"),
    ]


def test_top_diplomat_and_spokeswoman() -> None:
    got = quotes(
        '"The West is looking for any clue," Russian Foreign Minister Sergey Lavrov said.',
        '"They watch very closely," the top diplomat added.',
    )
    assert [s for _, s in got] == ["Sergey Lavrov", "Sergey Lavrov"]
    got = quotes(
        "Anna Kim, a spokeswoman for the ministry, said the talks went well.",
        "Later, Defense Minister Paul Roth arrived in the capital.",
        '"Nothing has been agreed yet," the spokeswoman said.',
    )
    assert got == [("Nothing has been agreed yet", "Anna Kim")]


def test_spokesman_for_a_person_is_not_that_person() -> None:
    got = quotes('"We will win this race in November," a spokesman for Ana Ruiz said.')
    assert got == [("We will win this race in November", None)]
    got = quotes('"We will win this race in November," the campaign of Ana Ruiz said.')
    assert got == [("We will win this race in November", None)]


def test_footage_of_a_person_asking_is_that_person() -> None:
    got = quotes('The ad shows footage of Ana Ruiz asking, "Why are we not fifty points ahead?"')
    assert got == [("Why are we not fifty points ahead?", "Ana Ruiz")]


@pytest.mark.parametrize(
    "subject", ["the White House", "the Pentagon", "CNN", "the Ruiz campaign", "the IMF report"]
)
def test_organisations_are_not_speakers(subject: str) -> None:
    result = attribute_quotes([f'"We will win this race in November," {subject} said.'])
    assert result.quotes == (Quote("We will win this race in November", None),)
    assert result.speakers == ()


def test_place_like_surname_of_a_known_person_speaks() -> None:
    got = quotes("Rep. Jim Jordan spoke.", '"We will win this race in November," Jordan said.')
    assert got == [("We will win this race in November", "Jim Jordan")]


def test_party_noun_is_a_role_not_a_name() -> None:
    got = quotes(
        '"We will win this race in November," said Sen. Tom Hale.',
        '"And we will keep the House," the Ohio Republican added.',
    )
    assert got == [
        ("We will win this race in November", "Tom Hale"),
        ("And we will keep the House", "Tom Hale"),
    ]


def test_definite_title_falls_back_to_the_latest_speaker_with_a_role() -> None:
    got = quotes(
        '"The plant will close in May," Mayor Lena Ortiz said.',
        '"No decision has been made about the workers," the official added.',
    )
    assert [s for _, s in got] == ["Lena Ortiz", "Lena Ortiz"]
    got = quotes(  # indefinite: someone new, never the earlier speaker
        '"The plant will close in May," Mayor Lena Ortiz said.',
        '"No decision has been made about the workers," an official said.',
    )
    assert [s for _, s in got] == ["Lena Ortiz", None]


def test_pronoun_keeps_the_recent_speaker_over_a_mere_object() -> None:
    got = quotes(
        '"We will not raise taxes this year," said Mayor Lena Ortiz. Critics of the plan wrote '
        "to Governor Paula Byrne on Monday.",
        '"Nobody in this city will pay more," she said.',
    )
    assert [s for _, s in got] == ["Lena Ortiz", "Lena Ortiz"]


def test_subject_after_title_of_place_and_party_parenthetical() -> None:
    got = quotes(
        "Secretary of State John Kerry said the talks would go on, and Sen. Mary Hale (D-Ore.) "
        "said she agreed.",
        '"We remain open to credible talks with both sides," he said.',
        '"I support the secretary on this," she said.',
    )
    assert [s for _, s in got] == ["John Kerry", "Mary Hale"]


def test_common_given_names_tell_gender_and_shared_ones_do_not() -> None:
    got = quotes(
        "Gwen Ames met Wade Collins in Ohio.",
        '"The deal is done and signed," she said.',
        '"It took far too long," he said.',
    )
    assert [s for _, s in got] == ["Gwen Ames", "Wade Collins"]
    got = quotes(  # Terry may be a woman: the pronoun decides
        "Terry Strada spoke after Josh Earnest on Friday.",
        '"We are tired of waiting for justice," she said.',
    )
    assert [s for _, s in got] == ["Terry Strada"]


def test_contracted_pronoun_and_ing_verb_without_comma() -> None:
    got = quotes(
        "Donald Trump spoke in Michigan on Friday.",
        "He’s claiming that voting fraud is “a big, big problem in this country” right now.",
        'Trump sent a series of tweets early Friday saying that she was "a disaster for us."',
    )
    assert [s for _, s in got] == ["Donald Trump", "Donald Trump"]


def test_role_right_after_a_speaker_with_no_role_is_that_speaker() -> None:
    got = quotes(
        '"Look at the issues, not the noise," Bernie Sanders said.',
        'But the Vermont senator acknowledged that "some people" still feel that way.',
    )
    assert [s for _, s in got] == ["Bernie Sanders", "Bernie Sanders"]


def test_described_role_before_anyone_spoke_is_the_latest_subject() -> None:
    got = quotes(
        "Michael Howard said on Friday that Labour had failed the country.",
        '"Britain is heading in the wrong direction," the Conservative leader said.',
    )
    assert got == [("Britain is heading in the wrong direction", "Michael Howard")]


def test_spokesman_and_unnamed_officials_do_not_fall_back() -> None:
    got = quotes(
        '"The plant will close in May," Mayor Lena Ortiz said.',
        '"Nobody has been told yet," the spokesman said.',
        '"The workers will be moved," a city official said.',
        '"Some of them will retire early," the official added.',
    )
    assert [s for _, s in got] == ["Lena Ortiz", None, None, None]


def test_surname_resolves_to_full_name() -> None:
    result = attribute_quotes(
        ["Mayor John Smith opened the bridge.", '"It is finished," Smith said.']
    )
    assert result.speakers == (Speaker("John Smith", "Mayor"),)
    assert result.quotes == (Quote("It is finished", "John Smith"),)


def test_multi_word_surname_is_the_same_person() -> None:
    result = attribute_quotes([
        "Director Charles Saumarez Smith said visitor numbers rose.",
        '"Our exhibitions were a huge draw this year," Mr Saumarez Smith said.',
    ])
    assert result.speakers == (Speaker("Charles Saumarez Smith", "Director"),)


def test_shared_surname_most_recent_then_first_name() -> None:
    got = quotes(
        "Bill Clinton and Hillary Clinton attended the dinner in Little Rock.",
        '"It was wonderful to be back home," Clinton said.',
        '"I gave a short speech," Bill said.',
    )
    assert got == [
        ("It was wonderful to be back home", "Hillary Clinton"),
        ("I gave a short speech", "Bill Clinton"),
    ]


def test_bare_surname_keeps_to_the_person_the_article_calls_by_it() -> None:
    got = quotes(
        "Ted Cruz endorsed the nominee on Friday. Cruz had refused in July.",
        "His father, Rafael Cruz, a pastor, campaigned in Iowa.",
        '"I am not in the habit of supporting people who attack my family," Cruz said.',
    )
    assert [s for _, s in got] == ["Ted Cruz"]


def test_name_as_a_modifier_is_not_a_mention() -> None:
    got = quotes(
        "Hillary Clinton spoke in Miami on Monday.",
        '"The campaign is in full panic mode," said Leslie Wimes, a Florida activist.',
        "Many believe the Clinton campaign took black voters for granted.",
        '"They have a big problem now," she said.',
    )
    assert [s for _, s in got] == ["Leslie Wimes", "Leslie Wimes"]


def test_surname_that_is_also_a_title() -> None:
    got = quotes(
        "Howard Dean spoke on MSNBC on Tuesday.",
        '"Something funny was going on with him last night," Dean said.',
    )
    assert got == [("Something funny was going on with him last night", "Howard Dean")]


def test_hyphenated_position_before_a_name_is_a_role() -> None:
    result = attribute_quotes([
        "Scrum-half Peter Stringer was also glad that Ireland won. Coach Eddie Byrne left early.",
        '"We knew it would be tough coming to Rome," Stringer said.',
    ])
    assert result.quotes == (Quote("We knew it would be tough coming to Rome", "Peter Stringer"),)
    assert result.speakers == (Speaker("Peter Stringer", "Scrum-half"),)


def test_name_right_after_a_quote_can_be_the_clause_subject() -> None:
    got = quotes(
        "Fly-half Jonny Wilkinson was named England captain on Monday.",
        '"He is a natural leader," said coach Andy Robinson.',
        '"Jonny has what it takes," Robinson added. Wilkinson, who has scored 817 points, '
        'missed the 2004 season. "It is the ambition of so many players," he said.',
    )
    assert [s for _, s in got] == ["Andy Robinson", "Andy Robinson", "Jonny Wilkinson"]


def test_pronoun_prefers_whoever_spoke_in_the_latest_sentence() -> None:
    got = quotes(
        "As Meryl Streep watched, Anne Thompson of the Hollywood Reporter said the film was "
        '"heart-wrenching".',
        '"It even makes grown men cry," she said.',
    )
    assert [s for _, s in got] == ["Anne Thompson", "Anne Thompson"]


def test_introductory_phrase_without_comma_keeps_the_subject() -> None:
    got = quotes('At the rally on Monday Ana Ruiz said "we will win this race in November."')
    assert [s for _, s in got] == ["Ana Ruiz"]


def test_quote_paragraph_attributed_by_the_next_paragraph() -> None:
    got = quotes(
        "The crowd grew quiet.",
        '"We will build the bridge and the county will pay for it."',
        "So said Ana Ruiz at the rally on Monday.",
    )
    assert got == [("We will build the bridge and the county will pay for it.", "Ana Ruiz")]
    got = quotes(  # a speaker already known keeps the quote
        '"The bridge is late," Mayor Lena Ortiz said.',
        '"We will build it and the county will pay for it."',
        "Ana Ruiz said she disagreed.",
    )
    assert [s for _, s in got] == ["Lena Ortiz", "Lena Ortiz"]


def test_indefinite_subject_frames_a_new_unnamed_speaker() -> None:
    got = quotes(
        '"The old depot will close in May," Mayor Lena Ortiz said.',
        '"Nobody told us anything about it," an official at the depot said.',
    )
    assert [s for _, s in got] == ["Lena Ortiz", None]


def test_participle_after_a_name_does_not_make_it_the_subject() -> None:
    got = quotes(
        "It was no good Mr Blair claiming tax pledges were left to the manifesto as he had "
        "given one to MPs, argued Mr Howard. Pointing to national insurance, he added: "
        '"Everyone knows tax will go up under Labour."',
    )
    assert got == [("Everyone knows tax will go up under Labour.", "Howard")]


def test_the_plus_one_capitalised_word_is_a_role_not_a_person() -> None:
    result = attribute_quotes([
        "Sir Alex Ferguson spoke on Tuesday, but the Scot admitted he was unsure.",
        '"We have an opportunity to win this cup this year," he said.',
    ])
    assert [q.speaker for q in result.quotes] == ["Alex Ferguson"]
    assert [s.name for s in result.speakers] == ["Alex Ferguson"]


def test_possessive_owner_and_org_word_surname() -> None:
    result = attribute_quotes([
        '"The Aurora issue had been an ongoing one for months," says Deutsche Bank\'s Simon '
        "Champion.",
        '"Buyers look elsewhere when prices rise," Jim Press, vice president of Toyota\'s US '
        "sales arm, said in a statement.",
    ])
    assert result.speakers == (
        Speaker("Simon Champion", "Deutsche Bank"),
        Speaker("Jim Press", "vice president of Toyota's US sales arm"),
    )


def test_titles_stripped_and_kept_as_role() -> None:
    result = attribute_quotes(['"We act," Gov. Gavin Newsom said.', '"No," Sen. Ted Cruz said.'])
    assert result.speakers == (Speaker("Gavin Newsom", "Governor"), Speaker("Ted Cruz", "Senator"))


def test_mr_smith_bbc_style() -> None:
    assert quotes("'We are closing the factory,' Mr Smith said.") == [
        ("We are closing the factory", "Smith")
    ]
    got = quotes("Factory owner David Smith met the unions.", '"We are closing," Mr Smith said.')
    assert got == [("We are closing", "David Smith")]


def test_i_and_we_are_never_speakers() -> None:
    got = quotes('"I am done with this job," I told him.', '"We will see about that," we said.')
    assert got == [("I am done with this job", None), ("We will see about that", None)]


def test_frameless_paragraph_continues_previous_speaker() -> None:
    got = quotes(
        '"The first phase is complete," Elena Popova said.',
        '"The second phase will start in June and end in December."',
    )
    assert [s for _, s in got] == ["Elena Popova", "Elena Popova"]


def test_continuation_stops_when_someone_else_is_named() -> None:
    got = quotes(
        '"The first phase is complete," Elena Popova said.',
        "Meanwhile, John Kerry arrived in Geneva for talks.",
        '"The second phase will start in June and end in December."',
    )
    assert [s for _, s in got] == ["Elena Popova", None]


def test_unattributed_quote_kept_with_no_speaker() -> None:
    got = quotes('"Stay at home and save lives," read a sign at the hospital entrance.')
    assert got == [("Stay at home and save lives", None)]


def test_speakers_in_order_of_first_appearance() -> None:
    result = attribute_quotes(
        [
            "Economist Jane Park and analyst Tom Reyes disagreed.",
            '"Rates will fall," Reyes said.',
            '"Rates will rise," Park said.',
        ]
    )
    assert [s.name for s in result.speakers] == ["Jane Park", "Tom Reyes"]


# --- not speech ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "The so-called \"experts\" disagreed with the government's 'reforms' and its 'whims'.",
        "Officials tried to 'inflate' prices again, traders said.",
        'She starred in "The Long Night" last year and wrote the novel "A House of Stone".',
        'His book "Art of the Possible" sold well in Europe.',
        'Dwayne "The Rock" Johnson attended the premiere with Earvin "Magic" Johnson.',
    ],
)
def test_scare_quotes_titles_and_nicknames_are_not_speech(paragraph: str) -> None:
    assert quotes(paragraph) == []


def test_short_quote_with_speech_verb_is_speech() -> None:
    got = quotes('President Trump called the report "fake news" on Monday.')
    assert got == [("fake news", "Trump")]


# --- measured on the labelled fixtures -----------------------------------------------------------


def test_precision_on_labelled_fixtures() -> None:
    tally = score()
    assert tally.detected >= 50
    assert tally.precision >= 0.95, tally.problems
    assert tally.recall >= 0.9, tally.problems
    assert tally.speaker_accuracy >= 0.9, tally.problems
