"""The checks about money: the payment description on bank statements, compensation lines
against the allowance limits, and payees. Part of check (validate.py); the description is also
checked before a write (writecheck.py)."""

from __future__ import annotations

from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.lines import line_of
from kwartaal.core.naming import outs_people
from kwartaal.core.problems import Msg, Problem, msg


def payment_description_problems(cfg: m.Config) -> list[Problem]:
    """The payment description is on every participant's bank statement: it must not say what
    the meeting is about. Also checked before a write (files/writecheck.py)."""
    from kwartaal.core.payees import description_problem

    found = description_problem(cfg.compensation.description)
    if found is not None:
        return [Problem(cfg.src.path, line_of(cfg.src.path, ("compensation",), "description"),
                        "error", found)]
    if not outs_people(cfg.compensation.description, cfg):
        return []
    return [Problem(cfg.src.path, line_of(cfg.src.path, ("compensation",), "description"),
                    "error", msg(
        "[compensation] description: '{text}' names what the meeting is about; it is on "
        "every participant's bank statement, where it would out them. Use a neutral "
        "description, such as 'vergoeding overleg'", text=cfg.compensation.description))]


def compensation_line_problems(body: m.Body) -> list[Problem]:
    """Every line that is not void, against the allowance limits known now (a line recorded
    before its year's limits were filled in was never checked when it was written); and void
    lines: not paid, and with their reason."""
    found = limit_problems(body)
    for meeting in body.meetings:
        found += void_problems(meeting)
    return found


def limit_problems(body: m.Body) -> list[Problem]:
    """The lines above the allowance limits: across meetings (a month's, a year's total).
    Reads of each line its id, person, kind, hours, amount, counts and src (or path and
    section): the light lines of files/checkrun.py are enough."""
    from kwartaal.core.compensation import limit_findings

    found = []
    for line, severity, text in limit_findings(body):
        path, section = _place(line)
        found.append(Problem(path, line_of(path, section, "amount"), severity, text))
    return found


def _place(line: object) -> tuple[Path, tuple[object, ...]]:
    src = getattr(line, "src", None)
    if src is not None:
        return src.path, src.section
    return line.path, line.section  # type: ignore[attr-defined]


def void_problems(meeting: m.Meeting) -> list[Problem]:
    """Void lines of one meeting: not paid, and with their reason."""
    found = []
    for line in meeting.compensation:
        if line.void is not None and line.paid is not None:
            found.append(Problem(line.src.path, line_of(line.src.path, line.src.section, "void"),
                                 "error", msg(
                "compensation line {id} is both paid and void; a paid line stays on record: "
                "remove 'void' and record the correction as a new line", id=line.id)))
        elif line.void is not None and not line.void_reason.strip():
            found.append(Problem(line.src.path, line_of(line.src.path, line.src.section, "void"),
                                 "warning", msg(
                "compensation line {id} is void without a reason; add void_reason = \"...\"",
                id=line.id)))
    return found


def payee_problems(body: m.Body) -> list[Problem]:
    """A payee, on a person or on a compensation line, is an organisation that accepts
    payments."""
    found = person_payee_problems(body)
    for meeting in body.meetings:
        found += line_payee_problems(body.config, meeting)
    return found


def person_payee_problems(body: m.Body) -> list[Problem]:
    return _payees(body.config, [(person.payee, person, msg("[{id}] payee", id=person.id))
                                 for person in body.people.values()])


def line_payee_problems(cfg: m.Config, meeting: m.Meeting) -> list[Problem]:
    return _payees(cfg, [(line.payee, line, msg("compensation line {id}: payee", id=line.id))
                         for line in meeting.compensation
                         if line.payee != line.person])  # paid to the person themselves


def _payees(cfg: m.Config, records: list[tuple[str, m.Person | m.CompensationLine, Msg]],
            ) -> list[Problem]:
    from kwartaal.core.payees import payee_refusal

    found = []
    for key, record, where in records:
        refusal = payee_refusal(cfg, key)
        if refusal is not None:
            found.append(Problem(record.src.path,
                                 line_of(record.src.path, record.src.section, "payee"),
                                 "error", msg("{where}: {reason}", where=where,
                                              reason=refusal)))
    return found
