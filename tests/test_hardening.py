"""Crash-safe writes, concurrent runs, nothing outside the body, template safety, unicode."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run, commit_count, git

KWARTAAL = [sys.executable, "-m", "kwartaal"]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "KWARTAAL_TODAY": EXAMPLE_TODAY, **extra}


def _kwartaal(body: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KWARTAAL, "--repo", str(body), *args], env=env or _env(),
                          capture_output=True, text=True, timeout=120)


# -- crash-safe writes -------------------------------------------------------------------------

KILLER = """
import os, signal, sys
import kwartaal.files.store as store
real_fsync = os.fsync
def die(fd):
    os.kill(os.getpid(), signal.SIGKILL)   # the machine "crashes" in the middle of the write
os.fsync = die
from kwartaal.cli.main import main
sys.argv = ["kwartaal", *sys.argv[1:]]
main()
"""


def test_a_killed_write_leaves_the_old_file_and_no_stray_file(example: Path) -> None:
    path = example / "meetings" / "2025-09-11.toml"
    before = path.read_bytes()
    mode = path.stat().st_mode
    killed = subprocess.run([sys.executable, "-c", KILLER, "--repo", str(example), "action",
                             "done", "2025-09-11/a1"], env=_env(), capture_output=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    strays = list(path.parent.glob(".2025-09-11.toml.*.tmp"))
    assert strays, "the kill should have happened with the temporary file written"
    done = _kwartaal(example, "action", "done", "2025-09-11/a1")
    assert done.returncode == 0, done.stderr
    assert list(path.parent.glob(".*.tmp")) == []
    assert 'status = "done"' in path.read_text(encoding="utf-8")
    assert path.stat().st_mode == mode


# -- concurrent runs ---------------------------------------------------------------------------

def test_concurrent_additions_all_survive(example: Path) -> None:
    before = commit_count(example.parent)
    processes = [subprocess.Popen([*KWARTAAL, "--repo", str(example), "action", "add",
                                   f"Gelijktijdig {n}", "--owner", "roos", "--due", "+6w"],
                                  env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for n in range(4)]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    data = tomllib.loads((example / "meetings" / "2025-12-11.toml").read_text(encoding="utf-8"))
    added = [a for a in data["action"] if a["title"].startswith("Gelijktijdig")]
    assert sorted(a["title"] for a in added) == [f"Gelijktijdig {n}" for n in range(4)]
    assert len({a["id"] for a in data["action"]}) == len(data["action"])
    assert commit_count(example.parent) == before + 4
    assert git(example.parent, "status", "--porcelain") == ""


def test_concurrent_edits_of_one_file_both_survive(example: Path) -> None:
    commands = [["action", "done", "2025-09-11/a1"], ["action", "start", "2025-09-11/a3"],
                ["action", "update", "2025-09-11/a5", "--note", "tegelijk"]]
    processes = [subprocess.Popen([*KWARTAAL, "--repo", str(example), *c], env=_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    actions = {a["id"]: a for a in tomllib.loads(
        (example / "meetings" / "2025-09-11.toml").read_text(encoding="utf-8"))["action"]}
    assert actions["a1"]["status"] == "done"
    assert actions["a3"]["status"] == "in-progress"
    assert actions["a5"]["history"][-1]["what"] == "notitie: tegelijk"


HOLDER = """
import sys, time
from pathlib import Path
from kwartaal.files.lock import body_lock
with body_lock(Path(sys.argv[1]), use_flock=sys.argv[2] == "flock"):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("kind", ["flock", "pid-file"])
def test_a_lock_left_by_a_killed_process_is_cleared(kind: str, example: Path) -> None:
    env = _env(**({"KWARTAAL_LOCK_FILE_ONLY": "1"} if kind == "pid-file" else {}))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(example), kind], env=env,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    start = time.monotonic()
    done = _kwartaal(example, "action", "start", "2025-09-11/a1", env=env)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - start < 20


def test_a_held_lock_makes_the_second_command_wait(example: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.replace("time.sleep(60)",
                                                                    "time.sleep(1.5)"),
                               str(example), "flock"], env=_env(), stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    start = time.monotonic()
    done = _kwartaal(example, "action", "start", "2025-09-11/a1")
    holder.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - start >= 1.0


# -- nothing outside the body ------------------------------------------------------------------

