"""Commands about the body itself: check, init, people, themes, settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kwartaal.cli.options import common, current_state, set_state
from kwartaal.cli.shared import (
    AUTHOR,
    NO_COMMIT,
    apply,
    commit_options,
    into_state,
    json_option,
    warn,
)
from kwartaal.core.problems import msg
from kwartaal.core.words import Plural, tr

# -- check --------------------------------------------------------------------------------------

@click.command()
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--staged", is_flag=True,
              help="Check the files as staged for the next commit (git's index), not as they "
                   "are in the folder; what the pre-commit hook runs.")
@click.option("--new", "new_only", is_flag=True,
              help="Only problems that the last commit does not have already fail; the others "
                   "are still listed. The pre-commit hook judges a commit by what it brings in.")
@click.option("--all-bodies", is_flag=True,
              help="Every body (kwartaal.toml) in this repository; with --staged, every body "
                   "with staged changes.")
@json_option("Print {errors, warnings} as JSON.")
@common
def check(strict: bool, staged: bool, new_only: bool, all_bodies: bool, as_json: bool) -> None:
    """Validate the whole body: syntax, keys, types, dates, references, amounts, privacy.

    Prints one line per problem (path:line: error|warning: message) and a count.
    Exit 0 without errors (warnings fail only with --strict), 1 with errors.

    \b
    Examples:
      kwartaal --repo meetings check --strict
      kwartaal check --strict --staged --new --all-bodies     # the pre-commit hook
    """
    from collections import Counter

    from kwartaal.files.paths import shown_path
    from kwartaal.files.validate import check_folder

    state = current_state()
    today = state.today()
    if all_bodies:
        start = Path(state.repo) if state.repo is not None else Path.cwd()
        if staged:
            from kwartaal.vcs.hooks import staged_bodies

            roots = staged_bodies(start)
        else:
            from kwartaal.vcs.history import find_bodies

            roots = find_bodies(start)
    else:
        roots = [state.root()]

    def checked(folder: Path, shown_as: Path) -> tuple[Any, list[Any]]:
        """Load and validate folder, naming its files as below shown_as; keys compare a
        problem across versions of the body (lines move, so they are left out). The parse
        index serves the body's own folder, not the temporary copies of git's versions."""
        import dataclasses

        body, problems = check_folder(folder, today, indexed=folder == shown_as)
        result = []
        for p in problems:
            rel = p.path.relative_to(folder) if p.path.is_relative_to(folder) else p.path
            result.append((dataclasses.replace(p, path=shown_as / rel),
                           (p.severity, rel.as_posix(), p.text("en"))))
        return body, result

    failing: list[Any] = []
    errors: list[Any] = []
    warnings: list[Any] = []
    for root in roots:
        if staged:
            from kwartaal.vcs.hooks import staged_copy

            # The index's version, in a temporary folder; problems name the real files, which
            # is where the user fixes them.
            with staged_copy(root) as copy:
                body, found = checked(copy, root)
        else:
            body, found = checked(root, root)
        before: Counter[tuple[str, str, str]] = Counter()
        # The last commit's version is only checked when something could fail.
        if new_only and any(p.severity == "error" or strict for p, _ in found):
            from kwartaal.vcs.hooks import committed_copy

            with committed_copy(root) as head:
                if head is not None:
                    before.update(key for _, key in checked(head, root)[1])
        problems = [problem for problem, _ in found]
        old = 0
        for problem, key in found:
            if before[key] > 0:  # the last commit has it already: shown, does not fail
                before[key] -= 1
                old += 1
            elif problem.severity == "error" or strict:
                failing.append(problem)
        state.use(body)
        lang = state.lang()
        body_errors = [p for p in problems if p.severity == "error"]
        body_warnings = [p for p in problems if p.severity == "warning"]
        errors += body_errors
        warnings += body_warnings
        if as_json:
            continue
        for p in problems:
            where = shown_path(p.path) + (f":{p.line}" if p.line else "")
            word = tr("error", lang) if p.severity == "error" else tr("warning", lang)
            click.echo(f"{where}: {word}: {p.text(lang)}")
        label = ""
        if all_bodies:  # with several bodies, each count says whose it is
            shown = shown_path(root)
            label = f"{root.name if shown == '.' else shown}: "
        state.say("{label}{e}, {w}{old}", label=label,
                  e=Plural("{count} error", "{count} errors", len(body_errors)),
                  w=Plural("{count} warning", "{count} warnings", len(body_warnings)),
                  old=msg(", {old} of them already in the last commit", old=old) if old else "")
    if as_json:
        from kwartaal.cli.output import emit_json

        lang = state.lang()

        def entry(p: Any) -> dict[str, Any]:
            return {"path": shown_path(p.path), "line": p.line, "message": p.text(lang)}

        emit_json({"errors": [entry(p) for p in errors], "warnings": [entry(p) for p in warnings]})
    if failing:
        sys.exit(1)


# -- init ---------------------------------------------------------------------------------------

@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", help="The body's name, e.g. 'Kwartaaloverleg Sekswerk Voorbeeldstad'.")
@click.option("--lang", "body_lang", type=click.Choice(["nl", "en"]), default="nl",
              show_default=True, help="The body's language.")
@click.option("--today", metavar="YYYY-MM-DD", expose_value=False, callback=set_state("today_text"),
              help="Take this date as today.")
@into_state(NO_COMMIT, AUTHOR)
def init(path: Path, name: str | None, body_lang: str) -> None:
    """Create a new body: kwartaal.toml with the three standing items, people.toml, meetings/.

    Runs 'git init' when PATH is not in a git repository yet, and commits. Refuses to touch an
    existing body.

    \b
    Example:
      kwartaal init overleg --name "Kwartaaloverleg Sekswerk Voorbeeldstad" --lang nl
    """
    from kwartaal.edit.admin import create_body
    from kwartaal.edit.pipeline import CommitOptions
    from kwartaal.vcs.hooks import install_hook

    state = current_state()
    state.lang_option = state.lang_option or body_lang
    outcome = create_body(path, name, body_lang, options=state.commit or CommitOptions(),
                          say=warn)
    folder = path.resolve()
    notice = install_hook(folder, body_lang).notice()
    if notice is not None:
        click.echo(notice.render(body_lang), err=True)
    state.committed(outcome.commit, msg("created a body in {p}",
                                        p=path).render(body_lang))


# -- themes -------------------------------------------------------------------------------------

@click.group()
def theme() -> None:
    """Themes (oplossingsrichtingen) that actions hang under.

    \b
    Example:
      kwartaal theme list
    """


@theme.command("add")
@click.argument("key")
@click.option("--title", required=True, help="Title in the body's language.")
@click.option("--title-en", default=None, help="English title, when the body is Dutch.")
@commit_options
def theme_add(key: str, title: str, title_en: str | None) -> None:
    """Add a theme to kwartaal.toml.

    \b
    Example:
      kwartaal theme add destigmatisering --title Destigmatisering --title-en Destigmatisation
    """
    from kwartaal.edit.admin import add_theme

    apply(lambda body: add_theme(body, key, title, title_en))


@theme.command("list")
@json_option()
@common
def theme_list(as_json: bool) -> None:
    """List the themes.

    \b
    Example:
      kwartaal theme list
    """
    from kwartaal.core.model import text_in

    state = current_state()
    body = state.body()
    lang = state.lang()
    themes = list(body.config.themes.values())
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([{"key": t.key, "title": text_in(t.title, lang, body.config.language)}
                   for t in themes])
        return
    from kwartaal.cli.output import table

    table(["key", tr("title", lang)],
          [[t.key, text_in(t.title, lang, body.config.language)] for t in themes])


# -- config -------------------------------------------------------------------------------------

@click.group()
def config() -> None:
    """Read and change the body's settings in kwartaal.toml.

    \b
    Example:
      kwartaal config get cadence.time
    """


@config.command("get")
@click.argument("key")
@common
def config_get(key: str) -> None:
    """Print a setting by its dotted key.

    \b
    Example:
      kwartaal config get cadence.time
    """
    from kwartaal.edit.admin import config_get as get

    state = current_state()
    value = get(state.body(), key)
    if isinstance(value, (dict, list)):
        from kwartaal.cli.output import emit_json

        emit_json(value)
    elif isinstance(value, bool):
        click.echo("true" if value else "false")
    else:
        click.echo(str(value))


@config.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("key")
@click.argument("value")
@commit_options
def config_set(key: str, value: str) -> None:
    """Change a setting; it is validated before anything is written.

    Lists are given comma-separated.

    \b
    Examples:
      kwartaal config set compensation.regime fee
      kwartaal config set cadence.months 3,6,9,12
    """
    from kwartaal.edit.admin import config_set as set_

    apply(lambda body: set_(body, key, value))
