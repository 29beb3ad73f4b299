"""The benchmark suite: sizes, construction, phases, dashboard tick, sweeps; table and JSON.

``python -m benchmarks`` runs everything (about 3-5 minutes on 2 cores); ``--quick`` skips the
100,000-employee size and the sweeps; ``--sizes 100,1000`` picks sizes; ``--compare A.json
B.json`` prints the ratio B / A of every row two runs share. Each run writes
``benchmarks/results/latest.json`` and a timestamped copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.machine import machine_info

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
QUICK_MAX = 10_000
PHASE_MAX = 10_000  # per-phase profiles for sizes up to this (the 100k run is timed whole)
SWEEP_RUNS = 8
SIZE_TIMEOUT_S = 900

# Issue 7 targets on one core.
TARGET_EW_PER_S_10K = 2_000_000
TARGET_RUN_S_100K = 60.0
TARGET_RSS_MB_100K = 4096.0
TARGET_BUILD_S_100K = 5.0


class BenchError(Exception):
    """Bad benchmark input (sizes, files); printed as one line with exit code 2."""


def _row(section: str, name: str, value: float, unit: str, better: str) -> dict[str, object]:
    return {"section": section, "name": name, "value": value, "unit": unit, "better": better}


def parse_sizes(text: str) -> list[int]:
    """Parse ``--sizes`` such as ``"100,1000,10_000"`` into headcounts (20 to 100,000 each)."""
    sizes = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        try:
            n = int(part)
        except ValueError:
            raise BenchError(
                f"--sizes: {part!r} is not a whole number; give headcounts separated by commas, "
                "e.g. --sizes 100,1000,10000"
            ) from None
        if not 20 <= n <= 100_000:
            raise BenchError(f"--sizes: {n} is outside the allowed headcounts 20 to 100,000")
        sizes.append(n)
    if not sizes:
        raise BenchError("--sizes: give at least one headcount, e.g. --sizes 1000")
    return sizes


def run_size(headcount: int, weeks: int, seed: int) -> dict[str, object]:
    """Measure one size in a fresh Python process (so its peak RSS is its own)."""
    cmd = [sys.executable, "-m", "benchmarks.size_run", str(headcount), str(weeks), str(seed)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=SIZE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return {"headcount": headcount, "error": f"timed out after {SIZE_TIMEOUT_S} s"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"headcount": headcount, "error": f"exit {done.returncode}: {tail[0]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_sweeps(weeks: int) -> dict[str, object]:
    """Sweep throughput (runs per second) with 1 and 2 workers via ``sim.sweep.throughput``."""
    try:
        from sim.studies.sweep import throughput  # type: ignore[attr-defined]
    except ImportError as exc:
        return {"available": False, "note": f"sim.sweep.throughput not available ({exc})"}
    out: dict[str, object] = {"available": True, "runs": SWEEP_RUNS, "weeks": weeks}
    for workers in (1, 2):
        t0 = time.perf_counter()
        result = throughput(SWEEP_RUNS, workers, weeks)
        wall = time.perf_counter() - t0
        reported = result if isinstance(result, dict) else {}
        out[f"workers_{workers}"] = {
            "wall_s": float(reported.get("seconds", wall)),
            "runs_per_s": float(reported.get("runs_per_s", SWEEP_RUNS / wall)),
            "reported": reported or repr(result),
        }
    return out


def run_suite(sizes: list[int], weeks: int, quick: bool, seed: int, console: Console) -> dict:
    """Run every benchmark and return the result document (machine, details, rows)."""
    from benchmarks.phases import dashboard_step, phase_profile

    doc: dict[str, object] = {"machine": machine_info(), "weeks": weeks, "quick": quick}
    rows: list[dict[str, object]] = []
    size_results = []
    for n in sizes:
        console.print(f"[dim]size {n:,} x {weeks} weeks (fresh process)...[/dim]")
        res = run_size(n, weeks, seed)
        size_results.append(res)
        if "error" in res:
            console.print(f"[red]size {n:,} failed: {res['error']}[/red]")
            continue
        label = f"{n:,} employees"
        rows += [
            _row(
                "size", f"{label}: employee-weeks/s", res["employee_weeks_per_s"], "1/s", "higher"
            ),
            _row("size", f"{label}: wall time", res["run_s"], "s", "lower"),
            _row("size", f"{label}: CPU time", res["cpu_s"], "s", "lower"),
            _row("size", f"{label}: peak RSS", res["peak_rss_mb"], "MB", "lower"),
            _row("construction", f"{label}: build", res["build_s"], "s", "lower"),
        ]
    doc["sizes"] = size_results

    phase_results = []
    for n in [s for s in sizes if s <= PHASE_MAX]:
        console.print(f"[dim]phase profile at {n:,}...[/dim]")
        prof = phase_profile(n, weeks=52 if n <= 1_000 else 26, seed=seed)
        phase_results.append(prof)
        for label, ms in prof["phases"].items():
            rows.append(_row("phase", f"{n:,}: {label}", ms, "ms/week", "lower"))
    doc["phases"] = phase_results

    console.print("[dim]dashboard tick...[/dim]")
    dash = dashboard_step(weeks=weeks, seed=seed)
    doc["dashboard"] = dash
    rows += [
        _row("dashboard", "tick mean", dash["mean_ms"], "ms", "lower"),
        _row("dashboard", "tick p95", dash["p95_ms"], "ms", "lower"),
    ]

    if quick:
        doc["sweeps"] = {"available": False, "note": "skipped (--quick)"}
    else:
        console.print("[dim]sweep throughput...[/dim]")
        doc["sweeps"] = sweeps = run_sweeps(weeks)
        for workers in (1, 2):
            if sweeps.get("available"):
                rps = sweeps[f"workers_{workers}"]["runs_per_s"]
                rows.append(_row("sweep", f"{workers} worker(s)", rps, "runs/s", "higher"))
    doc["rows"] = rows
    # Load at the end too: wall times are only comparable between runs on equally quiet machines.
    doc["load_average_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return doc


def targets(doc: dict) -> list[tuple[str, str, bool | None]]:
    """The targets (issue 7, and the dashboard tick) as (target, measured, met); met is None
    when not measured."""
    by_n = {r["headcount"]: r for r in doc.get("sizes", []) if "error" not in r}
    out: list[tuple[str, str, bool | None]] = []

    def add(target: str, n: int, key: str, fmt: str, ok, full: bool = True) -> None:
        if n in by_n and (by_n[n]["weeks"] == 260 or not full):
            v = by_n[n][key]
            out.append((target, fmt.format(v), ok(v)))
        else:
            need = f"run {n:,} employees for 260 weeks" if full else f"include {n:,} in --sizes"
            out.append((target, f"not measured ({need})", None))

    add(
        ">= 2,000,000 employee-weeks/s at 10,000",
        10_000,
        "employee_weeks_per_cpu_s",
        "{:,.0f} per CPU-second",
        lambda v: v >= TARGET_EW_PER_S_10K,
    )
    add(
        "100,000 x 260 weeks < 60 s",
        100_000,
        "cpu_s",
        "{:.1f} CPU-s",
        lambda v: v < TARGET_RUN_S_100K,
    )
    add(
        "100,000 x 260 weeks < 4 GB peak RSS",
        100_000,
        "peak_rss_mb",
        "{:,.0f} MB",
        lambda v: v < TARGET_RSS_MB_100K,
    )
    dash = doc.get("dashboard") or {}
    if "target_ms" in dash:
        out.append(
            (
                f"dashboard tick (step + redraw, {dash['headcount']:,} seats) "
                f"< {dash['target_ms']:.0f} ms at p95",
                f"{dash['p95_ms']:.1f} ms",
                dash["p95_ms"] < dash["target_ms"],
            )
        )
    add(
        "build 100,000 employees < 5 s",
        100_000,
        "build_s",
        "{:.2f} s",
        lambda v: v < TARGET_BUILD_S_100K,
        full=False,
    )
    return out


def print_report(doc: dict, console: Console) -> None:
    """Print the result document as rich tables."""
    m = doc["machine"]
    console.print(
        f"[bold]servicechain benchmarks[/bold]  {m['date']}  {m['cores']} cores, "
        f"{m['cpu_model']}, {m['memory_gib']} GiB; Python {m['python']}, NumPy {m['numpy']}"
    )
    t = Table(title=f"Organization sizes, pyramid, {doc['weeks']} weeks, one core, fresh process")
    for col in (
        "employees",
        "customer rows",
        "build s",
        "wall s",
        "CPU s",
        "CPU ms/week",
        "employee-weeks/CPU-s",
        "peak RSS MB",
    ):
        t.add_column(col, justify="right")
    for r in doc["sizes"]:
        if "error" in r:
            t.add_row(f"{r['headcount']:,}", "[red]" + str(r["error"]) + "[/red]")
            continue
        t.add_row(
            f"{r['headcount']:,}",
            f"{r['customer_rows']:,}",
            f"{r['build_s']:.3f}",
            f"{r['run_s']:.2f}",
            f"{r['cpu_s']:.2f}",
            f"{1000 * r['cpu_s'] / r['weeks']:.2f}",
            f"{r['employee_weeks_per_cpu_s']:,.0f}",
            f"{r['peak_rss_mb']:,.0f}",
        )
    console.print(t)

    if doc["phases"]:
        t = Table(title="Time per phase of step() (ms/week)")
        t.add_column("phase")
        for p in doc["phases"]:
            t.add_column(f"{p['headcount']:,}", justify="right")
        labels = list(doc["phases"][0]["phases"])
        for label in labels:
            t.add_row(label, *[f"{p['phases'][label]:.3f}" for p in doc["phases"]])
        t.add_row("[bold]total[/bold]", *[f"{p['total_ms_per_week']:.3f}" for p in doc["phases"]])
        console.print(t)

    d = doc["dashboard"]
    console.print(
        f"Dashboard tick ({d['source']}, {d['headcount']:,} seats): mean {d['mean_ms']:.2f} ms, "
        f"p95 {d['p95_ms']:.2f} ms, max {d['max_ms']:.2f} ms"
    )
    sw = doc["sweeps"]
    if sw.get("available"):
        for workers in (1, 2):
            s = sw[f"workers_{workers}"]
            console.print(
                f"Sweep throughput, {workers} worker(s): {s['runs_per_s']:.2f} runs/s "
                f"({sw['runs']} runs x {sw['weeks']} weeks in {s['wall_s']:.1f} s)"
            )
    else:
        console.print(f"Sweep throughput: {sw['note']}")

    t = Table(title="Issue 7 targets (one core: CPU time, robust to other load on the machine)")
    for col in ("target", "measured", "met"):
        t.add_column(col)
    for target, measured, ok in targets(doc):
        mark = "-" if ok is None else ("[green]yes[/green]" if ok else "[red]no[/red]")
        t.add_row(target, measured, mark)
    console.print(t)


def save(doc: dict) -> Path:
    """Write latest.json and a timestamped copy under benchmarks/results/; return the copy."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=2)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = RESULTS / f"bench-{stamp}.json"
    copy.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return copy


