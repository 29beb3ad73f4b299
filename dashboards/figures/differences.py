"""Compare mode: the headline differences and the difference chart, with replications' CIs.

Runs are paired by replication (common random numbers: replication ``r`` of every scenario uses
the same seed), so each difference is computed replication by replication before averaging, and
its 95% interval is the Student-t interval over replications (``sim.studies.compare.mean_ci``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboards.figures.chain import link_series
from dashboards.figures.common import FONT, PALETTE, Figure, event_markers, with_alpha
from dashboards.figures.timeseries import axis_format
from sim.kpis import KPI_BY_NAME, format_kpi
from sim.studies.stats import mean_ci, t_half_width

HEADLINE_KPIS: tuple[str, ...] = ("profit", "turnover_annualized", "customer_satisfaction")
HEADLINE_WEEKS = 13  # the headline compares the last quarter's means


@dataclass(frozen=True)
class Difference:
    """One headline difference: a run minus the reference run, over the last weeks.

    Attributes:
        kpi: KPI column (``turnover_annualized`` is shown as retention).
        label: Human label.
        run: The run compared with the reference.
        mean: Mean paired difference (NaN before any measured week).
        low: Lower end of the 95% CI (NaN with one replication).
        high: Upper end of the 95% CI.
        text: The difference formatted, with its interval when there is one.
        better: True when the run is better than the reference on this KPI.
    """

    kpi: str
    label: str
    run: str
    mean: float
    low: float
    high: float
    text: str
    better: bool


def rep_band(
    reps: Sequence[pd.DataFrame], mean: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame] | pd.DataFrame:
    """Week by week over replications: the 95% CI ``(low, high)`` frames, or the mean frame.

    Replications run in lockstep, so their frames share index and columns.
    """
    first = reps[0]
    arr = np.stack([r.to_numpy(dtype=float) for r in reps])
    with np.errstate(invalid="ignore"):
        m = np.nanmean(arr, axis=0) if len(reps) > 1 else arr[0]
    if mean:
        return pd.DataFrame(m, index=first.index, columns=first.columns)
    n = len(reps)
    half = t_half_width(np.nanstd(arr, axis=0, ddof=1), n)
    return (
        pd.DataFrame(m - half, index=first.index, columns=first.columns),
        pd.DataFrame(m + half, index=first.index, columns=first.columns),
    )


def _window_mean(df: pd.DataFrame, kpi: str, weeks: int) -> float:
    series = link_series(df, kpi).dropna()
    return float(series.iloc[-weeks:].mean()) if len(series) else float("nan")


def _signed(value: float, kpi: str) -> str:
    text = format_kpi(abs(value), kpi)
    if KPI_BY_NAME[kpi].unit in ("share", "1/year"):
        text = f"{abs(value) * 100:.1f} pts"
    return ("+" if value >= 0 else "−") + text


def headline(
    runs: dict[str, Sequence[pd.DataFrame]],
    kpis: Sequence[str] = HEADLINE_KPIS,
    weeks: int = HEADLINE_WEEKS,
) -> list[Difference]:
    """Each run minus the first run, paired by replication, over the last ``weeks`` weeks.

    Args:
        runs: Run label -> one KPI frame per replication (placeholders as NaN), first = reference.
        kpis: KPIs of the headline.
        weeks: Window of the means.
    """
    labels = list(runs)
    ref = runs[labels[0]]
    out = []
    for label in labels[1:]:
        for kpi in kpis:
            diffs = np.array(
                [
                    _window_mean(a, kpi, weeks) - _window_mean(b, kpi, weeks)
                    for a, b in zip(runs[label], ref, strict=True)
                ]
            )
            diffs = diffs[np.isfinite(diffs)]
            mean, low, high = mean_ci(diffs) if diffs.size else (float("nan"),) * 3
            name = "Retention" if kpi == "turnover_annualized" else KPI_BY_NAME[kpi].label
            text = "n/a" if mean != mean else _signed(mean, kpi)
            if low == low:
                text += f" [{_signed(low, kpi)}, {_signed(high, kpi)}]"
            out.append(Difference(kpi, name, label, mean, low, high, text, bool(mean > 0)))
    return out


def diff_figure(
    runs: dict[str, Sequence[pd.DataFrame]],
    kpi: str,
    events: Sequence[Any] = (),
    horizon: int | None = None,
    height: int = 260,
) -> Figure:
    """Week by week, each run minus the first, paired by replication; 95% band over reps.

    With common random numbers the difference isolates the effect of what differs between the
    scenarios. Retention is plotted for ``turnover_annualized`` (so up is better everywhere).
    """
    labels = list(runs)
    ref = runs[labels[0]]
    name = "retention" if kpi == "turnover_annualized" else KPI_BY_NAME[kpi].label.lower()
    traces: list[dict] = []
    last = 1
    for j, label in enumerate(labels[1:]):
        colour = PALETTE[(j + 1) % len(PALETTE)]
        paired = pd.concat(
            [
                link_series(a, kpi) - link_series(b, kpi)
                for a, b in zip(runs[label], ref, strict=True)
            ],
            axis=1,
        )
        x = paired.index.to_numpy()
        last = max(last, int(x.max()) if len(x) else 1)
        mean = paired.mean(axis=1).to_numpy()
        if paired.shape[1] > 1:
            n = paired.shape[1]
            half = t_half_width(paired.std(axis=1, ddof=1).to_numpy(), n)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": np.concatenate([x, x[::-1]]),
                    "y": np.concatenate([mean + half, (mean - half)[::-1]]),
                    "fill": "toself",
                    "fillcolor": with_alpha(colour, 0.18),
                    "line": {"width": 0},
                    "hoverinfo": "skip",
                    "name": f"95% CI ({paired.shape[1]} replications)",
                }
            )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{label} − {labels[0]}",
                "x": x,
                "y": mean,
                "line": {"color": colour, "width": 2},
                "hovertemplate": f"%{{y:{axis_format(kpi)}}}<extra></extra>",
            }
        )
    shapes, notes = event_markers(list(events), horizon=max(horizon or 0, last))
    return {
        "data": traces,
        "layout": {
            "title": {
                "text": f"Difference in {name}, week by week (zero line = {labels[0]})",
                "x": 0.01,
                "font": {"size": 12},
            },
            "height": height,
            "autosize": True,
            "margin": {"l": 52, "r": 10, "t": 30, "b": 30},
            "font": {"family": FONT, "size": 11},
            "xaxis": {
                "title": {"text": "week", "standoff": 4},
                "range": [-0.5, max(horizon or 0, last) + 0.5],
            },
            "yaxis": {"zeroline": True, "zerolinecolor": "#455a64", "tickformat": axis_format(kpi)},
            "showlegend": True,
            "legend": {
                "orientation": "h",
                "y": 1.0,
                "yanchor": "bottom",
                "x": 1,
                "xanchor": "right",
            },
            "shapes": shapes,
            "annotations": notes,
            "paper_bgcolor": "white",
            "plot_bgcolor": "#fafafa",
            "uirevision": "diff",
        },
    }
