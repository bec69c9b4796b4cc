"""Writing a body's files: in place with tomlkit (comments and layout survive), atomically.

Every write goes to a temporary file in the same folder, is flushed and fsynced, and is then
renamed over the original, so a crash leaves either the old or the new file, never half of one.
While a command writes, a journal (below) keeps what each file was before, so that the change
can be undone when the commit fails, is interrupted, or the process is killed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core.problems import InvalidBody, KwartaalError, msg
from kwartaal.files.atomic import replace_file

BOM = "\ufeff"

# The check every write of a body file passes (the privacy lint of what the write adds); set
# for the length of a writing command with `checked_writes`. It gets the path, the old and the
# new text, and returns the text to write, or raises to refuse the write.
WriteCheck = Callable[[Path, str, str], str]
_WRITE_CHECK: ContextVar[WriteCheck | None] = ContextVar("kwartaal_write_check", default=None)


@contextmanager
def checked_writes(check: WriteCheck) -> Iterator[None]:
    token = _WRITE_CHECK.set(check)
    try:
        yield
    finally:
        _WRITE_CHECK.reset(token)


def current_write_check() -> WriteCheck | None:
    return _WRITE_CHECK.get()


# -- the journal ----------------------------------------------------------------------------------



def _digest(data: bytes | None) -> str | None:
    import hashlib  # here: reads that import this module need no OpenSSL

    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None  # with the lock held: no race


class Journal:
    """What a writing command changed and has not committed yet, on disk beside the lock: for
    each file, a copy of what it was before (or that it did not exist) and the hash of what
    was written; once the command commits, the commit it is making. A command that fails
    puts the files back from it; the next command finds the journal of one that was killed
    and settles it (vcs.recovery). Files the command committed leave the journal."""

    def __init__(self, folder: Path, top: Path, data: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.top = top
        data = data or {}
        self.pid: int = data.get("pid", os.getpid())
        self.files: dict[str, dict[str, Any]] = data.get("files", {})
        self.commit: dict[str, Any] | None = data.get("commit")
        self.made: list[str] = []  # commits made by this command, newest last

    @classmethod
    def load(cls, folder: Path, top: Path) -> Journal | None:
        try:
            data = json.loads((folder / "journal.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None if not folder.exists() else cls(folder, top)
        except (OSError, ValueError):
            return cls(folder, top)  # unreadable: nothing to undo from it, only to remove
        return cls(folder, top, data if isinstance(data, dict) else None)

    def rel(self, path: Path) -> str | None:
        try:
            full = path.resolve()
        except OSError:
            return None
        if not full.is_relative_to(self.top) or full.is_relative_to(self.folder):
            return None
        return full.relative_to(self.top).as_posix()

    def remember(self, path: Path, data: bytes) -> None:
        """Before path is replaced by data: keep its old bytes, unless already kept."""
        from kwartaal.files.signals import raise_if_signalled

        raise_if_signalled()  # a safe point: nothing of this write has happened yet
        rel = self.rel(path)
        if rel is None:
            return
        entry = self.files.get(rel)
        if entry is None:
            before = _read(path)
            entry = {"before": None, "before_hash": _digest(before), "mode": None}
            if before is not None:
                entry["before"] = f"copy-{len(self.files)}"
                entry["mode"] = path.stat().st_mode & 0o7777
                self.folder.mkdir(exist_ok=True)
                replace_file(self.folder / entry["before"], before, journal=True)
            self.files[rel] = entry
        entry["after"] = _digest(data)
        self.save()  # durable before the file itself changes

    def committing(self, rels: list[str], message: str, author: str | None, head: str | None,
                   index: str) -> None:
        self.commit = {"paths": rels, "message": message, "author": author, "head": head,
                       "index": index}
        if self.files:
            self.save()

    def settle(self, rels: list[str], sha: str | None = None) -> None:
        """rels are committed (or deliberately left uncommitted): nothing to undo there."""
        for rel in rels:
            self.files.pop(rel, None)
        self.commit = None
        if sha:
            self.made.append(sha)
        self.save() if self.files else self.drop()

    def save(self) -> None:
        self.folder.mkdir(exist_ok=True)
        data = {"pid": self.pid, "files": self.files, "commit": self.commit}
        replace_file(self.folder / "journal.json", json.dumps(data).encode("utf-8"), journal=True)

    def drop(self) -> None:
        if not self.folder.is_dir():
            return
        for item in self.folder.iterdir():
            with suppress(OSError):
                item.unlink()
        with suppress(OSError):
            self.folder.rmdir()

    def state(self, rel: str) -> str:
        """'before', 'after' (as this command wrote it) or 'changed' (by someone else since)."""
        entry = self.files[rel]
        now = _digest(_read(self.top / rel))
        if now == entry.get("after"):
            return "after"
        return "before" if now == entry["before_hash"] else "changed"

    def rollback(self) -> tuple[list[Path], list[Path]]:
        """Put back the files as they were before; returns those put back and those that
        someone changed since (left alone). The journal keeps only the latter."""
        restored: list[Path] = []
        changed: list[Path] = []
        for rel in list(self.files):
            entry = self.files[rel]
            path = self.top / rel
            state = self.state(rel)
            if state == "changed":
                changed.append(path)
                continue
            if state == "after":
                if entry["before"] is None:
                    path.unlink(missing_ok=True)
                else:
                    replace_file(path, (self.folder / entry["before"]).read_bytes(),
                             mode=entry["mode"])
                restored.append(path)
            del self.files[rel]
        self.save() if self.files else self.drop()
        return restored, changed


_JOURNAL: ContextVar[Journal | None] = ContextVar("kwartaal_journal", default=None)


@contextmanager
def journaled(journal: Journal) -> Iterator[Journal]:
    token = _JOURNAL.set(journal)
    try:
        yield journal
    finally:
        _JOURNAL.reset(token)


def current_journal() -> Journal | None:
    return _JOURNAL.get()


def write_body_file(path: Path, new: str, old: str = "", *, bom: bool = False) -> None:
    """Replace (or create) a file of the body, after the write check; never half-written."""
    check = _WRITE_CHECK.get()
    if check is not None:
        new = check(path, old, new)
    atomic_write(path, (BOM if bom else "") + new)


def read_text(path: Path) -> tuple[str, bool]:
    """The file's text without a byte-order mark, and whether it had one."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KwartaalError(msg(
            "{path}: not valid UTF-8 text; save it as UTF-8 first",
            path=path)) from exc
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def parse(text: str, path: Path) -> Any:
    import tomlkit

    try:
        return tomlkit.parse(text)
    except Exception as exc:  # tomlkit raises several parse error classes
        raise InvalidBody(msg(
            "{path}: cannot edit, the file has a TOML error: {err}",
            path=path, err=exc)) from exc


