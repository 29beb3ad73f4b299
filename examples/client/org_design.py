"""Regenerate the figures of docs/ORG_DESIGN.md from real runs (about 10 minutes on 2 cores).

    python examples/client/org_design.py --write docs/ORG_DESIGN.md   # replace the figures
    python examples/client/org_design.py                              # print them

Each block of figures sits between ``<!-- org-design:NAME:start -->`` and ``... :end -->``
markers in the document and is written here from the runs, never typed by hand:

- ``spans``: ``servicechain org examples/client/client.toml`` as a table, with its flags;
- ``delayer``, ``growth``: the acceptance figures of the delayer and of growth on the pyramid;
- ``culture``: growth from a hiring pool far below the incumbents' mindset, with and without
  stronger socialization (two seeds);
- ``merger``: pyramid merging with two_way: the spread of the teams' service direction by week;
- ``plan``: ``servicechain plan pyramid --budget 400000 --trials 60 --reps 4`` (its study and
  outputs are kept in ``results/org_design/plan-pyramid``, so a rerun resumes instead of
  searching again), its time and its front;
- ``story``: the client restructured (``restructure.toml``), the plan for it under a budget of
  250,000 a year (``results/org_design/plan-client``), the portfolio it recommends written to
  ``restructure_plan.toml``, and the three compared over 10 replications of 260 weeks.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.cli.main import main as cli_main
from sim.kpis import format_kpi
from sim.studies.compare import compare
from sim.studies.figures import fmt_ci, portfolio_text
from sim.studies.transmission import merger_convergence, mindset_after_growth

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESULTS = ROOT / "results" / "org_design"
CLIENT = HERE / "client.toml"
RESTRUCTURE = HERE / "restructure.toml"
RESTRUCTURE_PLAN = HERE / "restructure_plan.toml"
CLIENT_BUDGET = 250_000


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame as a Markdown table (index as the first column)."""
    head = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in frame.iterrows():
        lines.append("| " + " | ".join([str(idx), *map(str, row.tolist())]) + " |")
    return "\n".join(lines)


def spans() -> str:
    frame = sim.org_metrics(CLIENT)
    shown = pd.DataFrame(
        {
            "seats": frame["seats"].map("{:,.0f}".format),
            "layers": frame["layers"].map("{:.0f}".format),
            "to customer": frame["frontline_layers"].map(
                lambda v: "" if np.isnan(v) else f"{v:.0f}"
            ),
            "managers per 100": frame["managers_per_100"].map("{:.1f}".format),
            "median span": frame["median_span"].map("{:g}".format),
            "< 3 reports": frame["narrow_share"].map("{:.0%}".format),
            "> 15 reports": frame["wide_share"].map("{:.0%}".format),
            "manager load": frame["manager_load"].map("{:.0%}".format),
        },
        index=frame.index,
    )
    flags = "\n".join(
        f"- **{f.scope}: {f.flag}**: {f.finding}. *In the model:* {f.model}."
        for f in frame.attrs["flags"]
    )
    return f"{markdown_table(shown)}\n\n{flags}"


def delayer_and_growth() -> tuple[str, str]:
    m = sim.ServiceCultureModel("pyramid", overrides={"events": [{"type": "delayer", "week": 53}]})
    before = sim.org_metrics(m).loc["organization"]
    m.run(53)
    after = sim.org_metrics(m).loc["organization"]
    change = m.restructured[0][1]
    orphans = int(((m.org.manager < 0).sum() - 1) + (m.org.manager >= m.org.n_seats).sum())
    delayer = (
        f'`pyramid` with `{{type = "delayer", week = 53}}` (seed 0): {before["layers"]:.0f} '
        f"layers before, {after['layers']:.0f} after week 53; the {change.removed} team leads "
        f"of level 2 were laid off ({change.laid_off} in post), their "
        f"{int(m.org.n_reports[m.org.level == 1].sum())} reports moved to the "
        f"{int((m.org.level == 1).sum())} managers above (median span "
        f"{before['median_span']:g} -> {after['median_span']:g}); seats without a manager "
        f"besides the top: {orphans}."
    )
    growth = [{"type": "growth", "week": 1, "share": 0.3, "weeks": 26}]
    grown = sim.ServiceCultureModel("pyramid", overrides={"events": growth}, seed=2)
    same = sim.ServiceCultureModel("pyramid", seed=2)
    a, b = grown.run(52), same.run(52)
    ratio = a["headcount"].iloc[40:].mean() / b["headcount"].iloc[40:].mean()
    growth_text = (
        f'`pyramid` with `{{type = "growth", week = 1, share = 0.3, weeks = 26}}` (seed 2): '
        f"{same.org.n_seats} seats become {grown.org.n_seats} "
        f"({grown.org.n_seats / same.org.n_seats - 1:+.1%}), "
        f"{int(grown.org.is_manager.sum() - same.org.is_manager.sum())} of them managers of new "
        f"teams; headcount over weeks 40-52 is {ratio - 1:+.1%} against the same run without "
        "growth."
    )
    return delayer, growth_text


