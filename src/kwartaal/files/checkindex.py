"""The check index: each meeting file's problems, as `check` found them, so that a repeated
`check` judges again only the files that changed and redoes the checks across files.

An entry is used only when all of these are what they were:
- the file's content: its digest, as the parse index (parsed.py) established it this run —
  never from a stat record alone that could be stale;
- the context: the bytes of kwartaal.toml and people.toml, today's date, and the code of the
  checks and of the records they read;
- the answers about other files: every question the file's checks asked (does item, decision
  or meeting X exist?) is stored with its answer, and asked again.
Else the file is checked again and its entry replaced. Problems are stored as plain values
(marshal); a problem that cannot be stored leaves the file out of the index. One file per body
in the user's cache folder, like the other indexes; KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import Msg, Problem
from kwartaal.files.cache import blake2b, cache_folder, digest, where
from kwartaal.files.meeting_checks import Known
from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE

FORMAT = 2
# the code of the checks kept here: the meeting checks and the hidden-name part of the lint
CHECKS = ("files/meeting_checks.py", "files/checkindex.py", "files/privacy.py",
          "core/visibility.py", "core/naming.py", "core/folding.py", "core/detect.py",
          "core/lines.py")
DIGEST, CONTEXT, ASKED, PROBLEMS = range(4)
LINT = "lint "  # before a file's name: its hidden-name findings (ASKED: the texts shown)


def index_path(root: Path) -> str:
    key = blake2b(where(root).encode(), digest_size=12).hexdigest()
    return os.path.join(cache_folder(), f"{key}.checks")


def context_of(root: Path, today: dt.date) -> str:
    from kwartaal.files.parsed import stamp

    base = Path(__file__).resolve().parent.parent
    parts = [stamp().encode(), today.isoformat().encode()]
    parts += [(base / name).read_bytes() for name in CHECKS]
    for name in (CONFIG_FILE, PEOPLE_FILE):
        try:
            parts.append((root / name).read_bytes())
        except OSError:
            parts.append(b"-")
    return digest(b"\0".join(parts))


def encode_value(value: Any) -> Any:
    if isinstance(value, (str, bool, int, type(None))):
        return value
    if isinstance(value, Msg):
        return ("m", value.text, [(key, encode_value(item)) for key, item in
                                  value.params.items()], value.context)
    if isinstance(value, Decimal):
        return ("D", str(value))
    if type(value) is dt.date:
        return ("d", value.toordinal())
    raise TypeError(f"cannot store {type(value).__name__}")


def decode_value(value: Any) -> Any:
    if not isinstance(value, tuple):
        return value
    if value[0] == "m":
        return Msg(value[1], {key: decode_value(item) for key, item in value[2]}, value[3])
    if value[0] == "D":
        return Decimal(value[1])
    return dt.date.fromordinal(value[1])


class CheckIndex:
    def __init__(self, root: Path, digests: dict[str, str], context: str) -> None:
        self.root = root
        self.digests = digests
        self.context = context
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.changed = False
        if os.environ.get("KWARTAAL_NO_CACHE"):
            return
        try:
            with open(index_path(root), "rb") as handle:
                stored = marshal.load(handle)  # read as it goes: no second copy in memory
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: there is none
            return
        if (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT
                and stored[1] == where(root) and isinstance(stored[2], dict)):
            self.entries = stored[2]

    @classmethod
    def open(cls, root: Path, digests: dict[str, str], today: dt.date) -> CheckIndex:
        return cls(root, digests, context_of(root, today))

    def reuse(self, meeting: m.Meeting, known: Known, out: list[Problem]) -> bool:
        """Add the file's stored problems to out when they are provably still its problems."""
        name = meeting.src.path.name
        entry = self.entries.get(name)
        if (entry is None or self.digests.get(name) is None
                or entry[DIGEST] != self.digests[name] or entry[CONTEXT] != self.context
                or not known.same_answers(entry[ASKED])):
            return False
        path = meeting.src.path
        out.extend(Problem(path, line, severity, decode_value(message))
                   for line, severity, message in entry[PROBLEMS])
        self.used[name] = entry
        return True

    def keep(self, meeting: m.Meeting, asked: list[tuple[str, str, bool]],
             problems: list[Problem]) -> None:
        self._keep(meeting.src.path.name, meeting, tuple(asked), problems)

    def _keep(self, key: str, meeting: m.Meeting, asked: Any, problems: list[Problem]) -> None:
        """Store a file's problems under key: only those of the file itself, and only when
        every message can be stored."""
        name = meeting.src.path.name
        if self.digests.get(name) is None or any(p.path != meeting.src.path for p in problems):
            return
        try:
            stored = tuple((p.line, p.severity, encode_value(p.message)) for p in problems)
        except TypeError:
            return
        self.used[key] = (self.digests[name], self.context, asked, stored)
        self.changed = True

    def lint_reuse(self, meeting: m.Meeting, shown: str) -> list[Problem] | None:
        """The hidden-name findings of the file's public texts, when its content, the context
        and which of its texts public output shows (shown) are what they were."""
        name = meeting.src.path.name
        entry = self.entries.get(LINT + name)
        if (entry is None or self.digests.get(name) is None
                or entry[DIGEST] != self.digests[name] or entry[CONTEXT] != self.context
                or entry[ASKED] != shown):
            return None
        self.used[LINT + name] = entry
        path = meeting.src.path
        return [Problem(path, line, severity, decode_value(message))
                for line, severity, message in entry[PROBLEMS]]

    def lint_keep(self, meeting: m.Meeting, shown: str, problems: list[Problem]) -> None:
        self._keep(LINT + meeting.src.path.name, meeting, shown, problems)

    def save(self) -> None:
        if os.environ.get("KWARTAAL_NO_CACHE") or not (
                self.changed or set(self.used) != set(self.entries)):
            return
        try:
            blob = marshal.dumps((FORMAT, where(self.root), self.used))
            path = Path(index_path(self.root))
            path.parent.mkdir(parents=True, exist_ok=True)
            from kwartaal.files.atomic import replace_file

            replace_file(path, blob, durable=False)
        except (OSError, ValueError):
            pass  # a cache that cannot be written only makes the next run slower