@contextmanager
def edit(path: Path) -> Iterator[Any]:
    """Edit a TOML file as a tomlkit document; written back only if its text changed."""
    import tomlkit

    text, bom = read_text(path)
    doc = parse(text, path)
    yield doc
    new = tomlkit.dumps(doc)
    if new != text:
        write_body_file(path, new, text, bom=bom)


def roundtrip(text: str) -> str:
    """What the write path makes of an unchanged file (byte-identical for valid TOML)."""
    import tomlkit

    return tomlkit.dumps(tomlkit.parse(text))


def toml_value(value: Any) -> Any:
    """A Python value as a tomlkit item; amounts keep exactly two decimals."""
    import tomlkit
    from tomlkit.items import Float, Trivia

    if isinstance(value, Decimal):
        return Float(float(value), Trivia(), f"{value:.2f}")
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table[key] = toml_value(item)
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for item in value:
            array.append(toml_value(item))
        return array
    if isinstance(value, (str, bool, int, dt.date)):
        return tomlkit.item(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def inline_table(values: Mapping[str, Any]) -> Any:
    """An inline table written the way people write them: { a = 1, b = "x" }."""
    import tomlkit

    inner = ", ".join(f"{key} = {toml_value(value).as_string()}"
                      for key, value in values.items())
    return tomlkit.parse(f"x = {{ {inner} }}\n")["x"]


def render_table(header: str, values: Mapping[str, Any], *, array: bool) -> str:
    """One table as TOML text, e.g. '[[action]]' with its keys, for appending to a file.

    A list of tables (an action's history) is written one entry per line."""
    import tomlkit

    lines = [f"[[{header}]]" if array else f"[{header}]"]
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            entries = "".join(f"  {inline_table(v).as_string()},\n" for v in value)
            lines.append(f"{key} = [\n{entries}]")
            continue
        fragment = tomlkit.document()
        fragment[key] = toml_value(value)
        lines.append(tomlkit.dumps(fragment).rstrip("\n"))
    return "\n".join(lines) + "\n"


def append_table(path: Path, header: str, values: Mapping[str, Any], *, array: bool) -> None:
    """Append a table at the end of a file, separated by one blank line; nothing else changes.
    Keys whose value is None are left out."""
    append_tables(path, header, [values], array=array)


def append_tables(path: Path, header: str, rows: list[Mapping[str, Any]], *,
                  array: bool) -> None:
    """Append several tables in one write (all or none of them). A new [[note]] goes after
    the file's last [[note]], so that a file keeps its notes together, its actions together,
    …; the end of the file when it has none."""
    if path.exists():
        text, bom = read_text(path)
    else:
        text, bom = "", False
    before = text
    added = ""
    for values in rows:
        added += ("\n" if added else "") + render_table(header, values, array=array)
    new = _appended_at_end(text, added)
    if array:
        grouped = _inserted_after_last(text, header, added)
        if grouped is not None and _same_records(parse(grouped, path), parse(new, path)):
            new = grouped
    parse(new, path)  # never write what cannot be read back
    write_body_file(path, new, before, bom=bom)


def _appended_at_end(text: str, added: str) -> str:
    if text and not text.endswith("\n"):
        text += "\n"
    if text and not text.endswith("\n\n"):
        text += "\n"
    return text + added


_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]+?)[ \t]*\]\]?[ \t]*(#.*)?$")


def _header_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, table name) of every table header outside multi-line strings."""
    found = []
    inside: str | None = None
    for index, line in enumerate(lines):
        if inside is None:
            match = _HEADER.match(line)
            if match:
                found.append((index, match.group(1).strip('"\' ')))
                continue
        for quote in ('"""', "'''"):
            count = line.count(quote)
            if inside in (None, quote) and count % 2 == 1:
                inside = quote if inside is None else None
    return found


