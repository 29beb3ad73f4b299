"""The benchmark suite: scaling, the per-agent peer, build, cold start, dashboard, sweep.

``python -m benchmarks`` runs everything (about 10-15 minutes on 2 cores): the scaling table
(1,000, 10,000 and 100,000 employees with the preset's customers per frontline employee; up to
10,000 also with ten times as many coming ten times less often, so the same encounters: the cost
of customers at volume, and with ten times the customers and the work, an overloaded frontline
whose longer queues cost time of their own; 100,000 x10 would pass the model's limit of 20
million customers; each in a fresh process for its own peak memory), the
idiomatic per-agent Mesa toy (``benchmarks/toy.py``) measured in the same run as the peer, the
time per phase, a cold start (the kernels compiled) against a warm one, the dashboard's rendered
weeks per second at 2,000 employees, ``compare`` of 4 lever doses x 10 replications with and
without shared warm-ups, a snapshot's cost at 300 and 2,000 employees, and a 1,000-run sweep
(300 employees x 260 weeks) on 2 workers.
``--quick`` skips 100,000 employees and the sweep; ``--sizes
1000,10000`` picks sizes; ``--compare A.json B.json`` prints B / A for every row two runs share.
Each run writes ``benchmarks/results/latest.json`` and a timestamped copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.machine import machine_info

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
# (customers, work) per frontline seat against the preset: the preset; ten times the customers
# with the same encounters (customers at volume); ten times both. Both only up to QUICK_MAX: at
# 100,000, ten times the customers pass the model's limit of 20 million.
VARIANTS = ((1.0, 1.0), (10.0, 1.0), (10.0, 10.0))
QUICK_MAX = 10_000
PHASE_SIZES = (1_000, 10_000)  # per-phase profiles (the 100k run is timed whole)
PEER_SIZE = 10_000
PEER_WEEKS = 26  # the toy's cost per week is constant; a half year measures it
DASHBOARD_HEADCOUNT = 2_000
SWEEP_RUNS = 1_000
SWEEP_WORKERS = 2
SWEEP_WEEKS = 260
SIZE_TIMEOUT_S = 1_800
COMPARE_REPS = 10  # compare of 4 lever doses x 10 replications (3 with --quick)
SNAPSHOT_SIZES = (300, 2_000)

# Issue 17 targets, raised by issue 31.
TARGET_EW_PER_S_10K = 2_500_000
TARGET_TIMES_TOY_10K = 5.0
AIM_EW_PER_S_10K = 5_000_000
TARGET_RUN_S_100K = 30.0
TARGET_RSS_MB_100K = 2048.0
TARGET_CUSTOMER_COST = 1.5  # 10x customers per frontline at 10,000 employees
TARGET_DASHBOARD_WEEKS_PER_S = 20.0
TARGET_SWEEP_S = 120.0
# Issue 31 target.
TARGET_SHARED_WARMUP_SPEEDUP = 1.5


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


def run_size(
    headcount: int, weeks: int, seed: int, multiple: float = 1.0, work: float = 1.0
) -> dict[str, object]:
    """Measure one size in a fresh Python process (so its peak RSS is its own)."""
    cmd = [sys.executable, "-m", "benchmarks.size_run", str(headcount), str(weeks), str(seed)]
    cmd += [str(multiple), str(work)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=SIZE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return {"headcount": headcount, "customer_multiple": multiple, "work_multiple": work,
                "error": f"timed out after {SIZE_TIMEOUT_S} s"}  # fmt: skip
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"headcount": headcount, "customer_multiple": multiple, "work_multiple": work,
                "error": f"exit {done.returncode}: {tail[0]}"}  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


COLD_START = (
    "import time; t = time.perf_counter(); import sim; "
    "m = sim.ServiceCultureModel('pyramid', seed=1); m.run(52); "
    "print(time.perf_counter() - t)"
)


def cold_start() -> dict[str, float]:
    """Seconds to import, build (warm-up included) and run 52 weeks of the default organization
    in a fresh process: with an empty kernel cache (numba compiles every kernel), then again
    with the cache that run wrote (what every later run on the machine pays)."""
    with tempfile.TemporaryDirectory(prefix="servicechain-numba-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = {}
        for label in ("cold_s", "warm_s"):
            done = subprocess.run(
                [sys.executable, "-c", COLD_START], capture_output=True, text=True, env=env,
                timeout=600, check=True,
            )  # fmt: skip
            out[label] = float(done.stdout.strip().splitlines()[-1])
    return out


def run_sweep(runs: int, workers: int, weeks: int) -> dict[str, object]:
    """A sweep of ``runs`` replications of the default organization (wall time, workers)."""
    from sim.studies.sweep import throughput

    t0 = time.perf_counter()
    result = throughput(runs, workers, weeks)
    return {**result, "wall_s": time.perf_counter() - t0}


def _work_multiple(res: dict) -> float:
    """A size result's work multiple; files written before it existed scaled the work with the
    customers."""
    return res.get("work_multiple", res.get("customer_multiple", 1.0))


def _variant(res: dict) -> str:
    """``x10 customers`` (same work per seat) or ``x10 customers, x10 work``."""
    text = f"x{res['customer_multiple']:g} customers"
    work = _work_multiple(res)
    return text if work == 1.0 else f"{text}, x{work:g} work"


def _size_rows(res: dict) -> list[dict[str, object]]:
    label = f"{res['headcount']:,} employees {_variant(res)}"
    return [
        _row("size", f"{label}: employee-weeks/CPU-s", res["employee_weeks_per_cpu_s"], "1/s",
             "higher"),
        _row("size", f"{label}: CPU time", res["cpu_s"], "s", "lower"),
        _row("size", f"{label}: wall time", res["run_s"], "s", "lower"),
        _row("size", f"{label}: peak RSS", res["peak_rss_mb"], "MB", "lower"),
        _row("build", f"{label}: build with warm-up", res["build_s"], "s", "lower"),
        _row("build", f"{label}: build without warm-up", res["build_without_warmup_s"], "s",
             "lower"),
    ]  # fmt: skip


def run_suite(
    sizes: list[int], weeks: int, quick: bool, seed: int, console: Console
) -> dict[str, object]:
    """Run every benchmark and return the result document (machine, details, rows)."""
    from benchmarks.forks import compare_sharing, snapshot_costs
    from benchmarks.phases import dashboard_step, phase_profile
    from benchmarks.toy import toy_throughput

    doc: dict[str, object] = {"machine": machine_info(), "weeks": weeks, "quick": quick}
    rows: list[dict[str, object]] = []

    console.print("[dim]cold start (kernels compiled) and warm start...[/dim]")
    doc["cold_start"] = cold = cold_start()
    rows += [
        _row("start", "cold start (compile), 52 weeks", cold["cold_s"], "s", "lower"),
        _row("start", "warm start (cached), 52 weeks", cold["warm_s"], "s", "lower"),
    ]

    size_results = []
    for n in sizes:
        for multiple, work in VARIANTS:
            if n > QUICK_MAX and (quick or multiple != 1.0):
                continue
            what = _variant({"customer_multiple": multiple, "work_multiple": work})
            console.print(f"[dim]{n:,} employees {what}, {weeks} weeks...[/dim]")
            res = run_size(n, weeks, seed, multiple, work)
            size_results.append(res)
            if "error" in res:
                console.print(f"[red]{n:,} {what} failed: {res['error']}[/red]")
                continue
            rows += _size_rows(res)
    doc["sizes"] = size_results

    console.print(f"[dim]per-agent Mesa toy at {PEER_SIZE:,} employees...[/dim]")
    doc["peer"] = peer = toy_throughput(PEER_SIZE, PEER_WEEKS, seed)
    rows.append(_row("peer", f"toy {PEER_SIZE:,}: employee-weeks/CPU-s",
                     peer["employee_weeks_per_cpu_s"], "1/s", "higher"))  # fmt: skip

    console.print("[dim]organization design at 100,000 seats...[/dim]")
    from benchmarks.orgdesign import restructurings, spans_and_layers_of_a_chart

    doc["org_design"] = org = {
        "chart_s": spans_and_layers_of_a_chart(),
        "restructure_s": restructurings(),
    }
    rows.append(_row("org", "100,000-row chart: spans and layers", org["chart_s"], "s", "lower"))
    rows += [
        _row("org", f"100,000 seats: {name}", seconds, "s", "lower")
        for name, seconds in org["restructure_s"].items()
    ]

    phase_results = []
    for n in [s for s in sizes if s in PHASE_SIZES]:
        console.print(f"[dim]phase profile at {n:,}...[/dim]")
        prof = phase_profile(n, weeks=52 if n <= 1_000 else 26, seed=seed)
        phase_results.append(prof)
        for label, ms in prof["phases"].items():
            rows.append(_row("phase", f"{n:,}: {label}", ms, "ms/week", "lower"))
    doc["phases"] = phase_results

    console.print(f"[dim]dashboard at {DASHBOARD_HEADCOUNT:,} employees...[/dim]")
    dash = dashboard_step(weeks=min(weeks, 104), seed=seed, headcount=DASHBOARD_HEADCOUNT)
    doc["dashboard"] = dash
    rows += [
        _row("dashboard", "rendered weeks/s", dash["weeks_per_s"], "1/s", "higher"),
        _row("dashboard", "tick p95", dash["p95_ms"], "ms", "lower"),
    ]

    reps = 3 if quick else COMPARE_REPS
    console.print(f"[dim]compare 4 lever doses x {reps} reps, {weeks} weeks, with and without "
                  "shared warm-ups...[/dim]")  # fmt: skip
    doc["compare"] = cmp = compare_sharing(reps=reps, weeks=weeks, seed=seed,
                                           rounds=1 if quick else 2)  # fmt: skip
    label = f"4 scenarios x {reps} reps"
    rows += [
        _row("compare", f"{label}, every warm-up", cmp["alone_cpu_s"], "s", "lower"),
        _row("compare", f"{label}, shared warm-ups", cmp["shared_cpu_s"], "s", "lower"),
        _row("compare", f"{label}, speed-up of sharing", cmp["speedup"], "x", "higher"),
    ]
    doc["snapshots"] = snaps = []
    for n in SNAPSHOT_SIZES:
        console.print(f"[dim]snapshot and restore at {n:,} employees...[/dim]")
        snap = snapshot_costs(n, seed=seed)
        snaps.append(snap)
        rows += [
            _row("snapshot", f"{n:,}: in-memory snapshot", snap["capture_ms"], "ms", "lower"),
            _row("snapshot", f"{n:,}: restore from memory", snap["restore_ms"], "ms", "lower"),
            _row("snapshot", f"{n:,}: file size", snap["file_mb"], "MB", "lower"),
            _row("snapshot", f"{n:,}: read file and restore", snap["read_restore_ms"], "ms",
                 "lower"),
        ]  # fmt: skip

    if quick:
        doc["sweep"] = {"note": "skipped (--quick)"}
    else:
        console.print(
            f"[dim]sweep: {SWEEP_RUNS:,} runs x {SWEEP_WEEKS} weeks on {SWEEP_WORKERS} "
            "workers...[/dim]"
        )
        doc["sweep"] = sweep = run_sweep(SWEEP_RUNS, SWEEP_WORKERS, SWEEP_WEEKS)
        rows += [
            _row("sweep", f"{SWEEP_RUNS:,} runs, {SWEEP_WORKERS} workers", sweep["wall_s"], "s",
                 "lower"),
            _row("sweep", "runs/s", sweep["runs_per_s"], "1/s", "higher"),
        ]  # fmt: skip
    doc["rows"] = rows
    # Load at the end too: wall times are only comparable between runs on equally quiet machines.
    doc["load_average_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return doc


def _size(doc: dict, n: int, multiple: float = 1.0, work: float = 1.0) -> dict | None:
    for r in doc.get("sizes", []):
        same = r.get("customer_multiple", 1.0) == multiple and _work_multiple(r) == work
        if r["headcount"] == n and same and "error" not in r:
            return r
    return None


def targets(doc: dict) -> list[tuple[str, str, bool | None]]:
    """The issue 17 and 31 targets as (target, measured, met); met is None when not measured."""
    out: list[tuple[str, str, bool | None]] = []
    r10 = _size(doc, 10_000)
    if r10 and r10["weeks"] == 260:
        v = r10["employee_weeks_per_cpu_s"]
        out.append(
            (
                f">= {TARGET_EW_PER_S_10K / 1e6:g} M employee-weeks/s at 10,000 x 260 weeks "
                f"(aim {AIM_EW_PER_S_10K / 1e6:.0f} M)",
                f"{v / 1e6:.2f} M per CPU-second ({r10['cpu_s']:.2f} CPU-s)",
                v >= TARGET_EW_PER_S_10K,
            )
        )
        peer = doc.get("peer") or {}
        if peer.get("employee_weeks_per_cpu_s"):
            times = v / peer["employee_weeks_per_cpu_s"]
            out.append((f">= {TARGET_TIMES_TOY_10K:g}x the per-agent toy at 10,000 (same run)",
                        f"{times:.1f}x", times >= TARGET_TIMES_TOY_10K))  # fmt: skip
    else:
        out.append((f">= {TARGET_EW_PER_S_10K / 1e6:g} M employee-weeks/s at 10,000",
                    "not measured (10,000 x 260)", None))  # fmt: skip
    r100 = _size(doc, 100_000)
    if r100 and r100["weeks"] == 260:
        out.append(("100,000 x 260 weeks < 30 s", f"{r100['cpu_s']:.1f} CPU-s "
                    f"({r100['run_s']:.1f} s wall; build {r100['build_s']:.1f} s more)",
                    r100["cpu_s"] < TARGET_RUN_S_100K))  # fmt: skip
        out.append(("100,000 x 260 weeks < 2 GB peak", f"{r100['peak_rss_mb']:,.0f} MB",
                    r100["peak_rss_mb"] < TARGET_RSS_MB_100K))  # fmt: skip
    else:
        out.append(("100,000 x 260 weeks < 30 s, < 2 GB", "not measured", None))
    r10x = _size(doc, 10_000, 10.0)
    if r10 and r10x:
        ratio = r10x["cpu_s"] / r10["cpu_s"]
        measured = f"{ratio:.2f}x"
        r10w = _size(doc, 10_000, 10.0, 10.0)
        if r10w:  # not a target: ten times the work is another organization
            measured += f" (ten times the work too: {r10w['cpu_s'] / r10['cpu_s']:.2f}x)"
        out.append((f"10x customers per frontline (same encounters) < {TARGET_CUSTOMER_COST}x "
                    "the time at 10,000", measured, ratio < TARGET_CUSTOMER_COST))  # fmt: skip
    else:
        out.append(("10x customers < 1.5x at 10,000", "not measured", None))
    dash = doc.get("dashboard") or {}
    if "weeks_per_s" in dash:
        out.append((f">= {TARGET_DASHBOARD_WEEKS_PER_S:.0f} rendered weeks/s at "
                    f"{dash['headcount']:,} employees", f"{dash['weeks_per_s']:.1f}",
                    dash["weeks_per_s"] >= TARGET_DASHBOARD_WEEKS_PER_S))  # fmt: skip
    org = doc.get("org_design") or {}
    if "chart_s" in org:
        from benchmarks.orgdesign import TARGET_ORG_S

        out.append((f"100,000-row chart: spans and layers < {TARGET_ORG_S:.0f} s (issue 28)",
                    f"{org['chart_s']:.1f} s", org["chart_s"] < TARGET_ORG_S))  # fmt: skip
    sweep = doc.get("sweep") or {}
    if "wall_s" in sweep:
        out.append((f"{SWEEP_RUNS:,}-run sweep (300 x {SWEEP_WEEKS}) < "
                    f"{TARGET_SWEEP_S / 60:.0f} min on {SWEEP_WORKERS} workers",
                    f"{sweep['wall_s']:.0f} s", sweep["wall_s"] < TARGET_SWEEP_S))  # fmt: skip
    else:
        out.append(("1,000-run sweep < 2 min on 2 workers", "not measured", None))
    cmp = doc.get("compare") or {}
    if "speedup" in cmp:
        met = cmp["speedup"] >= TARGET_SHARED_WARMUP_SPEEDUP and cmp["identical"]
        measured = (f"{cmp['speedup']:.2f}x ({cmp['weeks_ratio']:.2f}x fewer weeks simulated "
                    f"at {cmp['weeks']}), identical: {cmp['identical']}")  # fmt: skip
        target = f"compare 4 x {cmp['reps']} >= {TARGET_SHARED_WARMUP_SPEEDUP}x faster shared"
        out.append((target, measured, met))
    else:
        out.append(("compare 4 x 10 >= 1.5x faster with shared warm-ups", "not measured", None))
    return out


def print_report(doc: dict, console: Console) -> None:
    """Print the result document as rich tables."""
    m = doc["machine"]
    console.print(
        f"[bold]servicechain benchmarks[/bold]  {m['date']}  {m['cores']} cores, "
        f"{m['cpu_model']}, {m['memory_gib']} GiB; Python {m['python']}, NumPy {m['numpy']}; "
        f"load average {m['load_average_1min']:.2f} at the start, "
        f"{doc['load_average_end']:.2f} at the end"
    )
    peer = doc["peer"]
    t = Table(title=f"Scaling: pyramid, {doc['weeks']} weeks, one core, a fresh process each")
    for col in ("employees", "customers (work)", "per employee", "build (warm-up)", "build (bare)",
                "CPU s", "wall s", "employee-weeks/CPU-s", "x toy", "peak RSS MB"):  # fmt: skip
        t.add_column(col, justify="right")
    for r in doc["sizes"]:
        if "error" in r:
            t.add_row(f"{r['headcount']:,}", _variant(r).replace(" customers", ""),
                      "[red]" + str(r["error"]) + "[/red]")  # fmt: skip
            continue
        t.add_row(
            f"{r['headcount']:,}",
            _variant(r).replace(" customers", ""),
            f"{r['customers_per_employee']:.0f}",
            f"{r['build_s']:.2f} s",
            f"{r['build_without_warmup_s']:.3f} s",
            f"{r['cpu_s']:.2f}",
            f"{r['run_s']:.2f}",
            f"{r['employee_weeks_per_cpu_s']:,.0f}",
            f"{r['employee_weeks_per_cpu_s'] / peer['employee_weeks_per_cpu_s']:.1f}",
            f"{r['peak_rss_mb']:,.0f}",
        )
    console.print(t)
    console.print(
        f"Peer (benchmarks/toy.py, one Python step() per employee, {peer['headcount']:,} "
        f"employees x {peer['weeks']} weeks, this run): "
        f"{peer['employee_weeks_per_cpu_s']:,.0f} employee-weeks/CPU-s"
    )
    cold = doc["cold_start"]
    console.print(
        f"Start, import + build + 52 weeks of the default organization in a fresh process: "
        f"{cold['cold_s']:.1f} s with an empty kernel cache (compiling), {cold['warm_s']:.1f} s "
        "with it cached"
    )

    if doc["phases"]:
        t = Table(title="Time per phase of step() (CPU ms/week)")
        t.add_column("phase")
        for p in doc["phases"]:
            t.add_column(f"{p['headcount']:,}", justify="right")
        for label in doc["phases"][0]["phases"]:
            t.add_row(label, *[f"{p['phases'][label]:.3f}" for p in doc["phases"]])
        t.add_row("[bold]total[/bold]", *[f"{p['total_ms_per_week']:.3f}" for p in doc["phases"]])
        console.print(t)

    d = doc["dashboard"]
    console.print(
        f"Dashboard ({d['source']}, {d['headcount']:,} employees): {d['weeks_per_s']:.1f} "
        f"rendered weeks/s (tick mean {d['mean_ms']:.1f} ms, p95 {d['p95_ms']:.1f} ms)"
    )
    sw = doc["sweep"]
    if "wall_s" in sw:
        console.print(
            f"Sweep: {sw['runs']:,} runs x {sw['weeks']} weeks (300 employees) on "
            f"{sw['workers']} workers in {sw['wall_s']:.0f} s ({sw['runs_per_s']:.1f} runs/s, "
            f"{sw['seconds_per_run']:.2f} s inside one run, {sw['failed']} failed)"
        )
    else:
        console.print(f"Sweep: {sw['note']}")

    cmp = doc.get("compare")
    if cmp:
        console.print(
            f"Compare, 4 lever doses x {cmp['reps']} reps x {cmp['weeks']} weeks (warm-up "
            f"{cmp['warmup_weeks']}): {cmp['alone_cpu_s']:.1f} CPU-s warming up every run, "
            f"{cmp['shared_cpu_s']:.1f} CPU-s sharing ({cmp['speedup']:.2f}x; wall "
            f"{cmp['alone_wall_s']:.1f} s and {cmp['shared_wall_s']:.1f} s); results identical: "
            f"{cmp['identical']}"
        )
    for sn in doc.get("snapshots", []):
        console.print(
            f"Snapshot at {sn['headcount']:,} employees, week {sn['week']}: {sn['capture_ms']:.1f} "
            f"ms in memory ({sn['memory_mb']:.2f} MB), restore {sn['restore_ms']:.1f} ms; file "
            f"{sn['file_mb']:.2f} MB in {sn['encode_ms']:.1f} ms, read and restored in "
            f"{sn['read_restore_ms']:.1f} ms"
        )

    t = Table(title="Targets (issues 17 and 31)")
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
    ap.add_argument("--quick", action="store_true", help="skip 100,000 employees and the sweep")
    ap.add_argument("--sizes", help="headcounts separated by commas (default 1000,10000,100000)")
    ap.add_argument("--weeks", type=int, default=260, help="weeks per size run (default 260)")
    ap.add_argument("--seed", type=int, default=1, help="model seed (default 1)")
    ap.add_argument(
        "--compare", nargs=2, metavar=("A.json", "B.json"), help="print B / A per row and exit"
    )
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    args = ap.parse_args(argv)
    # Wide enough for the tables when the output is a file or a pipe (make bench | tee).
    console = Console(width=None if sys.stdout.isatty() else 140)
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
