"""The parse index: each meeting file's parsed tables, keyed by the file's content, so that a
command reading the whole body (agenda, minutes, report, site, check, remind) does not parse
again the files that did not change.

- Validated exactly as the action index (cache.py): a file's stored tables are used only when
  its stat record (size, modification time, inode change time, inode) is unchanged and was
  older than two seconds when the run that wrote it began, or else when its bytes hash to
  the stored digest. Anything else is parsed again; files that disappeared drop out.
- Only files that parsed without a problem are stored, so the problems a command reports are
  the ones a parse would report. What is built from the tables (records, problems of keys and
  values) is built the usual way: the output is the uncached one by construction.
- The tables are kept as plain values (marshal; loading cannot run code). The values TOML has
  and marshal does not (dates, times, date-times, exact decimals) are stored as tagged tuples;
  tomllib never produces a tuple, so a tuple is always a tag.
- One file per body in the user's cache folder, never in the repository; stamped with
  kwartaal's version and the body's folder; anything unreadable, corrupt or foreign is ignored
  and rebuilt. KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal import __version__
from kwartaal.core.values import MAX_FILE_BYTES
from kwartaal.files.blobs import Held
from kwartaal.files.cache import (
    cache_folder,
    caching,
    digest,
    sealed,
    stat_key,
    trusted,
    unsealed,
    where,
)
from kwartaal.files.keeping import index_file
from kwartaal.files.meetingblob import packed, unpack, with_later_parts
from kwartaal.files.paths import read_in_place
from kwartaal.files.putoff import put_off
from kwartaal.files.readbefore import digest_read_before
from kwartaal.files.scalars import tag_scalar, untag_scalar

if TYPE_CHECKING:
    from kwartaal.files import records
Former = Callable[[dict[str, Any]], "tuple[Any, records.Formed] | None"]  # see meeting

FORMAT = 6
STAT, KEY, TABLES, RECORDS = range(4)  # an entry: stat, digest, tables, records by language
INSIDE = "/inside"  # after the language: records stored without their public facts


def index_path(root: str | os.PathLike[str]) -> str:
    return index_file(root, ".parsed")


# -- the codec ------------------------------------------------------------------------------------

def encode(value: Any) -> Any:
    """Parsed TOML as values marshal keeps: tables and arrays as they are, the rest tagged."""
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, (str, bool, int)):
        return value
    return tag_scalar(value)


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, tuple):
        return value
    return untag_scalar(value)


def stamp() -> str:
    """kwartaal's version and the code that builds records: stored records are only valid for
    the code that built them."""
    from kwartaal.files.records import code_stamp

    return f"{__version__} {code_stamp()}"


# -- the index ------------------------------------------------------------------------------------

def _read(root: Path) -> tuple[dict[str, Any], Any] | None:
    """The stored header and the open file whose blobs it points into (read one by one when
    needed: the index is never in memory whole)."""
    if not caching():
        return None
    try:
        handle = open(index_path(root), "rb")  # noqa: SIM115 - kept open for the blobs
    except OSError:
        return None
    try:  # the header only (its length, then it sealed); the blobs follow it
        header = unsealed(handle.read(int.from_bytes(handle.read(8), "big")))
        if header is None:
            raise ValueError("cut short or changed")
        stored = marshal.loads(header)
    except Exception:  # noqa: BLE001 - unreadable or corrupt: there is none
        handle.close()
        return None
    if (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == FORMAT
            and stored[1] == stamp() and stored[2] == where(root)
            and isinstance(stored[3], dict) and isinstance(stored[3].get("files"), dict)):
        try:
            end = os.fstat(handle.fileno()).st_size
            need = handle.tell() + max(
                (place[0] + place[1] for entry in stored[3]["files"].values()
                 for place in (entry[TABLES], *entry[RECORDS].values()) if place),
                default=0)
        except Exception:  # noqa: BLE001 - entries of another shape: corrupt
            need = end + 1
        # parts of records are read when first used, long after this: an index cut short, or
        # with bytes changed since it was written, is no index at all
        if end >= need and _blobs_check(handle, need) == stored[3].get("check"):
            return stored[3], handle
    handle.close()
    return None


def _blobs_check(handle: Any, end: int) -> int:
    """The CRC-32 of the blobs, from the end of the header to end: reading and checking them
    costs little next to decoding them (a 45 MB index at 4,000 meetings: about 40 ms)."""
    import zlib

    check, at = 0, handle.tell()
    while at < end:
        data = os.pread(handle.fileno(), min(1 << 20, end - at), at)
        if not data:
            return -1
        check = zlib.crc32(data, check)
        at += len(data)
    return check


class ParseIndex:
    """File name -> (stat, digest, encoded tables, {language: encoded records}) of the
    meeting files of one body; the tables are None once records were built from them."""

    def __init__(self, root: Path, found: tuple[dict[str, Any], Any] | None,
                 public: bool = True) -> None:
        self.root = root
        # whether the records made are stored with the facts public output is checked with
        # (core/facts.py): a command that makes none need not fold every text for them
        self.public = public
        self.enabled = caching()
        stored, handle = found or ({}, None)
        self.base = handle.tell() if handle is not None else 0
        self.handle: Held | None = None if handle is None else Held(handle)
        self.entries: dict[str, Any] = stored.get("files", {})
        self.saved_ns: int = stored.get("saved", 0)
        self.opened_ns = time.time_ns()  # before any file it keeps was read: saved as its time
        self.used: dict[str, Any] = {}
        self.dates: dict[str, int] = {}  # of the meetings built cleanly (meetingdates.remember)
        self.changed = False
        # blobs made this run wait in an unlinked temporary file, not in memory: a cold run
        # holds the body's records once, not their stored form as well
        self.spool: Any = None
        self.spooled = 0
        # files whose entry was made this run ahead of reading them (files/prefill.py): taken
        # only once the bytes on disk hash to what was parsed, never by their stat record
        self.fresh: set[str] = set()

    @classmethod
    def open(cls, root: Path, public: bool = True) -> ParseIndex:
        return cls(root, _read(root), public)

    def _kinds(self, language: str) -> tuple[str, ...]:
        """The keys of the records this run may use: a file's records in its language with
        their public facts, or also without them (INSIDE) when this run makes no public
        output."""
        return (language,) if self.public else (language, language + INSIDE)

    def blob(self, stored: Any) -> bytes:
        """A blob: new ones are bytes or (offset, length, the Held spool they are in),
        stored ones (offset, length) in the index file. A blob that cannot be read whole raises
        ValueError, as a corrupt one would."""
        if isinstance(stored, bytes):
            return stored
        held, where_at = self._held(stored)
        return held.read(where_at, stored[1])

    def _held(self, stored: Any) -> tuple[Held, int]:
        held, where_at = ((stored[2], stored[0]) if len(stored) == 3
                          else (self.handle, self.base + stored[0]))
        if held is None:
            raise ValueError("no index file")
        return held, where_at

    def reader(self, stored: Any) -> Callable[[int, int], bytes]:
        """read(offset, length) of one blob, also after this index is closed (the records
        read their later parts through it)."""
        if isinstance(stored, bytes):
            def read(offset: int, length: int) -> bytes:
                if offset < 0 or length < 0 or offset + length > len(stored):
                    raise ValueError("outside the blob")
                return stored[offset:offset + length]

            return read
        held, where_at = self._held(stored)
        return held.window(where_at, stored[1])

    def keep(self, data: bytes) -> Any:
        """A new blob, put in the spool (as bytes when there can be none)."""
        if not self.enabled:
            return data
        if self.spool is None:
            try:
                folder = cache_folder()
                os.makedirs(folder, exist_ok=True)
                self.spool = Held(tempfile.TemporaryFile(dir=folder))  # noqa: SIM115
            except OSError:
                self.enabled = False  # nowhere to keep it: nothing will be saved either
                return data
        try:
            written = os.pwrite(self.spool.handle.fileno(), data, self.spooled)
        except OSError:  # a full disk, a file size limit: kept in memory, nothing saved
            written = -1
        if written != len(data):
            self.enabled = False
            return data
        self.spooled += len(data)
        return (self.spooled - len(data), len(data), self.spool)

    def close(self) -> None:
        """Let go of the files: each is closed when no record still reads from it."""
        self.handle = self.spool = None

    def meeting(self, path: Path, language: str,
                parse: Callable[[bytes | None], dict[str, Any] | None],
                build: Callable[[dict[str, Any]], tuple[Any, bool]],
                formed: Former | None = None) -> tuple[bool, Any]:
        """(whether the file parsed, the meeting built from it or None). The meeting comes
        from the index when the file's content is provably the same and it was built cleanly
        in this language before; else from its stored tables; else parse(bytes) (None when
        the file cannot be read: parse reports why). build(tables) -> (meeting, clean);
        formed(tables) -> (the meeting without its later parts, those parts stored with the
        facts this run stores) or None (loader.formed_meeting): taken first, the meeting is
        then read from what is stored, its records built when first used."""
        name = path.name
        stat = stat_key(path)
        entry = self.entries.get(name)
        kinds = self._kinds(language)
        if entry is not None and entry[TABLES] is None and not any(
                kind in entry[RECORDS] for kind in kinds):
            entry = None  # kept as records of another kind only: parsed again
        if entry is None or name in self.fresh or not trusted(stat, entry[STAT],
                                                              self.saved_ns):
            # made ahead: the bytes must hash to what was parsed (as read before: readbefore)
            key = digest_read_before(path, stat) if name in self.fresh else None
            data = None
            if key is None or entry is None or entry[KEY] != key:
                with contextlib.suppress(OSError):
                    data = None if stat is None or stat[0] > MAX_FILE_BYTES else \
                        read_in_place(path)
                if data is None:  # refused or unreadable: the parse reports why
                    raw = parse(None)
                    return (False, None) if raw is None else (True, build(raw)[0])
                key = digest(data)
            if entry is not None and entry[KEY] == key:
                entry = (stat, key, entry[TABLES], entry[RECORDS])
                self.changed = True
            else:
                raw = parse(data)
                if raw is None:
                    return False, None
                # the tables are encoded only when no records can stand for them
                return True, self._built(name, (stat, key, None, {}), path, language, raw,
                                         build, formed)
        self.used[name] = entry
        try:
            stored = next((entry[RECORDS][kind] for kind in kinds if kind in entry[RECORDS]),
                          None)
            if stored is not None:
                meeting = unpack(self.reader(stored), path)
                self.dates[name] = meeting.date.toordinal()
                return True, meeting
            raw = decode(marshal.loads(self.blob(entry[TABLES])))
        except Exception:  # noqa: BLE001 - a corrupt or cut blob: the file is read again
            del self.used[name]
            self.entries.pop(name, None)
            return self.meeting(path, language, parse, build, formed)
        return True, self._built(name, entry, path, language, raw, build, formed)

    def lacking(self, paths: list[Path], language: str) -> list[Path]:
        """The files with no records this run may use: parsed whatever their stat records say."""
        kinds = self._kinds(language)
        return [path for path in paths if (entry := self.entries.get(path.name)) is None
                or not any(kind in entry[RECORDS] for kind in kinds)]

    def formed(self, path: Path, parse: Callable[[bytes], dict[str, Any] | None],
               formed: Former) -> tuple[str, Any, str, bytes] | None:
        """(name, stat record, digest, stored records) of a file whose tables are all on the
        quick path (formed) and which parse(bytes) reads without a problem; else None, and
        the file is left to meeting(), which reports what there is. Changes nothing."""
        stat = stat_key(path)
        try:
            data = None if stat is None or stat[0] > MAX_FILE_BYTES else read_in_place(path)
        except OSError:
            return None
        raw = None if data is None else parse(data)
        got = None if raw is None else formed(raw)
        if got is None:
            return None
        try:
            blob = packed(got[0], path, self.public, got[1])[0]
        except (TypeError, ValueError):
            return None
        return path.name, stat, digest(data), blob  # type: ignore[arg-type]

    def take(self, name: str, language: str, stat: Any, key: str, stored: Any) -> None:
        """An entry made this run ahead of meeting() (files/prefill.py), its records stored
        (a blob's place); meeting() takes it once the file's bytes hash to key."""
        kind = language if self.public else language + INSIDE
        self.entries[name] = (stat, key, None, {kind: stored})
        self.fresh.add(name)

    def _built(self, name: str, entry: tuple[Any, ...], path: Path, language: str,
               raw: dict[str, Any], build: Callable[[dict[str, Any]], tuple[Any, bool]],
               formed: Former | None) -> Any:
        got = None if formed is None else formed(raw)
        meeting, clean = build(raw) if got is None else (got[0], True)
        given, blob, head, base = entry, None, None, 0
        if clean and meeting is not None:
            self.dates[name] = meeting.date.toordinal()
            try:
                blob, head, base = packed(meeting, path, self.public,
                                           None if got is None else got[1])
            except (TypeError, ValueError):
                blob = None
        if blob is None and got is not None:  # its later parts were only stored
            meeting, clean = build(raw)
        if blob is not None:
            kept = self.keep(blob)
            # the body holds what a warm run holds: the meeting's later parts are read from
            # the spool when first used (records.Later), not every record of every meeting
            meeting = unpack(self.reader(kept), path) if got is None else with_later_parts(
                meeting, head, base, self.reader(kept), path)  # its head is built already
            # the records stand for the tables, which are not kept (half the index)
            # (records with public facts stand for those without)
            kind = language if self.public else language + INSIDE
            entry = (entry[STAT], entry[KEY], None, {
                **{other: stored for other, stored in entry[RECORDS].items()
                   if other != language + INSIDE}, kind: kept})
        elif entry[TABLES] is None:
            try:
                entry = (entry[STAT], entry[KEY], self.keep(marshal.dumps(encode(raw))), {})
            except (TypeError, ValueError, RecursionError):  # e.g. a key dotted 1,000 deep
                return meeting  # cannot be stored: built again next time
        self.used[name] = entry
        self.changed = self.changed or entry is not given
        return meeting

    def digests(self) -> dict[str, str]:
        """The content digest of every file read this run that parsed."""
        return {name: entry[KEY] for name, entry in self.used.items()}

    def save(self) -> None:
        """Write the index (when the command says so, if it put saves off: putoff.py)."""
        if not put_off(self._save_now):
            self._save_now()

    def _save_now(self) -> None:
        if not self.enabled or not (self.changed or set(self.used) != set(self.entries)):
            self.close()
            return
        order: list[Any] = []  # the blobs in the order they are written after the header
        size = 0

        def put(stored: Any) -> Any:
            nonlocal size
            if stored is None:
                return None
            length = len(stored) if isinstance(stored, bytes) else stored[1]
            order.append(stored)
            size += length
            return (size - length, length)

        try:
            files = {name: (entry[STAT], entry[KEY], put(entry[TABLES]),
                            {lang: put(stored) for lang, stored in entry[RECORDS].items()})
                     for name, entry in self.used.items()}
            import zlib

            check = 0
            for stored in order:
                check = zlib.crc32(self.blob(stored), check)
            saved = self.opened_ns
            data = {"files": files, "saved": saved, "check": check}
            header = sealed(marshal.dumps((FORMAT, stamp(), where(self.root), data)))
            header = len(header).to_bytes(8, "big") + header
            path = Path(index_path(self.root))
            path.parent.mkdir(parents=True, exist_ok=True)
            from kwartaal.files.atomic import replace_file

            # written blob by blob, copied from the old index and the spool: never whole
            replace_file(path, itertools.chain([header], map(self.blob, order)),
                         durable=False)
        except (OSError, ValueError):
            return  # a cache that cannot be written only makes the next run slower
        finally:
            self.close()
        from kwartaal.files.meetingdates import remember

        # the dates of the meetings read, for the writes that look meetings up by date
        remember(self.root, saved, {name: (entry[STAT], self.dates[name])
                                    for name, entry in files.items() if name in self.dates})
