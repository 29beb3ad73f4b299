"""The package installs anywhere: a wheel built from this checkout, installed into a fresh virtual
environment in a temporary folder, has its presets, experiments, example client, fitted
defaults and the dashboard's scripts, and its command works from an unrelated folder.

The fresh environment gets the wheel only (``--no-deps``); the dependencies come from this
interpreter's site-packages through a ``.pth`` file, so the check needs no network beyond the
build's own backend (setuptools, from the package index or pip's cache). Slow: a build, an
install, and the first run compiles the numba kernels for the new location.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Shipped folder in the checkout -> where the wheel carries it (pyproject.toml's package-dir).
SHIPPED = {
    "scenarios": "sim/data/scenarios",
    "experiments": "sim/data/experiments",
    "examples/client": "sim/data/examples/client",
}

pytestmark = pytest.mark.slow


def source_files() -> list[str]:
    """The checkout's files as git sees them (tracked, and new ones not ignored)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [f for f in out.splitlines() if (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Build the wheel from a clean copy of the checkout and install it into a new venv."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in source_files():  # a copy: the build writes build/ and *.egg-info next to it
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), "."],
        cwd=source,
        check=True,
    )
    (wheel,) = dist.glob("servicechain-*.whl")

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This interpreter's packages (the dependencies) after the new environment's own.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "servicechain_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run([*pip, "install", "--no-deps", "--quiet", str(wheel)], check=True)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "bin": venv / "bin", "python": python, "cwd": elsewhere}


def run(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess:
    """Run a command of the new environment from the unrelated folder, without the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(COLUMNS="200", NO_COLOR="1", PATH=f"{installed['bin']}{os.pathsep}{env['PATH']}")
    return subprocess.run(
        list(args), cwd=installed["cwd"], env=env, capture_output=True, text=True, timeout=600
    )


def test_the_wheel_carries_the_shipped_data(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert {"sim/fitted.toml", "sim/py.typed"} <= names
    checkout = set(source_files())
    js = {n for n in checkout if n.startswith("dashboards/js/")}
    assert js and js <= names, "the dashboard's scripts"
    for folder, packaged in SHIPPED.items():
        files = {n.removeprefix(folder + "/") for n in checkout if n.startswith(folder + "/")}
        shipped = {n.removeprefix(packaged + "/") for n in names if n.startswith(packaged + "/")}
        assert files and shipped == files, f"{folder}/ ships as {packaged}/"


def test_the_installed_package_is_the_wheels_not_the_checkout(installed):
    result = run(installed, str(installed["python"]), "-c", "import sim; print(sim.__file__)")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_relative_to(installed["python"].parent.parent), path
    assert not path.is_relative_to(ROOT)


def test_the_command_lists_every_preset(installed):
    result = run(installed, "servicechain", "scenarios")
    assert result.returncode == 0, result.stderr
    presets = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    missing = [name for name in presets if name not in result.stdout]
    assert len(presets) >= 9 and not missing, missing


def test_a_preset_runs_and_validate_answers(installed):
    result = run(installed, "servicechain", "run", "airline", "--weeks", "4")
    assert result.returncode == 0, result.stderr
    assert "turnover" in result.stdout.lower()
    result = run(installed, "servicechain", "validate", "--help")
    assert result.returncode == 0, result.stderr
    assert "--reps" in result.stdout


def test_experiments_the_example_client_and_the_dashboard_files_are_found(installed):
    code = (
        "from sim.studies.experiment import load_experiment; "
        "print(load_experiment('culture_sweep').name); "
        "import dashboards.widgets"  # reads the dashboard's scripts when it is imported
    )
    result = run(installed, str(installed["python"]), "-c", code)
    assert result.returncode == 0, result.stderr
    result = run(installed, "servicechain", "example", "client")
    assert result.returncode == 0, result.stderr
    result = run(installed, "servicechain", "org", "client/client.toml")
    assert result.returncode == 0, result.stderr
    assert "385 seats" in result.stdout
