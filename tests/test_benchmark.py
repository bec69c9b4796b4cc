"""The benchmark runs (N = 40) as a smoke test: no timing is judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes",
                             "40", "--runs", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("kwartaal --help", "tomllib parse floor", "check",
                "actions --overdue --json (first)", "agenda", "minutes --public",
                "action done ID --no-commit", "task overdue", "--help / import click"):
        assert row in result.stdout, row
    print(result.stdout)
