"""Compare mode: the headline differences and the difference chart, with replications' CIs.

Runs are paired by replication (common random numbers: replication ``r`` of every scenario uses
the same seed), so each difference is computed replication by replication before averaging, and
its 95% interval is the Student-t interval over replications (``sim.studies.compare.mean_ci``).
SciPy, which the intervals need, is imported with this module: the first comparison then starts
at once, and the server reaches its working size when it starts, not after the first session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats  # noqa: F401  loaded with the app, not by the first comparison (see below)

from dashboards.figures.chain import link_series
from dashboards.figures.common import (
    FONT,
    PALETTE,
    Figure,
    change_markers,
    event_markers,
    with_alpha,
)
from dashboards.figures.timeseries import axis_format, axis_range
from dashboards.measures import WEEKLY
from sim.kpis import KPI_BY_NAME, format_kpi
from sim.studies.stats import mean_ci, t_half_width

HEADLINE_KPIS: tuple[str, ...] = ("profit", "turnover_annualized", "customer_satisfaction")
HEADLINE_WEEKS = 13  # the headline compares the last quarter's means
# A week's flows (profit, revenue, quits) swing from week to week: their difference is drawn as
# a moving average over this many weeks (each week faintly behind it).
SMOOTH_WEEKS = 8


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
        value_text: The difference alone, compact ("+18.2k"), for a card.
        interval_text: Its 95% interval in words, compact ("95% CI −3.1k to +39.5k"; "" with
            one replication).
    """

    kpi: str
    label: str
    run: str
    mean: float
    low: float
    high: float
    text: str
    better: bool
    value_text: str = ""
    interval_text: str = ""


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


def _signed(value: float, kpi: str, compact: bool = False) -> str:
    return ("+" if value >= 0 else "−") + format_kpi(abs(value), kpi, change=True, compact=compact)


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
            short = "n/a" if mean != mean else _signed(mean, kpi, compact=True)
            interval = ""
            if low == low:
                text += f" [{_signed(low, kpi)}, {_signed(high, kpi)}]"
                low_text, high_text = _signed(low, kpi, True), _signed(high, kpi, True)
                interval = f"95% CI {low_text} to {high_text}"
            out.append(
                Difference(kpi, name, label, mean, low, high, text, bool(mean > 0), short, interval)
            )
    return out


def diff_figure(
    runs: dict[str, Sequence[pd.DataFrame]],
    kpi: str,
    events: Sequence[Any] = (),
    horizon: int | None = None,
    height: int = 300,
    changes: Sequence[Any] = (),
) -> Figure:
    """Week by week, each run minus the first, paired by replication; 95% band over reps.

    With common random numbers the difference isolates the effect of what differs between the
    scenarios. Retention is plotted for ``turnover_annualized`` (so up is better everywhere).
    A week's flows (:data:`~dashboards.measures.WEEKLY`: profit, revenue, quits ...) are drawn
    as a trailing :data:`SMOOTH_WEEKS`-week moving average, each week faintly behind it, and
    the title says so. The y axis keeps at least a tenth of the runs' own level (shares: 10
    points), so noise is not drawn as drama.

    Args:
        runs: Run name -> one KPI frame per replication (first = the reference); the names are
            what the legend shows.
        kpi: The KPI.
        events: Timeline events to mark.
        horizon: Last week of the x axis.
        height: Pixels.
        changes: Settings changed mid-run, marked like events.
    """
    labels = list(runs)
    ref = runs[labels[0]]
    name = "retention" if kpi == "turnover_annualized" else KPI_BY_NAME[kpi].label.lower()
    smooth = kpi in WEEKLY
    traces: list[dict] = []
    drawn: list[np.ndarray] = []
    levels = [link_series(df, kpi).abs().mean() for reps in runs.values() for df in reps]
    scale = float(np.nanmean(levels)) if levels else None
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
        weekly = paired.mean(axis=1)
        if smooth:
            paired = paired.rolling(SMOOTH_WEEKS, min_periods=1).mean()
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{label}: each week",
                    "x": x,
                    "y": weekly.to_numpy(),
                    "line": {"color": with_alpha(colour, 0.3), "width": 1},
                    "hoverinfo": "skip",
                    "showlegend": False,
                }
            )
        mean = paired.mean(axis=1).to_numpy()
        drawn.append(mean)
        if paired.shape[1] > 1:
            n = paired.shape[1]
            half = t_half_width(paired.std(axis=1, ddof=1).to_numpy(), n)
            drawn += [mean + half, mean - half]
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
                    "name": f"95% confidence band ({paired.shape[1]} replications)",
                }
            )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{label} minus {labels[0]}",
                "x": x,
                "y": mean,
                "line": {"color": colour, "width": 2},
                "hovertemplate": f"%{{y:{axis_format(kpi)}}}<extra></extra>",
            }
        )
    x_max = max(horizon or 0, last)
    shapes, notes = event_markers(list(events), horizon=x_max)
    change_shapes, change_notes = change_markers(list(changes), x_max)
    how = f"{SMOOTH_WEEKS}-week average (faint: each week)" if smooth else "week by week"
    y_axis = {"zeroline": True, "zerolinecolor": "#455a64", "tickformat": axis_format(kpi)}
    y_range = axis_range(drawn, kpi, difference=True, scale=scale)
    if y_range is not None:
        y_axis["range"] = y_range
    return {
        "data": traces,
        "layout": {
            "title": {
                "text": f"<b>Difference in {name}</b><br><span style='font-size:10px'>"
                f"{how}; zero line = {labels[0]}</span>",
                "x": 0.01,
                "font": {"size": 12},
            },
            "height": height,
            "autosize": True,
            "margin": {"l": 52, "r": 10, "t": 44, "b": 64},
            "font": {"family": FONT, "size": 11},
            "xaxis": {
                "title": {"text": "week", "standoff": 4},
                "range": [-0.5, max(horizon or 0, last) + 0.5],
            },
            "yaxis": y_axis,
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0, "xanchor": "left"},
            "shapes": shapes + change_shapes,
            "annotations": notes + change_notes,
            "paper_bgcolor": "white",
            "plot_bgcolor": "#fafafa",
            "uirevision": "diff",
        },
    }
