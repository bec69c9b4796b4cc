"""Messages as RFC 5322 files to open in any mail program; kwartaal sends nothing itself."""

from __future__ import annotations

import datetime as dt

from kwartaal.core import model as m
from kwartaal.core.naming import neutral_name


def compose(body: m.Body, today: dt.date, *, to: tuple[str, str] | None, subject: str,
            text: str, message_id: str, person: str,
            attachment: tuple[str, str, str] | None = None) -> bytes:
    """A message from the body's secretary, under the body's neutral name. to: (name,
    address), or None for a message without an addressee; attachment: (file name, MIME
    subtype of text/…, content)."""
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr

    secretary = body.people.get(body.config.secretary or "")
    sender = secretary.email if secretary and secretary.is_named and secretary.email else \
        "secretariaat@kwartaal.invalid"
    message = EmailMessage()
    message["From"] = formataddr((neutral_name(body.config), sender))
    if to is not None:
        message["To"] = formataddr(to)
    message["Subject"] = subject
    moment = dt.datetime.combine(today, dt.time(9, 0), tzinfo=dt.UTC)
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = f"<{message_id}@kwartaal.invalid>"
    message["X-Kwartaal-Person"] = person
    message.set_content(text)
    if attachment is not None:
        name, subtype, content = attachment
        message.add_attachment(content, subtype=subtype, filename=name)
    # headers unfolded up to the limit of RFC 5322: the folding of the standard library puts a
    # long subject on a line of its own, which some mail programs show with a leading space
    return message.as_bytes(policy=message.policy.clone(max_line_length=998))
