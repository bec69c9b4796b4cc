"""Creating a body and changing its people, themes and settings: the library behind the CLI."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.fields import toml_table
from kwartaal.core.problems import KwartaalError, Problem, hints, msg
from kwartaal.edit.change import Change
from kwartaal.files import loader, paths, store
from kwartaal.files import schema as s
from kwartaal.files.config import build_config
from kwartaal.vcs import gitops

# Tax-free volunteer allowance limits as published by the Dutch tax office (Belastingdienst).
SHIPPED_LIMITS: dict[int, tuple[str, str, str, str]] = {
    2021: ("5.00", "2.75", "180.00", "1800.00"),
    2022: ("5.00", "2.75", "180.00", "1800.00"),
    2023: ("5.00", "2.75", "190.00", "1900.00"),
    2024: ("5.50", "3.25", "210.00", "2100.00"),
    2025: ("5.60", "3.30", "210.00", "2100.00"),
}

STANDING_ITEMS = (
    ("beleid", "Beleid", "Policy"),
    ("actueel", "Actuele ontwikkelingen", "Current developments"),
    ("samenwerking", "Samenwerking", "Cooperation"),
)

GITIGNORE = (
    "# Files that editors and office programs leave behind; they are never the body's own.\n"
    ".DS_Store\nThumbs.db\ndesktop.ini\n*~\n*.swp\n~$*\n.~lock.*#\n"
)


def config_template(name: str, lang: str) -> str:
    standing = "\n".join(
        f'[[standing]]\nkey = "{key}"\ntitle = {{ nl = "{nl}", en = "{en}" }}\nminutes = 20\n'
        for key, nl, en in STANDING_ITEMS)
    limits = "\n".join(
        f"[compensation.limits.{year}]\nhour_21plus = {h21}\nhour_under21 = {hu}\n"
        f"month = {mo}\nyear = {yr}\n"
        for year, (h21, hu, mo, yr) in SHIPPED_LIMITS.items())
    name_toml = store.render_table("x", {"name": name}, array=False).split("\n", 1)[1].strip()
    return f"""# kwartaal: the settings of this body. Format: docs/format.md of kwartaal.

[body]
{name_toml}
language = "{lang}"         # nl | en: documents and messages
languages = ["{lang}"]      # languages documents are made in
# chair = "person-id"       # ids from people.toml
# secretary = "person-id"
convenors = []

[cadence]
months = [3, 6, 9, 12]      # the months the body meets in
weekday = "thursday"
week = 2                    # 1-4, or -1 for the last week of the month
dates = []                  # explicit dates override the rule above
time = "19:00"              # evenings suit people who work office hours and those who do not
length = 120                # minutes
place = ""
format = "in-person"        # in-person | online | hybrid
link = ""

[agenda]
opening = 5
previous_minutes = 5
any_other_business = 10
closing = 5

# The standing items, in agenda order.
{standing}
# Themes (oplossingsrichtingen) that actions hang under: kwartaal theme add KEY --title TITLE
[themes]

[compensation]
regime = "volunteer-allowance"   # volunteer-allowance | fee | none
# hourly_rate = 5.60
# meal = 15.00
travel = "actual"                # actual | fixed | none
costs_count = true               # reimbursed costs count toward the allowance limits
method = "bank"                  # bank | cash | voucher
description = "vergoeding overleg {{month}}"  # what a bank sees; {{month}}: "december 2025"

# Limits of the tax-free volunteer allowance per year; add a year when it is published.
{limits}
[publish]
folder = "public"

