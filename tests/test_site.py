"""The public site: only public content, working links, valid pages, and a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run
from .test_minutes import _must_be_absent

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from kwartaal.cli.main import cli

    folder = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY,
                                      "site", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(values[key] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_every_expected_page_is_built(site: Path) -> None:
    names = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}
    for lang in ("", "en/"):
        for page in ("index.html", "agenda.html", "decisions.html", "progress.html",
                     "actions.html"):
            assert lang + page in names
    published = sorted(p.stem for p in (EXAMPLE / "meetings").glob("*.toml")
                       if 'status = "published"' in p.read_text(encoding="utf-8"))
    assert published
    for meeting in published:
        assert f"minutes/{meeting}.html" in names and f"en/minutes/{meeting}.html" in names
    assert "kwartaal.ics" in names and "style.css" in names
    progress = (site / "progress.html").read_text(encoding="utf-8")
    assert "<svg" in progress and "<script" not in progress


def _without_the_totals(text: str) -> str:
    """A year report's compensation: one sentence of totals, no table, nothing per person."""
    found = re.search(r"<h2>(Vergoedingen|Compensation)</h2>\n<p>([^<]*)</p>\n</section>", text)
    assert found is not None, "a year report gives compensation as one sentence of totals"
    assert re.fullmatch(r"4 (mensen kregen een vergoeding voor|people received compensation "
                        r"for) 39 (uur|hours), "
                        r"(in totaal €\xa0342,60|€342.60 in total)\.", found.group(2)), found
    from kwartaal.core.labels import labels

    notes = [labels(lang)["report_public_note"] for lang in ("nl", "en")]  # 'only as totals'
    return re.sub("|".join(map(re.escape, notes)), "", text.replace(found.group(0), ""))


def test_no_page_contains_anything_hidden(site: Path) -> None:
    absent = _must_be_absent(EXAMPLE)
    reports = 0
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ics", ".css"):
            text = path.read_text(encoding="utf-8")
            assert [s for s in absent if s in text] == [], path
            if path.name.startswith("report-"):
                text = _without_the_totals(text)
                reports += 1
            assert not re.search(r"vergoeding|compensation", text, re.IGNORECASE), path
    assert reports == 2  # 2025, in Dutch and English


def test_links_and_anchors_resolve(site: Path) -> None:
    for page in _pages(site):
        for link in _parse(page).links:
            if re.match(r"^[a-z]+:", link):
                pytest.fail(f"{page.relative_to(site)} links outside the site: {link}")
            target, _, anchor = link.partition("#")
            path = (page.parent / target).resolve() if target else page.resolve()
            assert path.exists(), (page.relative_to(site), link)
            if anchor:
                assert anchor in _parse(path).ids, (page.relative_to(site), link)


def test_pages_are_valid_and_well_formed(site: Path) -> None:
    html5lib = pytest.importorskip("html5lib")
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
        parsed = _parse(page)
        assert parsed.lang in ("nl", "en"), page
        assert parsed.headings and parsed.headings[0] == 1, page
        assert parsed.headings.count(1) == 1, page
        for before, after in zip(parsed.headings, parsed.headings[1:], strict=False):
            assert after <= before + 1, (page, parsed.headings)  # no skipped levels
        assert "script" not in parsed.tags and "iframe" not in parsed.tags
        assert "<title>" in text and 'name="viewport"' in text


def test_a_leak_stops_the_build(tmp_path: Path, run: Run) -> None:
    body = tmp_path / "body"
    shutil.copytree(EXAMPLE, body)
    (body / "templates" / "site").mkdir(parents=True)
    (body / "templates" / "site" / "actions.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block content %}<h1>x</h1>Mila{% endblock %}',
        encoding="utf-8")
    out = tmp_path / "out"
    result = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", "site",
                 "--output", str(out), expect=1)
    assert "was not written" in result.output and "actions.html" in result.output
    assert "Mila" not in result.output  # the refusal names the person's id, never the name
    assert not out.exists()


def test_refuses_a_folder_it_did_not_make(tmp_path: Path, run: Run) -> None:
    out = tmp_path / "mijn-map"
    out.mkdir()
    (out / "belangrijk.txt").write_text("niet weggooien", encoding="utf-8")
    run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "site", "--output", str(out),
        expect=1)
    assert (out / "belangrijk.txt").exists()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 "--enable-logging=stderr", "--v=0"]


def test_pages_in_a_real_browser(site: Path, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs Debian's chromium package)")
        pytest.skip("Chromium is not installed (Debian package chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path / "profile"
    for page in _pages(site):
        result = subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={profile}",
                                 "--dump-dom", page.as_uri()], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
        assert console == [], (page, console)
        dom = result.stdout
        assert re.search(r"<title>[^<]+</title>", dom), page
        assert re.search(r"<h1[^>]*>[^<]+</h1>", dom), page
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        for page in ("index.html", "progress.html", "decisions.html"):
            shot = ARTIFACTS / f"site-{name}-{page.replace('.html', '')}.png"
            result = subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={profile}",
                                     f"--window-size={width},{height}",
                                     f"--screenshot={shot}", (site / page).as_uri()],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr[-2000:]
            assert shot.stat().st_size > 5000


def test_strays_of_a_killed_build_are_cleared_and_a_running_ones_kept(tmp_path: Path) -> None:
    """A build killed in the middle leaves temporary files beside its pages; the next build
    removes those of a process that is gone, never one that a build running at the same time
    is writing."""
    from click.testing import CliRunner

    from kwartaal.cli.main import cli

    folder = tmp_path / "site"
    args = ["--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "site", "--output", str(folder)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that has ended
    strays = [folder / f".index.html.{dead.pid}.k3x_9q.tmp",
              folder / f".kwartaal.ics.{dead.pid}.a1b2c3.tmp"]
    running = folder / f".index.html.{os.getpid()}.zz9yy8.tmp"
    for path in [*strays, running]:
        path.write_text("half a page")
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert not any(path.exists() for path in strays)
    assert running.exists()
