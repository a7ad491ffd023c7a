"""Skipping the inline patterns, block, tree and preprocessors a document cannot trigger
changes nothing: the renderer's HTML and paragraphs are Python-Markdown's, byte for byte, on
generated Markdown full of the syntax the triggers stand for, on the benchmark corpus and
(opt-in) on the shared news corpora."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import corpus
from bench.import_robustness import CORPUS, bbc, wikinews
from sitegen.config import Config
from sitegen.markup import (
    ALWAYS,
    BLOCK_TRIGGERS,
    INLINE_TRIGGERS,
    PRUNABLE_EXTENSIONS,
    MarkdownRenderer,
)
from tests.conftest import requires_shared

SAFE, UNSAFE = Config(), Config(unsafe_html=True)
RENDERERS = {config.unsafe_html: (MarkdownRenderer(config, prune=False),
                                  MarkdownRenderer(config)) for config in (SAFE, UNSAFE)}


def assert_same(text: str, config: Config = SAFE) -> None:
    plain, pruned = RENDERERS[config.unsafe_html]
    assert pruned.convert(text) == plain.convert(text), text
    assert pruned.paragraphs == plain.paragraphs, text


# Pieces of Markdown that trigger every pattern the renderer may skip, and block syntax that
# moves text around them (lists, quotes, headings, tables, definitions, footnotes, code).
PIECES = ["word", "Putin", "said", " ", " ", "  ", "\n", "\n", "\n\n", "    ", "\t", "\r\n",
          "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "![", "[^1]",
          "[^1]: note", "[a](http://x.y)", "[a][r]", "[r]: http://r.s", "<", ">", "&", "&amp;",
          "&#42;", "&copy;", "<http://a.b/c>", "<a@b.c>", "<b>", "</b>", "<!-- c -->", "  \n",
          '"', "'", "“", "”", "- ", "1. ", "# ", "> ", "|", "---", "===", ":", ": def",
          "*[HTML]: Hyper", "HTML", "~~~", "```", "{: #id}", '<div markdown="1">', "</div>",
          "\x02", "\x03", "é", "—"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.booleans())
def test_generated_markdown_renders_as_python_markdown_does(pieces: list[str],
                                                            unsafe: bool) -> None:
    assert_same("".join(pieces), UNSAFE if unsafe else SAFE)


# Lines of block syntax (a prefix, or a line of its own) with inline pieces in them, joined by
# single or double line breaks: headings by underline, rules, tables, lists, quotes,
# definitions and footnotes form far more often than from pieces alone.
PREFIXES = ["", "", "", "# ", "### ", "> ", "- ", "* ", "+ ", "1. ", "    ", "  ", ": ",
            "| ", "[^1]: ", "*[HTML]: ", "[r]: "]
LINES = ["---", "===", "***", "___", "- - -", "-----", "a | b", "--- | ---", "a|b", "-|-", "|-|-|",
         "", " "]
line = st.one_of(
    st.builds(lambda prefix, pieces: prefix + "".join(pieces), st.sampled_from(PREFIXES),
              st.lists(st.sampled_from([*PIECES[:40], "HTML", "word word"]), max_size=6)),
    st.sampled_from(LINES))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(line, st.sampled_from(["\n", "\n", "\n\n"])), max_size=12),
       st.booleans())
def test_generated_documents_render_as_python_markdown_does(
        lines: list[tuple[str, str]], unsafe: bool) -> None:
    assert_same("".join(text + end for text, end in lines), UNSAFE if unsafe else SAFE)


@pytest.mark.parametrize("name", sorted(INLINE_TRIGGERS))
def test_each_pattern_still_runs_when_its_trigger_is_there(name: str) -> None:
    """A document holding one pattern's trigger gets that pattern: the pruned HTML has the
    markup Python-Markdown makes (a skipped pattern would leave the syntax as text)."""
    samples = {"backtick": "a `code` b", "escape": "a \\*b\\* c", "footnote": "a[^1]\n\n[^1]: n",
               "reference": "[a][r]\n\n[r]: http://r.s", "link": "[a](http://x.y)",
               "short_reference": "[r]\n\n[r]: http://r.s", "image_link": "![a](i.png)",
               "image_reference": "![a][r]\n\n[r]: i.png", "short_image_ref": "![r]\n\n[r]: i.png",
               "autolink": "<http://a.b/c>", "automail": "<a@b.c>", "html": "a <b>b</b>",
               "linebreak": "a  \nb", "entity": "&copy; 2024", "em_strong": "*a* and __b__"}
    config = UNSAFE if name == "html" else SAFE
    without = MarkdownRenderer(config, prune=False)
    without._md.inlinePatterns.deregister(name)
    plain = MarkdownRenderer(config, prune=False).convert(samples[name])
    if name != "entity":   # it keeps `&copy;` whole, as the serializer would anyway
        assert without.convert(samples[name]) != plain   # the sample needs the pattern
    assert_same(samples[name], config)


BLOCK_SAMPLES = {"table": "a | b\n--- | ---\n1 | 2", "hashheader": "# Title\n\ntext",
                 "setextheader": "Title\n=====", "hr": "a\n\n***\n\nb",
                 "deflist": "Term\n: Definition", "quote": "> quoted",
                 "footnote": "a[^1]\n\n[^1]: n", "abbr": "The HTML spec\n\n*[HTML]: Hyper Text",
                 "reference": "[a][r]\n\n[r]: http://r.s"}


@pytest.mark.parametrize("name", sorted(n for n, t in BLOCK_TRIGGERS.items() if t != ALWAYS))
def test_each_block_processor_still_runs_when_its_trigger_is_there(name: str) -> None:
    without = MarkdownRenderer(SAFE, prune=False)
    without._md.parser.blockprocessors.deregister(name)
    plain = MarkdownRenderer(SAFE, prune=False).convert(BLOCK_SAMPLES[name])
    assert without.convert(BLOCK_SAMPLES[name]) != plain   # the sample needs the processor
    assert_same(BLOCK_SAMPLES[name])


def test_a_plain_story_skips_the_patterns_it_cannot_trigger() -> None:
    """The point of it: a wire story with no Markdown syntax runs no inline pattern but the
    ones its characters allow (here none), and a later story with links gets them back."""
    renderer = MarkdownRenderer(SAFE)
    renderer.convert('"We will go on," the minister said on Tuesday.\n\nTalks resume today.')
    assert len(renderer._md.inlinePatterns) == 0
    assert "table" not in renderer._md.parser.blockprocessors
    assert renderer.convert("See [the report](http://r.s).") == \
        '<p id="p-1">See <a href="http://r.s">the report</a>.</p>'
    assert "link" in renderer._md.inlinePatterns


def test_unknown_extensions_turn_pruning_off() -> None:
    """An extension not known to make no text of its own (smarty makes entities) runs with
    every pattern, always."""
    renderer = MarkdownRenderer(Config(markdown_extensions=("extra", "smarty")))
    renderer.convert("plain text")
    assert "entity" in renderer._md.inlinePatterns


def test_the_benchmark_corpus_renders_as_python_markdown_does() -> None:
    for item in corpus.generate(300):
        assert_same(corpus.sitegen_text(item).split("\n---\n", 1)[1])


def _shared_texts(bbc_stories: int) -> list[str]:
    samples = itertools.chain(wikinews(CORPUS), itertools.islice(bbc(CORPUS), bbc_stories))
    return [sample.data.decode("utf-8", "replace") for sample in samples]


@requires_shared()
def test_news_corpora_render_as_python_markdown_does() -> None:
    texts = _shared_texts(1000)   # every Wikinews story, 1,000 BBC ones
    assert len(texts) > 1200
    for text in texts:
        assert_same(text)


def test_sample_site_renders_as_python_markdown_does() -> None:
    root = Path(__file__).resolve().parent.parent / "content" / "articles"
    files = sorted(root.rglob("*.md"))
    assert files
    for path in files:
        assert_same(path.read_text(encoding="utf-8").split("\n---\n", 1)[1])


# Tree processors and preprocessors skipped the same way, each with a document that needs it.
PROCESSOR_SAMPLES = {
    ("tree", "unescape"): "a \\*b\\* c", ("tree", "attr_list"): "A paragraph\n{: #id .c }",
    ("tree", "toc"): "Title\n-----\n\ntext", ("pre", "fenced_code_block"): "```\n*a*\n```"}
TOC_SAMPLES = ["# Title\n\ntext", "Title\n===\n\ntext", "> Quoted\n> ---\n\nx",
               "- Item\n\n    Sub\n    ---  \n", "text\n\n[TOC]\n\n## Part", "Title\n-"]


@pytest.mark.parametrize("kind,name", sorted(PROCESSOR_SAMPLES))
def test_each_tree_and_preprocessor_still_runs_when_its_trigger_is_there(kind: str,
                                                                        name: str) -> None:
    text = PROCESSOR_SAMPLES[kind, name]
    without = MarkdownRenderer(SAFE, prune=False)
    (without._md.treeprocessors if kind == "tree" else without._md.preprocessors).deregister(name)
    plain = MarkdownRenderer(SAFE, prune=False).convert(text)
    assert without.convert(text) != plain   # the sample needs the processor
    assert_same(text)


@pytest.mark.parametrize("text", TOC_SAMPLES)
def test_headings_keep_their_table_of_contents_ids(text: str) -> None:
    """Every way a heading forms (`#`, an underline, in a quote or a list, `[TOC]`) keeps the
    ids and contents the table of contents gives it."""
    assert "<h" in MarkdownRenderer(SAFE, prune=False).convert(text)
    assert_same(text)


def test_a_plain_story_skips_the_tree_processors_it_cannot_trigger() -> None:
    renderer = MarkdownRenderer(SAFE)
    renderer.convert("The well-known minister said on Tuesday.\n\nTalks resume - today.")
    skipped = {"toc", "attr_list", "unescape"}
    assert not skipped & {item.name for item in renderer._md.treeprocessors._priority}
    assert "fenced_code_block" not in renderer._md.preprocessors
    assert renderer.convert("Part\n----\n\ntext") == \
        MarkdownRenderer(SAFE, prune=False).convert("Part\n----\n\ntext")
    assert "toc" in renderer._md.treeprocessors


def test_markdowns_own_extensions_are_loaded_without_reading_entry_points(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A renderer makes Python-Markdown's own extensions itself: building one does not read
    every installed package's entry points (20 ms of CPU at the start of a publish), and it
    is the renderer Python-Markdown makes from their names (the same processors, the same
    HTML)."""
    from importlib import metadata

    import markdown

    from sitegen import markup

    own = {ep.name: ep.value for ep in metadata.entry_points(group="markdown.extensions")
           if ep.dist is not None and ep.dist.name.lower() == "markdown"}
    assert own == markup._OWN_EXTENSIONS
    text = ("Hello *there*, said \"Joe\" -- a HTML test.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "Term\n:   its definition[^1]\n\n[^1]: a note\n\n*[HTML]: Hyper Text\n\n"
            "```\ncode\n```\n\n# Heading {#h}\n")
    for config in (SAFE, UNSAFE, Config(markdown_extensions=(*SAFE.markdown_extensions,
                                                             "smarty", "nl2br"))):
        with monkeypatch.context() as patched:
            patched.setattr(markup, "_OWN_EXTENSIONS", {})
            by_name = MarkdownRenderer(config, prune=False)

        def scanned() -> None:
            raise AssertionError("the entry points were read")

        with monkeypatch.context() as patched:
            patched.setattr(markdown.util, "get_installed_extensions", scanned)
            made = MarkdownRenderer(config, prune=False)
        for ours, theirs in ((made._md, by_name._md), (made._md.parser, by_name._md.parser)):
            for registry in ("preprocessors", "inlinePatterns", "treeprocessors",
                             "postprocessors", "blockprocessors"):
                if hasattr(theirs, registry):
                    assert ([(i.name, i.priority) for i in getattr(ours, registry)._priority]
                            == [(i.name, i.priority)
                                for i in getattr(theirs, registry)._priority]), registry
        assert ([type(e) for e in made._md.registeredExtensions]
                == [type(e) for e in by_name._md.registeredExtensions])
        assert made.convert(text) == by_name.convert(text)
        assert made.paragraphs == by_name.paragraphs


