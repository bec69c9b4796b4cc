"""Fixed words of documents; templates get them as `t`, in the document's language.
The English words are catalog ids (locale/nl/LC_MESSAGES/kwartaal.po holds the Dutch);
a context keeps a label apart from the same English word elsewhere."""

from __future__ import annotations

from kwartaal.core.words import NP_, tr

LABELS: dict[str, tuple[str, str]] = {
    "agenda": NP_("label", "Agenda"),
    "draft": NP_("label", "draft"),
    "internal": NP_("label", "internal"),
    "public": NP_("label", "public"),
    "date": NP_("label", "Date"),
    "time": NP_("label", "Time"),
    "place": NP_("label", "Place"),
    "online": NP_("label", "Online"),
    "format": NP_("label", "Format"),
    "in-person": NP_("label", "in person"),
    "hybrid": NP_("label", "hybrid (in person and online)"),
    "chair": NP_("label", "Chair"),
    "secretary": NP_("label", "Secretary"),
    "invited": NP_("label", "Invited"),
    "opening": NP_("label", "Opening"),
    "previous_minutes": NP_("label", "Minutes of the previous meeting"),
    "minutes_of": NP_("label", "minutes of {date} for approval"),
    "closed_session": NP_("label", "Closed session"),
    "closed": NP_("label", "closed"),
    "carried": NP_("label", "Carried over"),
    "carried_from": NP_("label", "carried over from"),
    "cancelled": NP_("label", "Cancelled"),
    "withdrawn": NP_("label", "Withdrawn"),
    "action_review": NP_("label", "Actions"),
    "any_other_business": NP_("label", "Any other business"),
    "closing": NP_("label", "Closing"),
    "next_meeting": NP_("label", "next meeting: {date}"),
    "proposed_by": NP_("label", "proposed by"),
    "theme": NP_("label", "theme"),
    "minutes_short": NP_("label", "min"),
    "total": NP_("label", "Total"),
    "over_by": NP_("label", "{over} minutes longer than the meeting ({length} min)"),
    "fits": NP_("label", "fits the meeting ({length} min)"),
    "overdue_days": NP_("label", "{days} days overdue"),
    "overdue_day": NP_("label", "1 day overdue"),
    "due": NP_("label", "due"),
    "due_by_meeting": NP_("label", "due before this meeting"),
    "no_actions": NP_("label", "No open actions."),
    "no_theme": NP_("label", "no theme"),
    "open": NP_("label", "open"),
    "in-progress": NP_("label", "in progress"),
    "done": NP_("label", "done"),
    "dropped": NP_("label", "dropped"),
    "minutes": NP_("label", "Minutes"),
    "minutes_draft": NP_("label", "draft"),
    "attendance": NP_("label", "Attendance"),
    "present": NP_("label", "Present"),
    "guests": NP_("label", "Guests"),
    "excused": NP_("label", "Apologies"),
    "absent": NP_("label", "Absent"),
    "notes": NP_("label", "Discussed"),
    "decisions": NP_("label", "Decisions"),
    "decision": NP_("label", "Decision"),
    "action": NP_("label", "Action"),
    "new_actions": NP_("label", "New actions"),
    "review": NP_("label", "Progress of actions"),
    "register": NP_("label", "Decision register"),
    "supersedes": NP_("label", "replaces"),
    "superseded_by": NP_("label", "replaced by"),
    "other": NP_("label", "Other"),
    "owner": NP_("label", "owner"),
    "compensation": NP_("label", "Compensation"),
    "compensation_heading": NP_("label", "Compensation of participants"),
    "person": NP_("label", "Participant"),
    "kind": NP_("label", "Kind"),
    "hours": NP_("label", "Hours"),
    "amount": NP_("label", "Amount"),
    "method": NP_("label", "Method"),
    "paid": NP_("label", "Paid"),
    "unpaid": NP_("label", "Still to pay"),
    "not_paid": NP_("label", "not yet"),
    "kind_fee": NP_("label", "fee for time"),
    "kind_travel": NP_("label", "travel"),
    "kind_meal": NP_("label", "meal"),
    "kind_voucher": NP_("label", "gift voucher"),
    "kind_other": NP_("label", "other"),
    "method_bank": NP_("label", "bank"),
    "method_cash": NP_("label", "cash"),
    "method_voucher": NP_("label", "voucher"),
    "approved_on": NP_("label", "approved on {date}"),
    "site_home": NP_("site", "Overview"),
    "overdue": NP_("label", "overdue"),
    "site_minutes": NP_("site", "Minutes"),
    "site_agenda": NP_("site", "Next meeting"),
    "site_decisions": NP_("site", "Decisions"),
    "site_progress": NP_("site", "Progress"),
    "site_actions": NP_("site", "Actions"),
    "site_calendar": NP_("site", "Meetings in your calendar (.ics)"),
    "site_intro": NP_("site", "What the meeting decided and does, in one place. Closed sessions "
                              "and the names of people who prefer not to be named are not here."),
    "site_no_minutes": NP_("site", "No minutes have been published yet."),
    "site_no_agenda": NP_("site", "No next meeting has been planned yet."),
    "site_meeting_of": NP_("site", "Meeting of {date}"),
    "site_open_actions": NP_("site", "Open actions"),
    "site_share_done": NP_("site", "{share}% done"),
    "site_theme_counts": NP_("site", "{done} done, {in_progress} in progress, {open} open, "
                                     "{overdue} overdue"),
    "site_other_language": NP_("site", "Nederlands"),
    "site_language": NP_("site", "Language"),
    "site_made": NP_("site", "Made with kwartaal on {date}."),
    "site_skip": NP_("site", "Skip to content"),
    "site_superseded": NP_("site", "replaced"),
    "owners": NP_("label", "Owners"),
    "nothing_recorded": NP_("label", "Nothing recorded."),
    "opened": NP_("label", "The meeting was opened."),
    "previous_approved": NP_("label", "The minutes of {date} were approved."),
    "no_previous_minutes": NP_("label", "There are no earlier minutes."),
    "not_discussed": NP_("label", "Not discussed."),
    "no_earlier_actions": NP_("label", "No actions from earlier meetings were open."),
    "nothing_raised": NP_("label", "Nothing raised."),
    "closed_session_said": NP_("label", "Discussed in closed session; not made public."),
    "meeting_closed": NP_("label", "The meeting was closed."),
    "actions_agreed": NP_("label", "Actions agreed at this meeting"),
    "no_actions_agreed": NP_("label", "No new actions were agreed at this meeting."),
    "confidential": NP_("label", "Confidential — participants only"),
    "place_withheld": NP_("label", "location known to participants"),
    "participant": NP_("label", "participant"),
    "compensation_left_out": NP_("label", "Compensation is not included in this version."),
    "level": NP_("label", "participation"),
    "co_chair": NP_("label", "Co-chair"),
    "open_feedback": NP_("label", "Feedback due on input asked"),
    "input_asked_on": NP_("label", "input asked on {date}"),
    "feedback_late": NP_("label", "late"),
    "input_asked": NP_("label", "input asked"),
    "feedback": NP_("label", "Feedback"),
    "feedback_given": NP_("label", "Feedback given on input"),
    "feedback_of": NP_("label", "feedback of {date}"),
    "feedback_pending": NP_("label", "feedback still to come"),
    "report_title": NP_("label", "Year report {year}"),
    "report_as_of_today": NP_("label", "Actions as they stand today, {date}."),
    "report_as_of_year_end": NP_("label", "Actions as they stood at the end of the year, "
                                          "{date}."),
    "report_public_note": NP_("label", "Public version: no closed decisions, no names of "
                                       "people who prefer not to be named, and compensation "
                                       "only as totals."),
    "report_meetings": NP_("label", "Meetings"),
    "report_held": NP_("label", "Meetings held: {count}"),
    "report_cancelled": NP_("label", "Meetings cancelled: {count}"),
    "report_no_meetings": NP_("label", "No meetings were held this year."),
    "organisation": NP_("label", "Organisation"),
    "rate": NP_("label", "Rate"),
    "report_seat_filled": NP_("label", "A sex worker's seat was filled at {filled} of "
                                       "{count} meetings."),
    "report_no_decisions": NP_("label", "No decisions."),
    "report_not_yet_approved": NP_("label", "Not included yet: the decisions of {meetings}, "
                                            "whose minutes are not approved yet."),
    "report_actions": NP_("label", "Actions per theme"),
    "report_paid_totals": NP_("label", "{people} people received compensation for {hours} "
                                       "hours, {amount} in total."),
    "report_paid_withheld": NP_("label", "Fewer than {minimum} people received compensation: "
                                         "totals are not shown, as they would be what each of "
                                         "them was paid."),
    "report_paid_after_year": NP_("label", "Totals are published once the year is over: a "
                                           "total that grows during the year would show what "
                                           "the last ones paid received."),
    "report_paid_nobody": NP_("label", "No one received compensation this year."),
    "report_paid_amount": NP_("label", "{people} people received compensation, {amount} in "
                                       "total."),
    "site_reports": NP_("site", "Year reports"),
    "report_participation": NP_("label", "Participation"),
    "report_participation_note": NP_("label", "Items and decisions by how far participants "
                                              "took part: from being informed to led by sex "
                                              "workers."),
    "report_no_level": NP_("label", "no level given"),
    "report_nothing_handled": NP_("label", "No items or decisions."),
    "report_no_feedback": NP_("label", "No feedback on input was given this year."),
    "declined": NP_("label", "Declined"),
}


def labels(lang: str) -> dict[str, str]:
    """Every label in lang (a new dict: the caller may change it); translated once per
    language (core/words.py keeps each language's catalog for the run), not once per page
    of a site of a thousand pages."""
    found = _TRANSLATED.get(lang)
    if found is None:
        found = _TRANSLATED[lang] = {key: tr(text, lang, context)
                                     for key, (context, text) in LABELS.items()}
    return dict(found)


_TRANSLATED: dict[str, dict[str, str]] = {}
