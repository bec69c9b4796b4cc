"""The exit codes of the kwartaal command: declared once here, shown in `kwartaal --help` and in
docs/cli.md, so that scripts and cron jobs can rely on them."""

from __future__ import annotations

OK = 0
ERROR = 1  # bad input, a refused change, errors found by check, a merge left in conflict
USAGE = 2  # click's own: an unknown option or a missing argument
OVERDUE = 3  # `overdue` found overdue actions
INTERNAL_ERROR = 70  # EX_SOFTWARE from sysexits.h: a bug in kwartaal, not in the files
CLOSED_PIPE = 141  # 128 + SIGPIPE: the reader went away (`kwartaal actions | head -1`)
SIGNAL_BASE = 128  # stopped by a signal n: 128 + n (130 for ^C, 143 for SIGTERM)

# (code as shown, meaning): the one table both renderings are made from
EXIT_CODES: tuple[tuple[str, str], ...] = (
    (str(OK), "success (check: no errors; with --strict, no warnings either)"),
    (str(ERROR), "an error you can act on: bad input, a refused change, errors found"),
    (str(USAGE), "wrong usage: unknown command or option, missing argument"),
    (str(OVERDUE), "overdue: there are overdue actions (for a cron job)"),
    (str(INTERNAL_ERROR), "internal error: a bug in kwartaal, not in your files"),
    (str(CLOSED_PIPE), "the reader of the output went away (128 + SIGPIPE)"),
    ("128+n", "stopped by signal n (130: ^C, 143: SIGTERM); changes put back"),
)
