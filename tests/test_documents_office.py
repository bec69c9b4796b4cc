"""Word and PDF versions of the agenda, the minutes and the year report, read back with
python-docx and pypdf (and pdftotext where installed) and compared with the HTML rendering of the
same document: the same words, the same items, decisions and actions, and, for a public
version, nothing of what the public version leaves out."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from kwartaal.documents.pdf import chromium_path, weasyprint_module

from .conftest import EXAMPLE_TODAY, Run

DOCUMENTS = [
    ("agenda internal", ["agenda", "2026-03-12"]),
    ("agenda public", ["agenda", "2026-03-12", "--public"]),
    ("minutes internal", ["minutes", "2025-12-11"]),
    ("minutes public", ["minutes", "2025-09-11", "--public"]),
    ("minutes with compensation", ["minutes", "2025-09-11", "--with-compensation"]),
    ("report public", ["report", "--year", "2025"]),
    ("report internal", ["report", "--year", "2025", "--internal"]),
]
# The Word tables have a row of column headers where the HTML has none.
HEADERS = {"nl": {"actie", "eigenaren", "stand"}, "en": {"action", "owners"}}
BANNER = {"nl": "Vertrouwelijk — alleen voor deelnemers", "en": "Confidential — participants only"}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def html_text(page: str) -> str:
    """What a reader of the HTML sees."""
    page = re.sub(r"<head.*?</head>|<!--.*?-->", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def pdf_texts(data: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text by pypdf, and by pdftotext where it is installed; ligatures (ﬁ)
    undone."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = ["\n".join(page.extract_text() or "" for page in reader.pages)]
    if shutil.which("pdftotext"):
        path = tmp_path / "read.pdf"
        path.write_bytes(data)
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                    capture_output=True, check=True, text=True).stdout)
    return [unicodedata.normalize("NFKC", text) for text in texts]


def rendered(run: Run, example: Path, lang: str, args: list[str], fmt: str,
             tmp_path: Path) -> bytes:
    out = tmp_path / f"out-{lang}-{'-'.join(args)}.{fmt}"
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
                 "--format", fmt, "--output", str(out))
    assert str(out) in result.output  # "wrote …" / "… geschreven"
    return out.read_bytes()


def data_of(run: Run, example: Path, lang: str, args: list[str]) -> dict:
    return json.loads(run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                          *args, "--format", "json").output)


def record_texts(kind: str, data: dict) -> list[str]:
    """The titles of items and actions and the texts of decisions a document's data holds."""
    if kind == "report":
        return [d["text"] for d in data["decisions"]["decisions"]]
    found: list[str] = []

    def walk(items: list[dict]) -> None:
        for item in items:
            found.append(item["title"])
            found.extend(d["text"] for d in item.get("decisions", []))
            found.extend(a["title"] for a in item.get("actions", []))
            walk(item["children"])

    walk(data["items"])
    for group in data.get("action_review", []):
        found.extend(a["title"] for a in group.get("actions", [group]))
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("name", "args"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_the_word_file_says_what_the_html_says(example: Path, run: Run, tmp_path: Path,
                                               lang: str, name: str, args: list[str]) -> None:
    import docx

    page = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
               "--format", "html").output
    data = rendered(run, example, lang, args, "docx", tmp_path)
    text = docx_text(data)
    seen, said = set(words(html_text(page))), set(words(text))
    assert seen - said == set()  # nothing the HTML shows is missing
    assert said - seen <= HEADERS[lang]  # and nothing more, but the tables' column headers
    # The same records, in the same order.
    kind = args[0]
    expected = [flat(t) for t in record_texts(kind, data_of(run, example, lang, args))]
    assert expected
    positions = [flat(text).find(t) for t in expected]
    assert -1 not in positions, [t for t, p in zip(expected, positions, strict=True) if p < 0]
    if kind == "agenda":
        assert positions[:len(data_of(run, example, lang, args)["items"])] == \
            sorted(positions[:len(data_of(run, example, lang, args)["items"])])
    # Internal documents carry the banner, in the words the HTML uses; public ones do not.
    internal = "--public" not in args if kind != "report" else "--internal" in args
    assert (BANNER[lang] in text) is internal
    assert (BANNER[lang] in html_text(page)) is internal
    # Real headings, and tables.
    document = docx.Document(io.BytesIO(data))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1"} <= styles
    assert document.tables
    # The properties name the body, never a person, and nothing of python-docx's own.
    props = document.core_properties
    assert props.author == props.last_modified_by == "Kwartaaloverleg Voorbeeldstad"
    assert props.title.startswith(("Agenda", "Verslag", "Minutes", "Jaarverslag", "Year"))
    parts = zipfile.ZipFile(io.BytesIO(data))
    assert "python-docx" not in parts.read("docProps/core.xml").decode()
    assert "docProps/thumbnail.jpeg" not in parts.namelist()


