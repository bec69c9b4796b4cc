"""PDF from the HTML rendering of a document, through whichever engine the machine has.

WeasyPrint when it can be imported (it needs Pango from the system and raises OSError at import
when that is missing), else headless Chromium. KWARTAAL_PDF=weasyprint|chromium picks one. The
HTML is the document's own rendering, which for a public document has already passed the
privacy search; the PDF holds nothing the HTML does not. Neither engine fetches anything from
the network: WeasyPrint is given a fetcher that refuses every address, and Chromium a page whose
content security policy allows only its own inline style.

The PDF's creation and modification date are the run's today (--today, KWARTAAL_TODAY), not
the clock, so that a document made again from the same files is the same: WeasyPrint takes
them from the page's dcterms meta tags; Chromium writes the clock's, which are set to that day
afterwards (in place, the same length, so that every offset of the file stays right).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from kwartaal.core.problems import KwartaalError, msg

ENGINES = ("weasyprint", "chromium")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120
POLICY = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
          'style-src \'unsafe-inline\'; img-src data:; font-src data:">')


def chromium_path() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def weasyprint_module() -> Any | None:
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: the Pango library is missing
        return None
    return weasyprint


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"not fetched: {url[:80]}")


def refusing_fetcher(module: Any) -> Any:
    """A fetcher that fetches nothing: WeasyPrint's own URLFetcher allowing no protocol (its
    interface since version 68), or, before, a function that refuses every address."""
    fetcher = getattr(module, "URLFetcher", None)
    if fetcher is not None:
        return fetcher(allowed_protocols=(), allow_redirects=False)
    return _refuse_fetch


def with_weasyprint(html: str, module: Any) -> bytes:
    document = module.HTML(string=html, url_fetcher=refusing_fetcher(module), base_url=None)
    return bytes(document.write_pdf())


def with_policy(html: str) -> str:
    """The page with a policy that lets Chromium load nothing but the page itself."""
    found = re.search(r"<head[^>]*>", html, flags=re.IGNORECASE)
    if found:
        return html[:found.end()] + POLICY + html[found.end():]
    return f"<!DOCTYPE html><html><head>{POLICY}</head><body>{html}</body></html>"


def with_chromium(html: str, program: str) -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="kwartaal-pdf-"))  # private: mode 0700
    try:
        page = folder / "page.html"
        page.write_text(with_policy(html), encoding="utf-8")
        out = folder / "page.pdf"
        command = [program, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
                   "--print-to-pdf-no-header",
                   f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS,
                                  check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise KwartaalError(msg("{program} did not make the PDF within {seconds} seconds",
                                    program=program, seconds=TIMEOUT_SECONDS)) from exc
        except OSError as exc:
            raise KwartaalError(msg("cannot run {program}: {err}", program=program,
                                    err=exc)) from exc
        if not out.is_file() or out.stat().st_size == 0:
            said = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-3:]
            raise KwartaalError(msg("{program} made no PDF (exit {code}): {said}",
                                    program=program, code=done.returncode,
                                    said=" / ".join(said)))
        return out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def page_head_style(text: str) -> str:
    """A style that prints text at the top of every page (a CSS page margin box, which both
    engines support), so that a loose page of an internal document still says who it is for."""
    quoted = "".join(ch if ch.isalnum() or ch in " —-.,:;" else f"\\{ord(ch):x} " for ch in text)
    return ('<style>@page { margin: 2cm 1.6cm; @top-center { content: "' + quoted + '"; '
            'font: bold 9pt sans-serif; } }</style>')


def with_page_head(html: str, text: str) -> str:
    if not text:
        return html
    found = re.search(r"</head\s*>", html, flags=re.IGNORECASE)
    if found:
        return html[:found.start()] + page_head_style(text) + html[found.start():]
    return page_head_style(text) + html


def with_dates(html: str, today: dt.date) -> str:
    """The page with today as its creation and modification date (WeasyPrint reads these)."""
    tags = "".join(f'<meta name="dcterms.{name}" content="{today.isoformat()}">'
                   for name in ("created", "modified"))
    found = re.search(r"<head[^>]*>", html, flags=re.IGNORECASE)
    if found:
        return html[:found.end()] + tags + html[found.end():]
    return f"<!DOCTYPE html><html><head>{tags}</head><body>{html}</body></html>"


# A date of the PDF's information dictionary as Chromium (Skia) writes it, in plain text.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}([+-]\d\d'\d\d'|Z|)\)")


def dated(data: bytes, today: dt.date) -> bytes:
    """The PDF with today, at midnight UTC, as its dates. Each date keeps its length (its time
    zone, when it has one, becomes +00'00' or Z), so the cross-reference offsets stay right."""
    def stamp(found: re.Match[bytes]) -> bytes:
        zone = {b"": b"", b"Z": b"Z"}.get(found.group(2), b"+00'00'")
        return b"/%s (D:%s000000%s)" % (found.group(1), today.strftime("%Y%m%d").encode(), zone)

    return _PDF_DATE.sub(stamp, data)


def html_to_pdf(html: str, *, running_head: str = "", today: dt.date | None = None) -> bytes:
    """The PDF of an HTML page, with running_head (the confidentiality banner of an internal
    document) on every page, dated today (the run's; None: the engine's clock); refused with
    what to install when no engine is there."""
    html = with_page_head(html, running_head)
    if today is not None:
        html = with_dates(html, today)
    forced = os.environ.get("KWARTAAL_PDF", "").strip().lower()
    if forced and forced not in ENGINES:
        raise KwartaalError(msg("KWARTAAL_PDF is '{value}'; it can be weasyprint or chromium",
                                value=forced))
    if forced in ("", "weasyprint"):
        module = weasyprint_module()
        if module is not None:
            return with_weasyprint(html, module)
        if forced:
            raise KwartaalError(msg(
                "WeasyPrint cannot be used here (it is not installed, or the Pango library it "
                "needs is missing): install it with pip install 'kwartaal[pdf]', or use "
                "Chromium with KWARTAAL_PDF=chromium"))
    program = chromium_path()
    if program is not None:
        data = with_chromium(html, program)
        return data if today is None else dated(data, today)
    raise KwartaalError(msg(
        "no PDF engine found: install WeasyPrint with pip install 'kwartaal[pdf]' (it needs "
        "the Pango library), or the chromium package, so that a chromium program is on the "
        "PATH"))
