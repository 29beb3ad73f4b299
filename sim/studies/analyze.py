"""Analysis of a sweep folder: summary with 95% CIs, sensitivity indices, offline HTML report.

``servicechain analyze DIR`` reads what :mod:`sim.sweep` wrote (``manifest.json``,
``design.parquet``, ``runs/``) and produces:

- a **summary**: per design point and KPI output (``window.<kpi>`` and ``final.<kpi>``), the
  number of successful runs, mean, standard deviation and a 95% confidence interval of the mean
  (Student t over replications); written to ``DIR/summary.csv``;
- **sensitivity indices** for sobol designs (first-order S1 and total ST with 95% bootstrap
  confidence half-widths, ``SALib.analyze.sobol``) and morris designs (mu*, its 95% confidence
  half-width, and sigma, ``SALib.analyze.morris``), computed on the replication mean of each
  design point; written to ``DIR/sensitivity.csv``;
- an **HTML report** with Plotly charts (KPI vs parameter with CI error bars for grid and
  one_at_a_time designs, scatter for lhs, index bars with CI whiskers for sobol and morris),
  written by :mod:`sim.studies.html`: plotly.js is embedded once, so the file opens offline.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.params import ParameterError
from sim.studies.html import figure_div, page, write_page
from sim.studies.stats import t_half_width


class AnalysisError(ParameterError):
    """A folder is not a sweep output, or cannot be analysed (message says why)."""


def load_sweep(folder: str | Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Read a sweep folder: ``(manifest, runs, design)``.

    Raises:
        AnalysisError: the folder has no manifest or no finished runs.
    """
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise AnalysisError(
            f"{folder}: not a sweep folder (no manifest.json); give the --out folder of "
            "`servicechain sweep`"
        )
    manifest = json.loads(manifest_path.read_text())
    runs_dir = folder / "runs"
    if not runs_dir.is_dir() or not any(runs_dir.glob("part-*.parquet")):
        raise AnalysisError(f"{folder}: no finished runs yet (runs/ is empty)")
    runs = pd.read_parquet(runs_dir).sort_values("run_id", ignore_index=True)
    design = pd.read_parquet(folder / "design.parquet").set_index("point_id")
    return manifest, runs, design


def output_columns(manifest: dict[str, Any], which: tuple[str, ...] = ("window", "final")) -> list:
    """The KPI output columns of a sweep, e.g. ``["window.profit", "final.profit", ...]``."""
    return [f"{w}.{k}" for k in manifest["kpis"] for w in which]


