"""The page index: the site's pages keyed by their inputs, so that a repeated `site` neither
renders nor searches again a page whose inputs did not change.

Two kinds of entry, each keyed by a BLAKE2b digest of exactly what decides it:
- a rendered page: the digest of everything the page is rendered from — the data the site
  hands its template (the public renderings of records, already built this run from the body
  as it is now: never from stat records), the page's name, template and language, today's
  date, kwartaal's version and the bytes of kwartaal's own code, translations and templates,
  and of the body's own templates folder — gives the page's text. Rendering is a function of
  these, so the stored text is what rendering would give.
- a checked page: the digest of a finished page's text, together with everything the public
  privacy check searches it for (View.check_key: the hidden names and their owners, the
  closed texts, links, internal places and compensation amounts) and the totals the page may
  publish, is recorded once the check found the page clean. A page is taken as checked only
  when that very digest was recorded: a name hidden since, a text closed since, an amount
  added since, changes the key, and the page is searched again.
- the whole site: the digest of every file the body is loaded from (`kwartaal.toml`,
  `people.toml` and each meeting file, by name and bytes; a stat record stands for the bytes
  only when trusted by the action index's rule, files/cache.py), with today's date and the
  digest of the code and templates above, gives the name and page key of every file of the
  last build that succeeded from exactly those inputs. When the inputs are unchanged, a
  `site` neither loads the body nor builds any page's data: every page is the one built,
  rendered and found clean from the same inputs, and building it again would give the
  same. A body with a link among those files (or its templates folder) is always built.
Only the entries of the last build are kept. Plain values (marshal: where each page lies),
then the pages, compressed (files/sitefiles.py), sealed as a whole; in the user's cache folder
like the other indexes, never in the repository; unreadable, corrupt, foreign or of another
format: ignored and rebuilt. KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import marshal
import os
import time
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from kwartaal import __version__
from kwartaal.files.cache import (
    caching,
    digest,
    stat_key,
    trusted,
    where,
)
from kwartaal.files.keeping import index_file, seal, unsealed
from kwartaal.files.pagekeys import key_of
from kwartaal.files.paths import CONFIG_FILE, MEETINGS_DIR, PEOPLE_FILE
from kwartaal.files.readbefore import read_before
from kwartaal.files.sitefiles import Packed, SiteFiles, packed_bytes, packed_kind

FORMAT = 3  # pages packed (files/sitefiles.py)


def index_path(root: Path) -> str:
    return index_file(root, ".pages")


@lru_cache(maxsize=2)
def _code_digest(shipped: Path) -> str:
    """kwartaal's own code, translations and shipped templates, every file by path and stat
    record (any write changes a file's inode change time; reading every byte of the package
    cost a warm site on a small body a fifth of its time)."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__.encode()]
    for base in (package, shipped):
        parts += _folder_stats(base)
    from importlib.util import find_spec

    for library in LIBRARIES:  # their versions, without importing them
        spec = find_spec(library)
        parts.append(_bytes(Path(spec.origin)) if spec and spec.origin else b"-")
    return digest(b"\0".join(parts))


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """kwartaal's version and every file of its code, by path and stat record."""
    package = Path(__file__).resolve().parent.parent
    return digest(b"\0".join([__version__.encode(), *_folder_stats(package)]))


# Libraries whose output is part of a page: their own __init__ (which names their version).
LIBRARIES = ("jinja2", "markupsafe", "babel", "icalendar", "tzdata")


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"?"


def _folder_parts(base: Path) -> list[bytes]:
    """Every file under base by path and bytes, through linked folders too (the renderer
    follows a link that stays inside the templates folder, so a link switched is a change)."""
    parts: list[bytes] = []
    for folder, folders, files in os.walk(base, followlinks=True):
        real = os.path.realpath(folder)
        up = os.path.realpath(os.path.dirname(folder))
        if (up == real or up.startswith(real + os.sep)  # a link back up: a loop
                or os.path.relpath(folder, base).count(os.sep) > 16):
            folders[:] = []
            continue
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.fsencode(os.path.relpath(path, base).replace(os.sep, "/"))
            try:
                with open(path, "rb") as handle:
                    parts += [rel, handle.read()]
            except OSError:
                parts += [rel, b"?"]
    return parts


def _folder_stats(base: Path) -> list[bytes]:
    parts: list[bytes] = []
    for folder, folders, files in os.walk(base):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        within = os.path.relpath(folder, base)  # once per folder, not per file
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                found = os.stat(path)
                seen = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
            except OSError:
                seen = None
            rel = name if within == os.curdir else os.path.join(within, name)
            parts += [os.fsencode(rel), repr(seen).encode()]
    return parts


