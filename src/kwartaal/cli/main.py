"""The command line: a thin click layer over the library.

Start-up matters for a tool people run many times a day, so this module imports only click:
each command's module is imported when that command runs, and heavy libraries (git, rich,
jinja2, babel, tomlkit, icalendar) only inside the commands that use them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from kwartaal import __version__
from kwartaal.cli.options import State, global_options
from kwartaal.core.exits import EXIT_CODES, INTERNAL_ERROR
from kwartaal.core.words import speak_click, tr

# click names some types when they are made (click.Path: "directory"), below; until main()
# knows the run's language that is English, without a search of the system's catalogs
speak_click("en")

# name: (module, attribute, one-line help). The help is here so that `kwartaal --help` lists
# every command without importing any of them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("core", "check", "Validate the whole body, with file and line of each "
              "problem."),
    "init": ("core", "init", "Create a new body."),
    "person": ("people", "person", "People of the body: add, list, correct, record "
               "that someone left."),
    "theme": ("core", "theme", "Themes that actions hang under: add and list."),
    "config": ("core", "config", "Read and change the body's settings."),
    "meeting": ("meetings", "meeting_group", "Plan meetings, list them, move, change or "
                "cancel one, record that one was held."),
    "poll": ("polls", "poll_group", "Date polls: offer slots, enter answers, show the "
             "best slot, send the poll."),
    "item": ("items", "item_group", "Correct agenda items: set, withdraw, defer, done."),
    "propose": ("meetings", "propose_cmd", "Propose an agenda item; anyone may."),
    "agenda": ("meetings", "agenda_cmd", "Draft the agenda of a meeting, internal or "
               "public."),
    "calendar": ("meetings", "calendar_cmd", "Every meeting as a calendar file (.ics)."),
    "actions": ("actions", "actions_cmd", "List actions: mine, overdue, by theme, …"),
    "overdue": ("actions", "overdue_cmd", "List overdue actions; exit 3 when there are "
                "any."),
    "action": ("actions", "action_group", "Add, start, finish, drop, update, hand over, "
               "show an action."),
    "remind": ("actions", "remind_cmd", "Write reminders to owners of overdue and soon-due "
               "actions."),
    "progress": ("actions", "progress_cmd", "Progress per theme."),
    "send": ("send", "send_cmd", "Write the agenda or the minutes as one message per "
             "participant; nothing is sent."),
    "attend": ("minutes", "attend_cmd", "Record attendance."),
    "note": ("records", "note_group", "Record, correct or remove what was said under an "
             "agenda item."),
    "decide": ("records", "decide_group", "Record, correct or remove a decision."),
    "feedback": ("feedback", "feedback_cmd", "Record what was done with input asked for at "
                 "a meeting."),
    "sheet": ("sheet", "sheet_group", "Notes sheet: write it from the agenda, fill it in, "
              "read it back in one commit."),
    "minutes": ("minutes", "minutes_group", "Minutes: render, send for review, approve."),
    "publish": ("minutes", "publish_cmd", "Publish approved minutes (public md and html)."),
    "site": ("minutes", "site_cmd", "Build the public website from public content only."),
    "attendance": ("report", "attendance_cmd", "Who takes part: per organisation and role, "
                   "present, excused, absent."),
    "report": ("report", "report_cmd", "The year report for the council; public unless "
               "--internal."),
    "compensate": ("payments", "compensate_cmd", "Record what a participant is paid; checks "
                   "the limits."),
    "compensation": ("payments", "compensation_group", "Compensation overview, finance "
                     "export, payments, corrections."),
    "setup-git": ("git", "setup_git_cmd", "Register kwartaal's merge driver in this "
                  "clone."),
    "merge-driver": ("git", "merge_driver_cmd", ""),
    "setup-ci": ("git", "setup_ci_cmd", "Write the pipeline of the group's git host: check "
                 "every push, publish the site, weekly reminders."),
    "sync": ("git", "sync_cmd", "Pull, check and push the shared repository."),
    "log": ("git", "log_cmd", "What happened when, newest first."),
}


class HelpFormatter(click.HelpFormatter):
    """click's, with the terminal's width found without importing shutil (which brings
    compression modules along: a twentieth of `kwartaal --help`)."""

    def __init__(self, indent_increment: int = 2, width: int | None = None,
                 max_width: int | None = None) -> None:
        if width is None:  # the width click finds (formatting.HelpFormatter.__init__)
            from click import formatting

            width = formatting.FORCED_WIDTH
            if width is None:
                width = max(min(terminal_columns(), max_width or 80) - 2, 50)
        super().__init__(indent_increment, width, max_width)


def terminal_columns() -> int:
    """The columns shutil.get_terminal_size() gives: COLUMNS when a positive number, else
    those of standard output's terminal, else 80."""
    import os
    import sys

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


class KwartaalContext(click.Context):
    formatter_class = HelpFormatter


