"""The page index (files/pages.py): a repeated `site` takes unchanged pages from it, neither
rendering nor searching them again, and writes only the files whose bytes changed; its
output is always that of a build without the index, whatever was done to the body."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kwartaal.core.visibility import View
from kwartaal.documents import site
from kwartaal.files.cache import cache_dir, sealed, unsealed
from kwartaal.files.sitefiles import pack

from .conftest import EXAMPLE_TODAY, Run, run_site, site_tree
from .test_read_scope import ATTACKS, aged  # noqa: F401 - the fixture, shared

SITE_INDEX = "*.pages"


def _uncached(run: Run, body: Path, monkeypatch: pytest.MonkeyPatch,
              *args: str) -> dict[str, bytes]:
    """The site built without any index, in a folder of its own; a refused build: its
    message."""
    folder = body.parent.parent / "uncached-site"
    shutil.rmtree(folder, ignore_errors=True)
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        result = run_site(run, body, folder, *args, expect=None)
    if result.exit_code:
        return {"refused": result.output.encode()}
    return site_tree(folder)


def _page_indexes() -> list[Path]:
    return sorted(cache_dir().glob(SITE_INDEX))


class Counted:
    """How many pages were rendered and searched in one build."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rendered: list[str] = []
        self.searched: list[str] = []
        render, clean = site.render, View.assert_clean

        def counting_render(root: Any, name: str, *a: Any, **k: Any) -> str:
            self.rendered.append(name)
            return render(root, name, *a, **k)

        def counting_clean(view: View, rendered: Any, what: Any, *a: Any) -> None:
            self.searched.append(str(what.params.get("page", "")))
            clean(view, rendered, what, *a)

        monkeypatch.setattr(site, "render", counting_render)
        monkeypatch.setattr(View, "assert_clean", counting_clean)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_repeated_site_equals_the_uncached_one_and_renders_nothing_again(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    folder = example.parent.parent / "site"
    expected = _uncached(run, example, monkeypatch, "--lang", lang)
    run_site(run, example, folder, "--lang", lang)
    assert site_tree(folder) == expected
    [index] = _page_indexes()
    assert not index.is_relative_to(example.parent)  # never in the repository
    times = {name: (folder / name).stat().st_mtime_ns for name in expected}
    counted = Counted(monkeypatch)
    run_site(run, example, folder, "--lang", lang)
    assert site_tree(folder) == expected
    assert [n for n in counted.rendered if n.startswith("site/")] == []
    # unchanged pages are not searched again (the calendar searches itself as it is made)
    assert [page for page in counted.searched if page] == []
    # unchanged pages are not written again
    assert {name: (folder / name).stat().st_mtime_ns for name in expected} == times


def test_a_changed_page_alone_is_rendered_again(example: Path, run: Run,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    path = example / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Regionale conferentie", "Regionale bijeenkomst"), encoding="utf-8")
    counted = Counted(monkeypatch)
    run_site(run, example, folder)
    pages = [n for n in counted.rendered if n.startswith("site/")]
    assert pages and len(pages) < len(list(folder.rglob("*.html")))
    assert site_tree(folder) == _uncached(run, example, monkeypatch)


def test_a_newly_hidden_name_on_a_kept_page_is_refused(example: Path, run: Run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A body's own template prints a name; the page is kept in the index. Once that name
    becomes another name of a person shown by role only, the page's render inputs are the
    same, but the check's are not: the page is searched again and the build refused."""
    own = example / "templates" / "site"
    own.mkdir(parents=True)
    shipped = Path(site.__file__).resolve().parents[3] / "templates" / "site" / "index.html.j2"
    own.joinpath("index.html.j2").write_text(shipped.read_text(encoding="utf-8").replace(
        "</h1>", "</h1>\n<p>Contact: Wilhelmina Vlasbloem</p>", 1), encoding="utf-8")
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    assert "Wilhelmina Vlasbloem" in (folder / "index.html").read_text(encoding="utf-8")
    people = example / "people.toml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        '[kbg-1]\nname = "Mila"', '[kbg-1]\naliases = ["Wilhelmina Vlasbloem"]\nname = "Mila"'),
        encoding="utf-8")
    counted = Counted(monkeypatch)
    result = run_site(run, example, folder, expect=None)
    assert "site/index.html.j2" not in counted.rendered  # the kept page, not rendered again
    assert "index.html" in counted.searched  # but searched again: the check's inputs changed
    assert result.exit_code != 0
    assert "Wilhelmina" not in result.output
    assert "kbg-1" in result.output


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__[8:])
def test_no_change_gets_past_the_page_index(aged: Path, run: Run,  # noqa: F811
                                            monkeypatch: pytest.MonkeyPatch,
                                            attack: Any) -> None:
    folder = aged.parent.parent / "site"
    run_site(run, aged, folder)
    attack(aged)
    expected = _uncached(run, aged, monkeypatch)
    for _ in range(2):  # building the index again, then from it
        result = run_site(run, aged, folder, expect=None)
        if "refused" in expected:
            assert result.output.encode() == expected["refused"]
        else:
            assert result.exit_code == 0, result.output
            assert site_tree(folder) == expected


def _corrupt(index: Path) -> None:
    index.write_bytes(index.read_bytes()[:100])


def _cut(index: Path) -> None:
    index.write_bytes(index.read_bytes()[:-10])


def _stored(index: Path) -> tuple[Any, ...]:
    """The values of a page index, its pages in place of where they lie (files/pages.py)."""
    raw = unsealed(index.read_bytes()) or b""
    size = int.from_bytes(raw[:8], "big")
    stored = marshal.loads(raw[8:8 + size])
    base = 8 + size
    pages = {key: raw[base + at:base + at + length] for key, (at, length) in stored[2].items()}
    return (*stored[:2], pages, *stored[3:])


def _store(index: Path, stored: tuple[Any, ...]) -> None:
    places, at = {}, 0
    for key, page in stored[2].items():
        places[key] = (at, len(page))
        at += len(page)
    head = marshal.dumps((*stored[:2], places, *stored[3:]))
    index.write_bytes(sealed(len(head).to_bytes(8, "big") + head + b"".join(stored[2].values())))


def _foreign(index: Path) -> None:
    stored = _stored(index)
    _store(index, (stored[0], "/elsewhere", *stored[2:]))


def _old_format(index: Path) -> None:
    stored = _stored(index)
    _store(index, (stored[0] + 1, *stored[1:]))


def _wrong_page(index: Path) -> None:
    """An index whose pages all say something else: only its keys can make it used."""
    stored = _stored(index)
    _store(index, (*stored[:2], {f"x{k}": pack("<p>other</p>") for k in stored[2]},
                   *stored[3:]))


@pytest.mark.parametrize("damage", [_corrupt, _cut, _foreign, _old_format, _wrong_page])
def test_a_damaged_page_index_is_ignored(example: Path, run: Run,
                                         monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    [index] = _page_indexes()
    damage(index)
    run_site(run, example, folder)
    assert site_tree(folder) == _uncached(run, example, monkeypatch)


def test_a_same_size_template_edit_with_its_old_time_is_seen(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    own = example / "templates" / "site"
    own.mkdir(parents=True)
    shipped = Path(site.__file__).resolve().parents[3] / "templates" / "site" / "index.html.j2"
    path = own / "index.html.j2"
    path.write_text(shipped.read_text(encoding="utf-8").replace(
        "</h1>", "</h1><p>AAAA</p>", 1), encoding="utf-8")
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    stat = path.stat()
    with open(path, "r+b") as handle:
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"AAAA", b"BBBB"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # a new process, as a person runs it: Jinja2's own cache within one process goes by the
    # template's modification time, which is not what is attacked here
    subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(example), "--today",
                    EXAMPLE_TODAY, "site", "--output", str(folder)], check=True,
                   capture_output=True)
    assert b"BBBB" in (folder / "index.html").read_bytes()
    assert b"AAAA" not in (folder / "index.html").read_bytes()


@pytest.mark.parametrize("where", ["meetings/2026-03-12.toml", "kwartaal.toml"])
def test_the_calendar_follows_a_same_size_edit_with_its_old_time(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """The calendar is kept under what it is made of: a meeting moved by half an hour,
    written into the same file with its old time, is in the next calendar."""
    folder = example.parent.parent / "site"
    time.sleep(2.1)  # the parse index trusts the files' stat records from here on
    run_site(run, example, folder)
    before = (folder / "kwartaal.ics").read_bytes()
    path = example / where
    stat = path.stat()
    with open(path, "r+b") as handle:
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b'time = "19:00"', b'time = "19:30"', 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    run_site(run, example, folder)
    after = (folder / "kwartaal.ics").read_bytes()
    if where.startswith("meetings"):  # the settings' time is only that of meetings without one
        assert after != before
    assert site_tree(folder) == _uncached(run, example, monkeypatch)


def test_a_file_changed_while_the_site_is_built_is_in_the_next_calendar(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A meeting file written again by another command right after this build loaded the
    body: this build's calendar is that of the text it loaded, and is never taken for the
    new text's; the next build's calendar has the new time."""
    from kwartaal.files.loader import load_checked

    path = example / "meetings" / "2026-03-12.toml"
    today = dt.date.fromisoformat(EXAMPLE_TODAY)

    def load_then_edited() -> Any:
        body = load_checked(example, indexed=True)
        path.write_bytes(path.read_bytes().replace(b'time = "19:00"', b'time = "19:30"', 1))
        return body

    files, _, _ = site.site_files(example, today, load_then_edited)
    assert b"T190000" in files["kwartaal.ics"] and b"T193000" not in files["kwartaal.ics"]
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    assert b"T193000" in (folder / "kwartaal.ics").read_bytes()
    assert site_tree(folder) == _uncached(run, example, monkeypatch)


def test_a_template_changed_while_the_site_is_built_is_not_kept_for_its_old_text(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The body's own template of the home page is changed by someone else while the site
    renders its pages, and changed back afterwards: the next site is that of the template
    as it is, never the page rendered from the passing text under the digest taken before."""
    own = example / "templates" / "site"
    own.mkdir(parents=True)
    shipped = Path(site.__file__).resolve().parents[3] / "templates" / "site" / "index.html.j2"
    path = own / "index.html.j2"
    first = shipped.read_text(encoding="utf-8").replace("</h1>", "</h1><p>AAAA</p>", 1)
    path.write_text(first, encoding="utf-8")
    rendered = site.render

    def render_while_edited(*args: Any, **context: Any) -> str:
        if args[1] == "site/index.html.j2":
            path.write_text(first.replace("AAAA", "BBBB"), encoding="utf-8")
        return rendered(*args, **context)

    from kwartaal.files.loader import load_checked

    with monkeypatch.context() as patch:
        patch.setattr(site, "render", render_while_edited)
        files, _, _ = site.site_files(example, dt.date.fromisoformat(EXAMPLE_TODAY),
                                      lambda: load_checked(example, indexed=True))
    assert "BBBB" in files["index.html"]  # (rendered from what the file held then)
    path.write_text(first, encoding="utf-8")  # back as it was when the build began
    folder = example.parent.parent / "site"
    run_site(run, example, folder)
    assert b"AAAA" in (folder / "index.html").read_bytes()
    assert site_tree(folder) == _uncached(run, example, monkeypatch)


def test_a_body_changed_in_memory_is_never_taken_from_the_index(example: Path, run: Run) -> None:
    """build_site on records changed after loading (a library user) does not use the index
    unless told that the records are the files'."""
    from kwartaal.documents.site import build_site
    from kwartaal.files.loader import load_checked

    run_site(run, example, example.parent.parent / "site")
    body = load_checked(example)
    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    planned = next(mt for mt in body.meetings if mt.id == "2026-03-12")
    planned.time = "20:15"
    assert b"T201500" in build_site(body, today)["kwartaal.ics"]