def test_links_pointing_outside_are_refused(example: Path, tmp_path: Path, run: Run) -> None:
    outside = tmp_path / "elders.toml"
    outside.write_text('date = 2027-01-01\nstatus = "planned"\n', encoding="utf-8")
    (example / "meetings" / "2027-01-01.toml").symlink_to(outside)
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                 expect=1)
    assert "2027-01-01.toml: error: this is a link to a place outside" in result.output
    refused = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "meeting",
                  "list", "--json", expect=1).output
    assert "link to a place outside the body" in refused
    (example / "meetings" / "2027-01-01.toml").unlink()
    (tmp_path / "sjablonen").mkdir()
    (example / "templates").symlink_to(tmp_path / "sjablonen")
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "agenda",
              expect=1).output
    assert "link to a place outside the body" in out


@pytest.mark.parametrize("indexed", [False, True], ids=["plain", "parse-index"])
def test_a_file_that_becomes_a_link_outside_after_the_check_is_not_followed(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: bool) -> None:
    """The links of a body are checked when a load starts; a meeting file replaced by a link
    to a file outside after that (a pull while a command runs) is not read through it: the
    load reports the file, and nothing of the outside file is in the body it gives."""
    from kwartaal.core.problems import KwartaalError
    from kwartaal.files import loader
    from kwartaal.files.paths import inside, read_in_place

    victim = example / "meetings" / "2025-06-12.toml"
    outside = tmp_path / "elders.toml"
    outside.write_text(victim.read_text(encoding="utf-8").replace(
        'title = "', 'title = "BUITEN-DE-MAP ', 1), encoding="utf-8")
    listed = loader.meeting_files

    def listed_then_swapped(root: Path) -> list[Path]:
        found = listed(root)
        victim.unlink()
        victim.symlink_to(outside)  # after the check of the body's links, before the read
        return found

    monkeypatch.setattr(loader, "meeting_files", listed_then_swapped)
    with pytest.raises(KwartaalError) as refused:
        loader.load_checked(example, indexed=indexed)
    assert "2025-06-12.toml" in str(refused.value) and "outside" in str(refused.value)
    loaded = loader.load(example, indexed=indexed)
    assert all("BUITEN-DE-MAP" not in item.title
               for meeting in loaded.body.meetings for item in meeting.items)
    # a link that leads inside the body is read through, as the listing allows
    victim.unlink()
    (example / "elders.toml").write_text(outside.read_text(encoding="utf-8"), encoding="utf-8")
    victim.symlink_to(example / "elders.toml")
    assert inside(example, victim) and b"BUITEN-DE-MAP" in read_in_place(victim)
    (example / "meetings" / "nergens.toml").symlink_to(outside)
    with pytest.raises(OSError, match="outside the body"):
        read_in_place(example / "meetings" / "nergens.toml")


