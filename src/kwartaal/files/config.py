"""The body's settings (kwartaal.toml) read into its Config."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core import values as vals
from kwartaal.core.fields import build
from kwartaal.core.problems import Problem, hints
from kwartaal.files import schema as s


def build_config(raw: dict[str, Any], path: Path, problems: list[Problem], root: Path) -> m.Config:
    conv = s.Converter(path, problems)
    for key, value in raw.items():
        if key not in s.CONFIG_TABLES:
            conv.error((), key, "unknown table '{key}'{hint}",
                       key=key,
                       **hints(key, list(s.CONFIG_TABLES)))
        elif key not in ("standing",) and not isinstance(value, dict):
            conv.error((), key, "'{key}' must be a table ([{key}])",
                       key=key)
    if "body" not in raw:
        conv.error((), None, "the [body] table is missing (it holds the body's name)")
    body = conv.table(_dict(raw.get("body")), s.BODY, ("body",), "[body]")
    if _dict(raw.get("body")).get("name") == "":  # (the folder's name stands in for it below)
        conv.error(("body",), "name", "[body] name is empty; write the body's name (kwartaal "
                   "config set body.name \"...\")")
    lang = body["language"] or "nl"
    conv.body_lang = lang
    cadence = conv.table(_dict(raw.get("cadence")), s.CADENCE, ("cadence",), "[cadence]")
    agenda = conv.table(_dict(raw.get("agenda")), s.AGENDA, ("agenda",), "[agenda]")
    standing: list[m.StandingItem] = []
    raw_standing = raw.get("standing", [])
    if not isinstance(raw_standing, list):
        conv.error((), "standing", "'standing' must be written as [[standing]] tables")
        raw_standing = []
    for index, item in enumerate(raw_standing):
        section = ("standing", index)
        values = conv.table(item, s.STANDING, section, "[[standing]]")
        if values["key"]:
            standing.append(build(m.StandingItem, values, src=m.Source(path, section)))
    themes: dict[str, m.Theme] = {}
    for key, item in _dict(raw.get("themes")).items():
        section = ("themes", key)
        if not s.ID_PATTERN.match(key):
            conv.error(section, None, "[themes.{key}]: a theme key may hold only lower-case "
                       "letters, digits, '-' and '_' (at most 64)", key=vals.shown(key))
            continue
        values = conv.table(item, s.THEME, section, f"[themes.{key}]")
        themes[key] = build(m.Theme, values, key=key, title=values["title"] or {key: key},
                            src=m.Source(path, section))
    organisations: dict[str, m.Organisation] = {}
    for key, item in _dict(raw.get("organisations")).items():
        section = ("organisations", key)
        if not s.ID_PATTERN.match(key):
            conv.error(section, None, "[organisations.{key}]: an organisation key may hold only "
                       "lower-case letters, digits, '-' and '_' (at most 64)",
                       key=vals.shown(key))
            continue
        values = conv.table(item, s.ORGANISATION, section, f"[organisations.{key}]")
        organisations[key] = build(m.Organisation, values, key=key, name=values["name"] or key,
                                   src=m.Source(path, section))
    comp = conv.table(_dict(raw.get("compensation")), s.COMPENSATION, ("compensation",),
                      "[compensation]")
    limits: dict[int, m.YearLimits] = {}
    for year_key, table in (comp.get("limits") or {}).items():
        section = ("compensation", "limits", year_key)
        if not (isinstance(year_key, str) and re.fullmatch(r"[0-9]{4}", year_key)
                and vals.YEAR_MIN <= int(year_key) <= vals.YEAR_MAX):
            conv.error(section, None, "[compensation.limits.{year}]: the key must be a year "
                       "({lo}-{hi})", year=vals.shown(year_key), lo=vals.YEAR_MIN,
                       hi=vals.YEAR_MAX)
            continue
        values = conv.table(table, s.LIMITS, section, f"[compensation.limits.{year_key}]")
        missing = [k for k in s.LIMITS if values[k] is None]
        if missing:
            conv.warning(section, None,
                         "[compensation.limits.{year}]: no {keys} yet; those limits count as "
                         "unknown for {year}",
                         year=year_key, keys=", ".join(missing))
        limits[int(year_key)] = build(m.YearLimits, values, year=int(year_key))
    policy = build(m.CompensationPolicy, comp, limits=limits)
    publish = conv.table(_dict(raw.get("publish")), s.PUBLISH, ("publish",), "[publish]")
    folder = Path(publish["folder"] or "public")
    if folder.is_absolute() or ".." in folder.parts:
        conv.error(("publish",), "folder", "[publish] folder must be a folder inside the body, "
                   "such as \"public\" (no absolute path, no ..)")
        publish["folder"] = "public"
    privacy = conv.table(_dict(raw.get("privacy")), s.PRIVACY, ("privacy",), "[privacy]")
    words = privacy["sensitive_words"]
    return build(m.Config, {**body, **publish, **privacy},
                 name=body["name"] or root.name, language=lang,
                 languages=body["languages"] or [lang],
                 cadence=build(m.Cadence, cadence), agenda=build(m.AgendaTimes, agenda),
                 standing=standing, themes=themes, organisations=organisations,
                 compensation=policy, src=m.Source(path),
                 sensitive_words=m.SENSITIVE_WORDS if words is None
                 else tuple(w.strip().lower() for w in words if w.strip()))


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
