"""The wheel, built the way pip builds it for a user: it holds every module, every template
and the licence. (.ci/wheel-check goes further: it installs the wheel and runs commands.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    # From a copy: building in place would leave build/ and egg-info behind in the tree, and a
    # stale build/ could hide a file missing from the package.
    tree = tmp_path_factory.mktemp("tree") / "kwartaal"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
        "test-artifacts"))
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "--wheel-dir", str(out), str(tree)],
                           capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{build.stdout}\n{build.stderr}")
    (wheel,) = out.glob("kwartaal-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_the_wheel_holds_every_module(wheel_names: set[str]) -> None:
    source = ROOT / "src"
    modules = {p.relative_to(source).as_posix() for p in source.rglob("*.py")
               if "egg-info" not in p.as_posix()}
    assert modules - wheel_names == set()


def test_the_wheel_holds_every_template(wheel_names: set[str]) -> None:
    folder = ROOT / "templates"
    templates = {"kwartaal/templates/" + p.relative_to(folder).as_posix()
                 for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert templates, "no templates found"
    assert templates - wheel_names == set()


def test_the_wheel_carries_the_licence(wheel_names: set[str]) -> None:
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel_names)
