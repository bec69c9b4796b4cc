"""kwartaal send: the agenda and the minutes as one message file per participant.

Every file is read back with Python's own e-mail parser: the headers, a subject that outs no
one, the recipient's language, and the right version — the internal one for core members, the
public one for everyone else, whose text and attachment are searched for every closed text and
every hidden name of the body. A property test does the same on generated bodies.
"""

from __future__ import annotations

import datetime as dt
import email
import html
import re
import unicodedata
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.visibility import closed_items
from kwartaal.documents.send import as_bytes, messages
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE_TODAY, Run, assert_refused, replace_in
from .test_privacy import NAMES, _leaks, _variant, write_body

PEOPLE = ["m-jansen", "s-bakker", "h-visser", "l-demir", "yara", "roos", "kbg-1", "kbg-2",
          "p-devries", "t-elkaddouri", "w-smit", "a-verhoeven", "f-mulder", "n-hendriks"]
CORE = set(PEOPLE[:9])
HIDDEN = ["Mila", "Jade"]  # the names of the two people shown by role only
SENSITIVE = ("sekswerk", "seks", "sex", "prostitu", "escort", "bordeel", "erotisch")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", html.unescape(text).casefold())
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _parse(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _attachments(message: EmailMessage) -> list[tuple[str, str, str]]:
    return [(str(part.get_filename()), part.get_content_type(), str(part.get_content()))
            for part in message.iter_attachments()]


def _closed_texts(root: Path) -> list[str]:
    """Every title and text under a closed item, as the files hold them."""
    body = load_checked(root)
    closed = closed_items(body)
    texts = []
    for meeting in body.meetings:
        texts += [i.title for i in meeting.items if i.id in closed]
        for record in (*meeting.notes, *meeting.decisions, *meeting.actions):
            full = record.item if "/" in record.item else f"{meeting.id}/{record.item}"
            if record.closed or full in closed:
                texts.append(getattr(record, "text", "") or getattr(record, "title", ""))
    return [t for t in texts if t]


def _secrets(output: str, root: Path) -> list[str]:
    folded = _fold(output)
    found = [name for name in HIDDEN if re.search(rf"\b{name.lower()}\b", folded)]
    found += [text[:30] for text in _closed_texts(root) if _fold(text) in folded]
    return found


def _send(run: Run, root: Path, *args: str, lang: str = "nl", expect: int = 0) -> str:
    return run("--repo", str(root), "--today", EXAMPLE_TODAY, "--lang", lang, "send", *args,
               expect=expect).output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_agenda_goes_to_everyone_in_their_language_and_version(example: Path, run: Run,
                                                                   tmp_path: Path,
                                                                   lang: str) -> None:
    out = tmp_path / "agenda"
    said = _send(run, example, "agenda", "2026-03-12", "--format", "eml", "--output", str(out),
                 lang=lang)
    assert ("14 berichten geschreven naar" if lang == "nl" else "wrote 14 messages to") in said
    assert ("bestand" if lang == "nl" else "file") in said
    # the summary names people as public documents do: no hidden name in it
    assert not _secrets(said, example), said
    assert ("lid van de klankbordgroep" if lang == "nl" else "member of the advisory group") \
        in said
    files = {path.name: path for path in out.iterdir()}
    assert set(files) == {"yara.eml", "roos.txt", "kbg-1.doorgeven.eml" if lang == "nl" else
                          "kbg-1.pass-on.eml", "kbg-2.doorgeven.eml" if lang == "nl" else
                          "kbg-2.pass-on.eml"} | {f"{p}.eml" for p in PEOPLE
                                                  if p not in ("yara", "roos", "kbg-1", "kbg-2")}
    english = {"yara", "kbg-1"}  # lang = "en" in people.toml; the others take the body's
    for name, path in files.items():
        person = name.split(".")[0]
        if name.endswith(".txt"):
            continue
        message = _parse(path)
        subject = str(message["Subject"])
        assert subject.startswith("Kwartaaloverleg Voorbeeldstad: agenda"), subject
        assert not any(word in _fold(subject) for word in SENSITIVE), subject
        assert "Mila" not in subject and "Jade" not in subject and "Yara" not in subject
        assert "Kwartaaloverleg Voorbeeldstad" in str(message["From"])
        assert message["Date"] and message["Message-ID"]
        assert message["X-Kwartaal-Person"] == person
        text = _text(message)
        greeting = "Dear" if person in english else "Beste"
        assert greeting in text, (name, text[:200])
        assert ("12 March 2026" if person in english else "12 maart 2026") in subject
        [(file_name, kind, attached)] = _attachments(message)
        assert file_name == "agenda-2026-03-12.html" and kind == "text/html"
        if person in CORE:
            # the internal version: says so, and holds the closed item
            assert ("CONFIDENTIAL" if person in english else "VERTROUWELIJK") in text
            assert "Non-profit werkplek" in attached
        else:
            assert "VERTROUWELIJK" not in text and "Vertrouwelijk" not in attached
            assert _secrets(text, example) == [], name
            assert _secrets(attached, example) == [], name
            assert "Wet regulering sekswerk" in attached  # what is public is there
    # no address is ever made up: the example keeps none
    assert all(_parse(p)["To"] is None for p in files.values() if p.suffix == ".eml")


def test_messages_are_addressed_only_to_addresses_the_body_keeps(example: Path, run: Run,
                                                                 tmp_path: Path) -> None:
    people = example / "people.toml"
    replace_in(people, 'name = "Marieke Jansen"\n',
               'name = "Marieke Jansen"\nemail = "m.jansen@voorbeeldstad.example"\n')
    replace_in(people, 'name = "Leyla Demir"\n',
               'name = "Leyla Demir"\nemail = "l.demir@zijweg.example"\n')
    out = tmp_path / "out"
    said = _send(run, example, "agenda", "2026-03-12", "--output", str(out), lang="en")
    assert "via Stichting Zijweg, to Leyla Demir" in said
    assert _parse(out / "m-jansen.eml")["To"] == "Marieke Jansen <m.jansen@voorbeeldstad.example>"
    # Yara gets the papers through her organisation: the message goes to its contact,
    # with a note in the contact's language and the message itself in Yara's
    via = _parse(out / "yara.eml")
    assert via["To"] == "Leyla Demir <l.demir@zijweg.example>"
    text = _text(via)
    assert text.startswith("Beste Leyla Demir,") and "Yara ontvangt de stukken" in text
    assert "Dear Yara," in text
    assert "(to pass on)" in str(via["Subject"])
    # no contact for the advisory group: a message for the secretary, with no addressee
    kbg = _parse(out / "kbg-1.pass-on.eml")
    assert kbg["To"] is None and "Door te geven aan Mila" in _text(kbg)
    # another channel: a plain text to pass on by hand, the document in it
    plain = (out / "roos.txt").read_text(encoding="utf-8")
    assert plain.startswith("Kwartaaloverleg Voorbeeldstad: agenda donderdag 12 maart 2026")
    assert "via signal" in plain and "Beste Roos," in plain and "1.   Opening" in plain
    assert not any(word in _fold(plain.splitlines()[0]) for word in SENSITIVE)


def test_a_contact_outside_the_core_passes_on_only_the_public_version(
        example: Path, run: Run, tmp_path: Path) -> None:
    replace_in(example / "kwartaal.toml", 'contact = "l-demir"', 'contact = "n-hendriks"')
    out = tmp_path / "out"
    said = _send(run, example, "minutes", "2025-09-11", "--output", str(out), "--attach", "md",
                 lang="en")
    [row] = [line for line in said.splitlines() if line.startswith("yara.eml")]
    assert "public" in row and "Noor Hendriks" in row
    message = _parse(out / "yara.eml")
    [(name, kind, attached)] = _attachments(message)
    assert name == "minutes-2025-09-11.md" and kind == "text/markdown"
    assert _secrets(_text(message), example) == [] and _secrets(attached, example) == []
    assert "Casusbespreking" not in attached and "Weerbaarheidstraining" in attached


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_draft_minutes_go_for_correction_to_those_present(example: Path, run: Run,
                                                          tmp_path: Path, lang: str) -> None:
    out = tmp_path / "out"
    said = _send(run, example, "minutes", "2025-12-11", "--output", str(out), lang=lang)
    present = ["m-jansen", "s-bakker", "h-visser", "l-demir", "yara", "roos", "kbg-2",
               "p-devries", "t-elkaddouri"]
    assert {p.name.split(".")[0] for p in out.iterdir()} == set(present)
    assert ("alleen wie aanwezig was" if lang == "nl" else "only those present") in said
    nl = _parse(out / "m-jansen.eml")
    assert "conceptverslag" in str(nl["Subject"]) and "graag je correcties" in str(nl["Subject"])
    assert "Laat het de secretaris weten" in _text(nl)
    [(name, _, _)] = _attachments(nl)
    assert name == "verslag-2025-12-11.html"
    en = _parse(out / "yara.eml")
    assert "draft minutes" in str(en["Subject"]) and "Please tell the secretary" in _text(en)
    guest = _parse(out / "t-elkaddouri.eml")  # the police guest: the public version
    assert _secrets(_text(guest), example) == []
    assert all(_secrets(a, example) == [] for _, _, a in _attachments(guest))


def test_approved_minutes_go_to_everyone_who_has_not_left(example: Path, run: Run,
                                                          tmp_path: Path) -> None:
    replace_in(example / "people.toml", 'name = "Wim Smit"\n',
               'name = "Wim Smit"\nleft = 2025-12-31\n')
    out = tmp_path / "out"
    _send(run, example, "minutes", "2025-09-11", "--output", str(out))
    names = {p.name.split(".")[0] for p in out.iterdir()}
    assert names == set(PEOPLE) - {"w-smit"}
    subject = str(_parse(out / "m-jansen.eml")["Subject"])
    assert subject == "Kwartaaloverleg Voorbeeldstad: verslag donderdag 11 september 2025"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_what_cannot_be_sent_is_refused(example: Path, run: Run, tmp_path: Path,
                                        lang: str) -> None:
    out = str(tmp_path / "out")

    def refused(*args: str) -> str:
        return _send(run, example, *args, "--output", out, lang=lang, expect=1)

    said = assert_refused(lambda: refused("agenda", "2026-03-13"), example.parent,
                          "2026-03-12")
    assert ("geen vergadering" if lang == "nl" else "no meeting") in said
    said = assert_refused(lambda: refused("minutes", "2026-03-12"), example.parent,
                          "2026-03-12")
    assert ("niet gehouden (gepland)" if lang == "nl" else "not been held (planned)") in said
    replace_in(example / "meetings" / "2025-12-11.toml", 'status = "minutes-draft"',
               'status = "held"')
    said = refused("minutes", "2025-12-11")
    assert "kwartaal minutes review 2025-12-11" in said
    replace_in(example / "meetings" / "2026-03-12.toml", 'status = "planned"',
               'status = "cancelled"')
    said = refused("agenda", "2026-03-12")
    assert ("afgelast" if lang == "nl" else "cancelled") in said
    assert not (tmp_path / "out").exists()


def test_file_names_and_subjects_stay_neutral(example: Path, run: Run, tmp_path: Path) -> None:
    """A person id that says what the meeting is about is not used as a file name."""
    with (example / "people.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[sekswerker-3]\nname = "Bo"\nvisibility = "role-only"\n'
                     'role = "lid van de klankbordgroep"\nchannel = "email"\n')
    out = tmp_path / "out"
    _send(run, example, "agenda", "2026-03-12", "--output", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert not any(word in _fold(name) for name in names for word in SENSITIVE), names
    assert "15.eml" in names
    message = _parse(out / "15.eml")
    assert message["X-Kwartaal-Person"] == "15"
    # not core: the public version, which hides the name
    assert re.search(r"\bBo\b", _text(message)) is None
    # the body's own template that puts a sensitive word in the subject is refused
    own = example / "templates" / "nl"
    own.mkdir(parents=True)
    (own / "send.txt.j2").write_text("Sekswerkoverleg {{ date_long }}\n\n{{ document }}\n",
                                     encoding="utf-8")
    said = _send(run, example, "agenda", "2026-03-12", "--output", str(tmp_path / "o2"),
                 expect=1)
    assert "sensitive_words" in said and not (tmp_path / "o2").exists()


# -- on generated bodies ----------------------------------------------------------------------

TODAY = dt.date(2026, 1, 15)
CHANNELS = st.sampled_from(["email", "via-organisation", "signal", "phone", ""])


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=3, unique=True),
       forms=st.lists(st.sampled_from(["as-is", "upper", "nfd", "zero-width", "italic",
                                       "entity", "spelling"]), min_size=12, max_size=12),
       picks=st.lists(st.integers(0, 2), min_size=12, max_size=12),
       core=st.lists(st.booleans(), min_size=3, max_size=3),
       channels=st.lists(CHANNELS, min_size=4, max_size=4),
       contact=st.sampled_from(["", "m-jansen", "kbg-a", "gast"]),
       lang=st.sampled_from(["nl", "en"]), attach=st.sampled_from(["html", "md"]))
