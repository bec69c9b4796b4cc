"""Write a synthetic but valid body of N quarterly meetings into a new git repository.

Each meeting has 8 agenda items (one asking for input, answered a month later), 20 actions
(with a dated history), notes, decisions,
attendance and compensation lines; the people file has 60 people. Texts have realistic lengths.

    python benchmarks/generate.py DIR --meetings 400
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
from pathlib import Path

THEMES = ["destigmatisering", "laagdrempelige-zorg", "samenwerking", "klankbordgroep",
          "veilige-werkplekken", "toegang"]
STANDING = ["beleid", "actueel", "samenwerking"]
WORDS = [
    "overleg", "gemeente", "sekswerkers", "klankbordgroep", "politie", "woonstichting", "beleid",
    "informatie", "werkplek", "gesprek", "evaluatie", "spreekuur", "training", "conferentie",
    "definitie", "geweld", "toezicht", "vergunning", "registratie", "wet", "samenwerking",
    "voorstel", "verkenning", "terugkoppeling", "uitvoering", "contact", "buurt",
    "thuiswerken", "vertrouwen", "ervaring", "workshop", "zorg", "ggd", "afspraak",
]
LATER = {"done": "afgerond", "dropped": "vervallen: achterhaald", "in-progress": "gestart"}


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize()


def quarter_dates(count: int, start_year: int = 2000) -> list[dt.date]:
    dates = []
    year, index = start_year, 0
    while len(dates) < count:
        month = (3, 6, 9, 12)[index % 4]
        first = dt.date(year, month, 1)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7)  # second Thursday
        dates.append(thursday)
        index += 1
        if index % 4 == 0:
            year += 1
    return dates


def config_text() -> str:
    themes = "".join(f'\n[themes.{t}]\ntitle = "{t.replace("-", " ").capitalize()}"\n'
                     for t in THEMES)
    standing = "".join(f'\n[[standing]]\nkey = "{k}"\ntitle = "{k.capitalize()}"\nminutes = 20\n'
                       for k in STANDING)
    return (f'[body]\nname = "Synthetisch overleg"\nlanguage = "nl"\nchair = "p01"\n'
            f'secretary = "p02"\n\n[cadence]\nmonths = [3, 6, 9, 12]\nweekday = "thursday"\n'
            f'week = 2\ntime = "19:00"\nlength = 120\nplace = "Stadhuis"\n{standing}{themes}\n'
            f'[compensation]\nregime = "fee"\n')


def people_text(rng: random.Random) -> tuple[str, list[str], list[str]]:
    lines, everyone, paid = [], [], []
    for number in range(1, 61):
        pid = f"p{number:02d}"
        everyone.append(pid)
        if number % 6 == 0:
            visibility, name, role = "role-only", f"Werknaam{number}", "lid van de klankbordgroep"
            paid.append(pid)
        elif number % 6 == 3:
            visibility, name, role = "working-name", f"Werknaam{number}", "ervaringsdeskundige"
            paid.append(pid)
        else:
            visibility, name, role = "named", f"Persoon {number}", "medewerker"
        lines.append(f'[{pid}]\nname = "{name}"\nvisibility = "{visibility}"\n'
                     f'organisation = "Organisatie {number % 9}"\nrole = "{role}"\n'
                     f'core = {"true" if number <= 30 else "false"}\n'
                     f'compensated = {"true" if pid in paid else "false"}\n')
    return "\n".join(lines), everyone, paid


def meeting_text(rng: random.Random, date: dt.date, planned: bool, recent: bool,
                 people: list[str], paid: list[str]) -> str:
    present = sorted(rng.sample(people[:30], 14) + rng.sample(paid, 3))
    present = list(dict.fromkeys(present))
    out = [f"# Overleg {date}", f"date = {date}", 'time = "19:00"',
           f'status = "{"planned" if planned else "held"}"', 'chair = "p01"', 'secretary = "p02"',
           "invited = [" + ", ".join(f'"{p}"' for p in people[:30]) + "]"]
    if not planned:
        out.append("present = [" + ", ".join(f'"{p}"' for p in present) + "]")
    out.append("")
    for number in range(1, 9):
        under = f'under = "{STANDING[number % 3]}"\n' if number <= 5 else ""
        closed = "closed = true\n" if number == 8 else ""
        # a closed item's title is its own: drawn from the same few words as every other text,
        # it would turn up in a public one by chance, and the site rightly refuses to publish
        title = sentence(rng, 5, 11)
        title = f"Vertrouwelijk {date} {title.lower()}" if closed else title
        # the first item of a held meeting asks the table for input; what was done with it
        # is told a month later, except lately (feedback still owed)
        asks = ""
        if number == 1 and not planned:
            asks = "asks_input = true\n"
            if not recent:
                asks += (f'feedback = "{sentence(rng, 10, 20)}"\n'
                         f"feedback_date = {date + dt.timedelta(days=30)}\n"
                         'feedback_by = "p02"\n')
        out.append(f'[[item]]\nid = "p{number}"\ntitle = "{title}"\n'
                   f'by = "{rng.choice(people)}"\n{under}theme = "{rng.choice(THEMES)}"\n'
                   f"{closed}{asks}minutes = {rng.choice((10, 15, 20))}\n")
    if not planned:
        for number in range(1, 4):
            out.append(f'[[note]]\nid = "n{number}"\nitem = "p{number}"\n'
                       f'text = "{sentence(rng, 30, 60)}"\n')
        for number in range(1, 3):
            out.append(f'[[decision]]\nid = "d{number}"\ntext = "{sentence(rng, 12, 25)}"\n'
                       f'item = "p{number}"\n')
        for number in range(1, 21):
            due = date + dt.timedelta(days=rng.randint(20, 200))
            if recent:
                status = rng.choice(("open", "open", "in-progress", "done"))
            else:
                status = rng.choices(("done", "dropped", "open"), (90, 5, 5))[0]
            owners = rng.sample(people, 2)
            history = [f'  {{ date = {date}, by = "p02", what = "aangemaakt" }},']
            if status != "open":
                history.append(f'  {{ date = {date + dt.timedelta(days=10)}, by = "{owners[0]}", '
                               f'what = "{LATER[status]}" }},')
            out.append(f'[[action]]\nid = "a{number}"\ntitle = "{sentence(rng, 6, 12)}"\n'
                       f'owner = "{owners[0]}"\nwith = ["{owners[1]}"]\ndue = {due}\n'
                       f'theme = "{rng.choice(THEMES)}"\nstatus = "{status}"\n'
                       f'history = [\n' + "\n".join(history) + "\n]\n")
        for number, pid in enumerate([p for p in present if p in paid][:2], start=1):
            out.append(f'[[compensation]]\nid = "c{number}"\nperson = "{pid}"\nkind = "fee"\n'
                       f"hours = 3\namount = 25.00\nmethod = \"bank\"\npaid = {date}\n")
    return "\n".join(out)


def generate(folder: Path, meetings: int, seed: int = 7) -> tuple[Path, dt.date]:
    """Write the body into folder (a new git repository); returns it and a fitting 'today'."""
    rng = random.Random(seed)
    body = folder
    (body / "meetings").mkdir(parents=True, exist_ok=True)
    (body / "kwartaal.toml").write_text(config_text(), encoding="utf-8")
    text, people, paid = people_text(rng)
    (body / "people.toml").write_text(text, encoding="utf-8")
    (body / ".gitignore").write_text(".kwartaal-cache/\n", encoding="utf-8")
    # Ending about now, and never before 1900: kwartaal reads the years 1900-2999, so 4,000
    # quarterly meetings (a thousand years) run from 1900 to 2899.
    dates = quarter_dates(meetings, start_year=max(1900, 2026 - meetings // 4))
    for index, date in enumerate(dates):
        planned = index == len(dates) - 1
        recent = index >= len(dates) - 6
        (body / "meetings" / f"{date}.toml").write_text(
            meeting_text(rng, date, planned, recent, people, paid), encoding="utf-8")
    today = dates[-1] - dt.timedelta(days=20)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid",
                  "commit", "-q", "-m", "synthetic body"]):
        subprocess.run(["git", *args], cwd=body, check=True)
    return body, today


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--meetings", type=int, default=40)
    args = parser.parse_args()
    body, today = generate(args.folder, args.meetings)
    print(f"{body} (today: {today})")


if __name__ == "__main__":
    main()