def test_a_folder_that_becomes_a_link_outside_after_the_check_is_not_followed(
        example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The meetings folder replaced by a link to a copy outside, after the listing: where
    each file opened lies is asked of the open file, so none is read from outside."""
    from kwartaal.core.problems import KwartaalError
    from kwartaal.files import loader

    folder = example / "meetings"
    outside = tmp_path / "elders"
    shutil.copytree(folder, outside)
    for path in outside.glob("*.toml"):
        path.write_text(path.read_text(encoding="utf-8").replace('title = "', 'title = "BUITEN ')
                        , encoding="utf-8")
    listed = loader.meeting_files

    def listed_then_swapped(root: Path) -> list[Path]:
        found = listed(root)
        folder.rename(example / "weg")
        folder.symlink_to(outside)
        return found

    monkeypatch.setattr(loader, "meeting_files", listed_then_swapped)
    with pytest.raises(KwartaalError, match="outside"):
        loader.load_checked(example, indexed=True)


def test_a_link_swapped_while_it_is_read_never_gives_the_outside_file(
        example: Path, tmp_path: Path) -> None:
    """A link to a file inside and one to a file outside put in a file's place in turn, as
    fast as a process can, while it is read: what is read is the inside file, or refused."""
    import threading

    from kwartaal.files.paths import read_in_place

    (example / "binnen.toml").write_bytes(b"BINNEN")
    (tmp_path / "geheim.toml").write_bytes(b"GEHEIM")
    place = example / "meetings" / "wissel.toml"
    place.symlink_to(example / "binnen.toml")
    stop = threading.Event()

    def swap() -> None:
        for target in itertools.cycle([tmp_path / "geheim.toml", example / "binnen.toml"]):
            if stop.is_set():
                return
            (example / "meetings" / ".nieuw").symlink_to(target)
            os.replace(example / "meetings" / ".nieuw", place)

    swapper = threading.Thread(target=swap)
    swapper.start()
    read, refused = set(), 0
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            try:
                read.add(read_in_place(place))
            except OSError:
                refused += 1
    finally:
        stop.set()
        swapper.join()
    assert b"GEHEIM" not in read and (read or refused)


def test_a_fifo_in_a_files_place_is_refused_at_once(example: Path) -> None:
    from kwartaal.files.paths import read_in_place

    fifo = example / "meetings" / "2099-01-01.toml"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(OSError, match="not a plain file"):
        read_in_place(fifo)
    assert time.monotonic() - start < 5


def test_publish_folder_must_stay_inside(example: Path, run: Run) -> None:
    config = example / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('folder = "public"',
                                                                 'folder = "../../etc"'),
                      encoding="utf-8")
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
              expect=1).output
    assert "[publish] folder must be a folder inside the body" in out


@pytest.mark.parametrize("args", [
    ["action", "done", "../../etc/passwd"],
    ["note", "../2025-09-11", "beleid", "x"],
    ["attend", "/etc/passwd", "roos", "--present"],
    ["minutes", "../../x"],
    ["person", "add", "../x", "--name", "X", "--visibility", "named"],
    ["theme", "add", "../x", "--title", "X"],
])
def test_ids_cannot_escape(args: list[str], example: Path, run: Run) -> None:
    files = {p: p.read_bytes() for p in example.parent.rglob("*") if p.is_file()
             and ".git" not in p.parts}
    run("--repo", str(example), "--today", EXAMPLE_TODAY, *args, expect=1)
    assert {p: p.read_bytes() for p in files} == files


# -- templates ---------------------------------------------------------------------------------

def test_html_is_escaped_everywhere(example: Path, run: Run) -> None:
    r = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    run(*r, "decide", "2025-12-11", "<script>alert('x')</script> besluit", "--item", "p1")
    html = run(*r, "minutes", "2025-12-11", "--format", "html").output
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; besluit" in html


def test_sandbox_blocks_python_internals_and_files(example: Path, run: Run) -> None:
    folder = example / "templates"
    folder.mkdir()
    for body in ("{{ a.__class__.__init__.__globals__ }}",
                 "{% include '/etc/passwd' %}",
                 "{{ lipsum.__globals__['os'].listdir('/') }}"):
        (folder / "agenda.md.j2").write_text(body, encoding="utf-8")
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en",
                     "agenda", "--format", "md", expect=None)
        assert result.exit_code == 1, result.output
        assert "root:" not in result.output and "bin" not in result.output


def test_values_reach_a_template_as_in_the_plain_sandbox(tmp_path: Path) -> None:
    """A dict's keys are read straight away where no dict attribute has their name; what a
    template sees is what the sandbox jinja2 ships gives it, attributes, items and refusals
    alike."""
    from collections import OrderedDict

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from kwartaal.documents.render import render

    template = ("{{ d.year }}|{{ d.items is callable }}|{{ d['items'] }}|{{ d.keys is callable }}"
                "|{{ d.__class__ is defined }}|{{ d.missing is defined }}|{{ d.pop is defined }}"
                "|{{ o.year }}|{{ o.items is callable }}|{{ n.real }}|{{ d.get('year') }}"
                "|{{ d.mro is defined }}|{{ d[1] }}|{{ d.clear is defined }}")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.j2").write_text(template, encoding="utf-8")
    values = {"d": {"year": 2026, "items": ["x"], "keys": "k", 1: "een"},
              "o": OrderedDict(year=1, items=2), "n": 5}
    plain = ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template)
    assert render(tmp_path, "probe.j2", "nl", **values) == plain.render(**values)


@pytest.mark.parametrize("call", [
    "'{0.__class__}'.format(d)", "'{a.__class__.__mro__}'.format(a=d)", "'{a[year]}'.format(a=d)",
    "'{0[0]}'.format(l)", "'{a:{b}}'.format(a=5, b='>4')", "'{a:>{b}}'.format(a=5, b=4)",
    "'{}-{}'.format(1, 2)", "'{0}{1}{0}'.format('x', 'y')", "'{name!r} {name!s}'.format(name=s)",
    "'{n:>6.2f}'.format(n=3.14159)", "'{jaar}'.format(jaar=d.year)", "'{²}'.format(1)",
    "'{a'.format(a=1)", "'}'.format()", "'{{a}}'.format(a=1)", "'{missing}'.format(a=1)",
    "'{0.real}'.format(5)", "'{a.year}'.format_map({'a': d})", "'{a}'.format_map({'a': 1})",
    "m.format(a='<b>')", "'{a}'.format(a=m)", "'{a}'.format(a='<i>')", "'{a.__init__}'.format(a=s)",
])
def test_str_format_reaches_into_a_value_as_in_the_plain_sandbox(tmp_path: Path,
                                                                  call: str) -> None:
    """A format string whose fields are names or numbers alone is formatted by str.format
    (render.py _plain_fields); every other, Markup and format_map by the sandbox: the same
    text, and the same refusal, as the sandbox jinja2 ships."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup

    from kwartaal.core.problems import KwartaalError
    from kwartaal.documents.render import render

    template = "{{ " + call + " }}"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.html.j2").write_text(template, encoding="utf-8")
    values = {"d": {"year": 2026}, "l": ["x"], "s": "tekst", "m": Markup("<p>{a}</p>")}
    plain = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        expected = plain.from_string(template).render(**values)
    except Exception as exc:  # noqa: BLE001 - the refusal itself is compared
        expected = f"refused: {type(exc).__name__}"
    try:
        found = render(tmp_path, "probe.html.j2", "nl", **values)
    except KwartaalError as exc:
        found = f"refused: {type(exc.__cause__).__name__}"
    assert found == expected


def test_hostile_public_agenda_template_sees_no_hidden_data(example: Path, run: Run) -> None:
    folder = example / "templates"
    folder.mkdir()
    (folder / "agenda.md.j2").write_text("{{ a }}", encoding="utf-8")
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", "--public",
              "--format", "md").output
    for secret in ("Mila", "Jade", "Non-profit werkplek: uitkomst", "Locatieverkenning"):
        assert secret not in out


