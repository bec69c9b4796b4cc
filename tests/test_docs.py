"""docs/cli.md is the commands' own help, regenerated: it must be up to date, name every
command, subcommand and option, and carry the same exit codes as `kwartaal --help`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from kwartaal.cli.main import COMMANDS, cli
from kwartaal.core.exits import EXIT_CODES
from tests.conftest import Run

CLI_MD = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_md_is_up_to_date(tmp_path: Path) -> None:
    """Generated the way a maintainer does, in a fresh process from a folder without a body:
    this process has run Dutch commands, and click fixes some words (a path's metavar) when
    a command's module is first imported."""
    generated = subprocess.run([sys.executable, "-m", "kwartaal.cli.reference"], cwd=tmp_path,
                               capture_output=True, text=True, check=True,
                               env={**os.environ, "KWARTAAL_LANG": "", "KWARTAAL_REPO": ""})
    assert CLI_MD.read_text(encoding="utf-8") == generated.stdout, (
        "docs/cli.md is out of date: run `python -m kwartaal.cli.reference > docs/cli.md`")


def every_command() -> list[tuple[str, click.Command]]:
    root = click.Context(cli, info_name="kwartaal")
    found = []
    for name in COMMANDS:
        command = cli.get_command(root, name)
        assert command is not None, name
        found.append((f"kwartaal {name}", command))
        if isinstance(command, click.Group):
            found += [(f"kwartaal {name} {sub}", cmd) for sub, cmd in command.commands.items()]
    return found


def test_every_command_and_option_is_documented() -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    for path, command in every_command():
        assert f"`{path}`" in text, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert any(f"{opt}" in text for opt in param.opts), (path, param.opts)


def test_exit_codes_are_the_same_in_help_and_docs(run: Run) -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    help_text = run("--help").output
    for code, meaning in EXIT_CODES:
        assert f"| {code} | {meaning} |" in text
        assert code in help_text and meaning in " ".join(help_text.split())


LISTINGS = ("check", "person list", "theme list", "meeting list", "actions", "overdue",
            "action show", "remind", "progress", "log", "compensation report")


def test_every_listing_takes_json() -> None:
    commands = dict(every_command())
    for listing in LISTINGS:
        options = {opt for p in commands[f"kwartaal {listing}"].params
                   for opt in getattr(p, "opts", [])}
        assert "--json" in options, listing


def test_compensation_json_is_the_json_format(example: Path, run: Run) -> None:
    import json

    flag = run("--repo", str(example), "compensation", "--year", "2025", "--json").output
    chosen = run("--repo", str(example), "compensation", "--year", "2025", "--format",
                 "json").output
    assert flag == chosen and json.loads(flag)["year"] == 2025
