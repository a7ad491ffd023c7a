"""The Jinja2 environment: the site's templates first, then its theme, then the default theme.

A site overrides single templates (say `templates/article.html`) and inherits the rest, so a
theme tweak never means copying the whole default theme. Autoescape is always on, and an undefined
variable is an error naming it rather than a silently empty page.
"""

from __future__ import annotations

import json
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sitegen.config import Config
from sitegen.errors import Problem
from sitegen.incremental.machine import signed_bytecode_cache
from sitegen.model import Article
from sitegen.typography import quoted, typographic

if TYPE_CHECKING:   # imported when a theme is loaded: a no-op build needs only the paths
    import jinja2


def _default_theme() -> Path:
    """The default theme: in the wheel (sitegen/default_theme/) or in a checkout (themes/)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "default_theme", here.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise RuntimeError("sitegen is installed without its default theme")


DEFAULT_THEME = _default_theme()
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def theme_dirs(config: Config) -> list[Path]:
    """Theme folders, most specific first: the site's `themes/NAME/`, then the default theme."""
    dirs = []
    if config.theme != "default":
        dirs.append(config.root / "themes" / config.theme)
    dirs.append(config.root / "themes" / "default")   # a site may patch the default theme
    dirs.append(DEFAULT_THEME)
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in {u.resolve() for u in unique}:
            unique.append(d)
    return unique


def template_dirs(config: Config) -> list[Path]:
    return [config.root / "templates", *(d / "templates" for d in theme_dirs(config))]


def static_dirs(config: Config) -> list[Path]:
    """Static folders, most specific first; a file in an earlier one hides the same name later."""
    return [config.root / "static", *(d / "static" for d in theme_dirs(config))]


def load_theme(config: Config, compiled: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with the fallback chain, autoescape and the date/JSON filters.

    `compiled` is a folder for Jinja's bytecode cache (compiling the theme costs more than
    rendering the few pages a one-article edit changes); entries are keyed by template source
    and signed with this machine's key (`incremental.machine`), since they are code.
    """
    import jinja2

    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs(config)
                                  if d.is_dir()])
    # One environment per build, so no template changes under it: no stat per page (auto_reload).
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             auto_reload=False,
                             bytecode_cache=signed_bytecode_cache(compiled) if compiled else None)
    env.filters.update(date=human_date, isodate=iso_date, dateline=dateline, jsonld=json_ld,
                       month_name=month_name, typographic=typographic, quoted=quoted)
    return env


# Dates are shown in the article's own offset: "MOSCOW, December 10" is the date in Moscow, and
# plain front-matter dates already carry the site's time zone (see fields.py).
def human_date(value: datetime) -> str:
    """ "December 10, 2022": unambiguous for every reader, independent of the machine locale."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def iso_date(value: datetime) -> str:
    return value.isoformat()


def month_name(month: int) -> str:
    return _MONTHS[int(month) - 1]


def dateline(article: Article) -> str:
    """ "MOSCOW, December 10, 2022 (TASS)", leaving out the parts the article does not have."""
    text = human_date(article.date)
    if article.location:
        text = f"{article.location.upper()}, {text}"
    if article.source:
        text = f"{text} ({article.source})"
    return text


def json_ld(data: Any) -> Markup:
    """JSON for a `<script type="application/ld+json">`: `<`, `>`, `&` escaped so no text can
    close the script element or open a comment, whatever a title contains."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, indent=None)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(text)


def template_problem(exc: jinja2.TemplateError) -> Problem:
    """Point a template error at the template file and line, not at our code."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = Path(exc.filename) if exc.filename else None
        return Problem(where, f"template error: {exc.message}", exc.lineno)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2", ".txt")):
            return Problem(Path(frame.filename), f"template error: {exc}", frame.lineno)
    return Problem(None, f"template error: {exc}")
