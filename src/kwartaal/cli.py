"""The command line: a thin click layer over the library.

Start-up matters for a tool people run many times a day, so this module imports only click:
each command's module is imported when that command runs, and heavy libraries (git, rich,
jinja2, babel, tomlkit, icalendar) only inside the commands that use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import __version__

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from .problems import Msg


class State:
    """What the global options said, and the body once it is loaded."""

    def __init__(self) -> None:
        self.repo: Path | None = None
        self.today_text: str | None = None
        self.lang_option: str | None = None
        self._body: Any = None
        self._told_no_git = False

    def root(self) -> Path:
        from pathlib import Path

        from .loader import CONFIG_FILE, find_root
        from .problems import KwartaalError, msg

        if self.repo is not None:
            repo = Path(self.repo)
            if not (repo / CONFIG_FILE).is_file():
                raise KwartaalError(msg(
                    "{repo} holds no kwartaal.toml; give the folder of a body, or create one "
                    "with 'kwartaal init'",
                    "{repo} bevat geen kwartaal.toml; geef de map van een overleg, of maak er "
                    "een met 'kwartaal init'", repo=repo))
            return repo.resolve()
        found = find_root(Path.cwd())
        if found is None:
            raise KwartaalError(msg(
                "no kwartaal.toml in this folder or above it; use --repo PATH (or KWARTAAL_REPO), "
                "or create a body with 'kwartaal init'",
                "geen kwartaal.toml in deze map of erboven; gebruik --repo PAD (of "
                "KWARTAAL_REPO), of maak een overleg met 'kwartaal init'"))
        return found

    def today(self) -> dt.date:
        from .dates import today

        return today(self.today_text)

    def loaded(self) -> Any:
        """The body as far as this command loaded it (a single meeting for an edit of one
        action), else the whole body: enough for people and settings."""
        return self._body if self._body is not None else self.body()

    def use(self, body: Any) -> None:
        """Take a partly loaded body as this command's body."""
        self._body = body

    def has_body(self) -> bool:
        return self._body is not None

    def body(self) -> Any:
        """The loaded body; commands that need sound data refuse when it has errors."""
        if self._body is None:
            from .loader import load_checked

            self._body = load_checked(self.root())
        return self._body

    def actions_body(self) -> Any:
        """The body with actions only, from the action index where files did not change."""
        if self._body is None:
            from .loader import load_actions

            self._body = load_actions(self.root())
        return self._body

    def lang(self) -> str:
        if self.lang_option:
            return self.lang_option
        if self._body is not None:
            return str(self._body.config.language)
        try:
            import tomllib

            with (self.root() / "kwartaal.toml").open("rb") as handle:
                lang = tomllib.load(handle).get("body", {}).get("language")
            return lang if lang in ("nl", "en") else "en"
        except Exception:  # noqa: BLE001 - any failure here just means: no preference known
            return "en"

    def say(self, en: str, nl: str, **params: Any) -> None:
        from .problems import msg

        click.echo(msg(en, nl, **params).render(self.lang()))

    def committed(self, result: Any, what: str | Msg) -> None:
        text = what if isinstance(what, str) else what.render(self.lang())
        if result.reason == "committed":
            self.say("{what} (commit {sha})", "{what} (commit {sha})", what=text,
                     sha=result.sha[:8])
        elif result.reason == "not-a-repository" and not self._told_no_git:
            self._told_no_git = True
            self.say("{what}; not a git repository, so nothing was committed",
                     "{what}; geen git-repository, dus niets vastgelegd", what=text)
        else:
            self.say("{what} (not committed)", "{what} (niet vastgelegd)", what=text)


