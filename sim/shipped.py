"""Where the data that ships with servicechain lives: presets, experiments, the example client.

The source of each is a top-level folder of the repository (``scenarios/``, ``experiments/``,
``examples/client/``), data rather than code. A wheel carries them as package data under
``sim/data/`` (``pyproject.toml`` maps ``sim.data.scenarios`` to ``scenarios/`` and so on), so an
installed package finds them next to its modules; a checkout (``pip install -e .``, or the
source on ``PYTHONPATH``) has no ``sim/data/`` and reads the top-level folders themselves.
Either way the rest of the code asks this module, never a path of its own.

Wheels are installed unpacked, so the package's folder is a real directory and the shipped
files are plain paths (the folder ``importlib.resources.files("sim")`` names).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_PACKAGED = _PACKAGE / "data"  # in an installed wheel
_CHECKOUT = _PACKAGE.parent  # the repository root, in a checkout


def shipped_folder(relative: str) -> Path:
    """The folder of shipped data ``relative`` (e.g. ``"scenarios"``): the package's copy in an
    installed wheel, else the checkout's top-level folder."""
    packaged = _PACKAGED / relative
    return packaged if packaged.is_dir() else _CHECKOUT / relative


SCENARIO_DIR = shipped_folder("scenarios")  # the presets, one TOML file each
EXPERIMENT_DIR = shipped_folder("experiments")  # sweep definitions, one TOML file each
EXAMPLE_CLIENT_DIR = shipped_folder("examples/client")  # a made-up client's files
# The example client's files (what a user copies out and replaces with their own); the wheel
# ships the same (pyproject.toml's package data; tests/test_wheel.py compares them).
EXAMPLE_CLIENT_FILES = ("*.csv", "*.toml", "*.py")


def copy_example_client(folder: Path) -> list[Path]:
    """Copy the example client's files into ``folder`` (created if missing) and return them.

    Raises:
        FileExistsError: ``folder`` exists and is not an empty folder: nothing is overwritten.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(
            f"{folder}: exists and is not an empty folder; give a new or empty folder for the "
            "example client (nothing was copied)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(
        {f for pattern in EXAMPLE_CLIENT_FILES for f in EXAMPLE_CLIENT_DIR.glob(pattern)}
    )
    copied = []
    for source in sources:
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        copied.append(target)
    return copied
