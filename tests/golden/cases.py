"""Golden seeded outputs: exact KPI frames of three presets and a small sweep's rows.

The refactors of the model must leave these bit-identical. When a change to the model is
*intended* to change results, regenerate them and say so in the commit message::

    make golden            # or: .venv/bin/python -m tests.golden

Each case runs on a small organization for one year with one seed, so the whole set takes a
couple of seconds. Numbers are stored as CSV with 17 significant digits, which round-trips every
float64 exactly, so the comparison in ``tests/test_golden.py`` is exact, not approximate.

The cases run in a child process whose NumPy is held to the AVX2 generation of vector code
(:data:`PINNED_ENV`): NumPy picks exp, log and friends by the CPU it finds, and the AVX-512 ones
round a last bit differently, which an agent-based model turns into a different run within a few
simulated weeks. Pinned, the golden files are the same on every x86-64 machine (the model itself
keeps BLAS, whose kernels also differ by CPU, out of its arithmetic).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


# NumPy's CPU features beyond AVX2 (NumPy 2.x group names, then the 1.x names; names a build
# does not know are ignored).
PINNED_ENV = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR AVX512F AVX512CD AVX512_SKX "
    "AVX512_CLX AVX512_CNL AVX512_KNL AVX512_KNM",
}
CASES = (*PRESETS, "sweep")


def texts_here() -> dict[str, str]:
    """Every case's CSV text, computed in this process."""
    import tempfile

    out = {p: to_text(preset_frame(p)) for p in PRESETS}
    with tempfile.TemporaryDirectory() as tmp:
        out["sweep"] = to_text(sweep_frame(Path(tmp) / "sweep"))
    return out


def texts() -> dict[str, str]:
    """Every case's CSV text, computed in a child process with :data:`PINNED_ENV`."""
    root = GOLDEN_DIR.parents[1]
    code = (
        "import json, sys; from tests.golden.cases import texts_here; "
        "json.dump(texts_here(), sys.stdout)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **PINNED_ENV},
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the golden cases failed to run:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def regenerate() -> list[Path]:
    """Write every golden file anew (an intended model change)."""
    files = []
    for name, text in texts().items():
        path = path_of(name)
        path.write_text(text)
        files.append(path)
    return files
