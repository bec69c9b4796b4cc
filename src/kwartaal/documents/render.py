"""Rendering documents from Jinja2 templates: the shipped ones, or a body's own overrides.

Templates only lay out what they are given; they decide nothing. They run in Jinja2's sandbox,
so a body's own template cannot reach Python internals or the file system, and HTML is
autoescaped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.core.values import MAX_FILE_BYTES


def shipped_templates() -> Path:
    """The templates shipped with kwartaal: package data next to the code when installed, the
    repository's top-level folder when run from the source tree (an editable install)."""
    here = Path(__file__).resolve()
    candidates = [here.parents[1] / "templates", here.parents[3] / "templates"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise KwartaalError(msg("kwartaal's templates are missing from this installation; "
                            "reinstall kwartaal"))


@lru_cache(maxsize=1)
def _confined_loader() -> Any:
    """A file loader that opens a template only when its real path, links followed, lies
    inside its own folder: a link in templates/ to /proc/self/environ or ~/.ssh/id_rsa is
    refused before anything is read."""
    import time

    from jinja2 import FileSystemLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    from kwartaal.files.cache import stat_key, trusted

    class ConfinedLoader(FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            pieces = split_template_path(template)  # refuses '..'
            for folder in self.searchpath:
                filename = os.path.join(folder, *pieces)
                if os.path.isfile(filename):
                    break
            else:
                raise TemplateNotFound(template)
            root, real = os.path.realpath(folder), os.path.realpath(filename)
            if os.path.commonpath([root, real]) != root:
                raise KwartaalError(msg(
                    "template {name} links to {target}, outside its templates folder; kwartaal "
                    "reads templates only from inside that folder: put the file itself there",
                    name=filename, target=real))
            if os.path.getsize(real) > MAX_FILE_BYTES:
                raise KwartaalError(msg("template {name} is larger than {mb} MB",
                                        name=template,
                                        mb=MAX_FILE_BYTES // 2**20))
            read_ns, stat = time.time_ns(), stat_key(real)  # (taken before the text)
            try:
                with open(real, encoding="utf-8") as handle:
                    contents = handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise KwartaalError(msg("cannot read template {name}: {err}",
                                        name=filename, err=exc)) from exc

            def uptodate() -> bool:
                # asked each time the template is used (thousands of times for a site): the
                # same file by its whole stat record (any write changes its inode change
                # time; a link put in its place or in a folder's is another file), when that
                # was old enough when it was read to be trusted (files/cache.py trusted);
                # else by content, not modification time: an edit that keeps the file's old
                # time (a copy, a checkout) is seen within one process too
                if stat is not None and trusted(stat_key(filename), stat, read_ns):
                    return True
                try:
                    if os.path.realpath(filename) != real:
                        return False
                    with open(real, encoding="utf-8") as handle:
                        return handle.read() == contents
                except (OSError, UnicodeDecodeError):
                    return False

            return contents, os.path.normpath(filename), uptodate

    return ConfinedLoader


@lru_cache(maxsize=8)
def _environment(body_templates: str | None, markdown: bool = False) -> Any:
    """The templates' environment; for Markdown templates every value printed is escaped
    (markdown_text), as HTML ones are autoescaped."""
    from jinja2 import ChoiceLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loader = _confined_loader()
    loaders = []
    if body_templates:
        loaders.append(loader(body_templates))
    loaders.append(loader(str(shipped_templates())))
    class Environment(ImmutableSandboxedEnvironment):  # type: ignore[misc]
        def getattr(self, obj: Any, attribute: str) -> Any:
            """The sandbox's getattr: a dict's attribute first, else its item. For an
            attribute no dict has, the item at once: the same answer, without an exception
            raised and caught for each of the 300,000 values of a site's pages."""
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except (TypeError, LookupError):
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

        def wrap_str_format(self, value: Any) -> Any:
            """The sandbox's own str.format makes a formatter for each call (a fifth of the
            time a year report takes to render): a plain text whose fields are only names
            or numbers is formatted by str.format itself, which then reaches no attribute
            or item of a value (_plain_fields); anything else, a format_map, Markup, by the
            sandbox."""
            if (getattr(value, "__name__", None) == "format"
                    and type(getattr(value, "__self__", None)) is str
                    and _plain_fields(value.__self__)):
                return value
            return super().wrap_str_format(value)

    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(MARKDOWN_ESCAPE if markdown else ""),
        finalize=markdown_text if markdown else None,
    )
    if markdown:
        env.filters["md_code"] = markdown_code
        env.filters["md_link"] = markdown_link
        env.filters["markdown"] = Verbatim  # a macro's output: its values are escaped already
    return env


_DICT_ATTRIBUTES = frozenset(dir(dict))


@lru_cache(maxsize=1024)
def _plain_fields(text: str) -> bool:
    """Whether each replacement field of a format string is a name or a number alone, with
    a format spec that holds no field: no '.', '[' or nested field to reach into a value."""
    import string

    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:  # not a format string: str.format raises, as the sandbox's does
        return False
    return all(name is None or ((name == "" or name.isidentifier()
                                 or (name.isascii() and name.isdigit()))
                                and "{" not in (spec or ""))
               for _, name, spec, _ in fields)


def _bytecode_cache(salt: str) -> Any:
    """Compiled templates kept between runs in the user's cache folder: compiling them is
    most of the time an agenda or minutes of a small body takes. Jinja2 files each one under
    its template's name and file and uses it only while the template's source is the same
    (a digest of the text), so an edited template is compiled again. The folder is named
    after the versions of kwartaal and Jinja2 and must be the user's own and closed to
    others, since what it holds is run; otherwise nothing is kept (KWARTAAL_NO_CACHE too).
    A kept file that cannot be read or written only means compiling again. The salt tells
    apart what environments compile differently from the same source (Markdown's escaping)."""
    from kwartaal.files.cache import cache_folder, caching, sealed, unsealed

    if not caching():  # turned off, or a cache folder that is not the user's own
        return None
    import stat

    import jinja2

    from kwartaal import __version__

    folder = os.path.join(cache_folder(), f"templates-{__version__}-{jinja2.__version__}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return None
    owner = getattr(os, "getuid", None)
    if not stat.S_ISDIR(found.st_mode) or owner is not None and (
            found.st_uid != owner() or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return None

    class KeptTemplates(jinja2.FileSystemBytecodeCache):
        """Each compiled template sealed with its CRC-32 (files/cache.py): one changed since
        it was written (a disk error, a damaged copy) is compiled again, never run."""

        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return str(super().get_cache_key(salt + name, filename))

        def load_bytecode(self, bucket: Any) -> None:
            try:
                with open(self._get_cache_filename(bucket), "rb") as handle:
                    data = unsealed(handle.read())
                if data is not None:
                    bucket.bytecode_from_string(data)
            except Exception:  # noqa: BLE001 - missing or damaged: compiled again, rewritten
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            from pathlib import Path

            from kwartaal.files.atomic import replace_file

            with suppress(OSError, ValueError):
                replace_file(Path(self._get_cache_filename(bucket)),
                             sealed(bucket.bytecode_to_string()), durable=False)

    return KeptTemplates(folder)


def joined(pieces: Iterable[str]) -> str:
    """"".join(pieces), a few thousand at a time: joining an iterator first makes a list of
    every piece (hundreds of thousands for a page of a few megabytes)."""
    pieces = iter(pieces)
    parts = []
    while batch := list(islice(pieces, 4096)):
        parts.append("".join(batch))
    return "".join(parts)


def json_text(data: Any, default: Callable[[Any], Any] | None = None) -> str:
    """A document's data as JSON: indented by two, its texts as written, a newline at the
    end (json.dumps(data, ensure_ascii=False, indent=2, default=default) + "\n", joined a
    few thousand pieces at a time)."""
    import json

    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=default)
    return joined(encoder.iterencode(data)) + "\n"


def render(body_root: Path | None, name: str, lang: str, **context: Any) -> str:
    """Render templates/<lang>/<name>, else templates/<name>; a body's own templates/ folder
    wins over the shipped one."""
    from jinja2 import TemplateError

    folder = body_root / "templates" if body_root is not None else None
    if folder is not None and folder.is_dir():
        from kwartaal.files.paths import inside

        if not inside(body_root, folder):  # type: ignore[arg-type]
            raise KwartaalError(msg(
                "the body's templates folder links outside the body; kwartaal does not follow "
                "it"))
    own = folder if folder is not None and folder.is_dir() else None
    env = _environment(str(own) if own is not None else None, name.endswith(".md.j2"))
    from kwartaal.core.formats import long_date, money
    from kwartaal.core.labels import labels

    try:
        template = env.select_template([f"{lang}/{name}", name])
        text = joined(template.generate(lang=lang, t=labels(lang),
                                        long_date=lambda d: long_date(d, lang),
                                        money=lambda v: money(v, lang), **context))
        if name.endswith((".md.j2", ".txt.j2")):
            text = re.sub(r"\n{3,}", "\n\n", text)  # templates stay readable; output tidy
        return text
    except KwartaalError:
        raise
    except TemplateError as exc:
        place = _place(exc, [own, shipped_templates()], body_root)
        raise KwartaalError(msg(
            "template {name} ({lang}) failed{at}: {err}", name=name, lang=lang, err=exc,
            at=_at(place))) from exc
    except Exception as exc:
        # A body's own template that divides by zero, asks for too big a range or recurses
        # forever is the body's mistake, not kwartaal's: say where it is. In a shipped
        # template it is a bug, and stays an internal error.
        place = _place(exc, [own], body_root) if own is not None else None
        if place is None:
            raise
        raise KwartaalError(msg(
            "template {name} ({lang}) failed{at}: {kind}: {err}", name=name, lang=lang,
            kind=type(exc).__name__, err=exc, at=_at(place))) from exc


def _place(exc: BaseException, folders: list[Path | None],
           body_root: Path | None) -> tuple[str, int] | None:
    """The template file and line where exc arose (the deepest frame in one of folders)."""
    import traceback

    roots = [os.path.realpath(f) for f in folders if f is not None]
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    filename = getattr(exc, "filename", None)  # a syntax error's own position
    if filename and getattr(exc, "lineno", None):
        frames.append((filename, exc.lineno))  # type: ignore[attr-defined]
    body = os.path.realpath(body_root) if body_root is not None else None
    for filename, line in reversed(frames):
        real = os.path.realpath(filename)
        for root in roots:
            if line and os.path.commonpath([root, real]) == root:
                inside_body = body is not None and os.path.commonpath([body, real]) == body
                return os.path.relpath(real, body if inside_body else root), line
    return None


def _at(place: tuple[str, int] | None) -> Msg | str:
    if place is None:
        return ""
    name, line = place
    return msg(" at {name}, line {line}", name=name, line=line)


# -- Markdown ----------------------------------------------------------------------------------

# Kept compiled Markdown templates carry this in their key: a change of how values are printed
# compiles them again.
MARKDOWN_ESCAPE = "markdown-escaped-1:"


class Verbatim(str):
    """Markdown that kwartaal wrote itself (a code span, a checked link): printed as it is."""

    __slots__ = ()


# Anywhere in a line: a backslash, code spans, emphasis and strike-through, link and image
# brackets, raw HTML and autolinks, table cells, math ('$x$', '$$…$$'), and entities ('&lt;').
_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~$]|&(?=#?\w{1,32};)")
# At a line's start (after up to any indentation): headings, block quotes, setext underlines,
# list items (bullets and numbers).
_MD_BLOCK = re.compile(r"(?m)^([ \t]*)([#=+-]|\d{1,9}(?=[.)](?:[ \t]|$)))")
# A value that starts as a formula does to a spreadsheet that reads the table (=HYPERLINK(…)),
# the rule of the CSV and workbook exports (documents/finance.py).
_FORMULA_START = ("=", "+", "-", "@")


def markdown_text(value: Any) -> Any:
    """A value as a Markdown renderer reads it as text: every character that could make
    markup, a link, an image, raw HTML, a table cell, a formula or a block (heading, list,
    quote) is backslash-escaped. Renders as written; Verbatim stays as it is."""
    if isinstance(value, Verbatim) or value is None or isinstance(value, bool | int):
        return value
    text = str(value)
    text = _MD_INLINE.sub(lambda found: "\\" + found.group(0), text)
    text = _MD_BLOCK.sub(_escape_block, text)
    if text.lstrip(" \t").startswith(_FORMULA_START):
        indent = len(text) - len(text.lstrip(" \t"))
        text = text[:indent] + "\\" + text[indent:]
    return text


def _escape_block(found: re.Match[str]) -> str:
    indent, mark = found.group(1), found.group(2)
    if mark[:1].isdigit():  # '1.' stays a number: its full stop is escaped instead
        return indent + mark + "\\"
    return indent + "\\" + mark


def markdown_code(value: Any) -> Verbatim:
    """A code span that shows its text as written, whatever backticks it holds."""
    text = " ".join(str(value).split())
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Verbatim(f"{fence}{pad}{text}{pad}{fence}")


_SAFE_LINK = re.compile(r"https?://[^\s<>\\`\"']+", re.IGNORECASE)


def markdown_link(value: Any) -> Verbatim:
    """An address as an autolink ('<https://…>') when it is a web address; anything else
    ('javascript:…', a text with spaces or brackets) as escaped text, never a link."""
    text = str(value)
    if _SAFE_LINK.fullmatch(text):
        return Verbatim(f"<{text}>")
    return Verbatim(markdown_text(text).replace(":", "\\:"))


def mark_confidential(text: str, fmt: str, lang: str) -> str:
    """Make sure an internal document says it is internal. The shipped templates print the
    banner where it reads best; a body's own template that leaves it out gets it on top."""

    from kwartaal.core.labels import labels

    banner = labels(lang)["confidential"]
    if fmt == "json":
        return text
    # Where a reader sees it: not in a comment, not in the page's <head> or <title>.
    visible = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    if fmt == "html":
        visible = re.sub(r"<head.*?</head>|<title.*?</title>|<[^>]*>", " ", visible,
                         flags=re.DOTALL | re.IGNORECASE)
    if banner.casefold() in visible.casefold():
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