def writes(func: Callable[..., Any]) -> Callable[..., Any]:
    """For commands that change files: hold the repository's lock from reading to committing,
    so that commands at the same moment all get their change in, one after the other; first
    settle what a killed command left; pass every write of a body file through the privacy
    check (--allow-private to override); and make the change all or nothing: when the command
    fails, or is interrupted before its commit, the files it changed are put back as they
    were (see store.Journal). SIGINT and SIGTERM wait for a safe point meanwhile."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, allow_private: bool = False, **kwargs: Any) -> Any:
        from .cli_shared import run_writing

        return run_writing(func, args, kwargs, allow_private=allow_private)

    return click.option(
        "--allow-private", is_flag=True,
        help="Write a text even though the privacy check finds contact details, a bank "
             "account, a citizen service number or a hidden name in it (the line is marked "
             "so).")(wrapper)


def _state() -> State:
    return click.get_current_context().ensure_object(State)


def _set(attr: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            setattr(ctx.ensure_object(State), attr, value)
        return value

    return callback


def _global_options(func: Callable[..., Any], *, env: bool,
                    skip: tuple[str, ...] = ()) -> Callable[..., Any]:
    options = {
        "repo": click.option(
            "--repo", type=click.Path(file_okay=False), metavar="PATH",
            envvar="KWARTAAL_REPO" if env else None, expose_value=False,
            callback=_set("repo"), is_eager=True,
            help="Folder of the body (holding kwartaal.toml). Default: the nearest one upward "
                 "from here; also KWARTAAL_REPO."),
        "today": click.option(
            "--today", metavar="YYYY-MM-DD", envvar="KWARTAAL_TODAY" if env else None,
            expose_value=False, callback=_set("today_text"), is_eager=True,
            help="Take this date as today (also KWARTAAL_TODAY)."),
        "lang": click.option(
            "--lang", type=click.Choice(["nl", "en"]), envvar="KWARTAAL_LANG" if env else None,
            expose_value=False, callback=_set("lang_option"), is_eager=True,
            help="Language of documents and messages. Default: the body's."),
    }
    for name in reversed(list(options)):
        if name not in skip:
            func = options[name](func)
    return func


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """The global options, also accepted after the command name."""
    return _global_options(func, env=False)


def common_but_lang(func: Callable[..., Any]) -> Callable[..., Any]:
    """For commands whose own --lang means something else (a person's language)."""
    return _global_options(func, env=False, skip=("lang",))


# name: (module, attribute, one-line help). The help is here so that `kwartaal --help` lists
# every command without importing any of them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("cli_core", "check", "Validate the whole body, with file and line of each "
              "problem."),
    "init": ("cli_core", "init", "Create a new body."),
    "person": ("cli_core", "person", "People of the body: add and list."),
    "theme": ("cli_core", "theme", "Themes that actions hang under: add and list."),
    "config": ("cli_core", "config", "Read and change the body's settings."),
    "meeting": ("cli_meetings", "meeting_group", "Plan meetings, list them, record that one "
                "was held."),
    "propose": ("cli_meetings", "propose_cmd", "Propose an agenda item; anyone may."),
    "agenda": ("cli_meetings", "agenda_cmd", "Draft the agenda of a meeting, internal or "
               "public."),
    "calendar": ("cli_meetings", "calendar_cmd", "Every meeting as a calendar file (.ics)."),
    "actions": ("cli_actions", "actions_cmd", "List actions: mine, overdue, by theme, …"),
    "overdue": ("cli_actions", "overdue_cmd", "List overdue actions; exit 3 when there are "
                "any."),
    "action": ("cli_actions", "action_group", "Add, start, finish, drop, update, hand over, "
               "show an action."),
    "remind": ("cli_actions", "remind_cmd", "Write reminders to owners of overdue and soon-due "
               "actions."),
    "progress": ("cli_actions", "progress_cmd", "Progress per theme."),
    "attend": ("cli_minutes", "attend_cmd", "Record attendance."),
    "note": ("cli_minutes", "note_cmd", "Record what was said under an agenda item."),
    "decide": ("cli_minutes", "decide_cmd", "Record a decision."),
    "minutes": ("cli_minutes", "minutes_group", "Minutes: render, send for review, approve."),
    "publish": ("cli_minutes", "publish_cmd", "Publish approved minutes (public md and html)."),
    "site": ("cli_minutes", "site_cmd", "Build the public website from public content only."),
    "compensate": ("cli_minutes", "compensate_cmd", "Record what a participant is paid; checks "
                   "the limits."),
    "compensation": ("cli_minutes", "compensation_group", "Compensation overview, finance "
                     "export, payments."),
    "setup-git": ("cli_git", "setup_git_cmd", "Register kwartaal's merge driver in this "
                  "clone."),
    "merge-driver": ("cli_git", "merge_driver_cmd", ""),
    "sync": ("cli_git", "sync_cmd", "Pull, check and push the shared repository."),
    "log": ("cli_git", "log_cmd", "What happened when, newest first."),
}


class KwartaalGroup(click.Group):
    """Loads each command's module on first use, and turns KwartaalError into a message."""

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
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from .problems import KwartaalError

        try:
            return super().invoke(ctx)
        except KwartaalError as exc:
            state = ctx.ensure_object(State)
            word = "fout" if state.lang() == "nl" else "error"
            click.echo(f"{word}: {exc.render(state.lang())}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`| head -1`): not an error of ours
            from .fast import closed_pipe_exit

            closed_pipe_exit()
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
            from .fast import interrupt_in

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
            ctx.exit(70)


@click.group(cls=KwartaalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kwartaal")
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


cli = _global_options(cli, env=True)  # type: ignore[assignment]


def main() -> None:
    from .fast import catch_signals, flush_output, run_to_a_quiet_end

    catch_signals()
    run_to_a_quiet_end(lambda: cli(prog_name="kwartaal"), after=flush_output)


if __name__ == "__main__":  # pragma: no cover
    main()
