"""What every command shares: the global options, the state they set, and the decorators that
declare the options most commands take."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from kwartaal.core.problems import Msg


class State:
    """What the global options said, and the body once it is loaded."""

    def __init__(self) -> None:
        self.repo: Path | None = None
        self.today_text: str | None = None
        self.lang_option: str | None = None
        self._body: Any = None
        self.commit: Any = None  # edit.pipeline.CommitOptions, from the commit options
        self._told_no_git = False
        self._settled = False

    def root(self) -> Path:
        """The body's folder. For a command that only reads, a change killed before it
        finished is settled first, so that it reads nothing half-made (a writing command's
        pipeline settles it under its own lock)."""
        found = self._root()
        if not self._settled and self.commit is None:
            self._settled = True
            from kwartaal.files.lock import journal_left

            if journal_left(found):  # asked first: the pipeline is not imported for nothing
                from kwartaal.edit.pipeline import settle_interrupted

                settle_interrupted(found, say=lambda note: click.echo(note.render(self.lang()),
                                                                      err=True))
        return found

    def _root(self) -> Path:
        from pathlib import Path

        from kwartaal.files.paths import find_root, root_folder

        if self.repo is not None:
            repo = Path(self.repo)
            given = root_folder(str(repo), str(Path.cwd()))
            if given is None:
                from kwartaal.core.problems import KwartaalError, msg

                raise KwartaalError(msg(
                    "{repo} holds no kwartaal.toml; give the folder of a body, or create one "
                    "with 'kwartaal init'",
                    repo=repo))
            return Path(given)
        found = find_root(Path.cwd())
        if found is None:
            from kwartaal.core.problems import KwartaalError, msg

            raise KwartaalError(msg(
                "no kwartaal.toml in this folder or above it; use --repo PATH (or KWARTAAL_REPO), "
                "or create a body with 'kwartaal init'"))
        return found

    def today(self) -> dt.date:
        from kwartaal.core.dates import today

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

    def body(self, *, public: bool = True) -> Any:
        """The loaded body; commands that need sound data refuse when it has errors.
        public=False: the command makes no public output (files/loader.py load)."""
        if self._body is None:
            from kwartaal.files.loader import load_checked

            self._body = load_checked(self.root(), indexed=True, public=public)
            import gc

            # The body lives as long as the command: the cycle collector need not walk its
            # records again on every collection while the command renders (a third of a
            # warm year report at 4,000 meetings). Undone when the command ends.
            gc.freeze()
            context = click.get_current_context(silent=True)
            if context is not None:
                context.call_on_close(gc.unfreeze)
        return self._body

    def lang(self) -> str:
        if self.lang_option:
            return self.lang_option
        if self._body is not None:
            return str(self._body.config.language)
        try:
            from kwartaal.files.paths import CONFIG_FILE, root_folder

            # found as _root finds it, but without a refusal: no body, no preference
            found = root_folder(None if self.repo is None else str(self.repo), os.getcwd())
            if found is None:
                return "en"
            # the standard parser, which reads every file the loader accepts as the loader does
            # (files/tomlread.py); importing the loader's reading (its native parser and the
            # patterns of its safety scan) cost a warm command on a small body a tenth of its
            # time, only to choose the language of its messages
            import tomllib

            with open(os.path.join(found, CONFIG_FILE), "rb") as handle:
                text = handle.read().decode("utf-8-sig")
            lang = tomllib.loads(text).get("body", {}).get("language")
            return lang if lang in ("nl", "en") else "en"
        except Exception:  # noqa: BLE001 - any failure here just means: no preference known
            return "en"

    def say(self, text: str, **params: Any) -> None:
        from kwartaal.core.problems import msg

        click.echo(msg(text, **params).render(self.lang()))

    def committed(self, result: Any, what: str | Msg) -> None:
        text = what if isinstance(what, str) else what.render(self.lang())
        if result.reason == "committed":
            self.say("{what} (commit {sha})", what=text,
                     sha=result.sha[:8])
        elif result.reason == "not-a-repository" and not self._told_no_git:
            self._told_no_git = True
            self.say("{what}; not a git repository, so nothing was committed",
                     what=text)
        else:
            self.say("{what} (not committed)", what=text)


def current_state() -> State:
    return click.get_current_context().ensure_object(State)


def set_state(attr: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            setattr(ctx.ensure_object(State), attr, value)
        return value

    return callback


def global_options(func: Callable[..., Any], *, env: bool,
                    skip: tuple[str, ...] = ()) -> Callable[..., Any]:
    options = {
        "repo": click.option(
            "--repo", type=click.Path(file_okay=False), metavar="PATH",
            envvar="KWARTAAL_REPO" if env else None, expose_value=False,
            callback=set_state("repo"), is_eager=True,
            help="Folder of the body (holding kwartaal.toml). Default: the nearest one upward "
                 "from here; also KWARTAAL_REPO."),
        "today": click.option(
            "--today", metavar="YYYY-MM-DD", envvar="KWARTAAL_TODAY" if env else None,
            expose_value=False, callback=set_state("today_text"), is_eager=True,
            help="Take this date as today (also KWARTAAL_TODAY)."),
        "lang": click.option(
            "--lang", type=click.Choice(["nl", "en"]), envvar="KWARTAAL_LANG" if env else None,
            expose_value=False, callback=set_state("lang_option"), is_eager=True,
            help="Language of documents and messages. Default: the body's."),
    }
    for name in reversed(list(options)):
        if name not in skip:
            func = options[name](func)
    return func


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """The global options, also accepted after the command name."""
    return global_options(func, env=False)


def common_but_lang(func: Callable[..., Any]) -> Callable[..., Any]:
    """For commands whose own --lang means something else (a person's language)."""
    return global_options(func, env=False, skip=("lang",))