class KwartaalGroup(click.Group):
    """Loads each command's module on first use, and turns KwartaalError into a message."""

    context_class = KwartaalContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (_, _, short) in COMMANDS.items() if short]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"{__package__}.{entry[0]}")
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, _, short) in COMMANDS.items() if short]
        from gettext import gettext as click_words  # click's own word, in the run's language

        with formatter.section(click_words("Commands")):
            formatter.write_dl(rows)

    def main(self, args: Any = None, *more: Any, **options: Any) -> Any:
        """Speak the run's language from the start, so that click's own messages (usage
        errors, 'Aborted!') are in it too."""
        import sys

        speak_click(_language_of(list(sys.argv[1:] if args is None else args)))
        return super().main(args, *more, **options)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        finally:
            _say_cache_refusal(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        from kwartaal.core.problems import InvalidBody, KwartaalError

        try:
            return super().invoke(ctx)
        except KwartaalError as exc:
            state = ctx.ensure_object(State)
            lang = state.lang()
            word = tr("error", lang)
            click.echo(f"{word}: {exc.render(lang)}", err=True)
            if isinstance(exc, InvalidBody):  # the library's error; the way on is a command
                click.echo(tr("run 'kwartaal check' to see every problem", lang), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`| head -1`): not an error of ours
            from kwartaal.files.signals import closed_pipe_exit

            closed_pipe_exit()
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
            from kwartaal.files.signals import interrupt_in, output_failed, writing_output

            if writing_output(exc):  # a full disk under stdout: not a bug
                output_failed(exc)  # type: ignore[arg-type]

            interrupt = interrupt_in(exc)
            if interrupt is not None:  # a ^C while a class was being made, wrapped by Python
                raise interrupt from None
            # A bug, not bad input: say so plainly, keep the details for a report, and exit
            # with EX_SOFTWARE so that scripts (and our own fuzz tests) can tell the difference.
            import traceback

            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in kwartaal, not in your files. Nothing was left half "
                       "written. Please report it with the details below.", err=True)
            click.echo("".join(traceback.format_exception_only(exc)).strip(), err=True)
            ctx.exit(INTERNAL_ERROR)


def _say_cache_refusal(ctx: click.Context) -> None:
    """Once a run, on stderr: why no indexes were kept (a cache folder git would commit)."""
    from kwartaal.files.keeping import take_refusal

    reason = take_refusal()
    if reason is None:
        return
    try:
        lang = ctx.ensure_object(State).lang()
    except Exception:  # noqa: BLE001 - no body to take the language from: English
        lang = "en"
    click.echo(f"{tr('warning', lang)}: {reason.render(lang)}", err=True)


def exit_codes_epilog() -> str:
    """The exit code table as click shows it: `\\b` keeps its lines as they are."""
    width = max(len(code) for code, _ in EXIT_CODES)
    return "Exit codes:\n\n\b\n" + "\n".join(
        f"  {code.ljust(width)}  {meaning}" for code, meaning in EXIT_CODES)


def _language_of(args: list[str]) -> str:
    """The language a run will speak, found before click parses anything: --lang, then
    KWARTAAL_LANG, then the body's (from --repo, KWARTAAL_REPO or the folders upward)."""
    import os

    state = State()
    for index, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in ("--lang", "--repo"):
            value = value if eq else (args[index + 1] if index + 1 < len(args) else "")
            if name == "--lang" and value in ("nl", "en"):
                return value
            if name == "--repo" and value:
                state.repo = value  # type: ignore[assignment]
    lang = os.environ.get("KWARTAAL_LANG")
    if lang in ("nl", "en"):
        return lang
    if state.repo is None and os.environ.get("KWARTAAL_REPO"):
        state.repo = os.environ["KWARTAAL_REPO"]  # type: ignore[assignment]
    return state.lang()


def _print_version(ctx: click.Context, value: bool) -> None:
    """click's own version option takes its words when the module is imported, before the
    run's language is known; this one takes them when it is asked."""
    if not value or ctx.resilient_parsing:
        return
    from gettext import gettext as click_words

    click.echo(click_words("%(prog)s, version %(version)s")
               % {"prog": "kwartaal", "version": __version__})
    ctx.exit()


@click.group(cls=KwartaalGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=exit_codes_epilog())
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _param, value: _print_version(ctx, value),
              help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kwartaal: agendas, actions, minutes and compensation of a recurring meeting,
    kept as plain TOML files in git.

    \b
    Examples:
      kwartaal --repo meetings check
      kwartaal agenda --public --format html --output agenda.html
      KWARTAAL_ME=roos kwartaal actions
    """
    ctx.ensure_object(State)


cli = global_options(cli, env=True)  # type: ignore[assignment]


def main() -> None:
    from kwartaal.files.signals import catch_signals, flush_output, run_to_a_quiet_end

    catch_signals()
    run_to_a_quiet_end(lambda: cli(prog_name="kwartaal"), after=flush_output)


if __name__ == "__main__":  # pragma: no cover
    main()
