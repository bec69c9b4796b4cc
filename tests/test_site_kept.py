"""The whole site kept under its inputs (files/pages.py, documents/site.py `site_files`): a
`site` whose body files, templates and day are those of the last build that succeeded
neither loads the body nor builds a page, and gives that build's files; any change to them
builds the site again, so that a change elsewhere that makes an unchanged page's text
forbidden is refused or masked exactly as without any index."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.files import loader, pagekeys
from kwartaal.files.cache import digest
from kwartaal.files.pages import input_files

from .conftest import Run, run_site, site_tree


def _uncached(run: Run, body: Path, monkeypatch: pytest.MonkeyPatch,
              *args: str) -> tuple[int, str, dict[str, bytes]]:
    folder = body.parent.parent / "uncached-site"
    shutil.rmtree(folder, ignore_errors=True)
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        result = run_site(run, body, folder, *args, expect=None)
    return result.exit_code, result.output.replace(str(folder), "FOLDER"), \
        site_tree(folder) if folder.exists() else {}


def _cached(run: Run, body: Path, folder: Path, *args: str) -> tuple[int, str, dict[str, bytes]]:
    result = run_site(run, body, folder, *args, expect=None)
    return result.exit_code, result.output.replace(str(folder), "FOLDER"), \
        site_tree(folder) if folder.exists() else {}


class Loads:
    """How often the whole body was loaded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = loader.load_checked

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(loader, "load_checked", counting)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_unchanged_body_gives_the_kept_site_without_loading_it(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    folder = example.parent.parent / "site"
    expected = _uncached(run, example, monkeypatch, "--lang", lang)
    assert expected[0] == 0
    time.sleep(2.1)  # a build of files written just before it is not kept (PageIndex.moved)
    loads = Loads(monkeypatch)
    assert _cached(run, example, folder, "--lang", lang) == expected
    assert loads.count == 1
    for _ in range(2):
        assert _cached(run, example, folder, "--lang", lang) == expected
    assert loads.count == 1  # neither loaded nor built again
    shutil.rmtree(folder)  # the files are the index's, not the output folder's
    assert _cached(run, example, folder, "--lang", lang) == expected
    assert loads.count == 1


def test_another_day_builds_again(example: Path, run: Run,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = example.parent.parent / "site"
    loads = Loads(monkeypatch)
    run_site(run, example, folder)
    run("--repo", str(example), "--today", "2026-01-16", "site", "--output", str(folder))
    assert loads.count == 2


def _edit_keeping_times(path: Path, old: str, new: str) -> None:
    """Replace a text in place, in the same inode, and put the file's times back."""
    stat = path.stat()
    data = path.read_bytes()
    assert old.encode() in data
    with open(path, "r+b") as handle:
        handle.write(data.replace(old.encode(), new.encode()))
        handle.truncate()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _trusted_build(run: Run, body: Path, folder: Path) -> dict[str, bytes]:
    """A build, and one from the kept site, with the files' stat records trusted."""
    time.sleep(2.1)
    run_site(run, body, folder)
    run_site(run, body, folder)
    return site_tree(folder)


def test_a_new_closed_item_whose_title_is_on_a_kept_page_is_refused(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The open actions page is unchanged by a closed item added to another meeting, but it
    now shows that item's title: the build is refused, warm as cold."""
    folder = example.parent.parent / "site"
    before = _trusted_build(run, example, folder)
    assert b"toezichthouders en sekswerkers" in before["actions.html"]
    path = example / "meetings" / "2026-03-12.toml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('\n[[item]]\nid = "p9"\ntitle = "toezichthouders en sekswerkers"\n'
                     'by = "kbg-2"\nminutes = 5\nclosed = true\n')
    expected = _uncached(run, example, monkeypatch)
    assert expected[0] != 0
    for _ in range(2):
        assert _cached(run, example, folder)[:2] == expected[:2]
    assert site_tree(folder) == before  # nothing of the refused build was written


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_person_who_becomes_role_only_is_masked_on_kept_pages(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    folder = example.parent.parent / "site"
    before = _trusted_build(run, example, folder)
    assert b"Hanneke Visser" in before["actions.html"]
    # in the same inode, with the old modification time
    _edit_keeping_times(example / "people.toml", 'name = "Hanneke Visser"\nvisibility = "named"',
                        'name = "Hanneke Visser"\nvisibility = "role-only"')
    expected = _uncached(run, example, monkeypatch, "--lang", lang)
    assert expected[0] == 0
    assert not any(b"Hanneke" in text for text in expected[2].values())
    for _ in range(2):
        assert _cached(run, example, folder, "--lang", lang) == expected


def test_a_same_size_edit_with_old_times_is_seen(example: Path, run: Run,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = example.parent.parent / "site"
    before = _trusted_build(run, example, folder)
    _edit_keeping_times(example / "meetings" / "2025-09-11.toml", "Regionale conferentie",
                        "Regionale bijeenkomst")
    expected = _uncached(run, example, monkeypatch)
    assert expected[2] != before
    for _ in range(2):
        assert _cached(run, example, folder) == expected


def test_a_file_changed_while_the_site_is_built_is_not_kept(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The body's files are read before it is loaded and again after the build (a record
    of this run stands for what it read only by the rule a stored one does). A file changed
    in between, in its own inode with its times put back, keeps the build from being kept:
    once the change is undone, the site is that of the files as they are."""
    folder = example.parent.parent / "site"
    path = example / "meetings" / "2025-09-11.toml"
    time.sleep(2.1)  # stat records old enough to be trusted
    real = loader.load_checked

    def changing(*args: Any, **kwargs: Any) -> Any:
        _edit_keeping_times(path, "Regionale conferentie", "Regionale bijeenkomst")
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_checked", changing)
        run_site(run, example, folder)
    _edit_keeping_times(path, "Regionale bijeenkomst", "Regionale conferentie")
    expected = _uncached(run, example, monkeypatch)
    assert b"Regionale conferentie" in b"".join(expected[2].values())
    for _ in range(2):
        assert _cached(run, example, folder) == expected


def test_a_file_changed_and_changed_back_while_the_site_is_built_is_not_kept(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed item opened in its file while the body is loaded, and closed again before
    the build ends (a stash and its pop, a checkout and back): the files are the same bytes
    after the build as before it, but the site was built from the other ones. It is not
    kept: the next run publishes nothing of that item."""
    folder = example.parent.parent / "site"
    path = example / "meetings" / "2025-06-12.toml"
    title = "Verkenning non-profit werkplek: locatie en subsidie"
    time.sleep(2.1)  # stat records old enough to be trusted
    real = loader.load_checked

    def opened_while_loaded(*args: Any, **kwargs: Any) -> Any:
        _edit_keeping_times(path, "closed = true", "closed =false")
        try:
            return real(*args, **kwargs)
        finally:
            _edit_keeping_times(path, "closed =false", "closed = true")

    with monkeypatch.context() as patch:
        patch.setattr(loader, "load_checked", opened_while_loaded)
        run_site(run, example, folder)
    assert title.encode() in b"".join(site_tree(folder).values())  # built from the other
    expected = _uncached(run, example, monkeypatch)
    assert title.encode() not in b"".join(expected[2].values())
    for _ in range(2):
        assert _cached(run, example, folder) == expected


def test_a_template_changed_and_changed_back_while_pages_are_rendered_keeps_no_page(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The body's own report template is another text while the first year report is
    rendered, and its own again for the rest: its digest is the same after the build as
    before, but that report's page was made from the other text. Nothing of the build is
    kept: the next run's pages are those of the template as it is."""
    from kwartaal.documents import site as site_module

    folder = example.parent.parent / "site"
    own = example / "templates" / "site" / "report.html.j2"
    own.parent.mkdir(parents=True)
    shipped = Path(site_module.shipped_templates()) / "site" / "report.html.j2"
    text = shipped.read_text(encoding="utf-8").replace("{% block content %}",
                                                       "{% block content %}MARK-A", 1)
    own.write_text(text, encoding="utf-8")
    time.sleep(2.1)
    real = site_module.render
    changed: list[str] = []

    def changing(root: Any, name: str, *args: Any, **kwargs: Any) -> str:
        if name == "site/report.html.j2" and not changed:
            own.write_text(text.replace("MARK-A", "MARK-B"), encoding="utf-8")
            changed.append(name)
            try:
                return real(root, name, *args, **kwargs)
            finally:
                own.write_text(text, encoding="utf-8")
        return real(root, name, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(site_module, "render", changing)
        run_site(run, example, folder)
    assert changed and b"MARK-B" in b"".join(site_tree(folder).values())
    expected = _uncached(run, example, monkeypatch)
    assert b"MARK-B" not in b"".join(expected[2].values())
    for _ in range(2):
        assert _cached(run, example, folder) == expected


def test_a_kept_refused_input_is_not_a_kept_site(example: Path, run: Run,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that is refused keeps nothing: putting the body back gives the former site,
    and the refusal stays a refusal."""
    folder = example.parent.parent / "site"
    before = _trusted_build(run, example, folder)
    path = example / "meetings" / "2026-03-12.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n[[item]]\nid = "p9"\ntitle = "toezichthouders en sekswerkers"\n'
                    'by = "kbg-2"\nminutes = 5\nclosed = true\n', encoding="utf-8")
    assert _cached(run, example, folder)[0] != 0
    assert _cached(run, example, folder)[0] != 0
    path.write_text(text, encoding="utf-8")
    assert _cached(run, example, folder) == _uncached(run, example, monkeypatch)
    assert site_tree(folder) == before


def test_links_among_the_inputs_are_never_kept(example: Path, tmp_path: Path) -> None:
    assert input_files(example) is not None
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (example / "templates").symlink_to(outside)
    assert input_files(example) is None
    (example / "templates").unlink()
    shutil.copy2(example / "meetings" / "2025-03-13.toml", outside / "x.toml")
    (example / "meetings" / "2024-12-12.toml").symlink_to(outside / "x.toml")
    assert input_files(example) is None


def test_a_linked_folder_added_to_the_body_templates_is_seen(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A language folder of the body's own templates made a link to another folder inside
    templates/ (which the renderer follows) changes what the site is built from."""
    shipped = Path(__file__).resolve().parent.parent / "templates" / "site" / "index.html.j2"
    own = example / "templates" / "custom-en" / "site"
    own.mkdir(parents=True)
    text = shipped.read_text(encoding="utf-8")
    cut = text.find("%}", text.find("{% block")) + 2
    (own / "index.html.j2").write_text(text[:cut] + "<p>EIGEN-EN</p>" + text[cut:],
                                       encoding="utf-8")
    folder = tmp_path / "site"
    _cached(run, example, folder)
    _cached(run, example, folder)
    (example / "templates" / "en").symlink_to("custom-en")
    cached = _cached(run, example, folder)
    assert cached == _uncached(run, example, monkeypatch)
    assert b"EIGEN-EN" in cached[2]["en/index.html"]


# -- page keys ----------------------------------------------------------------------------------

def _written(value: Any) -> bytes:
    """What a page key is the digest of, spelled out: each value with its type and length."""
    if value is None or isinstance(value, bool):
        return repr(value).encode()
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        return b"s%d:" % len(data) + data
    if isinstance(value, int):
        return b"i%d;" % value
    if isinstance(value, (float, Decimal)):
        return f"{type(value).__name__[0]}{value!r};".encode()
    if type(value) is dt.date:
        return b"d" + value.isoformat().encode()
    if isinstance(value, (list, tuple)):
        return b"l%d[" % len(value) + b"".join(_written(item) for item in value) + b"]"
    if isinstance(value, dict):
        return b"m%d{" % len(value) + b"".join(
            _written(key) + _written(item) for key, item in value.items()) + b"}"
    raise pagekeys.Unkeyable(type(value).__name__)


class _Text(str):
    pass


class _Number(int):
    pass


class _List(list):  # type: ignore[type-arg]
    pass


class _Map(dict):  # type: ignore[type-arg]
    pass


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.dates(),
                     st.floats(allow_nan=False), st.decimals(allow_nan=False),
                     st.text().map(_Text), st.integers().map(_Number))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner), st.lists(inner).map(tuple), st.lists(inner).map(_List),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner),
    st.dictionaries(st.text(max_size=3), inner).map(_Map)), max_leaves=60)


def _exact(value: Any) -> bool:
    """Whether marshal writes the value: built-in kinds only, no subclass, no date."""
    if type(value) in (list, tuple):
        return all(_exact(item) for item in value)
    if type(value) is dict:
        return all(_exact(key) and _exact(item) for key, item in value.items())
    return value is None or type(value) in (bool, int, float, str)


def _typed(value: Any) -> Any:
    """A value spelled out with the kind of each part: equal for values a page key must not
    tell apart."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_typed(item) for item in value])
    if isinstance(value, dict):
        return (type(value).__name__, [(_typed(k), _typed(v)) for k, v in value.items()])
    return (type(value).__name__, repr(value))


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(_VALUES, max_size=4))
def test_a_page_key_is_the_digest_of_its_inputs_spelled_out(parts: list[Any]) -> None:
    if _exact(parts):
        assert pagekeys.key_of(*parts) == digest(b"M" + marshal.dumps(tuple(parts), 2))
    else:
        assert pagekeys.key_of(*parts) == digest(b"E" + _written(tuple(parts)))


_FEW = st.recursive(st.sampled_from([None, True, 1, 1.0, -0.0, 0.0, 0, "", "1", "a", "é",
                                     _Text("a"), _Number(1), dt.date(2026, 1, 1),
                                     Decimal("1.0"), Decimal("1")]),
                    lambda inner: st.one_of(
                        st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
                        st.lists(inner, max_size=2).map(_List),
                        st.dictionaries(st.sampled_from(["a", "b", 1]), inner, max_size=2),
                        st.dictionaries(st.sampled_from(["a", "b"]), inner,
                                        max_size=2).map(_Map)), max_leaves=6)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(_FEW, min_size=2, max_size=8))
def test_page_keys_are_equal_exactly_when_the_inputs_are(values: list[Any]) -> None:
    """Inputs that differ (as spelled out) never share a key, whichever way each is written;
    the same inputs, made apart, always do (values drawn from a few, so that they meet)."""
    keys = [pagekeys.key_of(value) for value in values]
    for value, key in zip(values, keys, strict=True):
        for other, other_key in zip(values, keys, strict=True):
            if _written(value) != _written(other):
                assert key != other_key
            if _typed(value) == _typed(other):
                assert key == other_key


def test_a_page_key_does_not_depend_on_what_else_holds_its_values() -> None:
    """A text held twice, or interned, is written as one held once (marshal's later versions
    write a reference to it instead)."""
    import sys

    text = "".join(["Evaluatie ", "opvang"])
    held_twice = [text, text, {"t": text}]
    made_apart = ["".join(["Evaluatie ", "opvang"]) for _ in range(2)]
    made_apart.append({"t": "".join(["Evaluatie ", "opvang"])})
    interned = [sys.intern(text)] * 2 + [{"t": sys.intern(text)}]
    assert pagekeys.key_of(held_twice) == pagekeys.key_of(made_apart) == pagekeys.key_of(interned)


def test_a_page_key_of_many_inputs_and_of_what_it_cannot_describe() -> None:
    many = [{"id": f"a{n}", "title": "Evaluatie é", "due": dt.date(2026, 1, 1 + n % 28),
             "x": [None, True]} for n in range(5000)]  # fed to the digest in pieces
    assert pagekeys.key_of(many) == digest(b"E" + _written((many,)))
    for row in many:
        row["due"] = row["due"].isoformat()
    assert pagekeys.key_of(many) == digest(b"M" + marshal.dumps((many,), 2))
    with pytest.raises(pagekeys.Unkeyable):
        pagekeys.key_of([1, {"a": object()}])
