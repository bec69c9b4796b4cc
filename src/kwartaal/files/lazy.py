"""The lazy parts of a meeting read from the parse index (files/records.py stores them): its
notes, decisions, actions and compensation lines, and each action's history, are lists
(`Later`) decoded from their stored bytes the first time they are used in any way, and an
ordinary list (`Decoded`) from then on; `Stored` is where one meeting keeps those bytes, each
action's status and dates (to choose actions without decoding the others) and its facts
(core/facts.py).
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _decode(value: Any, path: Path, stored: Stored | None = None) -> Any:
    return Stored.decoder(value, path, stored)


def latest(history: list[Any]) -> int | None:
    """The latest date of a history, as an ordinal; None without entries, or when one of
    them has a date that is not a plain date."""
    days = [entry.date for entry in history]
    if not days or any(type(day) is not dt.date for day in days):
        return None
    return max(days).toordinal()


def status_of(action: Any) -> tuple[Any, ...]:
    """What a meeting stored in the parse index keeps of each of its actions apart, to choose
    actions (Later.chosen) and count them (Later.action_facts) without decoding any: its
    status, the day of its last history entry and its latest day (ordinals, as latest); then
    its ActionFact (core/actionfacts.py) but the status, each day an ordinal, when each of its
    values is what a fact holds (texts, a flag, plain dates or None), else nothing more."""
    from kwartaal.core.actionfacts import fact_of

    history = action.history
    last = history[-1].date if history else None
    head = (action.status, last.toordinal() if type(last) is dt.date else None, latest(history))
    fact = fact_of(action)
    if not (type(fact.status) is type(fact.theme) is type(fact.item) is str
            and type(fact.closed) is bool and _plain_day(fact.due)
            and _plain_day(fact.finished)):
        return head
    return (*head, *fact_tail(fact.theme, fact.due and fact.due.toordinal(), fact.closed,
                              fact.item, fact.finished and fact.finished.toordinal()))


def fact_tail(theme: str, due: int | None, closed: bool, item: str,
              finished: int | None) -> tuple[Any, ...]:
    """The part of an action's stored status that holds its ActionFact (status_of), days as
    ordinals: the one order in which files/forms.py stores it too."""
    return theme, due, closed, item, finished


_FACT_LENGTH = 8  # a status with its fact_tail


def _plain_day(day: Any) -> bool:
    return day is None or type(day) is dt.date


def _ordinal_day(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else day_of(ordinal)


_DAYS: dict[int, dt.date] = {}  # decoded dates, shared by every record of the run
DAYS_SHARED = 1 << 12  # at most (11 years): a body of centuries starts sharing again


def day_of(ordinal: int) -> dt.date:
    """The date of an ordinal, one object per day (dates are immutable) for every record."""
    day = _DAYS.get(ordinal)
    if day is None:
        if len(_DAYS) >= DAYS_SHARED:
            _DAYS.clear()
        day = _DAYS[ordinal] = dt.date.fromordinal(ordinal)
    return day


class Stored:
    """Where one meeting keeps its later parts: read(offset, length) of its blob (None when
    they are held as bytes), and its actions' histories (bytes, a place, or None)."""

    __slots__ = ("read", "path", "hist", "loaded", "statuses", "actions", "whole", "facts")
    # records.decode, which builds records from their stored form (set by records.py, which
    # imports this module)
    decoder: Callable[..., Any]

    def __init__(self, read: Callable[[int, int], bytes] | None, path: Path,
                 hist: bytes | tuple[int, int] | None, statuses: Any = None,
                 facts: tuple[Any, Any] | None = None) -> None:
        self.read, self.path, self.hist = read, path, hist if hist else None
        # the meeting's facts without OPEN and OPEN (each bytes or a place), NOTES; or None
        self.facts = facts
        self.loaded: list[Any] | None = None
        self.whole = False  # decoding a whole list: its actions' histories with it
        # each action's status and fact (status_of; a place in the blob when packed), and
        # the meeting's list of actions
        self.statuses: Any = statuses if statuses else None
        self.actions: Later | None = None

    def stored_statuses(self) -> list[Any]:
        """Each action's status_of, as stored (statuses is not None)."""
        found = self.statuses
        if type(found) is tuple and len(found) == 2 and type(found[0]) is int:  # a place
            return marshal.loads(self.read(*found))  # type: ignore[misc]
        return found  # type: ignore[no-any-return]

    def stored_part(self, at: bytes | int, length: int) -> Any:
        return marshal.loads(at if isinstance(at, bytes) else self.read(at, length))  # type: ignore

    def part(self, at: bytes | int, length: int) -> list[Any]:
        self.whole = True
        try:
            found = _decode(self.stored_part(at, length), self.path, self)
        finally:
            self.whole = False
        if not isinstance(found, list):
            raise ValueError("a part that is not a list")
        return found

    def stored_facts(self, part: int) -> Any:
        """Of the meeting's facts as meeting_facts gave them when it was stored: all (part
        CLOSABLE; OPEN None), OPEN or NOTES alone. None when there are none, or they cannot
        be read: they are then computed from the records."""
        from kwartaal.core.facts import CLOSABLE, NOTES, OPEN

        try:
            if part == NOTES:
                return self.facts[2]  # type: ignore[index] # held with the meeting: small
            place = self.facts[part == OPEN]  # type: ignore[index]
            if place is None:  # stored for a command without public output: not computed
                return None
            data = place if isinstance(place, bytes) else self.read(*place)  # type: ignore[misc]
            found = marshal.loads(data) if part == CLOSABLE else data
        except Exception:  # noqa: BLE001 - none, cut short or corrupt: from the records
            return None
        return found if type(found) is (tuple if part == CLOSABLE else bytes) else None

    def history(self, index: int) -> list[Any]:
        if self.loaded is None or self.loaded[index] is None:  # (again for a second copy)
            hist = self.hist
            data = hist if isinstance(hist, bytes) else self.read(*hist)  # type: ignore[misc]
            self.loaded = marshal.loads(data)
        found = self.loaded[index]
        self.loaded[index] = None  # decoded in place: never twice
        result = _decode(found, self.path)
        if not isinstance(result, list):
            raise ValueError("a history that is not a list")
        return result


