"""Correcting people: change what is recorded about someone, or record that they left.

A person's visibility is decided each time a document is made, so `set_person(..., visibility=
"role-only")` hides the name from every public output from the next rendering on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.fields import declared
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.edit.actions import replace_owner, require_person
from kwartaal.edit.admin import check_payee, recheck_people
from kwartaal.edit.change import Change
from kwartaal.files import paths, store

# What `person set` may change, by field name; the TOML keys come from the declarations.
SETTABLE = ("name", "visibility", "organisation", "role", "role_plural", "role_en",
            "role_plural_en", "core", "sex_worker", "compensated", "age_band", "lang",
            "channel", "payee")
REQUIRED = ("name", "visibility")


def _keys() -> dict[str, str]:
    return {decl.name: decl.key for decl in declared(m.Person) if decl.name in SETTABLE}


def set_person(body: m.Body, pid: str, changes: dict[str, Any]) -> Change:
    """Change the given fields of a person in people.toml, in place. A text set to "" is
    removed (the field then takes its default); name and visibility cannot be emptied."""
    require_person(body, pid)
    person = body.people[pid]
    unknown = sorted(set(changes) - set(SETTABLE))
    if unknown:
        raise KwartaalError(msg("a person has no field {fields} to change",
                                fields=", ".join(unknown)))
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    wanted = {k: v for k, v in changes.items() if getattr(person, k) != v}
    if not changes:
        raise KwartaalError(msg("nothing to change: give one of the options, e.g. --role"))
    for key in REQUIRED:
        if key in wanted and not wanted[key]:
            raise KwartaalError(msg("{field} cannot be empty", field=key))
    if wanted.get("payee"):
        check_payee(body, wanted)
    visibility = wanted.get("visibility", person.visibility)
    role = wanted.get("role", person.role)
    if visibility == "role-only" and not role:
        raise KwartaalError(msg(
            "a role-only person needs --role: public documents show them by role only"))
    path = body.root / paths.PEOPLE_FILE
    keys = _keys()
    with store.edit(path) as doc:
        table = doc.get(pid)
        if table is None:
            raise KwartaalError(msg("person {id} vanished from {file}", id=pid,
                                    file=paths.PEOPLE_FILE))
        for name, value in wanted.items():
            key = keys[name]
            if value in ("", None):
                if key in table:
                    del table[key]
            else:
                table[key] = value
        former = _former_name_to_hide(person, wanted)
        if former:
            table["aliases"] = store.toml_value([*person.aliases, former])
    recheck_people(body, path)
    notes = [msg("the former name '{name}' stays hidden: it is kept among {id}'s aliases, which "
                 "public documents never show", name=former, id=pid)] if former else []
    paid = keep_paid_payees(body, person) if "payee" in wanted else []
    if paid:
        notes.append(msg("paid lines keep the payee they were paid to ({payee}): {lines}",
                         payee=person.payee or pid, lines=", ".join(line.id for line in paid)))
    shown = ", ".join(f"{keys[k]} {v if v not in ('', None) else '-'}"
                      for k, v in wanted.items()) or "-"
    return Change([path, *dict.fromkeys(line.src.path for line in paid)],
                  f"person {pid}: {shown}", id=pid, notes=notes,
                  summary=msg("changed {id}: {fields}", id=pid, fields=shown)
                  if wanted else msg("{id}: nothing changed", id=pid))


def keep_paid_payees(body: m.Body, person: m.Person) -> list[m.CompensationLine]:
    """Before a person's payee changes: their paid lines that name no payee of their own get
    the one they were paid to (the organisation, or the person's own id), so that the finance
    export of what was paid stays as it was."""
    kept = [line for meeting in body.meetings for line in meeting.compensation
            if line.person == person.id and line.paid is not None and line.counts
            and not line.payee]
    for path in dict.fromkeys(line.src.path for line in kept):
        ids = {line.local_id for line in kept if line.src.path == path}
        with store.edit(path) as doc:
            for table in doc.get("compensation") or []:
                if str(table.get("id")) in ids:
                    table["payee"] = person.payee or person.id
    return kept


def _former_name_to_hide(person: m.Person, wanted: dict[str, Any]) -> str:
    """A name that was hidden (a working name, or a legal name not to be shown) stays hidden
    after a rename: texts written before still hold it, and public output must keep replacing
    it. A named person's old legal name was public and needs no keeping."""
    from kwartaal.core.folding import fold

    if "name" not in wanted:
        return ""
    visibility = wanted.get("visibility", person.visibility)
    if person.visibility == "named" and visibility == "named":
        return ""
    if fold(person.name) in {fold(a) for a in person.aliases} | {fold(wanted["name"])}:
        return ""
    return person.name


def open_actions_of(body: m.Body, pid: str) -> list[m.Action]:
    return [a for a in body.all_actions() if a.is_open and pid in a.owners]


def leave(body: m.Body, pid: str, when: dt.date, *, handover_to: str | None, by: str,
          today: dt.date, lang: str) -> Change:
    """Record that a person left on when. Their open actions go to handover_to, in the same
    commit; without it they are listed, with the command that hands each over."""
    require_person(body, pid)
    person = body.people[pid]
    if person.left == when:
        raise KwartaalError(msg("{id} is already recorded as having left on {date}",
                                id=pid, date=when))
    if by:
        require_person(body, by)
    if handover_to is not None:
        require_person(body, handover_to)
        if handover_to == pid:
            raise KwartaalError(msg("{id} cannot hand their actions over to themselves", id=pid))
        target = body.people[handover_to]
        if target.left is not None and target.left <= max(when, today):
            raise KwartaalError(msg("{id} left on {date}; hand the actions to someone who "
                                    "stays", id=handover_to, date=target.left))
    path = body.root / paths.PEOPLE_FILE
    with store.edit(path) as doc:
        table = doc.get(pid)
        if table is None:
            raise KwartaalError(msg("person {id} vanished from {file}", id=pid,
                                    file=paths.PEOPLE_FILE))
        table["left"] = when
    recheck_people(body, path)
    actions = open_actions_of(body, pid)
    written = [path]
    notes = []
    if when > today:
        notes.append(msg("{date} is still to come: {id} is counted as present until then",
                         date=when, id=pid))
    for action in actions:
        if handover_to is not None:
            replace_owner(action, pid, handover_to, by=by, today=today, lang=lang)
            if action.src.path not in written:
                written.append(action.src.path)
        else:
            notes.append(msg(
                "action {action} is still {id}'s: hand it over with 'kwartaal action handover "
                "{action} --to PERSON'", action=action.id, id=pid))
    moved = f", {len(actions)} open action(s) to {handover_to}" if handover_to and actions else ""
    return Change(written, f"person {pid}: left {when}{moved}", id=pid, notes=notes,
                  summary=msg("{id} left on {date}", id=pid, date=when) if not moved else
                  msg("{id} left on {date}; their open actions went to {other}: {actions}",
                      id=pid, date=when, other=handover_to,
                      actions=", ".join(a.id for a in actions)))