# Documents of plain paragraphs, or nearly: what `plain_paragraphs` parses itself, and the
# near misses it must leave to Python-Markdown (a stray, doubled or nested asterisk, a line
# beginning with block syntax, a numbered line, trailing or doubled spaces, an entity). The
# common pieces come often, so that most documents are plain, many with emphasis.
PLAIN_WORDS = ["word"] * 30 + [
    "Putin", "said", "2024", "it's", '"', '"', "“", "”", "(", ")", "—", ".", ",", ":", "*em*",
    "*em*", "*two words*", "*em*.", "(*em*)", '"*em*"', "x*em*y", "é", "$5", "…", "AT&T", "12.",
    "3)", "-", "'", "«", "¿", "\xa0", "*", "&amp;", "**", "a*b", "*a *b* c*", "*.*", "* a*",
    "_em_", "snake_case", "a|b", "a | b"]
LEADS = [""] * 80 + ['"', "“", "—", "(", "$", "12 ", "*", "1. ", "3) ", "- ", " ", "    ",
                     "> ", "# ", ": ", "=", "+ ", "[a]: x", "*[a]: b", "~~~"]
plain_line = st.builds(
    lambda lead, words, seps, end:
        lead + "".join(w + s for w, s in zip(words, seps, strict=False)) + end,
    st.sampled_from(LEADS),
    st.lists(st.sampled_from(PLAIN_WORDS), min_size=1, max_size=12),
    st.lists(st.sampled_from([" "] * 30 + ["", "  ", "\n"]), min_size=12, max_size=12),
    st.sampled_from([""] * 40 + [" ", "  ", "\xa0", "*"]))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(plain_line, st.sampled_from(["\n", "\n\n", "\n\n", "\n\n\n", ""])),
                min_size=1, max_size=8),
       st.booleans())