class Later(list):  # type: ignore[type-arg]
    """A list of records decoded from its stored form the first time it is used in any way;
    from then on an ordinary list. Of a meeting (Stored): a part held as bytes (length 0), a
    part at an offset of the blob (its length), or an action's history (its index; -1)."""

    __slots__ = ("_at", "_length", "_source")

    def __init__(self, items: Any = (), /) -> None:
        list.__init__(self, items)
        self._at: bytes | int | None = None
        self._length, self._source = 0, None

    @classmethod
    def stored(cls, at: bytes | int, length: int, source: Stored) -> Later:
        found = list.__new__(cls)
        found._at, found._length, found._source = at, length, source
        return found

    @property
    def pending(self) -> bool:  # still to be decoded
        return self._source is not None

    def fill(self) -> None:
        source = self._source
        if source is None:
            return
        at, length = self._at, self._length
        self._source = self._at = None
        values = source.history(at) if length < 0 else source.part(at, length)  # type: ignore[arg-type]
        list.extend(self, values)
        self.__class__ = Decoded  # type: ignore[assignment] # from now on at list's own speed
        self._source = source  # its meeting's facts stay readable (stored_facts)

    def passing(self) -> list[Any]:
        """The records, decoded for one use and not kept: a list not used yet stays so (used
        again, it is decoded again, into equal records); one in use is itself."""
        source = self._source
        if source is None or type(self) is not Later:
            return self
        held = source.loaded  # the histories decoded one by one (history) stay as they were
        try:
            if self._length < 0:
                return source.history(self._at)  # type: ignore[arg-type]
            return source.part(self._at, self._length)  # type: ignore[arg-type]
        finally:
            source.loaded = held

    def stored_facts(self, part: int) -> Any:
        """Of a meeting's list of actions: the facts stored with the meeting (Stored), or
        None."""
        source = self._source
        if source is None or source.actions is not self or source.facts is None:
            return None
        return source.stored_facts(part)

    def chosen(self, keep: Callable[[str, dt.date | None], bool], *,
               by_latest: bool = False) -> list[Any]:
        """The actions that keep(status, date of the last history entry) accepts, in order:
        of a meeting's actions not used yet, only those are decoded (both are stored apart
        for each action). by_latest: keep(status, the latest date of any history entry,
        None when it has none or one that is not a plain date)."""
        source = self._source
        if (source is None or type(self) is not Later or source.actions is not self
                or source.statuses is None):
            if by_latest:
                return [action for action in self
                        if keep(action.status, _ordinal_day(latest(action.history)))]
            return [action for action in self if keep(
                action.status, action.history[-1].date if action.history else None)]
        facts = source.stored_statuses()
        at = 2 if by_latest else 1
        wanted = [i for i, fact in enumerate(facts) if keep(fact[0], _ordinal_day(fact[at]))]
        if not wanted:
            return []
        stored = source.stored_part(self._at, self._length)  # type: ignore[arg-type]
        rows = stored[1] if type(stored) is tuple else stored
        if len(rows) != len(facts):
            raise ValueError("statuses that do not match the actions")
        return [_decode(rows[i], source.path, source) for i in wanted]

    def action_facts(self) -> list[Any] | None:
        """Of a meeting's actions not used yet, the ActionFact of each (core/actionfacts.py),
        from what is stored apart for each action (status_of); None when they are not stored
        that way, or the list is in use (they are then read from the records)."""
        from kwartaal.core.actionfacts import ActionFact

        source = self._source
        if (source is None or type(self) is not Later or source.actions is not self
                or source.statuses is None):
            return None
        facts = source.stored_statuses()
        if any(len(fact) != _FACT_LENGTH for fact in facts):
            return None
        days = _DAYS  # (day_of's, looked up here first: two days of each of 80,000 actions)
        return [ActionFact(status, theme, None if due is None else days.get(due) or day_of(due),
                           closed, item, None if finished is None
                           else days.get(finished) or day_of(finished))
                for status, _, _, theme, due, closed, item, finished in facts]

    def __reduce_ex__(self, protocol: Any) -> Any:  # copies and pickles: a plain list
        return (list, (list(self),))


