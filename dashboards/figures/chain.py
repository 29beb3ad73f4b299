"""The service-profit chain as a strip of links, its weakest link and the causes in words.

Weakest-link rule: each link's mean over the last ``RECENT_WEEKS`` weeks is compared with its
mean over the first ``BASELINE_WEEKS`` measured weeks, in the direction that is better for the
link (retention = 1 - annual turnover, so a fall in turnover is a gain). A link is *weak* when it
fell by more than both twice the standard error of that difference (from the baseline weeks'
week-to-week spread) and ``MIN_RELATIVE`` of its baseline. The weakest link is the weak link
that fell furthest in those units; when no link is weak, none is highlighted. Nothing is judged
before ``BASELINE_WEEKS + RECENT_WEEKS`` measured weeks exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.kpis import CHAIN, KPI_BY_NAME, format_kpi

BASELINE_WEEKS = 8
RECENT_WEEKS = 4
MIN_RELATIVE = 0.02  # a link must fall by at least 2% of its baseline to count as weak
Z_WEAK = 2.0


@dataclass(frozen=True)
class ChainLink:
    """One link of the service-profit chain strip.

    Attributes:
        label: Link name (from ``sim.kpis.CHAIN``).
        kpi: KPI column behind the link.
        value: Latest value (retention: 1 - annual turnover); NaN when not measured yet.
        text: ``value`` formatted for display (``sim.kpis.format_kpi``).
        trend: Mean of the last 4 weeks minus the mean of the 4 before (NaN when too short).
        change: Recent mean minus baseline mean, signed so that positive is better (NaN before
            the rule can judge).
        relative: ``change`` as a fraction of the baseline's size (NaN likewise).
        weak: True when the link fell beyond its noise (see the module docstring).
        weakest: True for the one weakest link.
        score: ``change`` in units of its threshold (below -1 = weak), for ranking.
    """

    label: str
    kpi: str
    value: float
    text: str
    trend: float
    change: float
    relative: float
    weak: bool
    weakest: bool
    score: float


def link_series(df: pd.DataFrame, kpi: str) -> pd.Series:
    """The weekly values a link shows (retention as 1 - annual turnover)."""
    series = df[kpi].astype(float)
    if kpi == "turnover_annualized":
        return 1.0 - series
    return series


def _better(kpi: str) -> float:
    # Retention is shown as 1 - turnover, so higher is better for it too.
    if kpi == "turnover_annualized":
        return 1.0
    return -1.0 if KPI_BY_NAME[kpi].higher_is_better is False else 1.0


def chain_links(df: pd.DataFrame, compact: bool = False) -> list[ChainLink]:
    """The chain strip of a KPI frame whose placeholders are NaN (``measures.measured``).

    ``compact``: large values read "598k" (cards side by side; ``format_kpi(compact=True)``).
    """
    out: list[ChainLink] = []
    for label, kpi in CHAIN:
        # NumPy over the column (the strip is computed every frame while playing).
        series = df[kpi].to_numpy(dtype=float)
        if kpi == "turnover_annualized":
            series = 1.0 - series
        valid = series[~np.isnan(series)]
        value = float(series[-1]) if series.size else float("nan")
        trend = float("nan")
        if valid.size >= 2 * RECENT_WEEKS:
            trend = float(
                valid[-RECENT_WEEKS:].mean() - valid[-2 * RECENT_WEEKS : -RECENT_WEEKS].mean()
            )
        change = relative = score = float("nan")
        weak = False
        if valid.size >= BASELINE_WEEKS + RECENT_WEEKS:
            base = valid[:BASELINE_WEEKS]
            recent = valid[-RECENT_WEEKS:]
            b = float(base.mean())
            change = (float(recent.mean()) - b) * _better(kpi)
            noise = float(base.std(ddof=1)) if base.size > 1 else 0.0
            se = noise * math.sqrt(1.0 / BASELINE_WEEKS + 1.0 / RECENT_WEEKS)
            threshold = max(Z_WEAK * se, MIN_RELATIVE * abs(b), 1e-12)
            relative = change / abs(b) if abs(b) > 1e-12 else float("nan")
            score = change / threshold
            weak = score < -1.0
        out.append(
            ChainLink(
                label,
                kpi,
                value,
                format_kpi(value, kpi, compact=compact),  # retention: a share, like turnover
                trend,
                change,
                relative,
                weak,
                False,
                score,
            )
        )
    weak_links = [i for i, link in enumerate(out) if link.weak]
    if weak_links:
        w = min(weak_links, key=lambda i: out[i].score)
        out[w] = replace(out[w], weakest=True)
    return out


def judged(links: list[ChainLink]) -> bool:
    """True once the rule can judge the links (enough measured weeks)."""
    return any(not np.isnan(link.change) for link in links)


def _pct(x: float) -> str:
    return f"{x:+.1%}" if x == x else "n/a"


def causes_in_words(links: list[ChainLink], active_events: list[str] | None = None) -> str:
    """The weakest link and the chain of causes upstream of it, in plain words.

    The service-profit chain runs from internal service through morale, retention, productivity
    and customer satisfaction to loyalty, revenue and profit: a fall upstream of the weakest link
    is its likely cause. The sentence names every upstream link that also fell (weak or not),
    in chain order, and the shocks active in the recent weeks.

    Args:
        links: :func:`chain_links`.
        active_events: Labels of timeline events active in the last weeks, if any.
    """
    if not judged(links):
        return (
            f"The chain compares the last {RECENT_WEEKS} weeks with the first "
            f"{BASELINE_WEEKS} measured weeks once {BASELINE_WEEKS + RECENT_WEEKS} weeks have run."
        )
    weakest = next((i for i, link in enumerate(links) if link.weakest), None)
    shocks = f" Shocks in play: {', '.join(active_events)}." if active_events else ""
    if weakest is None:
        return (
            f"No weak link: no link of the chain fell beyond its usual week-to-week range "
            f"(last {RECENT_WEEKS} weeks against the first {BASELINE_WEEKS}).{shocks}"
        )
    w = links[weakest]
    head = f"Weakest link: {w.label.lower()}, {_pct(w.relative)} against the first weeks."
    upstream = [link for link in links[:weakest] if link.change == link.change and link.change < 0]
    if upstream:
        steps = " → ".join(f"{link.label.lower()} ({_pct(link.relative)})" for link in upstream)
        cause = (
            f" Upstream it fell along the chain: {steps} → {w.label.lower()}. "
            f"The chain of causes starts at {upstream[0].label.lower()}."
        )
    elif weakest == 0:
        cause = (
            " It is the first link: internal service itself is slipping (requests late or "
            "served with less care), which the rest of the chain will feel next."
        )
    else:
        cause = (
            " Nothing upstream fell: the cause is outside the chain's earlier links (costs, a "
            "shock, or noise in a small organization)."
        )
    return head + cause + shocks
