"""What the exports hold: the KPIs as CSV, the HTML report and the PNG of the view shown.

All three are built from a :class:`~dashboards.snapshot.Snapshot`, so they show exactly the
weeks on screen, in single and in compare mode.
"""

from __future__ import annotations

import pandas as pd

from dashboards.figures.chain import causes_in_words, chain_links
from dashboards.figures.differences import diff_figure, headline
from dashboards.figures.flows import dept_flow_figure
from dashboards.figures.pyramid import pyramid_figure
from dashboards.figures.report import Placed, Section, compose, kpi_csv, report_html
from dashboards.figures.timeseries import DEFAULT_KPIS, kpi_figure
from dashboards.snapshot import Snapshot
from sim.kpis import KPIS
from sim.scenario import scenario_info

REPORT_KPIS = tuple(k.name for k in KPIS if k.name not in ("week",))


def file_stem(snap: Snapshot) -> str:
    """A file name without extension, e.g. ``servicechain_pyramid_vs_two_way_week52``."""
    runs = "_vs_".join(v.label.replace("@", "-") for v in snap.runs)
    return f"servicechain_{runs}_week{snap.week}"


def csv_bytes(snap: Snapshot) -> bytes:
    """The KPIs of every run shown (and replication), one row per week; a ``run`` column."""
    if len(snap.runs) == 1 and len(snap.runs[0].reps) == 1:
        return kpi_csv(snap.runs[0].kpis)
    parts = {(v.label, r): df for v in snap.runs for r, df in enumerate(v.reps)}
    return kpi_csv(pd.concat(parts, names=["run", "replication", "step"]))


def chain_table(snap: Snapshot) -> pd.DataFrame:
    """The chain's links, one column per run: latest value and change against the first weeks."""
    rows: dict[str, dict[str, str]] = {}
    for v in snap.runs:
        for link in chain_links(v.kpis):
            row = rows.setdefault(link.label, {"link": link.label})
            change = "" if link.relative != link.relative else f" ({link.relative:+.1%})"
            row[v.title] = link.text + change + (" weakest" if link.weakest else "")
    return pd.DataFrame(list(rows.values()))


def report(snap: Snapshot, layout_of, describe: str, info_of=scenario_info) -> str:
    """The standalone HTML report of the runs shown (see ``figures.report.report_html``).

    Args:
        snap: The snapshot to report.
        layout_of: Organization -> its pyramid layout (the session's cache).
        describe: One line with the settings (``DashboardSession.describe``).
        info_of: A run's label -> its scenario's texts (``DashboardSession.info``, which
            knows the organizations the session opened from files).
    """
    first = snap.runs[0]
    intro = [describe]
    for v in snap.runs:
        info = info_of(v.label)
        intro.append(f"{v.title}: {info['description']}")
    sections = [
        Section(
            "The service-profit chain",
            [f"{v.title}: {causes_in_words(chain_links(v.kpis))}" for v in snap.runs]
            + ["In brackets: the last 4 weeks against the first 8 measured weeks."],
            chain_table(snap),
        )
    ]
    if snap.compare:
        runs = {v.title: v.reps for v in snap.runs}
        diffs = headline(runs)
        table = pd.DataFrame(
            [{"KPI": d.label, "run": d.run, f"difference to {first.title}": d.text} for d in diffs]
        )
        sections.append(
            Section(
                "Differences",
                ["Mean of the last 13 weeks, paired by replication (common random numbers)."],
                table,
                [
                    diff_figure(runs, kpi, first.events, snap.horizon, changes=first.changes)
                    for kpi in ("profit", "turnover_annualized", "customer_satisfaction")
                ],
            )
        )
    frames = {v.title: v.kpis for v in snap.runs}
    sections.append(
        Section(
            "Every KPI, week by week",
            [
                "Shaded bands and dotted lines mark the timeline events; dashed lines the "
                "levers and culture changed during the run."
            ],
            None,
            [kpi_figure(frames, REPORT_KPIS, first.events, snap.horizon, changes=first.changes)],
        )
    )
    sections.append(
        Section(
            f"The organization at week {snap.week}",
            [],
            None,
            [pyramid_figure(v, layout_of(v.org), title=v.title) for v in snap.runs]
            + [dept_flow_figure(v) for v in snap.runs[:1]],
        )
    )
    title = f"servicechain: {' vs '.join(v.title for v in snap.runs)}, week {snap.week}"
    return report_html(title, intro, sections)


def view_figure(snap: Snapshot, layout_of, kpis=DEFAULT_KPIS) -> dict:
    """The view on screen as one figure, for the PNG export.

    Live run: the pyramid, the department flows and the KPI charts, the chain's values on top.
    Compare mode: each run's pyramid, the profit and satisfaction differences, the headline.
    """
    parts: list[Placed] = []
    if snap.compare:
        band = 1.0 / len(snap.runs)
        for i, v in enumerate(snap.runs):
            top = 1.0 - i * band
            fig = pyramid_figure(v, layout_of(v.org), title=v.title)
            parts.append(Placed(fig, (0.0, 0.5), (top - band + 0.04, top)))
        runs = {v.title: v.reps for v in snap.runs}
        events = snap.runs[0].events
        parts.append(
            Placed(diff_figure(runs, "profit", events, snap.horizon), (0.56, 1.0), (0.53, 1.0))
        )
        parts.append(
            Placed(
                diff_figure(runs, "customer_satisfaction", events, snap.horizon),
                (0.56, 1.0),
                (0.0, 0.45),
            )
        )
        notes = " · ".join(f"{d.label} ({d.run}): {d.text}" for d in headline(runs))
    else:
        v = snap.runs[0]
        parts.append(
            Placed(pyramid_figure(v, layout_of(v.org), title=v.title), (0, 0.55), (0.3, 1))
        )
        parts.append(Placed(dept_flow_figure(v), (0.0, 0.55), (0.0, 0.25)))
        frames = {v.title: v.kpis}
        fig = kpi_figure(frames, kpis, v.events, snap.horizon, changes=v.changes)
        parts.append(Placed(fig, (0.6, 1.0), (0, 1)))
        notes = "  ".join(
            f"{link.label}: {link.text}" + (" (weakest)" if link.weakest else "")
            for link in chain_links(v.kpis)
        )
    title = f"servicechain · {' vs '.join(v.title for v in snap.runs)} · week {snap.week}"
    return compose(parts, title, notes=notes)
