"""Markdown -> HTML for article bodies, safe by default.

Article bodies come from wire text and editors; unless the site opts in with `unsafe_html`, raw
HTML is shown as text and `javascript:` links are disarmed, so an imported story cannot run script
on the site. Body paragraphs get stable ids (`p-1`, `p-2`, ...) so speaker pages can link to the
paragraph a quote comes from, and the direct speech in them (a pair of `"` or `“ ”` within one
stretch of text) becomes `<span class="said">“...”</span>`, with typographic marks, for the theme
to set off (and a straight apostrophe inside a word a typographic one).
"""

from __future__ import annotations

import functools
import html
import importlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import Registry

from sitegen.config import Config
from sitegen.plain_paragraphs import paragraph_tree
from sitegen.typography import APOSTROPHE, SAID

# Schemes that run code or smuggle documents when a reader follows the link.
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class Paragraph:
    """A top-level body paragraph: its anchor id and plain text, for linking quotes to it."""

    id: str
    text: str


class _ParagraphIds(Treeprocessor):
    """Number the top-level paragraphs so `#p-3` keeps pointing at the third paragraph."""

    def __init__(self, md: markdown.Markdown, sink: list[Paragraph]) -> None:
        super().__init__(md)
        self.sink = sink

    def run(self, root: ET.Element) -> None:
        number = 0
        for child in root:
            if child.tag == "p":
                number += 1
                anchor = f"p-{number}"
                child.set("id", anchor)
                self.sink.append(Paragraph(anchor, "".join(child.itertext())))


# Direct speech (`SAID`: an unpaired mark, a quote running on into the next paragraph, is left
# alone) and apostrophes by the rule headlines follow too (`sitegen/typography.py`).


class _DirectSpeech(Treeprocessor):
    """Direct speech in top-level paragraphs as `<span class="said">“...”</span>`, and a
    straight apostrophe inside a word as ’.

    Only text directly inside the paragraph is looked at (not links or emphasis), so the
    markup never crosses an element.
    """

    def run(self, root: ET.Element) -> None:
        for child in root:
            if child.tag == "p":
                _mark_speech(child)


def _mark_speech(paragraph: ET.Element) -> None:
    pieces: list[tuple[int, str]] = [(-1, paragraph.text or "")]   # (index of the element before)
    pieces += [(n, child.tail or "") for n, child in enumerate(paragraph)]
    # From the end, so the indexes of the elements still to do stay put.
    for before, text in reversed(pieces):
        if "'" in text:
            text = APOSTROPHE.sub("’", text)
        parts = SAID.split(text) if '"' in text or "“" in text else [text]
        lead = parts[0]
        spans: list[ET.Element] = []
        for at in range(1, len(parts), 3):
            span = ET.Element("span", {"class": "said"})
            span.text = f"“{parts[at] if parts[at] is not None else parts[at + 1]}”"
            span.tail = parts[at + 2]
            spans.append(span)
        if before < 0:
            paragraph.text = lead
        else:
            paragraph[before].tail = lead
        for offset, span in enumerate(spans, start=before + 1):
            paragraph.insert(offset, span)


class _DisarmLinks(Treeprocessor):
    """Replace `javascript:`-style URLs with a harmless '#' and drop event-handler attributes.

    The URL is checked as the browser will read it: character references decoded
    (`&#106;avascript:`, `javascript&colon;`) and control characters removed. `on*` attributes
    can only come from `{: onclick=... }` (the attr_list extension of "extra").
    """

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attr in list(element.keys()):
                name = attr.lower()
                if name.startswith("on"):
                    del element.attrib[attr]
                elif name in _URL_ATTRIBUTES and _unsafe_url(element.get(attr, "")):
                    element.set(attr, "#")


_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster",
                             "background", "cite", "data", "xlink:href", "ping"})


def _unsafe_url(value: str) -> bool:
    """True for a URL whose scheme runs code, however it is spelled."""
    return _UNSAFE_SCHEME.match(_CONTROL.sub("", html.unescape(value))) is not None


class _SitegenExtension(Extension):
    def __init__(self, sink: list[Paragraph], safe: bool) -> None:
        super().__init__()
        self.sink = sink
        self.safe = safe

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ParagraphIds(md, self.sink), "sitegen_paragraph_ids", 5)
        md.treeprocessors.register(_DirectSpeech(md), "sitegen_direct_speech", 3)
        if self.safe:
            md.treeprocessors.register(_DisarmLinks(md), "sitegen_disarm_links", 4)


