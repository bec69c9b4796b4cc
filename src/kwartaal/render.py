"""Rendering documents from Jinja2 templates: the shipped ones, or a body's own overrides.

Templates only lay out what they are given; they decide nothing. They run in Jinja2's sandbox,
so a body's own template cannot reach Python internals or the file system, and HTML is
autoescaped.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .problems import KwartaalError, msg


def shipped_templates() -> Path:
    """The templates folder of the source tree, or of the installed data files."""
    candidates = [Path(__file__).resolve().parents[2] / "templates",
                  Path(sys.prefix) / "share" / "kwartaal" / "templates"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise KwartaalError(msg("kwartaal's templates are missing from this installation; "
                            "reinstall kwartaal", "de sjablonen van kwartaal ontbreken; "
                            "installeer kwartaal opnieuw"))


def long_date(value: dt.date | None, lang: str) -> str:
    """'donderdag 12 maart 2026' / 'Thursday 12 March 2026'."""
    if value is None:
        return ""
    from babel.dates import format_date

    return format_date(value, "EEEE d MMMM y", locale="nl_NL" if lang == "nl" else "en_GB")


def money(value: Decimal | None, lang: str) -> str:
    """'€ 1.234,56' in Dutch, '€1,234.56' in English."""
    if value is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(value, "EUR", locale="nl_NL" if lang == "nl" else "en_GB")


@lru_cache(maxsize=8)
def _environment(body_templates: str | None) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders = []
    if body_templates:
        loaders.append(FileSystemLoader(body_templates))
    loaders.append(FileSystemLoader(str(shipped_templates())))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render(body_root: Path | None, name: str, lang: str, **context: Any) -> str:
    """Render templates/<lang>/<name>, else templates/<name>; a body's own templates/ folder
    wins over the shipped one."""
    from jinja2 import TemplateError

    folder = body_root / "templates" if body_root is not None else None
    if folder is not None and folder.is_dir():
        from .loader import inside

        if not inside(body_root, folder):  # type: ignore[arg-type]
            raise KwartaalError(msg(
                "the body's templates folder links outside the body; kwartaal does not follow "
                "it", "de map templates van het overleg verwijst naar buiten het overleg; "
                "kwartaal volgt die niet"))
    env = _environment(str(folder) if folder is not None and folder.is_dir() else None)
    from .labels import labels

    try:
        template = env.select_template([f"{lang}/{name}", name])
        text = str(template.render(lang=lang, t=labels(lang),
                                   long_date=lambda d: long_date(d, lang),
                                   money=lambda v: money(v, lang), **context))
        if name.endswith((".md.j2", ".txt.j2")):
            import re

            text = re.sub(r"\n{3,}", "\n\n", text)  # templates stay readable; output tidy
        return text
    except TemplateError as exc:
        raise KwartaalError(msg(
            "template {name} ({lang}) failed: {err}",
            "sjabloon {name} ({lang}) faalde: {err}", name=name, lang=lang, err=exc)) from exc


def mark_confidential(text: str, fmt: str, lang: str) -> str:
    """Make sure an internal document says it is internal. The shipped templates print the
    banner where it reads best; a body's own template that leaves it out gets it on top."""
    import re

    from .labels import labels

    banner = labels(lang)["confidential"]
    if fmt == "json":
        return text
    # Where a reader sees it: not in a comment, not in the page's <head> or <title>.
    visible = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    if fmt == "html":
        visible = re.sub(r"<head.*?</head>|<title.*?</title>|<[^>]*>", " ", visible,
                         flags=re.DOTALL | re.IGNORECASE)
    if banner in visible:
        return text
    if fmt == "html":
        block = f'<p class="confidential"><strong>{banner}</strong></p>\n'
        found = re.search(r"<body[^>]*>\n?", text, flags=re.IGNORECASE)
        if found:
            return text[:found.end()] + block + text[found.end():]
        return block + text
    if fmt == "md":
        return f"**{banner}**\n\n{text}"
    return f"{banner.upper()}\n\n{text}"