def _load(path: str) -> dict:
    p = Path(path)
    try:
        doc = json.loads(p.read_text())
    except FileNotFoundError:
        raise BenchError(f"--compare: file {path} does not exist") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise BenchError(f"--compare: cannot read {path} as benchmark JSON ({exc})") from None
    if not isinstance(doc, dict) or "rows" not in doc:
        raise BenchError(f"--compare: {path} is not a benchmark result (no 'rows')")
    return doc


def compare(path_a: str, path_b: str, console: Console) -> None:
    """Print every row two result files share: value A, value B, B / A and better or worse."""
    a, b = _load(path_a), _load(path_b)
    rows_a = {(r["section"], r["name"]): r for r in a["rows"]}
    t = Table(title=f"B / A   A = {path_a} ({a['machine']['date']})   B = {path_b}")
    for col in ("section", "row", "A", "B", "unit", "B / A", ""):
        t.add_column(col, justify="right" if col in ("A", "B", "B / A") else "left")
    for r in b["rows"]:
        ra = rows_a.get((r["section"], r["name"]))
        if ra is None:
            continue
        va, vb = float(ra["value"]), float(r["value"])
        ratio = vb / va if va else float("inf")
        good = ratio > 1.0 if r["better"] == "higher" else ratio < 1.0
        verdict = "" if abs(ratio - 1.0) < 0.05 else ("better" if good else "worse")
        colour = {"better": "green", "worse": "red"}.get(verdict, "white")
        t.add_row(
            r["section"],
            r["name"],
            f"{va:,.4g}",
            f"{vb:,.4g}",
            r["unit"],
            f"[{colour}]{ratio:.2f}[/{colour}]",
            verdict,
        )
    console.print(t)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks``; returns the exit code."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="skip 100,000 employees and sweeps")
    ap.add_argument("--sizes", help="headcounts separated by commas (default 100,...,100000)")
    ap.add_argument("--weeks", type=int, default=260, help="weeks per size run (default 260)")
    ap.add_argument("--seed", type=int, default=1, help="model seed (default 1)")
    ap.add_argument(
        "--compare", nargs=2, metavar=("A.json", "B.json"), help="print B / A per row and exit"
    )
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    args = ap.parse_args(argv)
    # Wide enough for the size table when the output is a file or a pipe (make bench | tee).
    console = Console(width=None if sys.stdout.isatty() else 120)
    try:
        if args.compare:
            compare(args.compare[0], args.compare[1], console)
            return 0
        if args.weeks < 1:
            raise BenchError(f"--weeks must be at least 1, got {args.weeks}")
        sizes = parse_sizes(args.sizes) if args.sizes else list(DEFAULT_SIZES)
        if args.quick:
            sizes = [n for n in sizes if n <= QUICK_MAX] or [min(sizes)]
        doc = run_suite(sizes, args.weeks, args.quick, args.seed, console)
    except BenchError as exc:
        console.print(f"error: {exc}", style="red", highlight=False)
        return 2
    print_report(doc, console)
    if not args.no_save:
        console.print(f"wrote {RESULTS / 'latest.json'} and {save(doc).name}")
    return 0