# Inline patterns and block processors a document cannot trigger are skipped (`_Pruning`):
# each inline pattern is a regex search over every run of text and each block processor a test
# of every block, and a wire story has none of `[`, `` ` ``, `<`, `&`, `#`, `|`, `>` or `\`, so
# most of Python-Markdown's work (more than half of a conversion) found nothing. One is skipped
# only when none of its triggers, strings every match of its regex contains, is in the
# document: the processors only see the document's own text (block syntax taken out, never
# added) and placeholders made of letters, digits and STX/ETX, so one that cannot match the
# document cannot match anything they see. Text the preprocessor rewrites (tabs, carriage
# returns and stray STX/ETX, which could form `  \n` or `[^`) turns pruning off for that
# document, as does any extension or processor not listed here. tests/test_markup_pruning.py
# holds the output to Python-Markdown's, byte for byte, on the corpora and generated Markdown.
INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",),
    "linebreak": ("  ",),   # its regex is "  \n"; any double space keeps it, a margin
    "entity": ("&",), "em_strong": ("*", "_"),
}
ALWAYS = ("",)   # in every text: a processor that always runs
BLOCK_TRIGGERS: dict[str, tuple[str, ...]] = {
    "table": ("|",), "hashheader": ("#",), "setextheader": ("=", "-"),
    "hr": ("-", "_", "*"), "deflist": (":",), "quote": (">",), "footnote": ("[^",),
    "abbr": ("*[",), "reference": ("[",),
    **dict.fromkeys(("markdown_block", "empty", "indent", "defindent", "code", "olist",
                     "ulist", "paragraph"), ALWAYS),
}
# A heading (what the table of contents numbers) comes from `#`, raw HTML, or an underline: a
# line of `=` or `-` and spaces. Block syntax is taken off the start of a line, never its end,
# so every underline ends a line of the document in one of these (`$`: before a line break or
# at the end; carriage returns turn pruning off).
_UNDERLINE = re.compile(r"[=-] *$", re.MULTILINE)
# Tree processors and preprocessors likewise: one that finds nothing to change leaves the tree
# (or text) as it was. The table of contents also marks `[TOC]`; the others are footnotes'
# and abbreviations' (cheap) and sitegen's own, which always run.
TREE_TRIGGERS: dict[str, tuple[str | re.Pattern[str], ...]] = {
    "unescape": ("\\",),   # the `\x02<digits>\x03` the escape pattern leaves for a `\`
    "attr_list": ("{",), "toc": ("#", "<", "[", _UNDERLINE),
    **dict.fromkeys(("inline", "prettify", "footnote", "footnote-duplicate", "abbr",
                     "sitegen_paragraph_ids", "sitegen_direct_speech",
                     "sitegen_disarm_links"), ALWAYS),
}
PRE_TRIGGERS: dict[str, tuple[str | re.Pattern[str], ...]] = {
    "fenced_code_block": ("```", "~~~"),
    **dict.fromkeys(("normalize_whitespace", "html_block"), ALWAYS),
}
# Extensions whose processors make no text of their own before the inline patterns run.
PRUNABLE_EXTENSIONS = frozenset({
    "extra", "abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html",
    "tables", "toc", "sane_lists"})
_REWRITTEN = ("\t", "\r", "\x02", "\x03")   # what normalize_whitespace changes
# Python-Markdown's own extensions, each by the name its entry point gives it and the class that
# entry point loads. Given as a string, an extension makes Python-Markdown read the entry points
# of every installed package (importlib.metadata: 20 ms of CPU and 30-60 ms of wall at the start
# of every build that converts a story, a publish's included); these are made here instead.
_OWN_EXTENSIONS = {name: f"markdown.extensions.{name}:{cls}" for name, cls in (
    ("abbr", "AbbrExtension"), ("admonition", "AdmonitionExtension"),
    ("attr_list", "AttrListExtension"), ("codehilite", "CodeHiliteExtension"),
    ("def_list", "DefListExtension"), ("extra", "ExtraExtension"),
    ("fenced_code", "FencedCodeExtension"), ("footnotes", "FootnoteExtension"),
    ("legacy_attrs", "LegacyAttrExtension"), ("legacy_em", "LegacyEmExtension"),
    ("md_in_html", "MarkdownInHtmlExtension"), ("meta", "MetaExtension"),
    ("nl2br", "Nl2BrExtension"), ("sane_lists", "SaneListExtension"),
    ("smarty", "SmartyExtension"), ("tables", "TableExtension"), ("toc", "TocExtension"),
    ("wikilinks", "WikiLinkExtension"))}


