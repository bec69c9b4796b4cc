"""Who takes part, as a person reads it in the terminal: the rows of the attendance tables."""

from __future__ import annotations

from kwartaal.core.attendance import Attendance, Group
from kwartaal.core.words import tr


def attendance_tables(found: Attendance, lang: str) -> list[tuple[str, list[str],
                                                                   list[list[str]]]]:
    """Title, headers and rows of the table per organisation and of the table per role."""
    headers = [tr("meetings", lang), tr("present", lang), tr("online", lang),
               tr("excused", lang), tr("absent", lang), tr("rate", lang)]

    def rows(groups: list[Group]) -> list[list[str]]:
        return [[g.name, str(g.expected), str(g.count("present")), str(g.online),
                 str(g.count("excused")), str(g.count("absent")), f"{round(g.rate * 100)}%"]
                for g in groups]

    return [(tr("Attendance per organisation", lang), [tr("organisation", lang), *headers],
             rows(found.organisations)),
            (tr("Attendance per role", lang), [tr("role", lang), *headers],
             rows(found.roles))]
