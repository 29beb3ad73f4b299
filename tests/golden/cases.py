"""Golden seeded outputs: exact KPI frames of three presets and a small sweep's rows.

The refactors of the model must leave these bit-identical. When a change to the model is
*intended* to change results, regenerate them and say so in the commit message::

    make golden            # or: .venv/bin/python -m tests.golden

Each case runs on a small organization for one year with one seed, so the whole set takes a
couple of seconds. Numbers are stored as CSV with 17 significant digits, which round-trips every
float64 exactly, so the comparison in ``tests/test_golden.py`` is exact, not approximate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

GOLDEN_DIR = Path(__file__).resolve().parent
WEEKS = 52
SEED = 7
HEADCOUNT = 120
PRESETS = ("pyramid", "two_way", "airline")
SWEEP = {
    "scenario": "pyramid",
    "weeks": 12,
    "replications": 2,
    "seed": 5,
    "overrides": {"org.headcount": 60},
    "design": {"kind": "grid", "parameters": {"culture.service_direction": [-1.0, 0.0]}},
    "outputs": {"kpis": ["morale_mean", "profit", "turnover_annualized"], "window": 4},
}


def preset_frame(preset: str) -> pd.DataFrame:
    """The weekly KPI frame of one preset (one seed, small headcount, one year)."""
    import sim

    return sim.run(preset, weeks=WEEKS, seed=SEED, overrides={"org.headcount": HEADCOUNT})


def sweep_frame(tmp: Path) -> pd.DataFrame:
    """The runs table of a small grid sweep, without its wall-clock column."""
    import sim
    from sim.studies.experiment import experiment_from_dict

    exp = experiment_from_dict(SWEEP, where="golden", name="golden")
    df = sim.sweep(exp, workers=1, out=tmp, progress=False)
    return df.drop(columns=["seconds"]).sort_values("run_id", ignore_index=True)


def path_of(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.csv"


def to_text(df: pd.DataFrame) -> str:
    """The CSV text a frame is stored as (the sweep's positional index is not stored)."""
    keep_index = df.index.name is not None
    return df.to_csv(float_format="%.17g", index=keep_index, lineterminator="\n")


def write(df: pd.DataFrame, name: str) -> Path:
    path = path_of(name)
    path.write_text(to_text(df))
    return path


def regenerate() -> list[Path]:
    """Write every golden file anew (an intended model change)."""
    import tempfile

    files = [write(preset_frame(p), p) for p in PRESETS]
    with tempfile.TemporaryDirectory() as tmp:
        files.append(write(sweep_frame(Path(tmp) / "sweep"), "sweep"))
    return files