def test_plain_paragraphs_render_as_python_markdown_does(lines: list[tuple[str, str]],
                                                         unsafe: bool) -> None:
    assert_same("".join(text + end for text, end in lines), UNSAFE if unsafe else SAFE)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text("ab *.,\"'()\n", max_size=30), min_size=1, max_size=4))
def test_asterisks_pair_as_python_markdown_pairs_them(paragraphs: list[str]) -> None:
    """Every way an asterisk can sit among letters, spaces, punctuation and line breaks, in
    paragraphs whose lines begin with a letter."""
    text = "\n\n".join("w" + paragraph.replace("\n", "\nw") for paragraph in paragraphs)
    assert_same(text)


@pytest.mark.parametrize("text", [
    '"We will go on," the minister said on Tuesday.\n\nTalks resume *today*.',
    "It's *one* and *two*.\n\n\n\nAT&T said so. The end ",
    "12 people came.\n\n(Reuters) — *Markets* fell*.*",
])
def test_a_story_of_plain_paragraphs_is_parsed_without_python_markdowns_parser(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of it: a story of plain paragraphs (most of the news corpora's) is split into
    paragraphs and its asterisks paired without Python-Markdown's block parser and inline
    processor, about half a conversion, and the HTML is theirs."""
    renderer = MarkdownRenderer(SAFE)
    plain = MarkdownRenderer(SAFE, prune=False).convert(text)
    monkeypatch.setattr(renderer._md.parser, "parseDocument", _not_called)
    assert renderer.convert(text) == plain
    with pytest.raises(AssertionError):   # anything else still takes Python-Markdown's way
        renderer.convert("- a list\n- of two")


def _not_called(*args: object) -> None:
    raise AssertionError("Python-Markdown's block parser ran")


# The plain paragraphs attacked at their edges (attack34): every configuration a site may give
# (each prunable extension alone, none, the default with raw HTML allowed, ones that turn
# pruning off), lines beginning with what is nearly a letter (Unicode spaces and line
# separators, zero-width characters, a combining mark, digits of other scripts as list numbers,
# fullwidth and CJK punctuation), and an asterisk next to every class of character.
EXTENSION_SETS = [SAFE.markdown_extensions, (), ("sane_lists",), ("nl2br",), ("smarty",),
                  ("extra", "toc", "sane_lists"),
                  *((name,) for name in sorted(PRUNABLE_EXTENSIONS))]
EDGE_RENDERERS = [(MarkdownRenderer(config, prune=False), MarkdownRenderer(config))
                  for config in (Config(markdown_extensions=names, unsafe_html=unsafe)
                                 for names in EXTENSION_SETS for unsafe in (False, True))]
EDGE_CHARACTERS = [
    "\xa0", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u200b", "\u200d",
    "\ufeff", "\u3000", "\u202f", "\u0301", "١", "١.", "１.", "²", "。", "，", "！", "＊", "😀",
    "\ud83d", "中", "é", '"', "'", "“", "”", "‘", "’", "«", "»", "„", "(", ")", "—", "-", ".",
    ",", ":", "?", "&", "&#1", "$", "…", "¿", "/", "=", "{", "}", "#", "\n", " ",
    "\x00", "\x7f"]
EDGE_LEADS = ["w"] * 150 + ["W", "é", "中", "ǅ", "9", "١", "1", '"', "“", "'", "(", "—", "$", "…",
                           "¿", "«", "„", "€", *EDGE_CHARACTERS[:16]]
beside = st.one_of(st.sampled_from(["", " ", "w", ","]),   # an asterisk's side
                   st.sampled_from(EDGE_CHARACTERS))
edge_word = st.one_of(
    *[st.sampled_from(["word", "a b", "it's", '"Yes," he said', "x"])] * 2,
    st.sampled_from(EDGE_CHARACTERS),
    *[st.builds(lambda a, b, inside, c, d: f"{a}*{b}{inside}{c}*{d}", beside, beside,
                st.sampled_from(["word", "two words", "x", "a\nb"]), beside, beside)] * 3)
edge_line = st.builds(lambda lead, words: lead + "".join(words).replace("\n", "\n" + lead),
                      st.sampled_from(EDGE_LEADS), st.lists(edge_word, max_size=6))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(edge_line, st.sampled_from(["\n", "\n\n", "\n\n\n"])), min_size=1,
                max_size=5),
       st.sampled_from(["", "\n", "\n\n", " ", "\xa0", "*"]),
       st.sampled_from(range(len(EDGE_RENDERERS))))
def test_plain_paragraphs_at_their_edges_render_as_python_markdown_does(
        lines: list[tuple[str, str]], end: str, config: int) -> None:
    text = "".join(line + sep for line, sep in lines).rstrip("\n") + end
    plain, pruned = EDGE_RENDERERS[config]
    assert pruned.convert(text) == plain.convert(text), text
    assert pruned.paragraphs == plain.paragraphs, text


@pytest.mark.parametrize("text", ["a &#12 b", "w&#x41 *b*", "It cost &#365x", "x &#12"])
def test_raw_html_allowed_a_character_reference_without_its_semicolon_is_completed(
        text: str) -> None:
    """With `unsafe_html` the raw HTML preprocessor completes `&#12 ` as `&#12; `: a document
    with `&` is not taken for plain paragraphs then."""
    assert_same(text, UNSAFE)
