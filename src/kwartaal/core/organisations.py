"""Which organisation a person is at the table for.

A person's `organisation` in people.toml is free text: the key of an [organisations.KEY] table of
kwartaal.toml, or that organisation's name as people write it. Bodies that declare no organisations
keep working: their people simply belong to none.
"""

from __future__ import annotations

from kwartaal.core import model as m
from kwartaal.core.folding import fold


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def organisation_named(config: m.Config, text: str) -> m.Organisation | None:
    """The organisation a text names, by key or by name (case, spacing and Unicode form aside)."""
    if not text:
        return None
    found = config.organisations.get(text)
    if found is not None:
        return found
    wanted = _folded(text)
    for organisation in config.organisations.values():
        if _folded(organisation.name) == wanted or organisation.key == wanted:
            return organisation
    return None


def organisation_of(config: m.Config, person: m.Person) -> m.Organisation | None:
    return organisation_named(config, person.organisation)


def holds_sex_worker_seat(config: m.Config, person: m.Person) -> bool:
    """A sex worker's seat: the person says so, or sits for a sex workers' organisation."""
    if person.sex_worker:
        return True
    organisation = organisation_of(config, person)
    return organisation is not None and organisation.kind == "sex-worker-org"
