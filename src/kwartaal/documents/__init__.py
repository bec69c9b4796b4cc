"""Documents made from the records: agendas, minutes, the site, the calendar, reminders. They
only read; what is shown to whom is decided by core.visibility."""
