"""Edges of the documents that leave the tool: --output through links, pipes and devices as the
shell's `>` would (never a regular file renamed over them), a clear message where it cannot be
written; the confidentiality banner on every page of internal Word and PDF files; who declined
in the Word agenda; a reply that contradicts itself, repeats itself or comes from someone who
left; a poll sent to a role-only person whose id is their name; the GitHub pages job's
checkout."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
import yaml

from .conftest import EXAMPLE_TODAY, Run, assert_refused

NEXT = "2026-03-12"


def _k(run: Run, body: Path, *args: str, lang: str = "en", expect: int = 0) -> str:
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
              expect=expect).output
    assert "Traceback" not in out, out
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_output_follows_a_link_to_its_target(run: Run, example: Path, tmp_path: Path,
                                             lang: str) -> None:
    target = tmp_path / "real" / "agenda.md"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "agenda-link.md"
    link.symlink_to(target)
    _k(run, example, "agenda", NEXT, "--public", "--format", "md", "--output", str(link),
       lang=lang)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("#")


def test_output_streams_into_a_pipe(run: Run, example: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    _k(run, example, "agenda", NEXT, "--public", "--format", "html", "--output", str(fifo))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and b"<html" in got[0].lower()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_output_that_cannot_be_written_is_a_message(run: Run, example: Path, tmp_path: Path,
                                                    lang: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for args in (("agenda", NEXT, "--format", "docx"), ("agenda", NEXT, "--format", "md"),
                 ("compensation", "--year", "2025", "--format", "xlsx")):
        out = assert_refused(lambda args=args: _k(run, example, *args, "--output",
                                                  str(blocker / "x.out"), lang=lang, expect=1),
                             example, str(blocker / "x.out"))
        assert ("cannot write" if lang == "en" else "kan niet schrijven") in out
    folder = tmp_path / "folder"
    folder.mkdir()
    _k(run, example, "agenda", NEXT, "--format", "md", "--output", str(folder), lang=lang,
       expect=2)  # click's own check: a folder is not a file
    assert list(folder.iterdir()) == []


def test_internal_word_and_pdf_say_confidential_on_every_page(run: Run, example: Path,
                                                             tmp_path: Path) -> None:
    import docx

    word = tmp_path / "report.docx"
    _k(run, example, "report", "--internal", "--year", "2025", "--format", "docx", "--output",
       str(word))
    headers = [p.text for s in docx.Document(str(word)).sections for p in s.header.paragraphs]
    assert any("Confidential" in text for text in headers)
    public = tmp_path / "public.docx"
    _k(run, example, "report", "--public", "--year", "2025", "--format", "docx", "--output",
       str(public))
    assert not any("Confidential" in p.text for s in docx.Document(str(public)).sections
                   for p in s.header.paragraphs)
    from kwartaal.documents.pdf import chromium_path, weasyprint_module

    if chromium_path() is None and weasyprint_module() is None:
        pytest.skip("no PDF engine on this machine (WeasyPrint or Chromium)")
    from pypdf import PdfReader

    pdf = tmp_path / "report.pdf"
    _k(run, example, "report", "--internal", "--year", "2025", "--format", "pdf", "--output",
       str(pdf))
    pages = PdfReader(str(pdf)).pages
    assert len(pages) > 1
    assert all("Confidential" in page.extract_text() for page in pages)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_word_agenda_says_who_declined(run: Run, example: Path, tmp_path: Path,
                                       lang: str) -> None:
    import docx

    word = "Declined" if lang == "en" else "Afgezegd"
    for public in ("--public", "--internal"):
        out = tmp_path / f"a{public}.docx"
        _k(run, example, "agenda", NEXT, public, "--format", "docx", "--output", str(out),
           lang=lang)
        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
        assert word in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_reply_refusals(run: Run, example: Path, lang: str) -> None:
    assert_refused(lambda: _k(run, example, "attend", NEXT, "roos", "--expected", "--declined",
                              lang=lang, expect=1), example, "--expected")
    assert_refused(lambda: _k(run, example, "attend", NEXT, "kbg-1", "--declined", lang=lang,
                              expect=1), example, "kbg-1")
    _k(run, example, "person", "leave", "s-bakker", "--date", "2026-02-01")
    assert_refused(lambda: _k(run, example, "attend", NEXT, "s-bakker", "--expected",
                              lang=lang, expect=1), example, "s-bakker")


def test_poll_send_to_role_only_person_whose_id_is_their_name(run: Run, new_body: Path,
                                                              tmp_path: Path) -> None:
    _k(run, new_body, "person", "add", "mila", "--name", "Mila", "--visibility", "role-only",
       "--role", "advisory member", "--sex-worker")
    _k(run, new_body, "poll", "new", "--slots", "2026-03-10 19:30", "2026-03-12 19:30")
    out = tmp_path / "poll"
    _k(run, new_body, "poll", "send", "--format", "eml", "--output", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert files and not any("mila" in name.lower() for name in files)
    for path in out.iterdir():
        assert "mila" not in path.read_text(encoding="utf-8").lower()


def test_github_pages_job_can_check_out_a_private_repository(run: Run, example: Path) -> None:
    _k(run, example, "setup-ci", "github")
    found = [p for p in (example, *example.parents)
             if (p / ".github" / "workflows" / "kwartaal.yml").is_file()]
    workflow = yaml.safe_load((found[0] / ".github" / "workflows" / "kwartaal.yml").read_text(
        encoding="utf-8"))
    for name, job in workflow["jobs"].items():
        if "permissions" in job:  # a job's permissions replace the workflow's
            assert job["permissions"].get("contents") == "read", name


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_same_poll_answer_twice_changes_nothing(run: Run, example: Path, lang: str) -> None:
    _k(run, example, "poll", "answer", "w-smit", "--yes", "1,2", "--no", "3,4", lang=lang)
    assert_refused(lambda: _k(run, example, "poll", "answer", "w-smit", "--yes", "1,2", "--no",
                              "3,4", lang=lang, expect=1), example, "w-smit")
