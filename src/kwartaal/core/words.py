"""Every word shown to people comes from a gettext catalog: the English text is the message id,
the Dutch is in locale/nl/LC_MESSAGES/kwartaal.po. The language is chosen when the text is
shown, so a message made while loading a body is shown in the reader's language.

A built package holds the compiled .mo; a source tree has only the .po, compiled (with Babel)
on first use into the .mo beside it, or in memory where that folder cannot be written.
"""

from __future__ import annotations

import gettext
from functools import cache

TYPE_CHECKING = False  # typing itself is a tenth of `kwartaal --help`
if TYPE_CHECKING:
    from pathlib import Path

DOMAIN = "kwartaal"
CLICK_DOMAIN = "click"


def N_(text: str) -> str:
    """Marks a message id for extraction where it is translated later (tables of words)."""
    return text


def catalog_path(lang: str, domain: str = DOMAIN, suffix: str = ".po") -> Path:
    from pathlib import Path  # here: `kwartaal --help` in English reads no catalog

    return Path(__file__).resolve().parent.parent / "locale" / lang / "LC_MESSAGES" / \
        f"{domain}{suffix}"


@cache
def catalog(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The translations of one language; English is the message ids themselves."""
    if lang == "en":
        return gettext.NullTranslations()
    mo, po = catalog_path(lang, domain, ".mo"), catalog_path(lang, domain)
    try:
        fresh = mo.stat().st_mtime >= po.stat().st_mtime if po.is_file() else mo.is_file()
    except OSError:
        fresh = False
    if fresh:
        try:
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        except OSError:  # another user's, not readable: compiled again, in memory
            pass
    if not po.is_file():
        return gettext.NullTranslations()
    import io

    data = compile_po(po)
    keep_compiled(mo, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def compile_po(po: Path) -> bytes:
    """A .po file as .mo bytes (untranslated and fuzzy entries left out)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        messages = read_po(handle)
    out = io.BytesIO()
    write_mo(out, messages, use_fuzzy=False)
    return out.getvalue()


def keep_compiled(mo: Path, data: bytes) -> None:
    """Keep the compiled catalog for the next run; a read-only install just compiles again."""
    import os
    import tempfile

    try:
        fd, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".mo-")
        # readable by everyone, as the installed package's files are (mkstemp makes 0600):
        # a catalog compiled by one user is read by the others of the same checkout
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, mo)
    except OSError:
        pass


def tr(text: str, lang: str, context: str = "") -> str:
    """text (English, the message id) in lang."""
    if lang == "en":
        return text
    found = catalog(lang)
    return found.pgettext(context, text) if context else found.gettext(text)


def ntr(singular: str, plural: str, count: int, lang: str, context: str = "") -> str:
    """The form of a message that fits count ('1 actie', '2 acties'), by the language's own
    plural rule; English is the message ids themselves."""
    if lang == "en":
        return singular if count == 1 else plural
    found = catalog(lang)
    if context:
        return found.npgettext(context, singular, plural, count)
    return found.ngettext(singular, plural, count)


class Plural:
    """A message that counts something, shown in the form that fits its count: `count` and any
    other params fill its placeholders."""

    def __init__(self, singular: str, plural: str, count: int, /, **params: object) -> None:
        self.singular, self.plural, self.count = singular, plural, count
        self.params = {"count": count, **params}

    def render(self, lang: str = "en") -> str:
        params = {k: v.render(lang) if hasattr(v, "render") else v
                  for k, v in self.params.items()}
        return ntr(self.singular, self.plural, self.count, lang).format(**params)

    def __str__(self) -> str:
        return self.render()


_click_lang = "en"
_plain_dgettext = gettext.dgettext
_plain_dngettext = gettext.dngettext


def speak_click(lang: str) -> None:
    """click's own messages ('Usage:', 'Error: Missing option', 'Aborted!') in lang.

    click looks its words up with the stdlib's gettext() in the default domain; that
    lookup goes through gettext.dgettext, which is bound here to kwartaal's click catalog.
    Nothing is read until a message is actually shown."""
    global _click_lang
    _click_lang = lang
    if gettext.dgettext is not _click_dgettext:
        gettext.dgettext = _click_dgettext
        gettext.dngettext = _click_dngettext


def _click_dgettext(domain: str, message: str) -> str:
    if domain != gettext.textdomain():
        return _plain_dgettext(domain, message)
    # in English click's own words are the ids (no catalog of the system is looked for)
    return message if _click_lang == "en" else catalog(_click_lang, CLICK_DOMAIN).gettext(message)


def _click_dngettext(domain: str, singular: str, plural: str, n: int) -> str:
    if domain != gettext.textdomain():
        return _plain_dngettext(domain, singular, plural, n)
    if _click_lang == "en":
        return singular if n == 1 else plural
    return catalog(_click_lang, CLICK_DOMAIN).ngettext(singular, plural, n)


def NP_(context: str, text: str) -> tuple[str, str]:
    """Marks a message id with its context for extraction; translated later with tr()."""
    return context, text


# The status values of the files (English: they are the file format), as people read them.
STATUS_WORDS = {
    "planned": NP_("status", "planned"), "held": NP_("status", "held"),
    "open": NP_("status", "open"), "in-progress": NP_("status", "in-progress"),
    "done": NP_("status", "done"), "dropped": NP_("status", "dropped"),
    "minutes-draft": NP_("status", "minutes in review"),
    "minutes-approved": NP_("status", "minutes approved"),
    "published": NP_("status", "published"), "cancelled": NP_("status", "cancelled"),
    "ok": NP_("status", "ok"), "warning": NP_("status", "near the limit"),
    "exceeded": NP_("status", "exceeded"), "unknown": NP_("status", "no limits known"),
    "expected": NP_("status", "expected"), "declined": NP_("status", "declined"),
}


def status_word(status: str, lang: str) -> str:
    """A status value (`in-progress`) in the reader's words ('loopt')."""
    found = STATUS_WORDS.get(status)
    return tr(found[1], lang, found[0]) if found else status


class Status(str):
    """A status value in a message, shown in the reader's words."""

    def render(self, lang: str) -> str:
        return status_word(str(self), lang)
