"""Time kwartaal as whole processes on synthetic bodies, against the tomllib parse floor and
Taskwarrior, and print one table of medians, the target ratios and peak memory.

    python benchmarks/run.py                    # N = 40, 400 and 4,000 meetings
    python benchmarks/run.py --sizes 40 --runs 1   # the smoke test CI runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

FLOOR = """
import sys, tomllib
from pathlib import Path
root = Path(sys.argv[1])
files = [root / "kwartaal.toml", root / "people.toml"]
files += sorted((root / "meetings").glob("*.toml"))
for path in files:
    tomllib.loads(path.read_text(encoding="utf-8"))
"""


def kwartaal_command() -> list[str]:
    script = Path(sys.executable).with_name("kwartaal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kwartaal"]


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, int,
                                                                                      int]:
    """Wall time (s), peak resident memory (MB) and exit code of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss // 1024, process.returncode


def median_of(runs: int, command: list[str], env: dict[str, str], before: object = None,
              cwd: Path | None = None) -> tuple[float, int]:
    times, peak = [], 0
    for _ in range(runs):
        if callable(before):
            before()
        elapsed, rss, _ = timed(command, env, cwd)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), peak


def taskwarrior(body: Path, env: dict[str, str], runs: int, work: Path) -> tuple[float, int] | str:
    task = shutil.which("task")
    if task is None:
        return "skipped: Taskwarrior ('task') is not installed (Debian package taskwarrior)"
    data = work / "task-data"
    data.mkdir(parents=True, exist_ok=True)
    rc = work / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\n"
                  "hooks=off\nnews.version=99.99.99\n", encoding="utf-8")
    task_env = {**env, "TASKRC": str(rc), "TASKDATA": str(data)}
    tasks = []
    import tomllib

    for path in sorted((body / "meetings").glob("*.toml")):
        for action in tomllib.loads(path.read_text(encoding="utf-8")).get("action", []):
            status = "completed" if action["status"] in ("done",) else (
                "deleted" if action["status"] == "dropped" else "pending")
            tasks.append({"description": action["title"], "status": status,
                          "entry": f"{path.stem.replace('-', '')}T000000Z",
                          "due": f"{str(action['due']).replace('-', '')}T000000Z",
                          "project": action.get("theme", ""), "tags": [action["owner"]]})
    export = work / "tasks.json"
    export.write_text("\n".join(json.dumps(t) for t in tasks), encoding="utf-8")
    subprocess.run([task, "import", str(export)], env=task_env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return median_of(runs, [task, "overdue"], task_env)


def measure(size: int, runs: int, work: Path) -> dict[str, object]:
    body, today = generate(work / f"body-{size}", size)
    cache = work / f"cache-{size}"
    env = {**os.environ, "KWARTAAL_TODAY": today.isoformat(), "KWARTAAL_CACHE_DIR": str(cache),
           "NO_COLOR": "1"}
    env.pop("KWARTAAL_NO_CACHE", None)
    k = [*kwartaal_command(), "--repo", str(body)]
    last = sorted((body / "meetings").glob("*.toml"))[-2].stem  # the last held meeting

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def restore() -> None:
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=body, check=True)

    results: dict[str, object] = {}
    results["python -c 'import click'"] = median_of(runs, [sys.executable, "-c",
                                                           "import click"], env)
    results["kwartaal --help"] = median_of(runs, [*kwartaal_command(), "--help"], env)
    results["tomllib parse floor"] = median_of(runs, [sys.executable, "-c", FLOOR, str(body)],
                                               env)
    results["check"] = median_of(runs, [*k, "check"], env)
    results["actions --overdue --json (first)"] = median_of(runs, [*k, "actions", "--overdue",
                                                                   "--json"], env, cold)
    median_of(1, [*k, "actions", "--overdue", "--json"], env)  # warm the cache
    results["actions --overdue --json (repeated)"] = median_of(runs, [*k, "actions",
                                                                      "--overdue", "--json"], env)
    results["agenda"] = median_of(runs, [*k, "agenda"], env)
    results["minutes --public"] = median_of(runs, [*k, "minutes", last, "--public"], env)
    results["action done ID --no-commit"] = median_of(runs, [*k, "action", "done",
                                                             f"{last}/a1", "--force",
                                                             "--no-commit"], env, restore)
    restore()
    results["task overdue"] = taskwarrior(body, env, runs, work / f"task-{size}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 400, 4000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kwartaal-bench-"))
    try:
        table: dict[int, dict[str, object]] = {}
        for size in args.sizes:
            runs = args.runs if size < 4000 else max(1, min(args.runs, 3))
            print(f"measuring {size} meetings ({size * 20:,} actions), {runs} run(s) each ...",
                  file=sys.stderr)
            table[size] = measure(size, runs, work)
        report(table)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(table: dict[int, dict[str, object]]) -> None:
    sizes = list(table)
    names = list(next(iter(table.values())))
    width = max(len(n) for n in names)
    print(f"{'median seconds (peak MB)':<{width}}  " + "  ".join(f"{s:>16,}" for s in sizes))
    for name in names:
        cells = []
        for size in sizes:
            value = table[size][name]
            cells.append(f"{value[0]:>9.3f} ({value[1]:>3})" if isinstance(value, tuple)
                         else f"{'skipped':>16}")
        print(f"{name:<{width}}  " + "  ".join(f"{c:>16}" for c in cells))
    skipped = {v for row in table.values() for v in row.values() if isinstance(v, str)}
    for reason in skipped:
        print(f"task overdue: {reason}")
    print()

    def t(size: int, name: str) -> float | None:
        value = table[size].get(name)
        return value[0] if isinstance(value, tuple) else None

    checks: list[tuple[str, float | None, float]] = []
    first = sizes[0]
    help_ratio = (t(first, "kwartaal --help") or 0) / (t(first, "python -c 'import click'") or 1)
    checks.append(("--help / import click", help_ratio, 1.5))
    if 400 in table:
        floor = t(400, "tomllib parse floor") or 1
        checks.append(("actions --overdue first / floor (400)",
                       (t(400, "actions --overdue --json (first)") or 0) / floor, 1.5))
        checks.append(("actions --overdue repeated / floor (400)",
                       (t(400, "actions --overdue --json (repeated)") or 0) / floor, 0.25))
        task = t(400, "task overdue")
        if task is not None:
            checks.append(("actions --overdue repeated / task overdue (400)",
                           (t(400, "actions --overdue --json (repeated)") or 0) / task, 1.0))
    if 400 in table and 4000 in table:
        for name in names:
            if name.startswith("python") or name == "task overdue":
                continue
            small, large = t(400, name), t(4000, name)
            if small and large:
                checks.append((f"{name}: 4,000 / 400", large / small, 11.0))
    if 40 in table and 4000 in table:
        small, large = t(40, "action done ID --no-commit"), t(4000, "action done ID --no-commit")
        if small and large:
            checks.append(("action done: 4,000 / 40", large / small, 2.0))
    if 4000 in table:
        peak = max(v[1] for v in table[4000].values() if isinstance(v, tuple))
        checks.append(("peak memory at 4,000 (MB)", float(peak), 150.0))
    print(f"{'target':<52} {'measured':>9} {'limit':>7}  met")
    for label, value, limit in checks:
        shown = "-" if value is None else f"{value:.2f}"
        ok = value is not None and value <= limit
        print(f"{label:<52} {shown:>9} {limit:>7.2f}  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
