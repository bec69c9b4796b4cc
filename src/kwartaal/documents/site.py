"""The public website: published minutes, the next meeting's public agenda, the decision
register, progress per theme, open actions, the public year report of every year with held
meetings and the calendar, as static files.

Everything on it comes from the public renderings, which are built without closed content,
hidden names or compensation; on top of that every page is searched for what must never be
published before anything is written, and the build fails loudly if anything is found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.core.problems import KwartaalError, msg
from kwartaal.documents.render import render, shipped_templates
from kwartaal.files.pages import PageIndex, Unkeyable, body_digest, key_of, templates_digest
from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE

if TYPE_CHECKING:  # the records and their renderings are imported only to build a site:
    from kwartaal.core import model as m  # a site kept whole needs none of them

MARKER = ".kwartaal-site"


def overdue_text(days: int, lang: str) -> str:
    from kwartaal.core.words import ntr

    if not days:
        return ""
    return ntr("{count} day overdue", "{count} days overdue", days, lang).format(count=days)


def _pages_for(body: m.Body, lang: str, today: dt.date, prefix: str,
               other: str | None, totals: dict[str, tuple[str, ...]],
               index: PageIndex, templates: str,
               named: list[tuple[str, str]]) -> dict[str, str]:
    from kwartaal.core import model as m
    from kwartaal.core import rules
    from kwartaal.core.visibility import View
    from kwartaal.core.yearreport import build_reports, published_totals
    from kwartaal.documents.agenda import build_agenda
    from kwartaal.documents.minutes import build_minutes
    from kwartaal.documents.report import report_years

    view = View(body, lang, public=True)
    published = [mt for mt in body.meetings if mt.status == "published"]
    pages: dict[str, str] = {}
    common: dict[str, Any] = {"body_name": body.config.name, "today": today.isoformat(),
                              "languages": body.config.languages}

    def page(name: str, template: str, depth: int, **context: Any) -> None:
        home = "../" * depth  # to this language's index
        site_root = "../" * (depth + (1 if prefix else 0))  # to the folder of the whole site
        switch = None if other is None else site_root + other + name  # the same page, other
        inputs = dict(home=home, site_root=site_root, page=name, switch=switch, **common,
                      **context)
        try:  # exactly what the page is rendered from (files/pages.py)
            key: str | None = key_of(templates, lang, prefix + name, template, inputs)
        except Unkeyable:
            key = None
        text = index.page(key)
        if not isinstance(text, str):
            text = render(body.root, f"site/{template}", lang, **inputs)
            index.keep_page(key, text)
        pages[prefix + name] = text
        named.append((prefix + name, index.name_page(key, text)))

    minutes = [build_minutes(body, mt, lang, public=True) for mt in reversed(published)]
    for data in minutes:
        page(f"minutes/{data['meeting']}.html", "minutes.html.j2", 1, m=data)
    planned = rules.next_planned(body, today)
    agenda = build_agenda(body, planned, today, lang, public=True) if planned else None
    page("agenda.html", "agenda.html.j2", 0, a=agenda)
    decisions = [dict(d, meeting=data["meeting"], date_long=data["date_long"])
                 for data in minutes for d in reversed(data["decisions"])]
    on_page = {d["id"] for d in decisions}
    for d in decisions:  # link only to decisions that are on the site
        d["link_superseded_by"] = d["superseded_by"] in on_page
        d["link_supersedes"] = d["supersedes"] in on_page
    page("decisions.html", "decisions.html.j2", 0, decisions=decisions)
    shown = [a for a in body.all_actions() if not view.hides(a)]
    progress = []
    for row in rules.progress(body, shown, today):
        theme = body.config.themes.get(row.key)
        title = view.text(m.text_in(theme.title, lang, body.config.language)) if theme \
            else row.key
        counted = row.done + row.in_progress + row.open
        progress.append({"key": row.key, "title": title or "—", "done": row.done,
                         "in_progress": row.in_progress, "open": row.open,
                         "overdue": row.overdue, "dropped": row.dropped, "counted": counted,
                         "share": round(row.share_done * 100)})
    page("progress.html", "progress.html.j2", 0, progress=progress)
    open_actions = [{"id": a.id, "title": view.text(a.title, a.id),
                     "due": a.due.isoformat() if a.due else "",
                     "owners": [view.person(pid) for pid in a.owners],
                     "theme": view.text(m.text_in(body.config.themes[a.theme].title, lang,
                                                  body.config.language))
                     if a.theme in body.config.themes else "",
                     "overdue": rules.days_overdue(a, today),
                     "overdue_text": overdue_text(rules.days_overdue(a, today), lang),
                     "status": a.status}
                    for a in sorted(shown, key=lambda a: (a.due or dt.date.max, a.id))
                    if a.is_open]
    page("actions.html", "actions.html.j2", 0, actions=open_actions)
    years = report_years(body)
    reports = build_reports(body, years, today, lang, public=True)
    for year in years:  # the public year reports; totals only (core/yearreport.py)
        data = reports[year]
        page(f"report-{year}.html", "report.html.j2", 0, r=data)
        totals[prefix + f"report-{year}.html"] = published_totals(data)
    page("index.html", "index.html.j2", 0, minutes=minutes, agenda=agenda,
         progress=progress, open_count=len(open_actions), reports=years)
    return pages


def build_site(body: m.Body, today: dt.date, *, cached: bool = False) -> dict[str, str | bytes]:
    """All files of the site, checked, in memory; nothing is written here. cached: the body
    is as loaded from its files this run, and pages come from the page index
    (files/pages.py) when their inputs are unchanged."""
    index = PageIndex(body.root, enabled=cached)
    files, _ = _build(body, today, index, templates_digest(body.root, shipped_templates()))
    index.save()
    return files


def site_files(root: Path, today: dt.date,
               load: Callable[[], m.Body]) -> tuple[dict[str, str | bytes], str, str]:
    """The files of the body's site, checked, with the publish folder and the language its
    settings name.
    When every file the body is loaded from, its templates and kwartaal's code are those of
    the last build that succeeded, on the same day, that build's files are the answer
    (files/pages.py): the body is not loaded (load is not called) and no page is built.
    Otherwise the body is loaded and the site built; its files are kept for next time only
    when the inputs read after the build equal those read before loading."""
    index = PageIndex(root)
    shipped = shipped_templates()
    inputs = index.site_inputs(today.isoformat(), templates_digest(root, shipped))
    kept = index.kept_site(inputs)
    if kept is not None:
        index.save()  # stat records trusted now, for the next run
        return kept
    body = load()
    files, named = _build(body, today, index, templates_digest(root, shipped))
    if inputs is not None and index.site_inputs(
            today.isoformat(), templates_digest(root, shipped)) == inputs:
        index.keep_site(inputs, named, body.config.publish_folder, body.config.language)
    index.save()
    return files, body.config.publish_folder, body.config.language


def _build(body: m.Body, today: dt.date, index: PageIndex,
           templates: str) -> tuple[dict[str, str | bytes], list[tuple[str, str]]]:
    from kwartaal.core.visibility import View
    from kwartaal.documents.calendar import calendar

    langs = [body.config.language, *[x for x in body.config.languages
                                      if x != body.config.language]]
    files: dict[str, str | bytes] = {}
    named: list[tuple[str, str]] = []  # each file and the key the index keeps it under
    totals: dict[str, tuple[str, ...]] = {}  # amounts a page publishes as totals
    for lang in langs:
        prefix = "" if lang == body.config.language else f"{lang}/"
        other_lang = None
        if len(langs) > 1:
            other_lang = langs[1] if lang == langs[0] else langs[0]
        other = None if other_lang is None else (
            "" if other_lang == body.config.language else f"{other_lang}/")
        files.update(_pages_for(body, lang, today, prefix, other, totals, index, templates,
                                named))
    # the calendar reads the whole body: keyed by the bytes of all its files
    sources = [mt.src.path for mt in body.meetings if mt.src.path is not None]
    sources += [body.root / CONFIG_FILE, body.root / PEOPLE_FILE]
    ics_key = key_of(templates, "kwartaal.ics", body.config.language, today.isoformat(),
                     body_digest(sources))
    ics = index.page(ics_key)
    searched: set[str] = set()  # files already searched this run, under this very check key
    if not isinstance(ics, bytes):
        # a public calendar is searched as it is made (View.assert_clean, no totals), by a
        # View of the same body: the same check key as this site's
        ics = calendar(body, body.config.language, today, public=True)
        index.keep_page(ics_key, ics)
        searched.add("kwartaal.ics")
    files["kwartaal.ics"] = ics
    named.append(("kwartaal.ics", ics_key))
    css_key = key_of(templates, "style.css", body.config.language)
    css = index.page(css_key)
    if not isinstance(css, str):
        css = render(body.root, "style.css", body.config.language)
        index.keep_page(css_key, css)
    files["style.css"] = css
    named.append(("style.css", css_key))
    view = View(body, body.config.language, public=True)
    check = key_of(view.check_key())
    for name, content in files.items():
        clean = index.check_key(content, check, totals.get(name, ()))
        if index.checked(clean):  # this very text, searched for these very things
            continue
        if name in searched:
            index.keep_clean(clean)
            continue
        view.assert_clean(content, msg("the site (page {page})",
                                       page=name), totals.get(name, ()))
        index.keep_clean(clean)
    return files, named


def write_site(files: dict[str, str | bytes], folder: Path) -> list[Path]:
    """Write the files; pages of an earlier build that no longer exist are removed (only in
    a folder kwartaal made, recognised by its marker file). Every path is checked before the
    first file is written: nothing lands outside the folder or behind a link."""
    from kwartaal.files.outputs import output_file, output_folder

    folder = output_folder(folder)
    targets = {name: output_file(folder, name) for name in files}
    marker = output_file(folder, MARKER)
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise KwartaalError(msg(
            "{folder} exists and was not made by 'kwartaal site'; choose an empty or new folder",
            folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = targets[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if _holds(path, data):  # an unchanged page is not written again
            written.append(path)
            continue
        from kwartaal.files.store import atomic_write, atomic_write_bytes

        if isinstance(content, bytes):
            atomic_write_bytes(path, content, durable=False)
        else:
            atomic_write(path, content)
        written.append(path)
    keep = {p.resolve() for p in written}
    for old in folder.rglob("*"):
        if old.is_file() and old.name != MARKER and old.resolve() not in keep:
            old.unlink()
    if not _holds(marker, b"made by kwartaal site\n"):
        from kwartaal.files.store import atomic_write

        atomic_write(marker, "made by kwartaal site\n")
    return written


def _holds(path: Path, data: bytes) -> bool:
    """Whether path is a plain file with exactly these bytes."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