def templates_state(body_root: Path) -> list[bytes]:
    """The stat record of every file of the body's own templates: any write sets its change
    time, so a template written while pages were rendered, even back to the same bytes, is
    seen when these differ at the end (the digest would not see it)."""
    own = body_root / "templates"
    return _folder_stats(own) if own.is_dir() else []


def templates_digest(body_root: Path, shipped: Path) -> str:
    """What renders the site: kwartaal's code and shipped templates, and the body's own
    templates folder."""
    own = body_root / "templates"
    parts = [_code_digest(shipped).encode()]
    if own.is_dir():
        parts += _folder_parts(own)
    return digest(b"\0".join(parts))


class PageIndex:
    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled and caching()
        self.pages: dict[str, bytes] = {}  # packed (files/sitefiles.py)
        self.clean: set[str] = set()
        self.used_pages: dict[str, Packed] = {}
        self.used_clean: set[str] = set()
        self.site: tuple[Any, ...] | None = None  # (inputs, [(name, key)], folder, language)
        self.new_site: tuple[Any, ...] | None = None
        self.stats: dict[str, tuple[Any, str]] = {}  # name: (stat record, digest of bytes)
        self.saved = 0
        self.new_stats: dict[str, tuple[Any, str]] = {}
        # when this run first read the body's files (each stat record in new_stats was taken
        # after it, and stands for the bytes read with it by the same rule as one stored)
        self.first_read: int | None = None
        self.moved = False  # a file read twice this run and not provably the same between
        if not self.enabled:
            return
        stored = _read(index_path(root))
        if (isinstance(stored, tuple) and len(stored) == 7 and stored[0] == FORMAT
                and stored[1] == where(root) and isinstance(stored[2], dict)
                and isinstance(stored[3], (set, frozenset))
                and all(isinstance(k, str) and packed_kind(v) is not None
                        for k, v in stored[2].items())):
            self.pages, self.clean = stored[2], set(stored[3])
            site, stats, saved = stored[4:]
            if _valid_site(site) and isinstance(stats, dict) and isinstance(saved, int):
                self.site, self.saved = site, saved
                self.stats = {name: entry for name, entry in stats.items()
                              if isinstance(entry, tuple) and len(entry) == 2}

    # the whole site

    def site_inputs(self, today: str, templates: str) -> str | None:
        """The digest of everything the whole site is built from, read now; None when it
        cannot be told this way (no index, a link among the body's files)."""
        names = input_files(self.root) if self.enabled else None
        if names is None:
            return None
        parts = []
        if self.first_read is None:
            self.first_read = time.time_ns()
            read_before(self.root, self.new_stats, self.first_read)  # (for the loader)
        for name in names:
            path = os.path.join(self.root, name)
            stat = stat_key(path)
            known = self.stats.get(name)
            read_now = self.new_stats.get(name)
            if stat is None:
                content = "-"
            elif known is not None and trusted(stat, known[0], self.saved):
                content = known[1]
            elif read_now is not None and trusted(stat, read_now[0], self.first_read):
                content = read_now[1]  # read earlier in this run (after first_read)
            else:
                # written since this run read it (even back to the same bytes), or too soon
                # before: what was loaded in between may be neither (site_files keeps nothing)
                self.moved = self.moved or read_now is not None
                try:
                    with open(path, "rb") as handle:
                        content = digest(handle.read())
                except OSError:
                    content = "?"
            if stat is not None and content != "?":
                self.new_stats[name] = (stat, content)
            parts.append((name, content))
        return key_of("site", where(self.root), today, templates, parts)

    def kept_site(self, inputs: str | None) -> tuple[SiteFiles, str, str] | None:
        """The files of the last build made from exactly these inputs, with the publish
        folder and language of its settings, if every one of them is still in the index."""
        if inputs is None or self.site is None or self.site[0] != inputs:
            return None
        named = self.site[1]
        if not all(key in self.pages for _, key in named):
            return None
        self.used_pages, self.used_clean = dict(self.pages), set(self.clean)
        self.new_site = self.site
        files = SiteFiles()
        files.packed.update((name, self.pages[key]) for name, key in named)
        return files, self.site[2], self.site[3]

    def keep_site(self, inputs: str | None, named: list[tuple[str, str]], folder: str,
                  language: str) -> None:
        """Record the files of a build that succeeded from these inputs (read before the body
        was loaded and again after the build, and found the same)."""
        if inputs is not None and self.enabled:
            self.new_site = (inputs, named, folder, language)

    def name_page(self, key: str | None, content: str | bytes, packed: Packed) -> str:
        """The key a file of the site is kept under (one the page key cannot describe: under
        its own bytes); packed: the file as kept (files/sitefiles.py)."""
        if key is None:
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) \
                else content
            key = key_of("text", digest(data))
            self.keep_page(key, packed)
        return key

    def page(self, key: str | None) -> Packed | None:
        """The text rendered before from exactly these inputs, if any, packed
        (files/sitefiles.py)."""
        if key is None or key not in self.pages:
            return None
        self.used_pages[key] = self.pages[key]
        return self.pages[key]

    def keep_page(self, key: str | None, packed: Packed) -> None:
        if key is not None and self.enabled:
            self.used_pages[key] = packed

    @staticmethod
    def check_key(text: str | bytes, check: str, totals: tuple[str, ...]) -> str:
        """The page's bytes, what the check searches for, and the check's own code: a newer
        kwartaal that searches better judges every page again."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        return key_of(digest(data), check, totals, _package_digest())

    def checked(self, key: str) -> bool:
        """Whether this very text was found clean under these very check inputs."""
        if key in self.clean:
            self.used_clean.add(key)
            return True
        return False

    def keep_clean(self, key: str) -> None:
        if self.enabled:
            self.used_clean.add(key)

    def save(self) -> None:
        if not self.enabled or (self.used_pages == self.pages and self.used_clean == self.clean
                                and self.new_site == self.site
                                and self.new_stats == self.stats):
            return
        try:
            pages = self.used_pages
            keys, places, at = list(pages), {}, 0
            for key in keys:
                page = pages[key]
                places[key] = (at, len(page) if isinstance(page, bytes) else page.length)
                at += places[key][1]
            head = marshal.dumps((FORMAT, where(self.root), places, frozenset(self.used_clean),
                                  self.new_site, self.new_stats,  # trusted by the time
                                  self.first_read or time.time_ns()))  # before they were read
            size = len(head).to_bytes(8, "big")
            path = Path(index_path(self.root))
            path.parent.mkdir(parents=True, exist_ok=True)
            from kwartaal.files.atomic import replace_file

            # sealed, never joined: the pages are read (from the spool) one at a time, twice
            check = seal(size, head, (packed_bytes(pages[key]) for key in keys))
            replace_file(path, chain([check, size, head],
                                     (packed_bytes(pages[key]) for key in keys)), durable=False)
        except (OSError, ValueError):
            pass  # a cache that cannot be written only makes the next run slower


def _read(path: str) -> Any:
    """What save wrote, its pages in place of their places; None when it is missing,
    unreadable, changed since it was written (the seal), or not such a file."""
    try:
        with open(path, "rb") as handle:
            raw = unsealed(handle.read())
        if raw is None:
            return None
        size = int.from_bytes(raw[:8], "big")
        stored = marshal.loads(raw[8:8 + size])
        base = 8 + size
        pages = {key: raw[base + at:base + at + length]
                 for key, (at, length) in stored[2].items()}
        if sum(len(page) for page in pages.values()) != len(raw) - base:
            return None  # pages that are not those written
        return (*stored[:2], pages, *stored[3:])
    except Exception:  # noqa: BLE001 - any of those: there is none
        return None


def _valid_site(site: Any) -> bool:
    return site is None or (
        isinstance(site, tuple) and len(site) == 4 and isinstance(site[0], str)
        and isinstance(site[1], list) and isinstance(site[2], str) and isinstance(site[3], str)
        and all(isinstance(pair, tuple) and len(pair) == 2
                and all(isinstance(part, str) for part in pair) for pair in site[1]))


def input_files(root: Path) -> list[str] | None:
    """Every file the body is loaded from, by its name within the body (the settings, the
    people, each meeting file); None when one of them, the meetings folder or the templates
    folder is a link (the loader and renderer judge those: such a site is always built)."""
    names = [CONFIG_FILE, PEOPLE_FILE]
    if any(os.path.islink(os.path.join(root, name))
           for name in (*names, MEETINGS_DIR, "templates")):
        return None
    try:
        with os.scandir(os.path.join(root, MEETINGS_DIR)) as entries:
            found = list(entries)
    except FileNotFoundError:
        found = []
    except OSError:
        return None
    for entry in found:
        if not entry.name.endswith(".toml"):
            continue
        if entry.is_symlink():
            return None
        if entry.is_file(follow_symlinks=False):
            names.append(f"{MEETINGS_DIR}/{entry.name}")
    return sorted(names)
