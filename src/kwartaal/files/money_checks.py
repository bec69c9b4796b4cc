"""The checks about money: the payment description on bank statements, compensation lines
against the allowance limits, and payees. Part of check (validate.py); the description is also
checked before a write (writecheck.py)."""

from __future__ import annotations

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
    from kwartaal.core.compensation import limit_findings

    found = [Problem(line.src.path, line_of(line.src.path, line.src.section, "amount"),
                     severity, text) for line, severity, text in limit_findings(body)]
    for line in (c for mt in body.meetings for c in mt.compensation):
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
    from kwartaal.core.payees import payee_refusal

    found = []
    records: list[tuple[str, m.Person | m.CompensationLine, Msg]] = [
        (person.payee, person, msg("[{id}] payee", id=person.id))
        for person in body.people.values()]
    records += [(line.payee, line, msg("compensation line {id}: payee", id=line.id))
                for meeting in body.meetings for line in meeting.compensation
                if line.payee != line.person]  # paid to the person themselves
    for key, record, where in records:
        refusal = payee_refusal(body.config, key)
        if refusal is not None:
            found.append(Problem(record.src.path,
                                 line_of(record.src.path, record.src.section, "payee"),
                                 "error", msg("{where}: {reason}", where=where,
                                              reason=refusal)))
    return found