def culture() -> str:
    rows = []
    for seed in (1, 2):
        for label, share, example in (
            ("no growth", 0.0, 0.02),
            ("growth 50% in 13 weeks", 0.5, 0.02),
            ("the same growth, 5x the manager's example", 0.5, 0.1),
        ):
            mean, sd = mindset_after_growth(share, example, seed)
            rows.append((seed, label, f"{mean:.3f}", f"{sd:.3f}"))
    frame = pd.DataFrame(
        rows, columns=["seed", "weeks 1-26", "mean mindset at week 26", "spread (sd) at week 26"]
    ).set_index("seed")
    return markdown_table(frame)


def merger() -> str:
    spread = merger_convergence("pyramid", "two_way", seed=0, weeks=260)
    df = spread.attrs["kpis"]
    shown = spread.loc[[1, 13, 26, 52, 104, 156, 260]]
    frame = pd.DataFrame(
        {
            "teams": shown["teams"],
            "lowest team direction": shown["lowest"].map("{:+.2f}".format),
            "highest": shown["highest"].map("{:+.2f}".format),
            "spread (sd)": shown["spread"].map("{:.3f}".format),
            "mindset spread (sd)": shown["mindset_spread"].map("{:.3f}".format),
        }
    )
    frame.index.name = "week"
    return (
        f"{markdown_table(frame)}\n\nPeople in post: {df['headcount'].iloc[0]:.0f} at week 0, "
        f"{df['headcount'].iloc[1]:.0f} at week 1 after the merger, "
        f"{df['headcount'].iloc[-1]:.0f} at week 260."
    )


def run_plan_cli(scenario: Path | str, budget: float, folder: Path) -> tuple[str, pd.DataFrame]:
    """``servicechain plan`` as the command line runs it; returns (how long it took, in words,
    and the pareto table). A finished study in ``folder`` is read back instead of searched."""
    resumed = (folder / "trials.csv").is_file() and len(pd.read_csv(folder / "trials.csv")) >= 60
    started = time.perf_counter()
    args = ["plan", str(scenario), "--budget", f"{budget:g}", "--trials", "60", "--reps", "4",
            "--out", str(folder)]  # fmt: skip
    code = cli_main(args)
    if code:
        sys.exit(code)
    seconds = time.perf_counter() - started
    took = "read back from its finished study" if resumed else f"{seconds / 60:.1f} minutes"
    return took, pd.read_csv(folder / "pareto.csv")


def confirmed_points(table: pd.DataFrame) -> pd.Series:
    """Per point: every objective's effect on the search's and the fresh seeds inside its CI."""
    return table[[c for c in table if c.endswith("_confirmed")]].all(axis=1)


def front_markdown(table: pd.DataFrame) -> str:
    """The front as a Markdown table: each objective's effect against no lever [95% CI]."""
    names = ("profit", "turnover_annualized", "customer_satisfaction")
    rows = []
    for _, r in table.iterrows():
        cells = [
            f"{format_kpi(r[n], n)}; "
            + fmt_ci(r[f"{n}_effect"], r[f"{n}_effect_low"], r[f"{n}_effect_high"], n, True)
            for n in names
        ]
        ok = "yes" if all(r[f"{n}_confirmed"] for n in names) else "no"
        rows.append((int(r["point"]), portfolio_text(r, short=True), *cells, ok))
    frame = pd.DataFrame(
        rows,
        columns=["point", "levers (dose); cost per year", "profit per year",
                 "annual turnover", "customer satisfaction", "confirmed"],
    ).set_index("point")  # fmt: skip
    return (
        markdown_table(frame)
        + "\n\nEach outcome: its level; then its effect against no lever [95% CI], paired on "
        "the same seeds, over the search's 4 seeds and 4 fresh ones."
    )