def _inserted_after_last(text: str, header: str, added: str) -> str | None:
    """text with added placed after the last [[header]] table and what belongs to it (its
    sub-tables), before the comments that introduce the next table; None when the file has no
    [[header]] or it already ends with one."""
    lines = text.splitlines(keepends=True)
    headers = _header_lines(lines)
    own = [i for i, (_, name) in enumerate(headers) if name == header]
    if not own:
        return None
    following = [line for line, name in headers[own[-1] + 1:]
                 if name != header and not name.startswith(header + ".")]
    if not following:
        return None
    cut = following[0]
    while cut > 0 and (lines[cut - 1].strip().startswith("#") or not lines[cut - 1].strip()):
        cut -= 1
    head = "".join(lines[:cut])
    if not head.endswith("\n"):
        head += "\n"
    tail = "".join(lines[cut:]).lstrip("\n")
    return head + "\n" + added + "\n" + tail


def _same_records(one: Any, other: Any) -> bool:
    """Whether two parsed documents hold the same data (key order aside)."""
    return bool(one.unwrap() == other.unwrap())


def atomic_write(path: Path, text: str) -> None:
    """Replace path with text; keeps the file's permissions; never leaves a partial file."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True,
                       executable: bool = False, cleared: bool = False) -> None:
    """Write to a temporary file in the same folder, fsync, rename over the original.
    durable=False skips the fsync, for files that may be lost (a cache, a site) and are not
    journaled; executable=True adds the execute bits the umask allows (a git hook);
    cleared: the caller removed the stray temporary files of this path already
    (files/atomic.py clear_stale_temporaries, once for many files of one folder)."""
    journal = _JOURNAL.get()
    named = journal is not None and durable and journal.rel(path) is not None
    if named:
        journal.remember(path, data)
    replace_file(path, data, durable=durable, executable=executable,
                 journaled=named or cleared)