# -- unicode and locales -----------------------------------------------------------------------

NAMES = {"zoe": ("Zoë Çelik-Ørsted", "named"), "anya": ("Аня", "working-name"),
         "laila": ("ليلى", "working-name"), "rose": ("🌹 Rosa", "working-name")}


def test_unicode_survives_every_round_trip(example: Path, run: Run) -> None:
    r = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    for pid, (name, visibility) in NAMES.items():
        run(*r, "person", "add", pid, "--name", name, "--visibility", visibility, "--role",
            "deelnemer")
    title = "Overleg met ليلى en Аня over het café 🌹 — ‏מימין לשמאל‏"
    run(*r, "propose", title, "--by", "laila", "--under", "beleid")
    people = (example / "people.toml").read_text(encoding="utf-8")
    for name, _ in NAMES.values():
        assert name in people
    meeting = (example / "meetings" / "2026-03-12.toml").read_text(encoding="utf-8")
    assert title in meeting
    listed = json.loads(run(*r, "person", "list", "--json").output)
    assert {p["id"]: p["name"] for p in listed if p["id"] in NAMES} == {
        k: v[0] for k, v in NAMES.items()}
    for fmt in ("md", "html", "json", "text"):
        out = run(*r, "agenda", "--format", fmt).output
        if fmt == "json":
            out = json.dumps(json.loads(out), ensure_ascii=False)
        assert title in out, fmt
        assert "ليلى" in out
    run(*r, "check", "--strict")


def test_output_does_not_depend_on_locale_or_time_zone(example: Path) -> None:
    outputs = []
    for extra in ({"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
                  {"TZ": "Pacific/Kiritimati", "LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"},
                  {"TZ": "America/Adak", "LANG": "ar_EG.UTF-8", "LC_ALL": "C"}):
        env = _env(**extra)
        runs = [_kwartaal(example, *args, env=env) for args in (
            ["agenda"], ["--lang", "en", "agenda", "--format", "md"],
            ["actions", "--json"], ["minutes", "2025-12-11", "--format", "html"],
            ["calendar"], ["compensation", "--year", "2025", "--format", "csv"])]
        for result in runs:
            assert result.returncode == 0, result.stderr
        outputs.append([r.stdout for r in runs])
    assert outputs[0] == outputs[1] == outputs[2]
