"""The key of a page: a digest of exactly the inputs it is made from (files/pages.py keeps
pages under it), equal for equal inputs and, for inputs that differ, different."""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kwartaal.files.cache import hasher


class Unkeyable(TypeError):
    """A value the page key cannot describe exactly: such a page is rendered every time."""


def _encode(value: Any, out: list[bytes], put: Callable[[bytes], Any]) -> None:
    """Each value with its type and length, so that different inputs never give the same
    bytes; appended to out, which is given to put a few thousand pieces at a time. The
    common kinds are told by their exact type first (a page's inputs are a million values)."""
    kind = type(value)
    if kind is str:
        data = value.encode("utf-8", "surrogatepass")
        out += (b"s%d:" % len(data), data)
    elif kind is dict:
        out.append(b"m%d{" % len(value))
        for key, item in value.items():
            _encode(key, out, put)
            _encode(item, out, put)
        out.append(b"}")
    elif kind is list or kind is tuple:
        out.append(b"l%d[" % len(value))
        for item in value:
            _encode(item, out, put)
        out.append(b"]")
    elif kind is int:
        out.append(b"i%d;" % value)
    else:
        _encode_other(value, out, put)
    if len(out) > 4096:
        put(b"".join(out))
        out.clear()


def _encode_other(value: Any, out: list[bytes], put: Callable[[bytes], Any]) -> None:
    """_encode of any other value: the same pieces for a subclass of a kind as for the kind."""
    if value is None or isinstance(value, bool):
        out.append(repr(value).encode())
    elif isinstance(value, str):  # its text and number as such (whatever __str__ says)
        _encode(str.__str__(value), out, put)
    elif isinstance(value, int):
        _encode(int.__int__(value), out, put)
    elif isinstance(value, (float, Decimal)):
        out.append(f"{type(value).__name__[0]}{value!r};".encode())
    elif type(value) is dt.date:
        out.append(b"d" + value.isoformat().encode())
    elif isinstance(value, (list, tuple)):
        _encode(list(value), out, put)
    elif isinstance(value, dict):
        _encode(dict(value.items()), out, put)
    else:
        raise Unkeyable(type(value).__name__)


def key_of(*parts: Any) -> str:
    """The digest (files/cache.py digest) of the parts: as marshal writes them (version 2:
    no references or interning flags, so equal values of the exact built-in kinds always give
    the same bytes, and bytes that differ come from values that differ) when every value is
    of such a kind; else as _encode writes them, fed to the digest as they are written (a
    page's inputs, a thousand open actions, are then never one whole). A first byte tells the
    two apart."""
    found = hasher()
    try:
        written = marshal.dumps(parts, _MARSHAL_EXACT)
    except ValueError:  # a date, an amount, a subclass (Markup): told by _encode
        found.update(b"E")
        out: list[bytes] = []
        _encode(parts, out, found.update)
        found.update(b"".join(out))
    else:
        found.update(b"M")
        found.update(written)
    return found.hexdigest()


# marshal's version 2: later ones mark shared and interned values, which depends on what else
# holds them; version 2 writes each value alone, the same whatever holds it
_MARSHAL_EXACT = 2
