"""The public website: published minutes, the next meeting's public agenda, the decision
register, progress per theme, open actions, the public year report of every year with held
meetings and the calendar, as static files.

Everything on it comes from the public renderings, which are built without closed content,
hidden names or compensation; on top of that every page is searched for what must never be
published before anything is written, and the build fails loudly if anything is found.
The year reports of a large body are made and searched in a worker process while this one
makes the other pages (files/workers.py); each is taken as it is made here, in its turn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwartaal.core.problems import msg
from kwartaal.documents.render import render, shipped_templates
from kwartaal.files.pagekeys import Unkeyable, key_of
from kwartaal.files.pages import PageIndex, templates_digest, templates_state
from kwartaal.files.putoff import putting_off
from kwartaal.files.sitefiles import (
    Packed,
    SiteFiles,
    Spool,
    Spooled,
    encoded,
    pack,
    packed_kind,
    unpack,
)

if TYPE_CHECKING:  # the records and their renderings are imported only to build a site:
    from kwartaal.core import model as m  # a site kept whole needs none of them
    from kwartaal.core.actionfacts import ActionFact


def overdue_text(days: int, lang: str) -> str:
    from kwartaal.core.words import ntr

    if not days:
        return ""
    return ntr("{count} day overdue", "{count} days overdue", days, lang).format(count=days)


class _Build:
    """One build of a site: each file is searched as soon as it is made (unless this very
    text was found clean under this very search, files/pages.py), then held packed
    (files/sitefiles.py); nothing is written before every file has passed."""

    def __init__(self, body: m.Body, index: PageIndex, templates: str) -> None:
        from kwartaal.core.visibility import View
        from kwartaal.files.keeping import cache_folder

        self.body, self.index, self.templates = body, index, templates
        self.files = SiteFiles()
        self.spool = Spool(cache_folder() if index.enabled else None)
        self.named: list[tuple[str, str]] = []  # each file and the key the index keeps it under
        self.view = View(body, body.config.language, public=True)  # searches every file
        self.check = key_of(self.view.check_key())

    def made(self, key: str | None, kind: type) -> tuple[str | bytes, Packed] | None:
        """The file made before from exactly these inputs, and its packed bytes, if any."""
        packed = self.index.page(key)
        if packed is None or packed_kind(packed) is not kind:
            return None
        return unpack(packed), packed

    def pack(self, content: str | bytes) -> Packed:
        """A file just made, packed and put in the spool."""
        return self.spool.keep(pack(content))

    def keep_packed(self, packed: bytes) -> Packed:
        """A file packed elsewhere (files/sitefiles.py pack), put in the spool."""
        return self.spool.keep(packed)

    def add_searched(self, name: str, packed: Packed, key: str, clean: str) -> None:
        """A file of the site made from inputs with this key and found clean under this
        build's search by a worker of this build (or known clean by the index): clean is its
        check key (PageIndex.check_key)."""
        self.index.keep_page(key, packed)
        self.index.keep_clean(clean)
        self.files.packed[name] = packed
        self.named.append((name, key))

    def add(self, name: str, content: str | bytes, packed: Packed, key: str | None,
            totals: tuple[str, ...] = (), *, searched: bool = False) -> None:
        """A file of the site, searched for what must not be published (searched: as it was
        made, by a View of the same body), unless the index knows this very text clean
        under this very search; totals: the amounts it may publish."""
        index = self.index
        clean = index.check_key(content, self.check, totals)
        if not index.checked(clean):
            if not searched:
                self.view.assert_clean(content, msg("the site (page {page})", page=name),
                                       totals)
            index.keep_clean(clean)
        self.files.packed[name] = packed
        self.named.append((name, index.name_page(key, content, packed)))


def _pages_for(build: _Build, lang: str, today: dt.date, prefix: str,
               other: str | None, made_first: Callable[[], None] | None = None) -> None:
    """Every page of one language; made_first: what is made first (the calendar), in this
    process once a worker making year reports was forked (_reports_ahead)."""
    from kwartaal.core import model as m
    from kwartaal.core import rules
    from kwartaal.core.visibility import View
    from kwartaal.core.yearreport import Years, each_report, published_totals
    from kwartaal.documents.agenda import ActionReview
    from kwartaal.documents.report import report_years

    body = build.body
    view = View(body, lang, public=True)
    published = [mt for mt in body.meetings if mt.status == "published"]
    common: dict[str, Any] = {"body_name": view.body_name(), "today": today.isoformat(),
                              "languages": body.config.languages}

    def made(name: str, template: str, depth: int,
             **context: Any) -> tuple[str | None, tuple[str | bytes, Packed] | None, str]:
        """(the page's key, the page made before from exactly its inputs or None, else its
        text rendered now)."""
        home = "../" * depth  # to this language's index
        site_root = "../" * (depth + (1 if prefix else 0))  # to the folder of the whole site
        switch = None if other is None else site_root + other + name  # the same page, other
        inputs = dict(home=home, site_root=site_root, page=name, switch=switch, **common,
                      **context)
        try:  # exactly what the page is rendered from (files/pages.py)
            key: str | None = key_of(build.templates, lang, prefix + name, template, inputs)
        except Unkeyable:
            key = None
        before = build.made(key, str)
        text = "" if before is not None else render(body.root, f"site/{template}", lang,
                                                    **inputs)
        inputs.clear()  # what only this page shows goes before the page is searched
        context.clear()
        return key, before, text

    def page(name: str, template: str, depth: int, totals: tuple[str, ...] = (),
             **context: Any) -> None:
        key, before, text = made(name, template, depth, **context)
        if before is None:
            before = text, build.pack(text)
            build.index.keep_page(key, before[1])
        build.add(prefix + name, *before, key, totals)

    def open_row(a: m.Action) -> dict[str, Any]:
        days = rules.days_overdue(a, today)
        return {"id": a.id, "title": view.text(a.title, a.id),
                "due": a.due.isoformat() if a.due else "",
                "owners": [view.person(pid) for pid in a.owners],
                "theme": view.text(m.text_in(body.config.themes[a.theme].title, lang,
                                             body.config.language))
                if a.theme in body.config.themes else "",
                "overdue": days, "overdue_text": overdue_text(days, lang), "status": a.status}

    still_open: list[tuple[tuple[dt.date, str], dict[str, Any]]] = []
    counts = rules.Progress(body, today)
    planned = rules.next_planned(body, today)
    review = ActionReview(view, planned, today) if planned else None  # the agenda's

    def seen(meeting: m.Meeting, facts: list[ActionFact], opened: list[m.Action]) -> None:
        for fact in facts:  # every action once, one meeting's at a time: progress counts it
            if not view.hides_fact(meeting.id, fact):
                counts.add(fact)
        for a in opened:
            if review is not None:
                review.add(a)
            if not view.hides(a):  # its row on the page of open actions, and its place there
                still_open.append(((a.due or dt.date.max, a.id), open_row(a)))

    years = report_years(body)
    gathered: list[Years] = []  # the pass over the actions, once made

    def passed() -> Years:
        if not gathered:  # in a worker forked before this process's pass: its own
            gathered.append(Years(body, view, today))
        return gathered[0]

    def report(year: int) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        for _, data in each_report(body, [year], today, lang, public=True, gathered=passed()):
            return f"report-{year}.html", published_totals(data), data
        raise ValueError(year)

    def searched(share: Iterable[int]) -> Iterator[tuple[Any, bytes]]:
        """The public year reports of share rendered and searched (files/workers.py): each
        (its name, key, totals and clean key; its packed text). A report that fails, was made
        before or would be refused is left out: it is made again in its turn, and fails or
        is refused there as it would without workers."""
        for year in share:
            try:
                name, totals, data = report(year)
                key, before, text = made(name, "report.html.j2", 0, r=data)
                del data
                if key is None or before is not None:
                    continue
                clean = build.index.check_key(text, build.check, totals)
                if build.index.checked(clean) or not build.view.leaks(text, totals):
                    yield (year, key, totals, clean), pack(text)
            except Exception:  # noqa: BLE001, S112 - made again in its turn, failing there
                continue

    def others() -> None:
        if made_first is not None:
            made_first()
        # what the year reports count is gathered in the same pass over the actions
        gathered.append(Years(body, view, today, seen=seen))
        _other_pages(body, view, lang, today, page, counts, still_open, published, planned,
                     review, years)

    ahead = _reports_ahead(build, years, searched, others)  # also makes the others
    for year in years:  # the public year reports, one at a time; totals only
        if year in ahead:
            key, totals, clean, packed = ahead.pop(year)
            build.add_searched(prefix + f"report-{year}.html", packed, key, clean)
            continue
        name, totals, data = report(year)
        page(name, "report.html.j2", 0, totals, r=data)


def _other_pages(body: m.Body, view: Any, lang: str, today: dt.date,
                 page: Callable[..., None], counts: Any, still_open: list[Any],
                 published: list[m.Meeting], planned: Any, review: Any,
                 years: list[int]) -> None:
    """Every page of one language but the year reports: progress, open actions, the minutes,
    the agenda, the decisions and the index."""
    from kwartaal.core import model as m
    from kwartaal.documents.agenda import build_agenda
    from kwartaal.documents.minutes import build_minutes

    progress = []
    for row in counts.rows():
        theme = body.config.themes.get(row.key)
        title = view.text(m.text_in(theme.title, lang, body.config.language)) if theme \
            else row.key
        counted = row.done + row.in_progress + row.open
        progress.append({"key": row.key, "title": title or "—", "done": row.done,
                         "in_progress": row.in_progress, "open": row.open,
                         "overdue": row.overdue, "dropped": row.dropped, "counted": counted,
                         "share": round(row.share_done * 100)})
    page("progress.html", "progress.html.j2", 0, progress=progress)
    open_count = len(still_open)
    still_open.sort(key=lambda pair: pair[0])
    rows = [row for _, row in still_open]
    still_open.clear()
    page("actions.html", "actions.html.j2", 0, actions=rows)
    del rows  # (let go before the other pages are made)
    # then the pages of the minutes and the agenda (each holding what it shows until the
    # index has been made)
    minutes = [build_minutes(body, mt, lang, public=True) for mt in reversed(published)]
    for data in minutes:
        page(f"minutes/{data['meeting']}.html", "minutes.html.j2", 1, m=data)
    agenda = build_agenda(body, planned, today, lang, public=True,
                          gathered=review) if planned else None
    page("agenda.html", "agenda.html.j2", 0, a=agenda)
    decisions = [dict(d, meeting=data["meeting"], date_long=data["date_long"])
                 for data in minutes for d in reversed(data["decisions"])]
    on_page = {d["id"] for d in decisions}
    for d in decisions:  # link only to decisions that are on the site
        d["link_superseded_by"] = d["superseded_by"] in on_page
        d["link_supersedes"] = d["supersedes"] in on_page
    page("decisions.html", "decisions.html.j2", 0, decisions=decisions)
    page("index.html", "index.html.j2", 0, minutes=minutes, agenda=agenda,
         progress=progress, open_count=open_count, reports=years)


MIN_REPORTS = 50  # a few milliseconds each: fewer are not worth a process


def _reports_ahead(build: _Build, years: list[int],
                   searched: Callable[[Iterable[int]], Iterator[tuple[Any, bytes]]],
                   others: Callable[[], None]) -> dict[int, tuple[Any, ...]]:
    """The year reports made ahead by two processes met in the middle (files/workers.py):
    a worker takes them from the oldest year on as soon as it is forked, while this process
    makes the other pages (others, with the pass over the actions the worker makes for
    itself), then takes them from the newest; by year: (key, totals, clean key, packed).
    With one process, the other pages only, and none ahead."""
    from kwartaal.files.workers import shared

    ahead: dict[int, tuple[Any, ...]] = {}

    def take(value: Any, stored: Any) -> bool:
        year, key, totals, clean = value
        packed = build.keep_packed(stored) if isinstance(stored, bytes) else Spooled(
            stored[2], stored[0], stored[1])
        ahead[year] = (key, tuple(totals), clean, packed)
        return True

    if not shared(years, searched, take, least=MIN_REPORTS, first=others, meet=True):
        others()
    return ahead


def build_site(body: m.Body, today: dt.date, *, cached: bool = False) -> dict[str, str | bytes]:
    """All files of the site, checked, in memory; nothing is written here. cached: the body
    is as loaded from its files this run, and pages come from the page index
    (files/pages.py) when their inputs are unchanged."""
    index = PageIndex(body.root, enabled=cached)
    files, _ = _build(body, today, index, templates_digest(body.root, shipped_templates()))
    index.save()
    return dict(files)


def site_files(root: Path, today: dt.date,
               load: Callable[[], m.Body]) -> tuple[Mapping[str, str | bytes], str, str]:
    """The files of the body's site, checked, with the publish folder and the language its
    settings name; each file is read (unpacked) as it is asked for (files/sitefiles.py).
    When every file the body is loaded from, its templates and kwartaal's code are those of
    the last build that succeeded, on the same day, that build's files are the answer
    (files/pages.py): the body is not loaded (load is not called) and no page is built.
    Otherwise the body is loaded and the site built; its files are kept for next time only
    when the inputs read after the build equal those read before loading and none of them
    was written in between (PageIndex.moved: even back to the same bytes, the body may have
    been loaded from others), and its pages only when the templates were not written while
    they were rendered."""
    index = PageIndex(root)
    shipped = shipped_templates()
    inputs = index.site_inputs(today.isoformat(), templates_digest(root, shipped))
    kept = index.kept_site(inputs)
    if kept is not None:
        index.save()  # stat records trusted now, for the next run
        return kept
    with putting_off() as save_now:  # the parse index saved once the report worker runs
        body = load()
        files, named = _build(body, today, index, templates_digest(root, shipped), save_now)
    if inputs is not None and index.site_inputs(
            today.isoformat(), templates_digest(root, shipped)) == inputs and not index.moved:
        index.keep_site(inputs, named, body.config.publish_folder, body.config.language)
    index.save()
    return files, body.config.publish_folder, body.config.language


def _build(body: m.Body, today: dt.date, index: PageIndex, templates: str,
           save_now: Callable[[], None] = lambda: None,
           ) -> tuple[SiteFiles, list[tuple[str, str]]]:
    """save_now: the saves put off while loading (files/putoff.py), done once forked."""
    build = _Build(body, index, templates)
    state = templates_state(body.root)
    langs = [body.config.language, *[x for x in body.config.languages
                                      if x != body.config.language]]
    for lang in langs:
        prefix = "" if lang == body.config.language else f"{lang}/"
        other_lang = None
        if len(langs) > 1:
            other_lang = langs[1] if lang == langs[0] else langs[0]
        other = None if other_lang is None else (
            "" if other_lang == body.config.language else f"{other_lang}/")
        # the calendar first: what it holds while made is let go before the pages'
        _pages_for(build, lang, today, prefix, other, made_first=None if lang != langs[0]
                   else lambda: (save_now(), _calendar_and_style(build, today)))
    if templates_digest(body.root, shipped_templates()) != templates or templates_state(
            body.root) != state:
        # a template changed while the pages were rendered (even back): nothing of this
        # build is kept, or pages of its new text would stand under the old text's digest
        index.enabled = False
    return build.files, build.named


def _calendar_and_style(build: _Build, today: dt.date) -> None:
    from kwartaal.documents.calendar import calendar, calendar_inputs

    body, index, templates = build.body, build.index, build.templates
    lang = body.config.language
    # kept under exactly what it is made of, as every page (the body's files read again
    # after loading could be newer than what the body was loaded from)
    inputs = calendar_inputs(body, lang, public=True, view=build.view)
    try:
        ics_key: str | None = key_of(templates, "kwartaal.ics", lang, today.isoformat(),
                                     inputs)
    except Unkeyable:
        ics_key = None
    made = build.made(ics_key, bytes)
    if made is None:
        # a public calendar is searched as it is made (View.assert_clean, no totals), by the
        # View that searches the site
        ics = calendar(body, lang, today, public=True, view=build.view, inputs=inputs)
        made = ics, build.pack(ics)
        index.keep_page(ics_key, made[1])
        build.add("kwartaal.ics", *made, ics_key, searched=True)
    else:
        build.add("kwartaal.ics", *made, ics_key)
    css_key = key_of(templates, "style.css", body.config.language)
    made = build.made(css_key, str)
    if made is None:
        css = render(body.root, "style.css", body.config.language)
        made = css, build.pack(css)
        index.keep_page(css_key, made[1])
    build.add("style.css", *made, css_key)


def write_site(files: Mapping[str, str | bytes], folder: Path,
               kept_clear: Iterable[Path] = ()) -> list[Path]:
    """Write the files into the site's folder (files/sitefolder.py): pages of the last build
    that this one no longer makes are removed, nothing else; kept_clear: folders the site's
    folder may not be or hold (the body's, its published minutes')."""
    from kwartaal.files.sitefolder import write_site_folder

    return write_site_folder(list(files), lambda name: _bytes_of(files, name), folder,
                             kept_clear)


def _bytes_of(files: Mapping[str, str | bytes], name: str) -> bytes:
    """A file's bytes as written (a text in UTF-8); of packed files (files/sitefiles.py)
    without decoding a page of megabytes first."""
    if isinstance(files, SiteFiles):
        return encoded(files.packed[name])[0]
    content = files[name]
    return content if isinstance(content, bytes) else content.encode("utf-8")