def _extensions(names: tuple[str, ...]) -> list[Extension | str]:
    """The extensions `names` gives: Python-Markdown's own made as their entry points would
    make them (Extra as the extensions it registers, in its order), any other name as it is
    (for Python-Markdown to find)."""
    made: list[Extension | str] = []
    for name in names:
        if name == "extra" and name in _OWN_EXTENSIONS:   # Extra registers its own by name
            from markdown.extensions import extra
            made.extend(_extensions(tuple(extra.extensions)))
        elif name in _OWN_EXTENSIONS:
            module, cls = _OWN_EXTENSIONS[name].split(":")
            made.append(getattr(importlib.import_module(module), cls)())
        else:
            made.append(name)
    return made


Trigger = str | re.Pattern[str]
Triggers = dict[str, tuple[str, ...]] | dict[str, tuple[Trigger, ...]]


def _found(trigger: Trigger, text: str) -> bool:
    return trigger in text if isinstance(trigger, str) else trigger.search(text) is not None


def _present(triggers: frozenset[Trigger], text: str) -> frozenset[Trigger] | None:
    """Which of `triggers` `text` holds, each looked for once whatever the registries sharing
    it; None for text the preprocessor rewrites (every processor runs then)."""
    if any(mark in text for mark in _REWRITTEN):
        return None
    return frozenset(trigger for trigger in triggers if _found(trigger, text))


class _Pruning:
    """Registers, for each document, only the processors of one registry its text can
    trigger."""

    def __init__(self, registry: Registry[Any], names: list[str],
                 triggers: Triggers) -> None:
        """`names`: every processor `registry` has, in the order they run."""
        self._registry = registry
        self._all = [(registry[name], name, float(len(names) - n))   # the same order
                     for n, name in enumerate(names)]
        self._triggers = [(name, triggers[name]) for name in names if triggers[name] != ALWAYS]
        self._skipped: frozenset[str] = frozenset()
        self._names = frozenset(names)

    @property
    def left(self) -> frozenset[str]:
        """The processors the text last fitted can trigger."""
        return self._names - self._skipped

    @classmethod
    def of(cls, registry: Registry[Any], triggers: Triggers) -> _Pruning | None:
        """Pruning for `registry`, or None when it holds a processor not in `triggers`."""
        names = sorted((name for name in triggers if name in registry),
                       key=registry.get_index_for_name)
        return cls(registry, names, triggers) if len(names) == len(registry) else None

    @property
    def triggers(self) -> frozenset[Trigger]:
        """Everything one of its processors may be triggered by."""
        return frozenset(t for _, triggers in self._triggers for t in triggers)

    def fit(self, present: frozenset[Trigger] | None) -> None:
        """Skip the processors none of whose triggers is `present` in the text (`_present`;
        None: all of them run)."""
        skipped: frozenset[str] = frozenset() if present is None else frozenset(
            name for name, triggers in self._triggers if present.isdisjoint(triggers))
        if skipped == self._skipped:
            return
        for _, name, _ in self._all:
            self._registry.deregister(name, strict=False)
        for item, name, priority in self._all:
            if name not in skipped:
                self._registry.register(item, name, priority)
        self._skipped = skipped


class _PlainParagraphs:
    """Parses a document of plain paragraphs itself (`plain_paragraphs`) when pruning leaves
    nothing else to run: no inline pattern but Python-Markdown's emphasis, whose pairing it
    follows, or one that finds nothing in the text, and only the preprocessors that leave such
    a document as it is."""

    INLINE_LEFT = frozenset({"em_strong"})
    # Patterns with no anchor or lookaround that runs before emphasis: finding nothing in the
    # whole text, they find nothing in a paragraph of it, and leave emphasis the raw text.
    INERT_UNLESS_FOUND = frozenset({"entity", "linebreak"})
    # The raw HTML one (`unsafe_html` only) leaves text without `<` (which the inline `html`
    # pattern refuses) or `&` as it is: the HTML parser it runs completes a character
    # reference with no `;` (`&#12 ` becomes `&#12; `), by rules of the Python it runs on.
    PRE_LEFT = frozenset({"normalize_whitespace", "html_block"})

    def __init__(self, md: markdown.Markdown, inline: _Pruning, pre: _Pruning,
                 boundary: re.Pattern[str]) -> None:
        self._md, self._inline, self._pre, self._boundary = md, inline, pre, boundary

    @classmethod
    def of(cls, md: markdown.Markdown, inline: _Pruning, pre: _Pruning
           ) -> _PlainParagraphs | None:
        """For `md` with every registry pruned (`inline` and `pre` two of them), or None. Only
        for Python-Markdown 3 from 3.11 on, whose delimiter rule and `convert` steps these
        follow (older ones have no `boundary`; a 4 may change either)."""
        if "em_strong" not in md.inlinePatterns or markdown.__version_info__[0] != 3 \
                or md.doc_tag != "div":   # the root `paragraph_tree` makes
            return None
        delimiter = getattr(md.inlinePatterns["em_strong"], "delimiters", {}).get("*")
        boundary = getattr(delimiter, "boundary", None)
        return cls(md, inline, pre, boundary) if isinstance(boundary, re.Pattern) else None

    def tree(self, text: str) -> ET.Element | None:
        """The parsed tree of `text` (fitted to the prunings), or None if it is not plain."""
        left = self._pre.left
        if not left <= self.PRE_LEFT or ("html_block" in left and "&" in text):
            return None
        for name in self._inline.left - self.INLINE_LEFT:
            if name not in self.INERT_UNLESS_FOUND \
                    or self._md.inlinePatterns[name].getCompiledRegExp().search(text):
                return None
        return paragraph_tree(text, self._boundary)


