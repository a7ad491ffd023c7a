"""Open Graph card images: a 1200x630 PNG per article and per speaker, so a shared link shows a
card (headline or name, dateline or role, the pull quote or the latest quote, the site's title).

Each card is a render `Task` like a page, at `<page URL>card.png`, fingerprinted by what it
shows (the article whole, or the speaker's group digest, which covers every quote and date) and
by Pillow's version (its FreeType draws the glyphs), so a rebuild draws only the cards whose
sources changed. Drawn with Pillow in the theme's bundled Liberation Sans (SIL OFL 1.1,
`themes/default/fonts/`), not a system font, and saved without any timestamp or text chunk: the
same content gives the same bytes on every machine with the same Pillow.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING

from sitegen.model import Article, Speaker
from sitegen.render.context import (
    SiteContext,
    TermLink,
    excerpt,
    plain_speakers,
    term_owner,
)
from sitegen.render.output import Task, kept_task
from sitegen.taxonomy import Term
from sitegen.theme import DEFAULT_THEME, dateline, human_date
from sitegen.typography import quoted, typographic

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
CARD = "card.png"
FONTS = DEFAULT_THEME / "fonts"

# The theme's light colours (style.css): page, text, muted text, accent, direct speech.
BACKGROUND = (255, 255, 255)
TEXT = (26, 26, 26)
MUTED = (84, 84, 84)
ACCENT = (11, 83, 148)
SAID = (107, 36, 16)
RULE = (217, 217, 217)

BAR = 24                       # the accent band down the left edge
LEFT = BAR + 64                # text starts here
RIGHT = WIDTH - 72             # and ends here
FOOTER = HEIGHT - 96           # the rule above the site's title


@dataclass(frozen=True)
class CardText:
    """What one card says, top to bottom: a kicker (dateline or role), the title (headline or
    name), a line of figures (speakers), a quote and who said it or where, the site's title."""

    kicker: str
    title: str
    note: str | None
    quote: str | None
    by: str | None
    site: str
    quoted: bool = True   # the quote in typographic marks (a standfirst is not)


def card_url(page_url: str) -> str:
    """Where the card of the page at `page_url` (a folder URL, ending in "/") is published."""
    return page_url + CARD


def card_tasks(ctx: SiteContext) -> Iterator[Task]:
    """A card per article and, when speakers have pages, per speaker."""
    import PIL  # here: a site without cards (most builds) does not import Pillow at all

    version = ("card", PIL.__version__)
    for article in ctx.owned_articles():
        speakers = ctx.speaker_links(article)
        url = card_url(ctx.urls.article(article))
        if ctx.kept(path := ctx.owned(ctx.urls.output_file(url), article.path)):
            yield kept_task(path)
            continue
        yield Task(path,
                   (*version, url, ctx.fp.article(article),
                    plain_speakers(speakers)),
                   partial(_article_card, ctx, article, speakers))
    if "speakers" in ctx.config.taxonomies:
        for term in ctx.owners(ctx.taxonomy.speakers, partial(term_owner, "speakers")):
            url = card_url(ctx.urls.speaker(term.slug))
            if ctx.kept(path := ctx.owned(ctx.urls.output_file(url), ("speakers", term.slug))):
                yield kept_task(path)
                continue
            yield Task(path,
                       (*version, url, ctx.fp.group(term, "speakers")),
                       partial(_speaker_card, ctx, term))


def _article_card(ctx: SiteContext, article: Article,
                  speakers: Sequence[tuple[Speaker, TermLink | None]]) -> bytes:
    quote = ctx.pull_quote(article, speakers)
    if quote is not None:
        by = f"— {quote.speaker}" + (f", {quote.role}" if quote.role else "")
        text = CardText(dateline(article), typographic(article.title), None,
                        quoted(quote.text), by, ctx.config.title)
    else:
        text = CardText(dateline(article), typographic(article.title), None,
                        article.subtitle and typographic(article.subtitle), None,
                        ctx.config.title, quoted=False)
    return draw_card(text)


def _speaker_card(ctx: SiteContext, term: Term) -> bytes:
    quotes, articles = len(term.quotes), len(term.articles)
    note = (f"{quotes} quote{'s' if quotes != 1 else ''} in {articles} "
            f"article{'s' if articles != 1 else ''}")
    quote = by = None
    if term.quotes:
        latest, said = term.quotes[0]
        quote = quoted(excerpt(said.text))
        by = f"{human_date(latest.date)}: {typographic(latest.title)}"
    return draw_card(CardText(term.role or "Quoted in the news", term.name, note, quote, by,
                              ctx.config.title))


@cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont
    # Basic layout (FreeType alone), never raqm: the same glyph positions whether or not this
    # Pillow was built with raqm, and faster for the Latin, Cyrillic and Greek the font covers.
    return ImageFont.truetype(str(FONTS / f"LiberationSans-{weight}.ttf"), size,
                              layout_engine=ImageFont.Layout.BASIC)


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int, most: int) -> list[str]:
    """`text` wrapped at words into at most `most` lines of `width` pixels, the last one cut
    with "…" when it does not all fit (a word wider than a line is cut too). Each word is
    measured once, a line as its words and spaces."""
    lines: list[str] = []
    space = font.getlength(" ")
    words = [(word, font.getlength(word)) for word in text.split()]
    while words and len(lines) < most:
        line, used = words.pop(0)
        while used > width:   # one long word: cut it
            line = line[:-1]
            used = font.getlength(line)
        while words and used + space + words[0][1] <= width:
            word, wide = words.pop(0)
            line, used = f"{line} {word}", used + space + wide
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = last.rstrip(" ,;:-–—") + "…"
    return lines


def _fitted(text: str, width: int, sizes: Sequence[int],
            most: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest bold font of `sizes` at which `text` fits `most` lines, else the smallest
    with the text cut."""
    for size in sizes:
        font = _font("Bold", size)
        lines = _lines(text, font, width, most + 1)
        if len(lines) <= most:
            return font, lines
    font = _font("Bold", sizes[-1])
    return font, _lines(text, font, width, most)


def _write(draw: ImageDraw.ImageDraw, y: int, lines: Sequence[str],
           font: ImageFont.FreeTypeFont, fill: tuple[int, int, int], leading: float) -> int:
    step = round(font.size * leading)
    for line in lines:
        draw.text((LEFT, y), line, font=font, fill=fill)
        y += step
    return y


def warm() -> None:
    """Draw one card and drop it: Pillow imported, its PNG writer and the usual fonts loaded.
    `serve` calls this in its idle time after its first build, whose cards are drawn in forked
    workers: else the first edit, drawing its story's card in the process, pays for them
    (0.04-0.06 s at 10,000 articles)."""
    draw_card(CardText("Warm", "A headline to fit", "2 quotes in 1 article", "A quote",
                       "— Someone", "Site"))


def draw_card(card: CardText) -> bytes:
    """The card as PNG bytes (no metadata chunks: the same card is the same bytes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAR - 1, HEIGHT - 1), fill=ACCENT)
    width = RIGHT - LEFT
    y = 56
    kicker = _font("Regular", 30)
    y = _write(draw, y, _lines(card.kicker, kicker, width, 1), kicker, MUTED, 1.3) + 10
    title_font, title = _fitted(card.title, width, (68, 60, 52, 46), 3)
    y = _write(draw, y, title, title_font, TEXT, 1.15) + 14
    if card.note:
        note = _font("Regular", 30)
        y = _write(draw, y, [card.note], note, MUTED, 1.3) + 6
    if card.quote:
        quote_font, by_font = _font("Regular", 34), _font("Regular", 26)
        room = (FOOTER - 24 - (34 if card.by else 0) - y) // round(34 * 1.3)
        if room >= 1:
            text = f"“{card.quote}”" if card.quoted else card.quote
            lines = _lines(text, quote_font, width, min(room, 4))
            if card.quoted and lines and not lines[-1].endswith("”"):
                lines[-1] = lines[-1] + "”"   # cut: still closed
            y = _write(draw, y + 10, lines, quote_font, SAID if card.quoted else TEXT, 1.3)
            if card.by:
                _write(draw, y + 4, _lines(card.by, by_font, width, 1), by_font, MUTED, 1.3)
    draw.rectangle((LEFT, FOOTER, RIGHT, FOOTER + 1), fill=RULE)
    site = _font("Bold", 32)
    _write(draw, FOOTER + 26, _lines(card.site, site, width, 1), site, ACCENT, 1.2)
    out = io.BytesIO()
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG",
                                                                      compress_level=3)
    return out.getvalue()


STEPS = 16   # shades of each colour between the background and itself, for smooth text edges


@cache
def _palette() -> Image.Image:
    """A fixed palette: the background and the rule's grey, then each colour of text in
    `STEPS` shades from the background to itself. An image mapped onto it is a third of the
    RGB bytes to compress (and half the file) and looks the same; zlib level 3 takes a third
    of the time of level 6 for a file a fifth larger (about 37 KB)."""
    from PIL import Image
    flat = [*BACKGROUND, *RULE]   # the rule is a plain rectangle: no shades near white
    for colour in (TEXT, MUTED, ACCENT, SAID):
        for k in range(1, STEPS + 1):
            flat += [round(b + (c - b) * k / STEPS)
                     for b, c in zip(BACKGROUND, colour, strict=True)]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + list(BACKGROUND) * (256 - len(flat) // 3))
    return palette