[privacy]
allow = []                       # public addresses of organisations that may appear in files
"""


PEOPLE_TEMPLATE = """# People of this body: kwartaal person add ID --name NAME --visibility ...
# No legal names, addresses, phone numbers or bank details for anyone who is not 'named'.
"""


def prepare_body_folder(path: Path, lang: str) -> Path:
    """Before init_body: refuse an existing body; make the folder, and a git repository when
    it is in none yet. Returns the folder, resolved."""
    path = path.resolve()
    if (path / paths.CONFIG_FILE).exists():
        raise KwartaalError(msg(
            "{path} already holds a body (kwartaal.toml); nothing was changed",
            path=path))
    if lang not in m.LANGUAGES:
        raise KwartaalError(msg("language must be nl or en"))
    inside = paths.find_root(path.parent) if path.parent != path else None
    if inside is not None:
        raise KwartaalError(msg(
            "{path} is inside the body at {body}; a new body goes in a folder of its own, "
            "outside any other; nothing was changed", path=path, body=inside))
    path.mkdir(parents=True, exist_ok=True)
    if gitops.open_repo(path) is None:
        import git

        git.Repo.init(path, initial_branch="main")
    return path


def create_body(path: Path, name: str | None, lang: str, *, options: Any = None,
                say: Any = None) -> Any:
    """A new body at path, committed (edit.pipeline.Outcome): prepare_body_folder, then
    init_body through the write pipeline. All or nothing: when it fails, the folder and the
    git repository it made are removed again, so that a second try starts clean."""
    import shutil

    from kwartaal.edit.pipeline import ignore, run_change

    new_folder = not path.exists()
    had_git = (path / ".git").exists()
    folder = prepare_body_folder(path, lang)
    try:  # no body to read yet: the edit writes it
        return run_change(folder, lambda _: init_body(folder, name, lang), options=options,
                          load=lambda _: None, say=say or ignore)
    except BaseException:
        if new_folder:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            if not had_git and (folder / ".git").is_dir():
                shutil.rmtree(folder / ".git", ignore_errors=True)
            meetings = folder / paths.MEETINGS_DIR
            if meetings.is_dir() and not any(meetings.iterdir()):
                meetings.rmdir()
        raise


def init_body(path: Path, name: str | None, lang: str) -> Change:
    """A new body's files in a folder made by prepare_body_folder: kwartaal.toml with the three
    standing items, people.toml, meetings/, and the merge driver. The pre-commit hook comes
    after the commit (vcs.hooks.install_hook): the template files need no check, and a body
    made inside an existing repository then gets its hook too."""
    body_name = name or path.name
    files = {
        path / paths.CONFIG_FILE: config_template(body_name, lang),
        path / paths.PEOPLE_FILE: PEOPLE_TEMPLATE,
        path / paths.MEETINGS_DIR / ".gitkeep": "",
        path / ".gitignore": GITIGNORE,
    }
    written = []
    for file, text in files.items():
        if file.exists():
            continue
        file.parent.mkdir(parents=True, exist_ok=True)
        store.atomic_write(file, text)
        written.append(file)
    from kwartaal.vcs.sync import configure_driver, write_attributes

    attributes = write_attributes(path)
    if attributes is not None:
        written.append(attributes)
    configure_driver(path)
    return Change(written, f"body: new body '{body_name}'")


@dataclass(slots=True)
class PersonInput:
    id: str
    name: str
    visibility: str
    organisation: str = ""
    role: str = ""
    core: bool = True
    compensated: bool = False
    age_band: str | None = None
    lang: str | None = None
    channel: str | None = None
    role_en: str = ""
    role_plural: str = ""
    role_plural_en: str = ""
    sex_worker: bool = False
    payee: str = ""


def add_person(body: m.Body, person: PersonInput) -> Change:
    if not s.ID_PATTERN.match(person.id):
        raise KwartaalError(msg(
            "person id '{id}' may hold only lower-case letters, digits, '-' and '_'",
            id=person.id))
    if person.id == m.ANONYMOUS:
        raise KwartaalError(msg(
            "'{id}' is reserved for items put in without a name (propose --by {id}); give "
            "the person another id", id=person.id))
    if person.id in body.people:
        raise KwartaalError(msg("person '{id}' already exists",
                                id=person.id))
    if person.visibility == "role-only" and not person.role:
        raise KwartaalError(msg(
            "a role-only person needs --role: public documents show them by role only"))
    given = {f.name: getattr(person, f.name) for f in dataclasses.fields(person)}
    del given["id"]
    if given["payee"]:
        check_payee(body, given)
    # an empty text is left out of the file (the field keeps its default)
    values = toml_table(m.Person, **{key: None if value == "" else value
                                     for key, value in given.items()})
    path = body.root / paths.PEOPLE_FILE
    store.append_table(path, person.id, values, array=False)
    recheck_people(body, path)
    return Change([path], f"person: add {person.id}", id=person.id,
                  summary=msg("added {id}", id=person.id))


def check_payee(body: m.Body, values: dict[str, Any]) -> None:
    """A person's payee as typed (an organisation's key or name) becomes its key, and must be
    an organisation that accepts payments."""
    from kwartaal.core.payees import payee_refusal, resolve_payee

    values["payee"] = resolve_payee(body.config, values["payee"])
    refusal = payee_refusal(body.config, values["payee"])
    if refusal is not None:
        raise KwartaalError(msg("{reason}. Nothing was changed", reason=refusal))


def recheck_people(body: m.Body, path: Path) -> None:
    """Read people.toml again as check would; its first error refuses the change."""
    problems: list[Problem] = []
    raw = loader.read_toml(path, problems)
    if raw is not None:
        loader.build_people(raw, path, problems, body.config.language)
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # should not happen: inputs were checked; keep the file sound regardless
        raise KwartaalError(errors[0].message)


def add_theme(body: m.Body, key: str, title: str, title_en: str | None) -> Change:
    if not s.ID_PATTERN.match(key):
        raise KwartaalError(msg(
            "theme key '{key}' may hold only lower-case letters, digits, '-' and '_'",
            key=key))
    if key in body.config.themes:
        raise KwartaalError(msg("theme '{key}' already exists",
                                key=key))
    path = body.root / paths.CONFIG_FILE
    import tomlkit

    with store.edit(path) as doc:
        themes = doc.get("themes")
        if themes is None:
            themes = tomlkit.table(is_super_table=True)
            doc["themes"] = themes
        table = tomlkit.table()
        if title_en:
            table["title"] = store.toml_value({body.config.language: title, "en": title_en})
        else:
            table["title"] = title
        themes[key] = table
    return Change([path], f"theme: add {key}", id=key,
                  summary=msg("added theme {k}", k=key))


# -- settings ---------------------------------------------------------------------------------

def _spec_for(parts: list[str]) -> s.F | None:
    if len(parts) == 2 and parts[0] in s.CONFIG_TABLES:
        spec = s.CONFIG_TABLES[parts[0]]
        if spec is not None:
            return spec.get(parts[1])
    if len(parts) == 4 and parts[:2] == ["compensation", "limits"] and parts[2].isdigit():
        return s.LIMITS.get(parts[3])
    if len(parts) == 3 and parts[0] == "themes":
        return s.THEME.get(parts[2])
    if len(parts) == 3 and parts[0] == "organisations":
        return s.ORGANISATION.get(parts[2])
    return None


def _known_keys(body: m.Body) -> list[str]:
    keys = [f"{table}.{key}" for table, spec in s.CONFIG_TABLES.items() if spec
            for key in spec if key != "limits"]
    keys += [f"themes.{t}.title" for t in body.config.themes]
    keys += [f"organisations.{o}.{k}" for o in body.config.organisations
             for k in s.ORGANISATION]
    keys += [f"compensation.limits.{y}.{k}" for y in body.config.compensation.limits
             for k in s.LIMITS]
    return keys


def config_get(body: m.Body, key: str) -> Any:
    path = body.root / paths.CONFIG_FILE
    with path.open("rb") as handle:
        data: Any = tomllib.load(handle, parse_float=Decimal)
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            raise KwartaalError(msg(
                "no setting '{key}' in kwartaal.toml{hint}",
                key=key, **hints(key, _known_keys(body))))
        data = data[part]
    return data


def parse_setting(field: s.F, raw: str, key: str) -> Any:
    kind = field.kind
    value: Any
    try:
        if kind == "int":
            value = int(raw)
        elif kind == "bool":
            lowered = raw.strip().lower()
            if lowered not in ("true", "false", "yes", "no", "ja", "nee"):
                raise ValueError(raw)
            value = lowered in ("true", "yes", "ja")
        elif kind == "decimal":
            value = Decimal(raw.replace(",", "."))
            if not value.is_finite():
                raise ValueError(raw)
        elif kind.startswith("list["):
            items = [x.strip() for x in raw.split(",") if x.strip()]
            inner = kind[5:-1]
            value = [int(x) for x in items] if inner == "int" else items
            if inner == "date":
                from kwartaal.core.dates import parse_iso

                value = [parse_iso(x, key) for x in items]
        elif kind == "date":
            from kwartaal.core.dates import parse_iso

            value = parse_iso(raw, key)
        else:
            value = raw
    except (ValueError, ArithmeticError) as exc:
        raise KwartaalError(msg(
            "{key}: '{raw}' is not valid here",
            key=key, raw=raw)) from exc
    return value


def _new_errors(body: m.Body, config: m.Config, path: Path) -> list[Problem]:
    """What check would find wrong with the new settings (a chair nobody knows, a month 13, a
    person whose payee no longer accepts payments) that it does not find now: the whole body
    is judged against them."""
    import datetime as dt

    from kwartaal.files.validate import validate

    def errors(cfg: m.Config) -> dict[str, Problem]:
        with_config = m.Body(root=body.root, config=cfg, people=body.people,
                             meetings=body.meetings)
        found = validate(loader.Loaded(with_config, []), dt.date.today())
        return {p.text("en"): p for p in found if p.severity == "error"}

    before = errors(body.config)
    return [p for text, p in errors(config).items() if text not in before]


def config_set(body: m.Body, key: str, raw: str) -> Change:
    """Set a dotted key in kwartaal.toml; the result is validated before anything is written."""
    parts = key.split(".")
    field = _spec_for(parts)
    if field is None:
        raise KwartaalError(msg(
            "'{key}' is not a setting of kwartaal.toml{hint}; see docs/format.md",
            key=key, **hints(key, _known_keys(body))))
    value = parse_setting(field, raw, key)
    path = body.root / paths.CONFIG_FILE
    text, bom = store.read_text(path)
    doc = store.parse(text, path)
    import tomlkit

    table = doc
    for part in parts[:-1]:
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
    table[parts[-1]] = store.toml_value(value)
    new = tomlkit.dumps(doc)
    problems: list[Problem] = []
    try:
        raw_config = tomllib.loads(new, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise KwartaalError(str(exc)) from exc
    config = build_config(raw_config, path, problems, body.root)
    errors = [p for p in problems if p.severity == "error"] or _new_errors(body, config, path)
    if errors:
        raise KwartaalError(msg(
            "{key}: {err}; nothing was changed",  # not the value: it may name who is hidden
            key=key, err=errors[0].message))
    if new != text:
        store.write_body_file(path, new, text, bom=bom)
    return Change([path], f"config: {key} = {raw}", id=key,
                  summary=msg("{key} = {raw}", key=key, raw=raw))