def _finish(md: markdown.Markdown, root: ET.Element) -> str:
    """What `Markdown.convert` does with the tree its inline processor leaves: the same steps
    in its order (Python-Markdown 3.x, `core.py`), the inline processor left out: the tree holds
    no text it would change."""
    inline = md.treeprocessors["inline"]
    for tree_processor in md.treeprocessors:
        if tree_processor is not inline:
            root = tree_processor.run(root) or root
    output = md.serializer(root)
    start = output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2
    output = output[start:output.rindex(f"</{md.doc_tag}>")].strip()
    for postprocessor in md.postprocessors:
        output = postprocessor.run(output)
    return output.strip()


class MarkdownRenderer:
    """One reusable Markdown converter configured from the site (building one is slow)."""

    def __init__(self, config: Config, *, prune: bool = True) -> None:
        """`prune`: skip the inline patterns and block processors a document cannot trigger
        (the same HTML; off only to compare with Python-Markdown unpruned)."""
        self.safe = not config.unsafe_html
        self._paragraphs: list[Paragraph] = []
        self._md = markdown.Markdown(
            extensions=[*_extensions(config.markdown_extensions),
                        _SitegenExtension(self._paragraphs, self.safe)],
            output_format="html",
        )
        if self.safe:
            # Without these, raw HTML stays text and the serializer escapes it.
            for registry, name in ((self._md.preprocessors, "html_block"),
                                   (self._md.inlinePatterns, "html")):
                if name in registry:
                    registry.deregister(name)
        inline = _Pruning.of(self._md.inlinePatterns, INLINE_TRIGGERS)
        pre = _Pruning.of(self._md.preprocessors, PRE_TRIGGERS)
        pruning = [inline, _Pruning.of(self._md.parser.blockprocessors, BLOCK_TRIGGERS),
                   _Pruning.of(self._md.treeprocessors, TREE_TRIGGERS), pre]
        known = set(config.markdown_extensions) <= PRUNABLE_EXTENSIONS
        self._pruning = [p for p in pruning if p is not None] if prune and known else []
        self._triggers = frozenset(t for p in self._pruning for t in p.triggers)
        # only where every registry is pruned: no processor runs that pruning does not know
        self._plain = _PlainParagraphs.of(self._md, inline, pre) \
            if inline is not None and pre is not None and len(self._pruning) == len(pruning) \
            else None

    def convert(self, text: str) -> str:
        """HTML for one document's Markdown."""
        self._md.reset()
        self._paragraphs.clear()
        if self._pruning:
            present = _present(self._triggers, text)
            for pruning in self._pruning:
                pruning.fit(present)
        root = self._plain.tree(text) if self._plain is not None else None
        return self._md.convert(text) if root is None else _finish(self._md, root)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The paragraphs of the last converted document, in order."""
        return tuple(self._paragraphs)


@functools.lru_cache(maxsize=8192)   # an article's paragraphs are searched once per quote
def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\"'“”‘’«»]", "", text)
    return " ".join(text.split()).casefold()


def paragraph_for(quote: str, paragraphs: tuple[Paragraph, ...]) -> str | None:
    """The id of the paragraph that contains `quote` (first 60 characters), or None."""
    needle = _normalise(quote)[:60]
    if not needle:
        return None
    for paragraph in paragraphs:
        if needle in _normalise(paragraph.text):
            return paragraph.id
    return None
