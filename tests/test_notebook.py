"""The example notebook in docs/ runs from top to bottom without errors or widget warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "example.ipynb"


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_example_notebook_executes(tmp_path: Path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "IProgress not found" not in text and "Traceback" not in text
    figures = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) >= 3  # chain, time series, sweep summary


def test_compare_and_sweep_have_real_signatures():
    import inspect

    import sim

    assert list(inspect.signature(sim.compare).parameters)[:4] == [
        "scenarios",
        "reps",
        "weeks",
        "seed",
    ]
    assert "workers" in inspect.signature(sim.sweep).parameters
    assert "panel" in inspect.signature(sim.run).parameters
