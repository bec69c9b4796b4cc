"""The digests of a body's files as this process read them before its loader does.

A cold `site` reads every file of the body once, to know what its site is built from
(files/pages.py site_inputs); the loader then hashes the bytes of each file a worker parsed
(files/prefill.py) to take that worker's records. A file whose stat record is still the one
it had when it was read, and was old enough then to stand for its bytes (cache.trusted, the
rule of every index), holds the bytes read then: their digest stands for reading it again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kwartaal.files.cache import trusted

# (the body's folder, each file's (stat record, digest) by its name within it ('/' between
# folders), the time before the first of them was read)
_READ: tuple[str, Mapping[str, tuple[Any, str]], int] | None = None


def read_before(root: Path, read: Mapping[str, tuple[Any, str]], read_ns: int) -> None:
    """The files of the body at root this process read, each stat record taken after
    read_ns and before its bytes were read (read may grow; it is not copied)."""
    global _READ
    _READ = (str(root), read, read_ns)


def digest_read_before(path: Path, stat: Any) -> str | None:
    """The digest of the file's bytes as read before (read_before), when its stat record now
    is the one taken then and stands for them; else None (the file is read again)."""
    if _READ is None or stat is None:
        return None
    root, read, read_ns = _READ
    folder = str(path.parent)
    if folder == root:
        name = path.name
    elif folder.startswith(root + os.sep):
        name = folder[len(root) + 1:].replace(os.sep, "/") + "/" + path.name
    else:
        return None
    found = read.get(name)
    return found[1] if found is not None and trusted(stat, found[0], read_ns) else None
