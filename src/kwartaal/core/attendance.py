"""Who takes part: per organisation and per role, the held meetings present, excused, absent.

Only held meetings count (not planned or cancelled ones). At each, a person is expected when
they are in any of its lists (`invited`, `present`, `excused`, `absent`, `online`, and the
replies `expected`, `declined`); they were present when in `present` or `online`, excused when
in `excused` (or, recorded nowhere else, `declined`), and otherwise absent (an
invited person recorded nowhere else did not come). A group — an organisation, or the people
of one role — was present at a meeting when one of its people was, excused when none came
and one sent apologies, absent otherwise. The rate is present / expected meetings.

People are grouped by the organisation their `organisation` names (core/organisations.py); a
name that matches no [organisations.KEY] table is an organisation of its own, and people with
no organisation are grouped under their role. Rules never print: the warnings are messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kwartaal.core import model as m
from kwartaal.core.naming import role_label
from kwartaal.core.organisations import holds_sex_worker_seat, organisation_of
from kwartaal.core.problems import Msg, msg

ORGANISATION = "organisation"
ROLE = "role"


@dataclass(slots=True)
class Group:
    """The attendance of one organisation or one role."""

    key: str
    kind: str  # ORGANISATION or ROLE
    name: str
    organisation_kind: str = ""  # the organisation's kind, when declared
    online: int = 0  # meetings it was present at online only
    at: dict[str, str] = field(default_factory=dict)  # meeting id: present, excused, absent

    def count(self, status: str) -> int:
        return sum(1 for value in self.at.values() if value == status)

    @property
    def expected(self) -> int:
        return len(self.at)

    @property
    def rate(self) -> float:
        return self.count("present") / self.expected if self.expected else 0.0


@dataclass(frozen=True, slots=True)
class Finding:
    """Something about who takes part that the body should look at."""

    kind: str  # "no-sex-worker-seat", "missed-in-a-row", "no-seats-declared"
    meetings: tuple[str, ...]
    group: str
    message: Msg


@dataclass(slots=True)
class Attendance:
    year: int | None
    meetings: list[m.Meeting]
    organisations: list[Group]
    roles: list[Group]
    warnings: list[Finding]
    seat_filled: int  # held meetings where a sex worker's seat was filled


def held_meetings(body: m.Body, year: int | None) -> list[m.Meeting]:
    return [mt for mt in body.meetings if mt.status not in m.NOT_HELD
            and (year is None or mt.date.year == year)]


def statuses(meeting: m.Meeting) -> dict[str, str]:
    """The status of each person expected, in the order of expected: present (or online)
    before excused (or declined beforehand: apologies) before absent (or only invited)."""
    found = dict.fromkeys(expected(meeting), "absent")
    for status, lists in (("excused", (meeting.excused, meeting.declined)),
                          ("present", (meeting.present, meeting.online))):
        for people in lists:
            for pid in people:
                found[pid] = status
    return found


def expected(meeting: m.Meeting) -> list[str]:
    return list(dict.fromkeys([*meeting.invited, *meeting.present, *meeting.online,
                               *meeting.excused, *meeting.absent, *meeting.expected,
                               *meeting.declined]))


def organisation_group(body: m.Body, person: m.Person | None, lang: str) -> Group:
    """The group a person is counted in on the organisation list."""
    if person is not None:
        found = organisation_of(body.config, person)
        if found is not None:
            return Group(found.key, ORGANISATION, found.name, found.kind)
        text = " ".join(person.organisation.split())
        if text:
            return Group(text, ORGANISATION, text)
    return role_group(person, lang)


def role_group(person: m.Person | None, lang: str) -> Group:
    label = role_label(person, lang)
    key = person.role if person is not None and person.role.strip() else label
    return Group(" ".join(key.split()), ROLE, label)


def _groups(body: m.Body, meetings: list[tuple[m.Meeting, dict[str, str]]], lang: str,
            group_of: Callable[[m.Body, m.Person | None, str], Group],
            known: dict[str, Group]) -> list[Group]:
    """Each group's status at each meeting where one of its people was expected, in the
    order groups first appear; meetings: each with its statuses; known: the group (as
    group_of gives it, never counted in) of each person already looked up."""
    groups: dict[tuple[str, str], Group] = {}  # by kind and key: a role may share a name
    for meeting, at_meeting in meetings:
        seen: dict[tuple[str, str], list[str]] = {}
        came: dict[tuple[str, str], list[str]] = {}
        for pid, status in at_meeting.items():
            found = known.get(pid)
            if found is None:
                found = known[pid] = group_of(body, body.people.get(pid), lang)
            key = (found.kind, found.key)
            if key not in groups:
                groups[key] = Group(found.key, found.kind, found.name, found.organisation_kind)
            seen.setdefault(key, []).append(status)
            if status == "present":
                came.setdefault(key, []).append(pid)
        for key, statuses in seen.items():
            status = next(s for s in ("present", "excused", "absent") if s in statuses)
            groups[key].at[meeting.id] = status
            if status == "present" and all(pid in meeting.online for pid in came[key]):
                groups[key].online += 1
    return list(groups.values())


def missed_in_a_row(group: Group) -> list[tuple[str, ...]]:
    """Runs of two or more meetings in a row that the group was expected at and missed
    (excused or absent); a meeting it was not expected at neither counts nor breaks a run."""
    runs: list[tuple[str, ...]] = []
    row: list[str] = []
    for meeting_id, status in [*group.at.items(), ("", "present")]:
        if status != "present":
            row.append(meeting_id)
            continue
        if len(row) >= 2:
            runs.append(tuple(row))
        row = []
    return runs


def attendance(body: m.Body, year: int | None, lang: str,
               held: list[m.Meeting] | None = None, *, roles: bool = True,
               known: dict[str, Group] | None = None,
               seats: dict[str, bool] | None = None) -> Attendance:
    """held: the held meetings of the year, when the caller has them already (in the body's
    order, as held_meetings gives them); roles=False: the list by role is left empty;
    known: each person's organisation group, and seats: whether each holds a sex worker's
    seat, for a caller that asks about many years of one body in one language (both are the
    same for a person in every year)."""
    meetings = held_meetings(body, year) if held is None else held
    with_statuses = [(meeting, statuses(meeting)) for meeting in meetings]
    organisations = _groups(body, with_statuses, lang, organisation_group,
                            {} if known is None else known)
    by_role = _groups(body, with_statuses, lang, lambda _b, p, lg: role_group(p, lg),
                      {}) if roles else []
    warnings: list[Finding] = []
    cfg = body.config
    declared = any(p.sex_worker for p in body.people.values()) or any(
        o.kind == "sex-worker-org" for o in cfg.organisations.values())
    filled = 0
    seats = {} if seats is None else seats

    def holds_seat(pid: str) -> bool:
        found = seats.get(pid)
        if found is None:
            found = seats[pid] = holds_sex_worker_seat(cfg, body.people[pid])
        return found

    for meeting in meetings:
        if any(holds_seat(pid) for pid in dict.fromkeys(meeting.present + meeting.online)
               if pid in body.people):
            filled += 1
        elif declared:
            warnings.append(Finding("no-sex-worker-seat", (meeting.id,), "", msg(
                "meeting {id}: no sex worker's seat was filled (no one present with "
                "sex_worker = true, nor for an organisation of kind sex-worker-org)",
                id=meeting.id)))
    if meetings and not declared:
        warnings.append(Finding("no-seats-declared", (), "", msg(
            "no one holds a sex worker's seat: mark them in people.toml with sex_worker = "
            "true, or give their organisation kind = \"sex-worker-org\" in kwartaal.toml")))
    for group in organisations:
        if group.kind != ORGANISATION:
            continue
        for run in missed_in_a_row(group):
            warnings.append(Finding("missed-in-a-row", run, group.key, msg(
                "{name} missed {count} held meetings in a row: {meetings}",
                name=group.name, count=len(run), meetings=", ".join(run))))
    return Attendance(year, meetings, organisations, by_role, warnings, filled)


def group_row(group: Group) -> dict[str, object]:
    """The JSON shape of a group: exactly these keys."""
    return {"key": group.key, "kind": group.kind, "name": group.name,
            "organisation_kind": group.organisation_kind, "meetings": group.expected,
            "present": group.count("present"), "online": group.online,
            "excused": group.count("excused"), "absent": group.count("absent"),
            "rate": round(group.rate, 4), "missed": [k for k, v in group.at.items()
                                                     if v != "present"]}


def to_json(found: Attendance, lang: str) -> dict[str, object]:
    """The JSON shape of `kwartaal attendance --json` (docs/format.md)."""
    return {"year": found.year,
            "meetings": [{"id": mt.id, "date": mt.date.isoformat(), "status": mt.status}
                         for mt in found.meetings],
            "sex_worker_seat_filled": found.seat_filled,
            "organisations": [group_row(g) for g in found.organisations],
            "roles": [group_row(g) for g in found.roles],
            "warnings": [{"kind": w.kind, "meetings": list(w.meetings), "group": w.group,
                          "message": w.message.render(lang)} for w in found.warnings]}