def test_no_public_message_holds_a_hidden_name_or_closed_text(
        tmp_path_factory: pytest.TempPathFactory, names: list[str], forms: list[str],
        picks: list[int], core: list[bool], channels: list[str], contact: str, lang: str,
        attach: str) -> None:
    root = tmp_path_factory.mktemp("body") / "overleg"
    mentions = [_variant(names[p], f) for p, f in zip(picks, forms, strict=True)]
    write_body(root, mentions, names, lang, hostile=False)
    people = root / "people.toml"
    text = people.read_text(encoding="utf-8") + (
        '\n[gast]\nname = "Gerrit Gast"\nvisibility = "named"\nrole = "adviseur"\n')
    sections = re.split(r"\n(?=\[)", text)
    for pid, is_core, channel in zip(("kbg-a", "kbg-b", "roos", "gast"), [*core, False],
                                     channels, strict=True):
        [index] = [i for i, part in enumerate(sections) if part.startswith(f"[{pid}]\n")]
        part = sections[index].replace("core = true\n", "")
        sections[index] = part.replace(
            f"[{pid}]\n", f'[{pid}]\ncore = {str(is_core).lower()}\nchannel = "{channel}"\n'
            'organisation = "kbg"\n', 1)
    people.write_text("\n".join(sections), encoding="utf-8")
    with (root / "kwartaal.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[organisations.kbg]\nname = "Klankbordgroep Proefstad"\n'
                     'kind = "sex-worker-org"\n' + (f'contact = "{contact}"\n' if contact else ""))
    body = load_checked(root)
    public_seen = 0
    for meeting_id, what in (("2026-03-12", "agenda"), ("2025-06-12", "minutes"),
                             ("2025-09-11", "minutes")):
        meeting = body.meeting(meeting_id)
        assert meeting is not None
        found = messages(body, meeting, what, TODAY, attach=attach, lang=lang)
        assert {m.route.person for m in found} == {"m-jansen", "kbg-a", "kbg-b", "roos", "gast"}
        for message in found:
            raw = as_bytes(message, body, meeting, what, TODAY)
            if message.file_name.endswith(".txt"):
                readable = raw.decode()
            else:
                parsed = email.message_from_bytes(raw, policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                readable = "\n".join([str(parsed["Subject"]), _text(parsed),
                                      *(a for _, _, a in _attachments(parsed))])
            assert "Sekswerk" not in message.subject and "sekswerk" not in message.subject
            if not message.route.public:
                continue
            public_seen += 1
            assert _leaks(readable, names) == [], (message.file_name, message.route)
            assert [m for m in mentions if m in readable] == [], message.file_name
    assert public_seen >= 3  # the guest's, at least, in each of the three


def test_check_reports_an_unknown_contact(example: Path, run: Run) -> None:
    replace_in(example / "kwartaal.toml", 'contact = "l-demir"', 'contact = "l-demirr"')
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
              expect=1).output
    assert "kwartaal.toml:" in out and "[organisations.zijweg] contact: unknown person " \
        "'l-demirr'" in out