def plan() -> str:
    took, table = run_plan_cli("pyramid", 400_000, RESULTS / "plan-pyramid")
    confirmed = int(confirmed_points(table).sum())
    return (
        f"{len(table)} points, {confirmed} of them confirmed on fresh seeds ({took}).\n\n"
        + front_markdown(table)
    )


def story() -> str:
    took, table = run_plan_cli(RESTRUCTURE, CLIENT_BUDGET, RESULTS / "plan-client")
    confirmed = table[confirmed_points(table)]
    best = (confirmed if len(confirmed) else table).sort_values("profit").iloc[-1]
    levers = {c.removeprefix("dose:"): float(best[c]) for c in table if c.startswith("dose:")}
    lines = [
        'description = "The restructured client with the levers the plan recommends under a '
        f'budget of {CLIENT_BUDGET:,} a year."',
        f'narrative = """\nWritten by org_design.py from `servicechain plan restructure.toml '
        f"--budget {CLIENT_BUDGET} --trials 60 --reps 4`: point {int(best['point'])} of the "
        "front, the one with the\nhighest profit confirmed on fresh seeds. See "
        'docs/ORG_DESIGN.md.\n"""',
        'extends = "restructure.toml"',
        "",
    ]
    for name, dose in levers.items():
        if dose >= 0.005:
            lines += [f"[interventions.{name}]", f"intensity = {dose:.3g}", ""]
    RESTRUCTURE_PLAN.write_text("\n".join(lines))
    res = compare(
        [str(CLIENT), str(RESTRUCTURE), str(RESTRUCTURE_PLAN)], reps=10, weeks=260, seed=0
    )
    s = res.summary[res.summary["stat"] == "mean"].set_index(["scenario", "kpi"])
    kpis = ("profit", "turnover_annualized", "customer_satisfaction", "morale_mean",
            "mindset_mean", "internal_quality", "headcount", "service_level_down")  # fmt: skip
    names = {str(CLIENT): "client.toml", str(RESTRUCTURE): "restructure.toml",
             str(RESTRUCTURE_PLAN): "restructure_plan.toml"}  # fmt: skip
    rows = []
    for kpi in kpis:
        row = [kpi]
        for spec in res.scenarios:
            r = s.loc[(spec, kpi)]
            row.append(fmt_ci(r["mean"], r["ci_low"], r["ci_high"], kpi))
        for spec in res.scenarios[1:]:
            r = s.loc[(spec, kpi)]
            row.append(fmt_ci(r["diff"], r["diff_ci_low"], r["diff_ci_high"], kpi, signed=True))
        rows.append(row)
    cols = ["KPI (mean of weeks 1-260)", *[names[x] for x in res.scenarios],
            *[f"{names[x]} - client.toml" for x in res.scenarios[1:]]]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols).set_index(cols[0])
    return (
        f"The plan for `restructure.toml` ({took}):\n\n"
        f"{front_markdown(table)}\n\nPoint {int(best['point'])} (highest profit among the "
        f"confirmed points: {portfolio_text(best)}) is written to `restructure_plan.toml`. "
        f"Compared over 10 replications (common random numbers), means of weeks 1-260 with "
        f"95% CIs (weekly KPIs per week; profit in currency per week):\n\n{markdown_table(frame)}"
    )


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- org-design:{name}:start -->", f"<!-- org-design:{name}:end -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"markers for '{name}' not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="the document whose figures to replace")
    parser.add_argument("--only", nargs="*", help="only these blocks")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    blocks: dict[str, object] = {
        "spans": spans,
        "delayer": None,
        "growth": None,
        "culture": culture,
        "merger": merger,
        "plan": plan,
        "story": story,
    }
    wanted = set(args.only or blocks)
    out: dict[str, str] = {}
    if {"delayer", "growth"} & wanted:
        out["delayer"], out["growth"] = delayer_and_growth()
    for name, make in blocks.items():
        if make is not None and name in wanted:
            print(f"[{name}] ...", file=sys.stderr, flush=True)
            out[name] = make()
    if args.write is None:
        for name, body in out.items():
            print(f"## {name}\n\n{body}\n")
        return 0
    text = args.write.read_text()
    for name, body in out.items():
        text = replace_block(text, name, body)
    args.write.write_text(text)
    print(f"updated {', '.join(out)} in {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
