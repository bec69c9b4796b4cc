"""The benchmark runs (N = 40) as a smoke test: no timing is judged here, only that every
command ran and every goal has its row."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import READS, WRITES, goals  # noqa: E402


def test_benchmark_smoke() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes",
                             "40", "--runs", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    print(out)
    for row in ("python -c 'import click'", "kwartaal --help", "tomllib parse floor F",
                "actions --overdue --json (warm)", "actions --overdue (cold)", "task overdue"):
        assert row in out, row
    for name in READS:
        assert f"{name} (warm)" in out and f"{name} (cold)" in out, name
    for name in WRITES:
        assert re.search(rf"^{re.escape(name)} +[0-9.]+ \(", out, re.MULTILINE), name
    assert "failed" not in out, out
    for number in range(1, 8):  # every goal of issue 19 has a row
        assert re.search(rf"^{number} .* (yes|no|-)$", out, re.MULTILINE), number
    # measured at 40 and on the example only: the goals at 400 and 4,000 say so, not "yes"
    assert re.search(r"^1 warm read at 4,000.*not measured .* -$", out, re.MULTILINE)
    assert re.search(r"^5 warm read on the example .* [0-9.]+ +2\.50  (yes|no)$", out,
                     re.MULTILINE)


def test_goals_say_no_when_missed_and_dash_when_not_measured() -> None:
    def row(warm: float, cold: float | None = None) -> dict[str, tuple[float, int]]:
        out = {"warm": (warm, 50)}
        if cold is not None:
            out["cold"] = (cold, 50)
        return out

    base = {"tomllib parse floor F": row(1.0), "python -c 'import click'": row(1.0)}
    table = {"4000": {**base, **{name: row(0.2, 0.5) for name in READS},
                      "actions --overdue": row(0.2, 0.5)},
             "example": {**base, "kwartaal --help": row(1.1),
                         **{name: row(2.0) for name in READS}}}
    result = {label.split(" (worst")[0]: (value, limit) for label, value, limit in goals(table)}
    assert result["1 warm read at 4,000 / F <= 0.25"] == (0.2, 0.25)
    assert result["2 cold check, site at 4,000 / F <= 0.75"] == (0.5, 0.75)
    assert result["5 --help / import click <= 1.2"][0] == 1.1
    table["4000"]["site"] = row(0.3, 0.9)  # one command over its limit: the goal is not met
    result = {label.split(" (worst")[0]: (value, limit) for label, value, limit in goals(table)}
    value, limit = result["1 warm read at 4,000 / F <= 0.25"]
    assert value is not None and value > limit
    assert "3 write with commit, 4,000 / 40 <= 1.5: not measured" in {
        label for label, _, _ in goals(table)}


def test_only_some_rows_by_cpu_time() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes",
                             "40", "--runs", "1", "--cpu", "--no-example", "--only", "agenda",
                             "actions --overdue --json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert out.startswith("median CPU seconds (peak MB)")
    assert re.search(r"^agenda \(warm\) +[0-9.]+ \(", out, re.MULTILINE)
    assert re.search(r"^actions --overdue --json \(cold\) +[0-9.]+ \(", out, re.MULTILINE)
    assert "check (warm)" not in out and "failed" not in out
    assert not re.search(r"^task overdue", out, re.MULTILINE)  # not asked for
    refused = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only",
                              "agend"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "unknown rows ['agend']" in refused.stderr