def summary(manifest: dict[str, Any], runs: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% CI per design point and KPI output (successful runs only).

    Returns:
        A long frame: ``point_id``, ``label``, the varied parameters, ``output``, ``n`` (ok runs),
        ``failed``, ``mean``, ``sd``, ``ci_low``, ``ci_high`` (NaN bounds when n < 2).
    """
    names = manifest["parameter_names"]
    ok = runs[runs["status"] == "ok"]
    failed = runs[runs["status"] != "ok"].groupby("point_id").size()
    frames = []
    for col in output_columns(manifest):
        g = ok.groupby("point_id")[col]
        part = pd.DataFrame({"n": g.count(), "mean": g.mean(), "sd": g.std(ddof=1)})
        # Points whose runs all failed still get a row (n = 0), so failures stay visible.
        part = part.reindex(design.index)
        part["n"] = part["n"].fillna(0).astype(int)
        half = t_half_width(part["sd"].to_numpy(), part["n"].to_numpy())
        part["ci_low"] = part["mean"] - half
        part["ci_high"] = part["mean"] + half
        part["output"] = col
        frames.append(part)
    table = pd.concat(frames) if frames else pd.DataFrame()
    table = design[["label", *names]].join(table, how="right")
    table.index.name = "point_id"
    table["failed"] = failed.reindex(table.index).fillna(0).astype(int)
    table = table.reset_index().rename(columns={"index": "point_id"})
    cols = ["point_id", "label", *names, "output", "n", "failed", "mean", "sd", "ci_low", "ci_high"]
    return table[cols].sort_values(["output", "point_id"], ignore_index=True)


def sensitivity(
    manifest: dict[str, Any], runs: pd.DataFrame, design: pd.DataFrame
) -> pd.DataFrame | None:
    """Sobol (S1, ST) or Morris (mu*, sigma) indices with 95% CIs per KPI window mean.

    Indices use the mean over replications at each design point, in sample order. A KPI with a
    failed or missing point cannot be analysed (the estimators need every sample) and is
    reported with a note instead of numbers.

    Returns:
        None for designs without indices, else a long frame: ``output``, ``parameter``,
        ``index`` (S1, ST, mu_star, sigma), ``value``, ``conf`` (95% half-width), ``note``.
    """
    d = manifest["design"]
    kind = d["kind"]
    if kind not in ("sobol", "morris"):
        return None
    names = manifest["parameter_names"]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [d["parameters"][n] for n in names],
    }
    seed = int(manifest["root_seed"])
    ok = runs[runs["status"] == "ok"]
    rows = []
    for col in output_columns(manifest, ("window",)):
        y = ok.groupby("point_id")[col].mean().reindex(design.index)
        if y.isna().any() or not np.isfinite(y.to_numpy()).all():
            missing = int(y.isna().sum())
            rows.append(
                {
                    "output": col,
                    "parameter": "",
                    "index": "",
                    "value": np.nan,
                    "conf": np.nan,
                    "note": f"{missing} design points have no successful run; not analysed",
                }
            )
            continue
        Y = y.to_numpy(dtype=float)
        if kind == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem, Y, calc_second_order=bool(d["second_order"]), conf_level=0.95, seed=seed
            )
            for i, name in enumerate(names):
                for idx in ("S1", "ST"):
                    rows.append(
                        {
                            "output": col,
                            "parameter": name,
                            "index": idx,
                            "value": float(res[idx][i]),
                            "conf": float(res[f"{idx}_conf"][i]),
                            "note": "",
                        }
                    )
        else:
            from SALib.analyze import morris

            X = design[[f"raw.{n}" for n in names]].to_numpy(dtype=float)
            res = morris.analyze(
                problem, X, Y, conf_level=0.95, num_levels=int(d["levels"]), seed=seed
            )
            for i, name in enumerate(names):
                rows.append(
                    {
                        "output": col,
                        "parameter": name,
                        "index": "mu_star",
                        "value": float(res["mu_star"][i]),
                        "conf": float(res["mu_star_conf"][i]),
                        "note": "",
                    }
                )
                rows.append(
                    {
                        "output": col,
                        "parameter": name,
                        "index": "sigma",
                        "value": float(res["sigma"][i]),
                        "conf": np.nan,
                        "note": "",
                    }
                )
    table = pd.DataFrame(rows, columns=["output", "parameter", "index", "value", "conf", "note"])
    table.attrs["warnings"] = sample_warnings(manifest, table)
    return table


# Below these, indices are not stable enough to rank parameters.
MIN_SOBOL_SAMPLES = 64  # base samples N (Saltelli et al. advise hundreds or more)
MIN_MORRIS_TRAJECTORIES = 10  # Campolongo et al. 2007: 10 to 20 trajectories
MAX_CONF = 0.1  # widest acceptable 95% half-width of a Sobol index (a share of variance)


def sample_warnings(manifest: dict[str, Any], sens: pd.DataFrame) -> list[str]:
    """Why the sensitivity indices of a sweep may be unstable (empty when they look stable).

    Sobol: fewer than :data:`MIN_SOBOL_SAMPLES` base samples, or S1/ST 95% half-widths above
    :data:`MAX_CONF`. Morris: fewer than :data:`MIN_MORRIS_TRAJECTORIES` trajectories.
    """
    d = manifest["design"]
    kind, n = d["kind"], int(d["samples"])
    found = []
    if kind == "sobol":
        wide = sens[sens["conf"] > MAX_CONF]
        if n < MIN_SOBOL_SAMPLES or len(wide):
            found.append(
                f"Sobol indices from N = {n} base samples may be unstable: {len(wide)} of "
                f"{int(sens['conf'].notna().sum())} have a 95% CI half-width above {MAX_CONF}; "
                f"raise design.samples (a power of 2, at least {max(MIN_SOBOL_SAMPLES, 4 * n)})"
            )
    elif kind == "morris" and n < MIN_MORRIS_TRAJECTORIES:
        found.append(
            f"Morris indices from {n} trajectories may be unstable; use at least "
            f"{MIN_MORRIS_TRAJECTORIES} (design.samples)"
        )
    return found


# ------------------------------------------------------------------------------------ report
def figures(manifest: dict[str, Any], summ: pd.DataFrame, sens: pd.DataFrame | None) -> list:
    """Plotly figures for the report: one per KPI window mean (and per index kind)."""
    import plotly.graph_objects as go

    kind = manifest["design"]["kind"]
    names = manifest["parameter_names"]
    figs = []
    if sens is not None:
        for col, part in sens[sens["parameter"] != ""].groupby("output", sort=False):
            fig = go.Figure()
            for idx, sub in part.groupby("index", sort=False):
                fig.add_bar(
                    x=sub["parameter"],
                    y=sub["value"],
                    name=idx,
                    error_y={"type": "data", "array": sub["conf"].fillna(0)},
                )
            title = "Sobol indices (95% CI)" if kind == "sobol" else "Morris mu* and sigma"
            fig.update_layout(title=f"{col}: {title}", barmode="group", yaxis_title="index")
            figs.append(fig)
        return figs
    for col in output_columns(manifest, ("window",)):
        part = summ[summ["output"] == col]
        if not names:
            continue
        if kind == "one_at_a_time":
            fig = go.Figure(
                go.Bar(
                    x=part["label"],
                    y=part["mean"],
                    error_y={
                        "type": "data",
                        "array": (part["ci_high"] - part["mean"]).fillna(0),
                    },
                )
            )
            fig.update_layout(title=f"{col} by design point (mean, 95% CI)", yaxis_title=col)
            figs.append(fig)
            continue
        x = names[0]
        fig = go.Figure()
        others = names[1:]
        groups = part.groupby(others, sort=True) if others else [((), part)]
        for key, sub in groups:
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{n}={v}" for n, v in zip(others, key, strict=True)) or col
            sub = sub.sort_values(x)
            mode = "markers" if kind == "lhs" else "lines+markers"
            fig.add_scatter(
                x=sub[x],
                y=sub["mean"],
                mode=mode,
                name=label,
                error_y={"type": "data", "array": (sub["ci_high"] - sub["mean"]).fillna(0)},
            )
        fig.update_layout(
            title=f"{col} vs {x} (mean over replications, 95% CI)",
            xaxis_title=x,
            yaxis_title=col,
        )
        figs.append(fig)
    return figs


def write_report(
    folder: str | Path, out: str | Path | None = None, max_table_rows: int = 400
) -> Path:
    """Analyse a sweep folder and write ``summary.csv``, ``sensitivity.csv`` and an HTML report.

    Args:
        folder: The sweep's output folder.
        out: HTML file (default ``folder/report.html``).
        max_table_rows: Rows of the summary shown in the HTML (the CSV has all).

    Returns:
        The path of the HTML report.
    """
    folder = Path(folder)
    manifest, runs, design = load_sweep(folder)
    summ = summary(manifest, runs, design)
    sens = sensitivity(manifest, runs, design)
    summ.to_csv(folder / "summary.csv", index=False)
    if sens is not None:
        sens.to_csv(folder / "sensitivity.csv", index=False)
    target = Path(out) if out is not None else folder / "report.html"
    figs = figures(manifest, summ, sens)
    n_failed = int((runs["status"] != "ok").sum())
    summary_line = (
        f"scenario {manifest['scenario']}, {manifest['weeks']} weeks, "
        f"{manifest['design']['kind']} design over {len(manifest['parameter_names'])} "
        f"parameters, {manifest['points']} points x {manifest['replications']} replications "
        f"= {manifest['total_runs']} runs; {len(runs)} on disk, {n_failed} failed; root seed "
        f"{manifest['root_seed']}; window mean over the last {manifest['window']} weeks."
    )
    parts = [
        f"<h1>Sweep: {html.escape(manifest['experiment'])}</h1>",
        f"<p>{html.escape(manifest.get('description', ''))}</p>",
        f"<p>{html.escape(summary_line)}</p>",
        *(figure_div(f"fig-{i}") for i in range(len(figs))),
    ]
    if sens is not None:
        parts.append("<h2>Sensitivity indices</h2>")
        parts += [f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in sens.attrs["warnings"]]
        parts.append(sens.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    parts.append("<h2>Summary (mean and 95% CI over replications)</h2>")
    shown = summ[summ["output"].str.startswith("window.")].head(max_table_rows)
    parts.append(shown.to_html(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(shown) < len(summ):
        parts.append(f"<p>Full table: {html.escape(str(folder / 'summary.csv'))}</p>")
    errors = runs.loc[runs["status"] != "ok", ["run_id", "point_id", "rep", "error"]]
    if len(errors):
        parts.append("<h2>Failed runs</h2>")
        parts.append(errors.head(max_table_rows).to_html(index=False))
    by_id = {f"fig-{i}": fig for i, fig in enumerate(figs)}
    title = f"servicechain sweep: {manifest['experiment']}"
    write_page(target, page(title, "\n".join(parts), by_id, "td { font-size: 12px; }"))
    return target


def run_cli(folder: Path, out: Path | None, console: Any) -> Path:
    """``servicechain analyze``: print the summary and indices, write CSVs and the report."""
    from rich.table import Table

    manifest, runs, design = load_sweep(folder)
    summ = summary(manifest, runs, design)
    sens = sensitivity(manifest, runs, design)
    target = write_report(folder, out)
    n_failed = int((runs["status"] != "ok").sum())
    console.print(
        f"{manifest['experiment']}: {len(runs)}/{manifest['total_runs']} runs, {n_failed} failed"
    )
    shown = summ[summ["output"].str.startswith("window.")]
    table = Table(title=f"Mean over the last {manifest['window']} weeks, 95% CI")
    for col in ("point", "output", "n", "mean", "95% CI"):
        # Design-point labels (parameter=value) must stay readable in a narrow terminal: wrap.
        left = col in ("point", "output")
        table.add_column(
            col, justify="left" if left else "right", overflow="fold" if left else None
        )
    for row in shown.head(60).itertuples(index=False):
        ci = "" if np.isnan(row.ci_low) else f"[{row.ci_low:.4g}, {row.ci_high:.4g}]"
        table.add_row(
            row.label, row.output.removeprefix("window."), str(row.n), f"{row.mean:.4g}", ci
        )
    console.print(table)
    if len(shown) > 60:
        console.print(f"... {len(shown) - 60} more rows in {Path(folder) / 'summary.csv'}")
    if sens is not None:
        st = Table(title="Sensitivity indices (95% CI half-width)")
        for col in ("output", "parameter", "index", "value", "conf"):
            st.add_column(col, justify="right" if col in ("value", "conf") else "left")
        for row in sens.itertuples(index=False):
            if row.note:
                st.add_row(row.output, row.note, "", "", "")
            else:
                conf = "" if np.isnan(row.conf) else f"{row.conf:.3g}"
                st.add_row(row.output, row.parameter, row.index, f"{row.value:.3g}", conf)
        console.print(st)
        for warning in sens.attrs["warnings"]:
            console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
    console.print(f"wrote {target} and {Path(folder) / 'summary.csv'}")
    return target
