"""The command reference (docs/cli.md), made from the commands themselves: every command and
subcommand with its usage, help text, arguments and options; the global options; the exit
codes. Written by hand it would drift from the code; made from it, a test can hold the file
to it.

    python -m kwartaal.cli.reference > docs/cli.md
"""

from __future__ import annotations

import inspect
import sys

import click

from kwartaal.cli.main import COMMANDS, cli
from kwartaal.core.exits import EXIT_CODES

HEADER = """\
# Command reference

Every command of `kwartaal`, with its options, as `kwartaal COMMAND --help` shows them. This
file is generated from the commands' own help; do not edit it by hand, change the help in
`src/kwartaal/cli/` and run

```sh
python -m kwartaal.cli.reference > docs/cli.md
```

(`tests/test_docs.py` fails when this file is out of date.) For a tour, see the
[README](../README.md); for using kwartaal from Python, [api.md](api.md).
"""


def cell(text: str) -> str:
    """Text for one cell of a markdown table: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def help_markdown(text: str) -> str:
    """A click help text as markdown: `\\b` blocks (examples, lists) become code blocks, the
    rest stays as paragraphs; anything after `\\f` is for the code, not the reader."""
    text = inspect.cleandoc(text).split("\f")[0]
    parts = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b\n"):
            lines = paragraph[2:].splitlines()
            title = ""
            if lines and not lines[0].startswith(" ") and lines[0].endswith(":"):
                title, lines = lines[0] + "\n\n", lines[1:]
            body = inspect.cleandoc("\n".join(lines)) if lines else ""
            parts.append(f"{title}```sh\n{body}\n```")
        else:
            parts.append(" ".join(paragraph.split()))
    return "\n\n".join(part for part in parts if part.strip())


def option_rows(command: click.Command, ctx: click.Context,
                skip: set[tuple[str, str]]) -> list[str]:
    rows = []
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or param.hidden or "--help" in param.opts:
            continue
        record = param.get_help_record(ctx)
        if record is None or record in skip:
            continue
        names, help_text = record
        rows.append(f"| `{cell(names)}` | {cell(help_text)} |")
    return rows


def argument_rows(command: click.Command) -> list[str]:
    rows = []
    for param in command.params:
        if isinstance(param, click.Argument):
            name = param.metavar or (param.name or "").upper()
            many = param.nargs == -1
            need = "required" if param.required else "optional"
            rows.append(f"| `{name}` | {need}{', one or more' if many else ''} |")
    return rows


def command_section(command: click.Command, ctx: click.Context, path: str, level: int,
                    global_records: set[tuple[str, str]]) -> list[str]:
    lines = [f"{'#' * level} `{path}`", ""]
    pieces = " ".join(command.collect_usage_pieces(ctx))
    lines += [f"Usage: `{path} {pieces}`".rstrip("` ") + "`", ""]
    if command.hidden:
        lines += ["(Not listed by `--help`: "
                  + ("the group runs it when no subcommand is named.)"
                     if getattr(ctx.parent.command if ctx.parent else None,
                                "default_command", None) == command.name
                     else "used by git, not typed by people.)"), ""]
    if command.help:
        lines += [help_markdown(command.help), ""]
    arguments = argument_rows(command)
    if arguments:
        lines += ["| argument | |", "|---|---|", *arguments, ""]
    options = option_rows(command, ctx, global_records)
    if options:
        lines += ["| option | meaning |", "|---|---|", *options, ""]
    if isinstance(command, click.Group):
        # every subcommand in the order declared, hidden ones too (a group's default)
        for name, sub in command.commands.items():
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            lines += command_section(sub, sub_ctx, f"{path} {name}", level + 1, global_records)
    return lines


def reference() -> str:
    """The reference in English, whatever language click spoke before in this process."""
    from kwartaal.core.words import speak_click

    speak_click("en")
    root = click.Context(cli, info_name="kwartaal", **cli.context_settings)
    global_options = [p for p in cli.get_params(root) if isinstance(p, click.Option)
                      and not {"--help", "--version"} & set(p.opts)]
    records = {r for r in (p.get_help_record(root) for p in global_options) if r}
    # the same options as repeated after a command name (no environment variable there)
    for command_name in COMMANDS:
        command = cli.get_command(root, command_name)
        if command is not None:
            ctx = click.Context(command, info_name=command_name, parent=root)
            for param in command.get_params(ctx):
                if isinstance(param, click.Option) and param.name in (
                        "repo", "today", "lang_option") and param.expose_value is False:
                    record = param.get_help_record(ctx)
                    if record:
                        records.add(record)
    usage = " ".join(cli.collect_usage_pieces(root))
    lines = [HEADER, "## Usage", "", f"`kwartaal {usage}`", "",
             help_markdown(cli.help or ""), "", "## Global options", "",
             "They work before the command's name and after it; an environment variable "
             "sets one for every command run with it.", "",
             "| option | environment | meaning |", "|---|---|---|"]
    for param in global_options:
        record = param.get_help_record(root)
        if record:
            envvar = f"`{param.envvar}`" if isinstance(param.envvar, str) else ""
            lines.append(f"| `{cell(record[0])}` | {envvar} | {cell(record[1])} |")
    lines += ["| `--version` | | Show the version and exit. |",
              "| `-h, --help` | | Show the help of kwartaal or of a command, and exit. |", ""]
    lines += ["## Exit codes", "", "| code | meaning |", "|---|---|"]
    lines += [f"| {code} | {cell(meaning)} |" for code, meaning in EXIT_CODES]
    lines += ["", "## Commands", ""]
    for name, (_, _, short) in COMMANDS.items():
        lines.append(f"- [`kwartaal {name}`](#kwartaal-{name}): {short or 'used by git.'}")
    lines.append("")
    for name in COMMANDS:
        command = cli.get_command(root, name)
        if command is None:
            continue
        ctx = click.Context(command, info_name=name, parent=root)
        lines += command_section(command, ctx, f"kwartaal {name}", 3, records)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
