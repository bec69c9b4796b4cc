"""kwartaal: governance of a recurring multi-stakeholder meeting, in plain TOML files and git.

Also a library: the command line is a thin layer over the functions named in API below.

    import kwartaal

    loaded = kwartaal.load("meetings")
    problems = kwartaal.check(loaded)
    overdue = kwartaal.select_actions(loaded.body, today, overdue=True)

Importing kwartaal imports nothing else: each name is looked up in its module on first use
(module `__getattr__`), so that a script, and the command's fast lane, start as fast as
Python does. See docs/api.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

# The public API, in one place: name -> "module:attribute". `__all__`, `dir(kwartaal)` and
# docs/api.md's list are made from it.
API: dict[str, str] = {
    # reading and checking a body
    "load": "kwartaal.files.library:load",
    "check": "kwartaal.files.library:check",
    "load_checked": "kwartaal.files.loader:load_checked",
    "Loaded": "kwartaal.files.loader:Loaded",
    # what the rules say
    "select_actions": "kwartaal.core.reports:select_actions",
    "action_row": "kwartaal.core.reports:action_row",
    "progress_rows": "kwartaal.core.reports:progress_rows",
    "is_overdue": "kwartaal.core.rules:is_overdue",
    "days_overdue": "kwartaal.core.rules:days_overdue",
    "next_planned": "kwartaal.core.rules:next_planned",
    "last_held": "kwartaal.core.rules:last_held",
    "find_action": "kwartaal.edit.actions:find_action",
    "require_meeting": "kwartaal.edit.actions:require_meeting",
    "feedback_in_year": "kwartaal.core.feedback:feedback_in_year",
    "attendance": "kwartaal.core.attendance:attendance",
    # documents (nothing is written; a public one is refused if it would show anything hidden)
    "build_agenda": "kwartaal.documents.agenda:build_agenda",
    "render_agenda": "kwartaal.documents.agenda:render_agenda",
    "build_minutes": "kwartaal.documents.minutes:build_minutes",
    "render_minutes": "kwartaal.edit.publish:render_minutes",
    "build_site": "kwartaal.documents.site:build_site",
    "write_site": "kwartaal.documents.site:write_site",
    "calendar": "kwartaal.documents.calendar:calendar",
    "reminders": "kwartaal.documents.remind:reminders",
    "compensation_overview": "kwartaal.edit.publish:compensation_overview",
    "compensation_csv": "kwartaal.documents.finance:compensation_csv",
    "compensation_xlsx": "kwartaal.documents.spreadsheet:compensation_xlsx",
    "build_report": "kwartaal.core.yearreport:build_report",
    "render_report": "kwartaal.documents.report:render_report",
    "agenda_file": "kwartaal.documents.office:agenda_file",
    "minutes_file": "kwartaal.documents.office:minutes_file",
    "report_file": "kwartaal.documents.office:report_file",
    # changing a body: an edit function returns a Change; run_change locks, checks, commits
    "run_change": "kwartaal.edit.pipeline:run_change",
    "CommitOptions": "kwartaal.edit.pipeline:CommitOptions",
    "Outcome": "kwartaal.edit.pipeline:Outcome",
    "create_body": "kwartaal.edit.admin:create_body",
    "init_body": "kwartaal.edit.admin:init_body",
    "add_person": "kwartaal.edit.admin:add_person",
    "PersonInput": "kwartaal.edit.admin:PersonInput",
    "add_theme": "kwartaal.edit.admin:add_theme",
    "config_get": "kwartaal.edit.admin:config_get",
    "config_set": "kwartaal.edit.admin:config_set",
    "new_meeting": "kwartaal.edit.meetings:new_meeting",
    "propose": "kwartaal.edit.meetings:propose",
    "add_action": "kwartaal.edit.actions:add_action",
    "set_status": "kwartaal.edit.actions:set_status",
    "update_action": "kwartaal.edit.actions:update_action",
    "handover": "kwartaal.edit.actions:handover",
    "attend": "kwartaal.edit.recording:attend",
    "record_reply": "kwartaal.edit.recording:record_reply",
    "note": "kwartaal.edit.notes:note",
    "decide": "kwartaal.edit.notes:decide",
    "set_record": "kwartaal.edit.notes:set_record",
    "remove_record": "kwartaal.edit.notes:remove_record",
    "set_meeting_status": "kwartaal.edit.recording:set_meeting_status",
    "compensate": "kwartaal.edit.payments:compensate",
    "NewLine": "kwartaal.core.compensation:NewLine",
    "mark_paid": "kwartaal.edit.payments:mark_paid",
    "set_line": "kwartaal.edit.payments:set_line",
    "void_line": "kwartaal.edit.payments:void_line",
    "publish": "kwartaal.edit.publish:publish",
    "give_feedback": "kwartaal.edit.feedback:give_feedback",
    "Change": "kwartaal.edit.change:Change",
    "CommitResult": "kwartaal.vcs.gitops:CommitResult",
    # errors and problems
    "KwartaalError": "kwartaal.core.problems:KwartaalError",
    "InvalidBody": "kwartaal.core.problems:InvalidBody",
    "Problem": "kwartaal.core.problems:Problem",
    "Msg": "kwartaal.core.problems:Msg",
    # the records
    "Body": "kwartaal.core.model:Body",
    "Config": "kwartaal.core.model:Config",
    "Person": "kwartaal.core.model:Person",
    "Theme": "kwartaal.core.model:Theme",
    "Meeting": "kwartaal.core.model:Meeting",
    "Item": "kwartaal.core.model:Item",
    "Note": "kwartaal.core.model:Note",
    "Decision": "kwartaal.core.model:Decision",
    "Action": "kwartaal.core.model:Action",
    "HistoryEntry": "kwartaal.core.model:HistoryEntry",
    "CompensationLine": "kwartaal.core.model:CompensationLine",
}

__all__ = ["__version__", *API]


def __getattr__(name: str) -> object:
    place = API.get(name)
    if place is None:
        raise AttributeError(f"module 'kwartaal' has no attribute {name!r}")
    import importlib

    module_name, _, attribute = place.partition(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value  # the next use is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *API})
