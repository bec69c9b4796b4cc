"""What must stay inside the group, written a little differently: punctuation left out,
changed or added, a link without its scheme or percent-escaped. Public output (the public
calendar, here, and the site) is refused: the search for what must not be published reads
punctuation as spaces (core/folding.py unpunctuated) and percent-escapes decoded."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run

CLOSED_TITLE = "Verkenning non-profit werkplek: locatie en subsidie"  # closed, 2025-06-12
LINK = "https://meet.example.org/kwartaaloverleg"


@pytest.fixture
def body(tmp_path: Path) -> Path:
    root = tmp_path / "body"
    shutil.copytree(EXAMPLE, root)
    return root


def _set(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf'^{key} = ".*"$', f"{key} = {value!r}".replace("'", '"'), text,
                           count=1, flags=re.M), encoding="utf-8")


def _public(run: Run, body: Path, tmp_path: Path) -> list[tuple[int, str]]:
    base = ["--repo", str(body), "--today", EXAMPLE_TODAY]
    calendar = run(*base, "calendar", "--public", expect=None)
    site = run(*base, "site", "--output", str(tmp_path / "site"), expect=None)
    return [(calendar.exit_code, calendar.output), (site.exit_code, site.output)]


def _refused(outcomes: list[tuple[int, str]], tmp_path: Path, *absent: str) -> None:
    for code, output in outcomes:
        assert code != 0, output
        assert "Traceback" not in output
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            assert not any(word.lower() in text for word in absent), path


@pytest.mark.parametrize("place", ["Havenweg 12 achterom", "Havenweg 12; achterom",
                                   "Havenweg 12,achterom", "HAVENWEG 12 – ACHTEROM"])
def test_an_internal_place_with_other_punctuation_is_refused(
        body: Path, run: Run, tmp_path: Path, place: str) -> None:
    planned = body / "meetings" / "2026-03-12.toml"
    text = planned.read_text(encoding="utf-8")
    planned.write_text(text.replace('place = "Wijkcentrum De Linde, zaal 2"',
                                    'place = "Havenweg 12, achterom"\npublic_place = false', 1),
                       encoding="utf-8")
    _set(body / "meetings" / "2025-12-11.toml", "place", place)
    _refused(_public(run, body, tmp_path), tmp_path, "achterom")


@pytest.mark.parametrize("written", ["meet.example.org/kwartaaloverleg",
                                     "https://meet.example.org/kwartaaloverle%67",
                                     "meet.example.org kwartaaloverleg"])
def test_the_unpublished_link_written_otherwise_is_refused(
        body: Path, run: Run, tmp_path: Path, written: str) -> None:
    _set(body / "meetings" / "2025-12-11.toml", "place", f"Online via {written}")
    _refused(_public(run, body, tmp_path), tmp_path, "kwartaaloverleg")


@pytest.mark.parametrize("name", [
    "Overleg Verkenning non-profit werkplek locatie en subsidie",
    "Overleg: verkenning non profit werkplek - locatie en subsidie",
    "VERKENNING NON-PROFIT WERKPLEK; LOCATIE EN SUBSIDIE"])
def test_a_closed_title_with_other_punctuation_is_refused(
        body: Path, run: Run, tmp_path: Path, name: str) -> None:
    assert CLOSED_TITLE in (body / "meetings" / "2025-06-12.toml").read_text(encoding="utf-8")
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('language = "nl"\n', f'language = "nl"\nneutral_name = '
                                   f'"{name}"\n', 1), encoding="utf-8")
    _refused(_public(run, body, tmp_path), tmp_path, "werkplek")


def test_the_example_is_still_published(body: Path, run: Run, tmp_path: Path) -> None:
    """Read without punctuation, the example's own texts are still not taken for closed
    ones: its public calendar and site are written."""
    for code, output in _public(run, body, tmp_path):
        assert code == 0, output
