"""Checks of who takes part and how: participation levels, input without a name, the chair.

Part of `kwartaal check` (files/validate.py); reads records only and returns problems.
"""

from __future__ import annotations

from collections.abc import Callable

from kwartaal.core import model as m
from kwartaal.core.lines import line_of
from kwartaal.core.organisations import organisation_of
from kwartaal.core.participation import concerns_sex_work, item_theme
from kwartaal.core.problems import Msg, Problem, hints, msg

APPROVED = ("minutes-approved", "published")  # the record: a warning could no longer be acted on


def _problem(src: m.Source, key: str | None, severity: str, text: Msg) -> Problem:
    line = (line_of(src.path, src.section, key) if key else None) or src.line
    return Problem(src.path, line, severity, text)  # type: ignore[arg-type]


def participation_problems(body: m.Body) -> list[Problem]:
    found = people_problems(body)
    for meeting in body.meetings:
        found += meeting_problems(body, meeting, lambda ref, mt=meeting: item_theme(mt, ref, body))
    found += body_chair_problems(body)
    return found


def people_problems(body: m.Body) -> list[Problem]:
    return _people(body)


def meeting_problems(body: m.Body, meeting: m.Meeting, theme_of: Callable[[str], str],
                     ) -> list[Problem]:
    """One meeting's: body gives the settings and the people; theme_of(ref) the theme of the
    item a decision of this meeting hangs under (item_theme)."""
    return [*_items(body, meeting), *_decisions(body, meeting, theme_of),
            *_chairs(body, meeting)]


def body_chair_problems(body: m.Body) -> list[Problem]:
    return _body_chair(body)


def _people(body: m.Body) -> list[Problem]:
    person = body.people.get(m.ANONYMOUS)
    if person is None:
        return []
    return [_problem(person.src, None, "error", msg(
        "[{id}]: this id is reserved for items put in without a name; give the person "
        "another id (and change it wherever it is used)", id=m.ANONYMOUS))]


def _items(body: m.Body, meeting: m.Meeting) -> list[Problem]:
    cfg = body.config
    found = []
    for item in meeting.items:
        where = msg("item {id}", id=item.id)
        if item.by_org and item.by_org not in cfg.organisations:
            found.append(_problem(item.src, "by_org", "error", msg(
                "{where}: by_org '{key}' is not one of the organisations in kwartaal.toml"
                "{hint}; known: {known}", where=where, key=item.by_org,
                known=", ".join(cfg.organisations) or "-",
                **hints(item.by_org, cfg.organisations))))
        if item.by_org and item.by:
            found.append(_problem(item.src, "by", "error", msg(
                "{where}: give 'by' or 'by_org', not both", where=where)))
        anonymous = item.by == m.ANONYMOUS or bool(item.by_org)
        if item.entered_by and item.entered_by not in body.people:
            found.append(_problem(item.src, "entered_by", "error", msg(
                "{where}: unknown person '{id}'{hint}; add them with 'kwartaal person add' "
                "or fix the id", where=where, id=item.entered_by,
                **hints(item.entered_by, body.people))))
        elif anonymous and not item.entered_by:
            found.append(_problem(item.src, None, "warning", msg(
                "{where} was put in without a person's name but does not say who entered it; "
                "add entered_by = \"PERSON\" (never shown)", where=where)))
        if meeting.status in APPROVED or not item.on_agenda:
            continue
        if not concerns_sex_work(cfg, item.theme):
            continue
        if item.level == "inform":
            found.append(_problem(item.src, "level", "warning", msg(
                "{where} is about sex workers' work or safety (theme {theme}) but only "
                "informs them: informing alone is no meaningful participation; choose consult, "
                "advise, co-decide or sex-worker-led (kwartaal item set {meeting} {local} "
                "--level …)", where=where, theme=item.theme, meeting=meeting.id,
                local=item.local_id)))
        elif not item.level:
            found.append(_problem(item.src, None, "warning", msg(
                "{where} is about sex workers' work or safety (theme {theme}) but says no "
                "participation level; set one with 'kwartaal item set {meeting} {local} "
                "--level …'", where=where, theme=item.theme, meeting=meeting.id,
                local=item.local_id)))
    return found


def _decisions(body: m.Body, meeting: m.Meeting, theme_of: Callable[[str], str],
               ) -> list[Problem]:
    if meeting.status in APPROVED:
        return []
    found = []
    for decision in meeting.decisions:
        theme = theme_of(decision.item)
        if decision.level == "inform" and concerns_sex_work(body.config, theme):
            found.append(_problem(decision.src, "level", "warning", msg(
                "decision {id} is about sex workers' work or safety (theme {theme}) but only "
                "informs them; choose consult, advise, co-decide or sex-worker-led (kwartaal "
                "decide set {meeting} {local} --level …)", id=decision.id, theme=theme,
                meeting=meeting.id, local=decision.local_id)))
    return found


def _not_neutral(body: m.Body, pid: str) -> m.Organisation | None:
    """The organisation that keeps a chair from being neutral, unless the body chose them."""
    person = body.people.get(pid)
    if person is None or pid in body.config.agreed_chairs:
        return None
    organisation = organisation_of(body.config, person)
    if organisation is None or organisation.independent:
        return None
    return organisation


def _chair_warning(pid: str, organisation: m.Organisation, where: Msg | str) -> Msg:
    return msg(
        "{where}: the chair {id} is of {organisation}, which the body marks as not "
        "independent; a neutral chair is one of the conditions of meaningful participation. "
        "Choose another chair, or record that the body chose this one knowingly: "
        "agreed_chairs = [\"{id}\"] under [body] in kwartaal.toml",
        where=where, id=pid, organisation=organisation.name)


def _chairs(body: m.Body, meeting: m.Meeting) -> list[Problem]:
    """A meeting still to come, chaired by its own chair or else the body's."""
    found = []
    pid = meeting.co_chair
    if pid and pid not in body.people:
        found.append(_problem(meeting.src, "co_chair", "error", msg(
            "{where}: unknown person '{id}'{hint}; add them with 'kwartaal person add' "
            "or fix the id", where="co_chair", id=pid, **hints(pid, body.people))))
    chair = meeting.chair or body.config.chair
    if pid and pid == chair and meeting.status == "planned":
        found.append(_problem(meeting.src, "co_chair", "warning", msg(
            "meeting {id}: {person} is both chair and co-chair; a co-chair is a second person "
            "(with a chair from an organisation, someone from the sex workers' side)",
            id=meeting.id, person=pid)))
    if meeting.status != "planned" or not meeting.chair:
        return found  # without a chair of its own, the body's is warned about once
    organisation = _not_neutral(body, meeting.chair)
    if organisation is not None:
        found.append(_problem(meeting.src, "chair", "warning", _chair_warning(
            meeting.chair, organisation, msg("meeting {id}", id=meeting.id))))
    return found


def _body_chair(body: m.Body) -> list[Problem]:
    cfg = body.config
    found = []
    pid = cfg.chair or ""
    organisation = _not_neutral(body, pid) if pid else None
    if organisation is not None:
        found.append(_problem(m.Source(cfg.src.path, ("body",)), "chair", "warning",
                              _chair_warning(pid, organisation, "[body]")))
    for agreed in cfg.agreed_chairs:
        if agreed not in body.people:
            found.append(_problem(m.Source(cfg.src.path, ("body",)), "agreed_chairs", "error",
                                  msg("[body] agreed_chairs: unknown person '{id}'{hint}",
                                      id=agreed, **hints(agreed, body.people))))
    return found