class Decoded(list):  # type: ignore[type-arg]
    """A Later once decoded: a list with list's own methods."""

    __slots__ = ("_at", "_length", "_source")
    pending = False
    chosen = Later.chosen
    passing = Later.passing
    action_facts = Later.action_facts
    stored_facts = Later.stored_facts
    __reduce_ex__ = Later.__reduce_ex__

    def fill(self) -> None:
        pass


# Every method of list through which list's own code reads or changes the items it holds.
LIST_METHODS = ("__iter__", "__len__", "__getitem__", "__contains__", "__reversed__", "__eq__",
                "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__mul__",
                "__rmul__", "__iadd__", "__imul__", "__repr__", "__setitem__", "__delitem__",
                "__sizeof__", "index", "count", "copy", "append", "extend", "insert", "remove",
                "pop", "sort", "reverse", "clear")


def read_first(cls: type, prepare: Callable[[Any], None]) -> None:
    """Give a subclass of list every method of LIST_METHODS, each calling prepare on the list
    (and on any argument of the same class: list's own code reads another list's items
    directly) before list's own method: a list whose items are read on first use."""
    for name in LIST_METHODS:
        method = getattr(list, name)

        def first(self: Any, *args: Any, _method: Any = method, **kwargs: Any) -> Any:
            prepare(self)
            for arg in args:
                if type(arg) is cls:
                    prepare(arg)
            return _method(self, *args, **kwargs)

        first.__name__ = name
        setattr(cls, name, first)


read_first(Later, Later.fill)

# list's own code reads another list's items directly: a decoded list compared with or added
# to one still to be decoded decodes that one first, and a plain list added to one does too
# (a subclass's reflected method is tried first).
OTHER_LIST_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__",
                      "__iadd__")


def _others_first(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def first(self: Any, other: Any) -> Any:
        if type(other) is Later:
            other.fill()
        return method(self, other)

    first.__name__ = name
    return first


for _name in OTHER_LIST_METHODS:
    setattr(Decoded, _name, _others_first(_name))


def _added_to(self: Later, other: Any) -> Any:
    if not isinstance(other, list):
        return NotImplemented
    self.fill()
    return other + list(self)


Later.__radd__ = _added_to  # type: ignore[attr-defined]