def test_the_agenda_in_word_is_numbered_as_the_agenda(example: Path, run: Run,
                                                       tmp_path: Path) -> None:
    import docx

    data = rendered(run, example, "nl", ["agenda", "2026-03-12"], "docx", tmp_path)
    headings = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs
                if p.style.name.startswith("Heading")]
    numbered = [h.split(".")[0] for h in headings if re.match(r"\d+\. ", h)]
    agenda = data_of(run, example, "nl", ["agenda", "2026-03-12"])
    assert numbered == [str(item["number"]) for item in agenda["items"]]
    sub = [h for h in headings if re.match(r"\d+\.\d+\. ", h)]
    assert len(sub) == sum(len(item["children"]) for item in agenda["items"])


def test_public_word_files_leave_out_what_the_public_html_leaves_out(example: Path, run: Run,
                                                                     tmp_path: Path) -> None:
    for lang in ("nl", "en"):
        internal = docx_text(rendered(run, example, lang, ["minutes", "2025-09-11",
                                                           "--with-compensation"], "docx",
                                      tmp_path))
        public = docx_text(rendered(run, example, lang, ["minutes", "2025-09-11", "--public"],
                                    "docx", tmp_path))
        data = data_of(run, example, lang, ["minutes", "2025-09-11"])
        closed = [d["text"] for d in data["decisions"] if d["closed"]] + \
            [a["title"] for a in data["new_actions"] if a["closed"]]
        assert closed, "the example has closed records in September"
        for text in closed:
            assert flat(text) in flat(internal)
            assert flat(text) not in flat(public)
        assert "€" in internal and "€" not in public
        assert "Mila" in internal and "Mila" not in public


def engine_missing(engine: str) -> str | None:
    if engine == "weasyprint" and weasyprint_module() is None:
        return "WeasyPrint (with the Pango library) is not installed"
    if engine == "chromium" and chromium_path() is None:
        return "no chromium, chromium-browser or google-chrome on the PATH"
    return None


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_holds_the_text_of_the_html(example: Path, run: Run, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, engine: str,
                                        lang: str) -> None:
    missing = engine_missing(engine)
    if missing:
        pytest.skip(missing)
    monkeypatch.setenv("KWARTAAL_PDF", engine)
    for args in (["agenda", "2026-03-12", "--public"], ["minutes", "2025-12-11"],
                 ["report", "--year", "2025"]):
        page = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
                   "--format", "html").output
        data = rendered(run, example, lang, args, "pdf", tmp_path)
        assert data.startswith(b"%PDF-")
        seen = set(words(html_text(page)))
        for text in pdf_texts(data, tmp_path):
            # Lines break inside long words at most: what the HTML shows is there
            said = set(words(text))
            assert len(seen - said) <= len(seen) // 50, sorted(seen - said)
            kind = args[0]
            for record in record_texts(kind, data_of(run, example, lang, args)):
                assert set(words(record)) <= said, record  # table cells wrap: words
            if args[0] == "minutes":
                assert BANNER[lang] in flat(text)


def test_pdf_without_an_engine_says_what_to_install(example: Path, run: Run, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_PDF", "chromium")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / "agenda.pdf"
    for lang, says in (("en", "pip install 'kwartaal[pdf]'"), ("nl", "het pakket chromium")):
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                     "agenda", "--format", "pdf", "--output", str(out), expect=1)
        assert says in result.output and "Traceback" not in result.output
        assert "chromium" in result.output
        assert not out.exists()
    monkeypatch.setenv("KWARTAAL_PDF", "acrobat")
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "agenda",
                 "--format", "pdf", "--output", str(out), expect=1)
    assert "weasyprint or chromium" in result.output


def test_binary_output_needs_a_file_on_a_terminal(example: Path, tmp_path: Path) -> None:
    """On a terminal the Word file is refused; into a pipe it goes as it is."""
    import pty

    kwartaal = shutil.which("kwartaal")
    if kwartaal is None:
        pytest.skip("the kwartaal program is not installed on the PATH")
    primary, secondary = pty.openpty()
    for lang, says in (("en", "give --output FILE"), ("nl", "geef --output BESTAND")):
        done = subprocess.run([kwartaal, "--repo", str(example), "--today", EXAMPLE_TODAY,
                               "--lang", lang, "agenda", "--format", "docx"],
                              stdout=secondary, stderr=subprocess.PIPE, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"})
        assert done.returncode == 1
        assert says in done.stderr.decode()
    os.close(primary)
    os.close(secondary)
    piped = subprocess.run([kwartaal, "--repo", str(example), "--today", EXAMPLE_TODAY,
                            "minutes", "2025-09-11", "--public", "--format", "docx"],
                           capture_output=True, timeout=120, check=True)
    assert piped.stdout.startswith(b"PK") and "Eigenaren" in docx_text(piped.stdout)


def test_a_word_file_is_written_whole(example: Path, run: Run, tmp_path: Path) -> None:
    """Written atomically: over an older file, nothing of it is left, and no temporary file
    stays behind."""
    out = tmp_path / "docs" / "verslag.docx"
    out.parent.mkdir()
    out.write_bytes(b"old" * 100000)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "minutes", "2025-12-11", "--format",
        "docx", "--output", str(out))
    assert zipfile.is_zipfile(out)
    assert [p.name for p in out.parent.iterdir()] == ["verslag.docx"]



@pytest.mark.parametrize("where", ["text", "split", "author", "title"])
def test_the_public_search_reads_every_part_of_a_word_file(where: str) -> None:
    """What refuses a public Word file reads its text, also split over runs, and its
    properties: a hidden name in any of them is found."""
    import datetime as dt

    from kwartaal.core.problems import KwartaalError, msg
    from kwartaal.core.visibility import View
    from kwartaal.documents.docx import Word, docx_parts_text
    from kwartaal.files.loader import load_checked

    from .conftest import EXAMPLE

    body = load_checked(EXAMPLE)
    doc = Word(title="Mila" if where == "title" else "Agenda",
               author="Mila" if where == "author" else "Kwartaaloverleg Voorbeeldstad",
               lang="nl", when=dt.date(2026, 3, 12))
    if where == "split":
        doc.para("Gesprek met Mi", ("b", "la"), " over de training")
    else:
        doc.para("Gesprek met Mila over de training" if where == "text" else "Gesprek")
    view = View(body, "nl", public=True)
    with pytest.raises(KwartaalError):
        view.assert_clean(docx_parts_text(doc.bytes()), msg("the public agenda of {id}",
                                                            id="2026-03-12"))
    clean = Word(title="Agenda", author="Kwartaaloverleg Voorbeeldstad", lang="nl",
                 when=dt.date(2026, 3, 12))
    clean.para("Gesprek over de training")
    view.assert_clean(docx_parts_text(clean.bytes()), msg("the public agenda of {id}",
                                                          id="2026-03-12"))


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_making_a_pdf_fetches_nothing(example: Path, run: Run, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """A body's own template that points at pictures, style sheets and fonts elsewhere: the PDF
    is made without a single request leaving the machine (here: reaching a local server)."""
    import http.server
    import threading

    missing = engine_missing(engine)
    if missing:
        pytest.skip(missing)
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        where = f"http://127.0.0.1:{server.server_address[1]}"
        (example / "templates").mkdir()
        (example / "templates" / "agenda.html.j2").write_text(
            "<!DOCTYPE html><html><head><title>{{ a.body }}</title>"
            f'<link rel="stylesheet" href="{where}/style.css">'
            f"<style>@import url({where}/import.css); body {{ background: url({where}/bg.png) }}"
            f"@font-face {{ font-family: X; src: url({where}/font.woff) }}</style></head>"
            f'<body><img src="{where}/picture.png"><img src="file:///etc/hostname">'
            "<h1>{{ a.body }}</h1></body></html>\n", encoding="utf-8")
        monkeypatch.setenv("KWARTAAL_PDF", engine)
        for lang in ("nl", "en"):
            data = rendered(run, example, lang, ["agenda", "2026-03-12", "--public"], "pdf",
                            tmp_path)
            assert "Voorbeeldstad" in pdf_texts(data, tmp_path)[0]
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []
