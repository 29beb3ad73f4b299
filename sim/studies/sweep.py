"""Sweep engine: an experiment's design x replications, run on any executor, streamed to parquet.

``sim.sweep(...)`` (this module is callable) or :func:`sweep` runs an experiment (see
:mod:`sim.experiment`):

- **Runs**: every design point x every replication. ``run_id = point_id * replications + rep``.
- **Seeds**: :mod:`sim.studies.seeds` (the derivation compare and validate use too): the root
  seed's :class:`numpy.random.SeedSequence` spawns two children; child 0 seeds the design
  sampler, child 1 spawns one child per replication. Replication ``r`` uses the
  same seed at every design point (common random numbers), so differences between points are
  not sampling noise of different streams, and a run's seed never depends on how or where the
  sweep is executed. Every row records its seed, point id and replication.
- **Execution**: through any :class:`concurrent.futures.Executor`: in-process for
  ``workers=1``, a spawn-based :class:`~concurrent.futures.ProcessPoolExecutor` by default
  (``workers`` = all cores), or a Dask cluster (``scheduler="tcp://host:8786"``, via
  ``dask.distributed.Client(address).get_executor()``). Runs travel in batches so the per-task
  overhead (pickling, scheduling) stays small next to the simulation; at most two batches per
  worker slot are in flight, so memory stays flat however long the sweep.
- **Output** (under ``out``): ``manifest.json`` (experiment, root seed, total runs, parameter
  names, package version, fingerprint), ``design.parquet`` (one row per design point),
  ``runs/part-NNNNN.parquet`` (one file per finished batch, written atomically by the driving
  process; ``pandas.read_parquet(out / "runs")`` reads them all) and, when asked,
  ``timeseries/part-NNNNN.parquet`` (every week of every run).
- **Rows** of ``runs``: ``run_id``, ``point_id``, ``rep``, ``seed``, one column per varied
  parameter (dotted path), ``final.<kpi>`` (value in the last week) and ``window.<kpi>`` (mean
  over the last ``window`` weeks) per chosen KPI, ``status`` ("ok" or "error"), ``error``
  (exception text, "" when ok) and ``seconds`` (wall time of the run).
- **Robustness**: a run that raises is recorded with ``status="error"`` and the sweep goes on;
  a killed sweep loses only the batches in flight; ``resume=True`` skips every run_id already on
  disk (failed runs included: they are deterministic and would fail again).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.params import ParameterError, Params, field_spec
from sim.studies.experiment import Experiment, ExperimentError, design_points, load_experiment
from sim.studies.seeds import replication_seeds

MAX_BATCH = 64  # runs per task: bounds what a crash loses and keeps part files few
# Tables written beside runs/ when the experiment asks for them (a part of each is written
# before the runs part of the same number, so a runs part implies its companions).
EXTRA_TABLES = ("timeseries", "panel")


class SweepError(ParameterError):
    """A sweep cannot start or continue (output folder conflict, unreachable scheduler...)."""


class SweepRuns(pd.DataFrame):
    """The runs table of a sweep (a DataFrame: one row per run) with plotting methods.

    ``attrs["out"]`` is the sweep's folder and ``attrs["sweep"]`` its counts; frames derived
    from it (selections, group-bys) are plain DataFrames.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def plot_summary(self) -> list:
        """The analysis report's Plotly figures: per KPI, its window mean against the first
        varied parameter with 95% CIs (bars for one_at_a_time designs), or the sensitivity
        indices of sobol and morris designs."""
        from sim.studies.analyze import figures, load_sweep, sensitivity, summary

        manifest, runs, design = load_sweep(self.attrs["out"])
        return figures(
            manifest, summary(manifest, runs, design), sensitivity(manifest, runs, design)
        )


@dataclass(frozen=True)
class Run:
    """One simulation of a sweep: a design point under one replication's seed."""

    run_id: int
    point_id: int
    rep: int
    seed: int
    values: dict[str, Any]


def plan_runs(exp: Experiment, points: pd.DataFrame | None = None) -> Iterator[Run]:
    """Yield every run of the experiment in run_id order (points outer, replications inner)."""
    points = design_points(exp) if points is None else points
    seeds = replication_seeds(exp.seed, exp.replications)
    names = exp.parameter_names
    for pid, row in zip(points.index, points[names].itertuples(index=False), strict=True):
        values = {n: _py(v) for n, v in zip(names, row, strict=True)}
        for rep, seed in enumerate(seeds):
            yield Run(int(pid) * exp.replications + rep, int(pid), rep, seed, values)


def schedule_runs(exp: Experiment, points: pd.DataFrame | None = None) -> Iterator[Run]:
    """Every run of the experiment, ordered so that runs sharing a warm-up come together.

    Design points that agree on every varied parameter the warm-up reads
    (:func:`sim.forks.warmup_reads`: everything but the levers and the horizon) share one
    warm-up per replication seed. Each group of such points is yielded replication by
    replication, its points within, so a batch holds a seed's runs side by side and
    :func:`run_batch` warms up once for them. A design that varies only levers is one group.
    Run ids, seeds and results are those of :func:`plan_runs`; only the order differs.
    """
    from sim.forks import warmup_reads

    points = design_points(exp) if points is None else points
    names = exp.parameter_names
    shared = [n for n in names if warmup_reads(n)]
    seeds = replication_seeds(exp.seed, exp.replications)
    if shared and len(points):
        group = pd.factorize(pd.MultiIndex.from_frame(points[shared].astype(str)))[0]
    else:
        group = np.zeros(len(points), dtype=np.int64)
    order = np.argsort(group, kind="stable")  # groups in order of first point, points in order
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    pids = points.index.to_numpy()
    columns = [points[n].to_numpy() for n in names]
    for members in np.split(order, bounds) if len(order) else []:
        for rep, seed in enumerate(seeds):
            for pos in members:
                values = {n: _py(c[pos]) for n, c in zip(names, columns, strict=True)}
                pid = int(pids[pos])
                yield Run(pid * exp.replications + rep, pid, rep, seed, values)


def _py(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


# ------------------------------------------------------------------------------------ workers
@dataclass(frozen=True)
class Batch:
    """The payload of one task: shared settings plus a list of runs (pickled to the worker)."""

    number: int
    base: Params
    weeks: int
    kpis: tuple[str, ...]
    window: int
    timeseries: bool
    panel: str | None
    runs: tuple[Run, ...]


def run_batch(batch: Batch) -> tuple[int, list[dict[str, Any]], dict[str, pd.DataFrame]]:
    """Execute a batch (in a worker): one result row per run, errors caught per run.

    Returns:
        ``(batch number, rows, extra tables)``: the extra tables (``timeseries``, ``panel``)
        that the experiment asks for, each keyed by ``run_id``, ``point_id``, ``rep``.
    """
    from sim.forks import WarmStarts
    from sim.overrides import apply_overrides

    rows: list[dict[str, Any]] = []
    extras: dict[str, list[pd.DataFrame]] = {name: [] for name in EXTRA_TABLES}
    warm = WarmStarts()  # runs of this batch that share a warm-up run it once (sim.forks)
    for run in batch.runs:
        row: dict[str, Any] = {
            "run_id": run.run_id,
            "point_id": run.point_id,
            "rep": run.rep,
            "seed": run.seed,
            **run.values,
        }
        started = time.perf_counter()
        try:
            params = apply_overrides(batch.base, run.values)
            model = warm.model(params, run.seed, batch.panel)
            df = model.run(batch.weeks)
            cols = list(batch.kpis)
            final = df[cols].iloc[-1]
            mean = df[cols].iloc[-batch.window :].mean()
            for k in cols:
                row[f"final.{k}"] = float(final[k])
                row[f"window.{k}"] = float(mean[k])
            row["status"], row["error"] = "ok", ""
            if batch.timeseries:
                extras["timeseries"].append(_keyed(df[cols].reset_index(), run))
            if batch.panel is not None:
                extras["panel"].append(_keyed(model.panel_frame(), run))
        except Exception as err:  # a failing run is data, not the end of the sweep
            for k in batch.kpis:
                row[f"final.{k}"] = math.nan
                row[f"window.{k}"] = math.nan
            row["status"] = "error"
            row["error"] = f"{type(err).__name__}: {err}"
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in extras.items() if v}
    return batch.number, rows, tables


def _keyed(frame: pd.DataFrame, run: Run) -> pd.DataFrame:
    """A run's table with its ``run_id``, ``point_id`` and ``rep`` in front."""
    frame.insert(0, "rep", run.rep)
    frame.insert(0, "point_id", run.point_id)
    frame.insert(0, "run_id", run.run_id)
    return frame


class InlineExecutor(Executor):
    """Runs each task at submission, in this process (``workers=1``: no start-up, easy debug)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:
            fut.set_exception(err)
        return fut


# ------------------------------------------------------------------------------------ output
def _columns(exp: Experiment) -> dict[str, str]:
    """The runs table's column -> dtype, so every part file has the same schema."""
    cols = {"run_id": "int64", "point_id": "int64", "rep": "int64", "seed": "int64"}
    for path in exp.parameter_names:
        kind = field_spec(path).kind
        cols[path] = "bool" if kind == "bool" else ("int64" if "int" in kind else "float64")
    for k in exp.kpis:
        cols[f"final.{k}"] = "float64"
        cols[f"window.{k}"] = "float64"
    cols.update(status="object", error="object", seconds="float64")
    return cols


def _write_part(folder: Path, number: int, df: pd.DataFrame) -> None:
    # Write to a hidden temp name, then rename: readers (and resume) never see half a file,
    # and pyarrow skips names starting with '.'.
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".part-{number:05d}.parquet.tmp"
    df.to_parquet(tmp, index=False)
    os.replace(tmp, folder / f"part-{number:05d}.parquet")


def _part_numbers(folder: Path) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in folder.glob("part-*.parquet")}


def finished_run_ids(out: Path) -> set[int]:
    """run_ids already written under ``out/runs`` (empty when there are none)."""
    runs = Path(out) / "runs"
    if not runs.is_dir() or not any(runs.glob("part-*.parquet")):
        return set()
    return set(pd.read_parquet(runs, columns=["run_id"])["run_id"].tolist())


def _set_aside_unreadable_parts(out: Path) -> list[Path]:
    """Rename part files that are not readable parquet (a crash mid-copy, a full disk) to
    ``_unreadable-part-NNNNN.parquet``, which readers skip, together with the runs part of
    the same number, so their runs are done again. Returns the new names."""
    import pyarrow.parquet as pq

    moved = []
    for table in ("runs", *EXTRA_TABLES):
        for part in sorted((out / table).glob("part-*.parquet")):
            try:
                pq.ParquetFile(part).metadata  # noqa: B018 - reading the footer is the check
            except Exception:
                number = part.stem.split("-")[1]
                for t in ("runs", *EXTRA_TABLES):
                    twin = out / t / f"part-{number}.parquet"
                    if twin.exists():
                        aside = twin.with_name(f"_unreadable-part-{number}.parquet")
                        os.replace(twin, aside)
                        moved.append(aside)
    return moved


def fingerprint(exp: Experiment) -> str:
    """A hash of everything that determines the sweep's rows (not the output folder)."""
    doc = {
        "base": exp.base_params().model_dump(mode="json"),
        "seed": exp.seed,
        "replications": exp.replications,
        "kind": exp.kind,
        "parameters": exp.parameters,
        "samples": exp.samples,
        "second_order": exp.second_order,
        "levels": exp.levels,
        "kpis": list(exp.kpis),
        "window": exp.window,
        "timeseries": exp.timeseries,
        # Only when set, so folders of experiments without a panel keep their fingerprint.
        **({"panel": exp.panel} if exp.panel else {}),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _manifest(exp: Experiment, total: int, n_points: int) -> dict[str, Any]:
    from sim.studies.provenance import environment

    env = environment()
    return {
        "experiment": exp.name,
        "description": exp.description,
        "source": exp.source,
        "scenario": exp.scenario,
        "weeks": exp.weeks,
        "replications": exp.replications,
        "root_seed": exp.seed,
        "design": {
            "kind": exp.kind,
            "samples": exp.samples,
            "second_order": exp.second_order,
            "levels": exp.levels,
            "parameters": exp.parameters,
        },
        "parameter_names": exp.parameter_names,
        "kpis": list(exp.kpis),
        "window": exp.window,
        "timeseries": exp.timeseries,
        "panel": exp.panel,
        "points": n_points,
        "total_runs": total,
        "fingerprint": fingerprint(exp),
        "package_version": env["package_version"],
        "python": env["python"],
        "environment": env,
        # Everything a run needs besides its varied values and seed (see rerun()).
        "base_params": exp.base_params().model_dump(mode="json"),
        "replication_seeds": replication_seeds(exp.seed, exp.replications),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _prepare_folder(out: Path, exp: Experiment, resume: bool) -> tuple[set[int], list[Path]]:
    """Check the output folder against the experiment.

    Returns:
        The run_ids already done, and the unreadable part files set aside (their runs are
        done again).
    """
    manifest = out / "manifest.json"
    set_aside = _set_aside_unreadable_parts(out)
    done = finished_run_ids(out)
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text())
        except (OSError, ValueError) as err:
            raise SweepError(
                f"{manifest}: unreadable manifest ({err}); use another --out"
            ) from None
        if old.get("fingerprint") != fingerprint(exp):
            raise SweepError(
                f"{out} holds results of a different experiment ('{old.get('experiment')}', "
                "other parameters, seed, design or outputs); choose another --out or delete it"
            )
    if done and not resume:
        raise SweepError(
            f"{out} already holds {len(done)} finished runs of this sweep; pass --resume "
            "(resume=True) to continue it, or choose another --out"
        )
    for table in ("runs", *EXTRA_TABLES):
        for stale in out.glob(f"{table}/.part-*"):
            stale.unlink()
    # A companion part whose runs part never landed belongs to runs that will be redone.
    runs_parts = _part_numbers(out / "runs")
    for table in EXTRA_TABLES:
        for n in _part_numbers(out / table) - runs_parts:
            (out / table / f"part-{n:05d}.parquet").unlink()
    return done, set_aside


# ------------------------------------------------------------------------------------ executors
def _open_executor(
    workers: int | None, scheduler: Any, executor: Executor | None
) -> tuple[Executor, int, Any]:
    """(executor, worker slots, object to close afterwards or None)."""
    if executor is not None:
        return executor, max(1, workers or 1), None
    if scheduler is not None:
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - dask is in the sweep extra
            raise SweepError(
                "--scheduler needs dask.distributed: pip install 'servicechain[sweep]'"
            ) from None
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as err:
            raise SweepError(
                f"cannot reach the Dask scheduler at {scheduler!r} ({err}); start one with "
                "`dask scheduler` and give its tcp://host:port address"
            ) from None
        slots = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        return client.get_executor(), max(1, slots), client
    n = (os.cpu_count() or 1) if workers is None else workers
    if n < 1:
        raise SweepError(f"workers must be 1 or more, got {n}")
    if n == 1:
        return InlineExecutor(), 1, None
    from sim.studies.workers import process_pool

    pool = process_pool(n)  # workers exit if this process dies, even by SIGKILL
    return pool, n, pool


def _batch_size(n_todo: int, slots: int) -> int:
    # About eight batches per slot balances load and keeps the bar moving; MAX_BATCH bounds
    # what a killed sweep loses.
    return max(1, min(MAX_BATCH, math.ceil(n_todo / (slots * 8))))


# ------------------------------------------------------------------------------------ driver
def sweep(
    experiment: str | Path | Experiment,
    workers: int | None = None,
    scheduler: Any = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    executor: Executor | None = None,
    batch_size: int | None = None,
) -> SweepRuns:
    """Run an experiment and return all its runs (one row per run, sorted by run_id).

    Args:
        experiment: An :class:`~sim.experiment.Experiment`, an experiment TOML path, or the name
            of a shipped experiment in ``experiments/``.
        workers: Worker processes (default: all cores); 1 runs in this process.
        scheduler: A Dask scheduler address (``"tcp://host:8786"``) or a ``LocalCluster``;
            overrides ``workers``.
        out: Output folder (default: the experiment's ``outputs.out``).
        resume: Continue a sweep in ``out``, skipping runs already on disk.
        progress: Show a progress bar (runs done, rate, ETA) on stderr.
        executor: Any :class:`concurrent.futures.Executor` to use instead (``workers`` then
            only sizes the batches).
        batch_size: Runs per task (default: about eight tasks per worker, at most 64).

    Returns:
        The ``runs`` table (see the module docstring) as :class:`SweepRuns`, a DataFrame with
        ``plot_summary()``; ``df.attrs["sweep"]`` holds counts (total, executed, skipped,
        failed) and the wall time in seconds, ``df.attrs["out"]`` the folder.

    Raises:
        ExperimentError: invalid experiment file.
        SweepError: the output folder holds another experiment, or finished runs without
            ``resume``; an unreachable scheduler; a worker crash (finished runs stay on disk).
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    folder = Path(out) if out is not None else exp.out
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"--out {folder}: is a file; give a folder for the results")
    points = design_points(exp)
    total = len(points) * exp.replications
    folder.mkdir(parents=True, exist_ok=True)
    done, set_aside = _prepare_folder(folder, exp, resume)
    if not (folder / "manifest.json").is_file():
        (folder / "manifest.json").write_text(
            json.dumps(_manifest(exp, total, len(points)), indent=2, default=str)
        )
        points.reset_index().to_parquet(folder / "design.parquet", index=False)
    todo = (r for r in schedule_runs(exp, points) if r.run_id not in done)
    n_todo = total - sum(1 for r in done if 0 <= r < total)
    started = time.perf_counter()
    stats = {"total": total, "skipped": total - n_todo, "executed": 0, "failed": 0}
    if n_todo > 0:
        _drive(exp, folder, todo, n_todo, workers, scheduler, executor, batch_size, progress, stats)
    stats["seconds"] = time.perf_counter() - started
    df = SweepRuns(pd.read_parquet(folder / "runs").sort_values("run_id", ignore_index=True))
    stats["failed_total"] = int((df["status"] != "ok").sum())
    stats["set_aside"] = [str(p) for p in set_aside]
    df.attrs["sweep"] = stats
    df.attrs["out"] = str(folder)
    return df


def _drive(exp, folder, todo, n_todo, workers, scheduler, executor, batch_size, progress, stats):
    from sim.studies.progress import Progress

    ex, slots, closer = _open_executor(workers, scheduler, executor)
    size = batch_size or _batch_size(n_todo, slots)
    base = exp.base_params()
    columns = _columns(exp)
    used = set().union(*(_part_numbers(folder / t) for t in ("runs", *EXTRA_TABLES)))
    next_number = max(used, default=-1) + 1
    bar = Progress(exp.name, n_todo, "runs", enabled=progress)
    inflight: set[Future] = set()

    def batches() -> Iterator[Batch]:
        nonlocal next_number
        chunk: list[Run] = []
        for run in todo:
            chunk.append(run)
            if len(chunk) == size:
                yield Batch(next_number, base, exp.weeks, exp.kpis, exp.window, exp.timeseries,
                            exp.panel, tuple(chunk))  # fmt: skip
                next_number += 1
                chunk = []
        if chunk:
            yield Batch(next_number, base, exp.weeks, exp.kpis, exp.window, exp.timeseries,
                        exp.panel, tuple(chunk))  # fmt: skip
            next_number += 1

    source = batches()
    try:
        with bar:
            exhausted = False
            while True:
                while not exhausted and len(inflight) < 2 * slots:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                    else:
                        inflight.add(ex.submit(run_batch, nxt))
                if not inflight:
                    break
                finished, inflight = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    try:
                        number, rows, tables = fut.result()
                    except Exception as err:
                        raise SweepError(
                            f"a worker failed ({type(err).__name__}: {err}); the "
                            f"{stats['executed'] + stats['skipped']} finished runs are saved in "
                            f"{folder}; rerun with --resume to continue"
                        ) from err
                    frame = pd.DataFrame(rows, columns=list(columns)).astype(columns)
                    for table, part in tables.items():  # first: a runs part implies them
                        _write_part(folder / table, number, part)
                    _write_part(folder / "runs", number, frame)
                    failed = int((frame["status"] != "ok").sum())
                    stats["executed"] += len(frame)
                    stats["failed"] += failed
                    bar.advance(len(frame), status=f"{stats['failed']} failed")
    except BaseException:
        for fut in inflight:
            fut.cancel()
        raise
    finally:
        if closer is not None:
            if isinstance(closer, ProcessPoolExecutor):
                closer.shutdown(wait=True, cancel_futures=True)
            else:
                closer.close()


def rerun(folder: str | Path, run_id: int) -> pd.DataFrame:
    """Run one stored run of a sweep again, exactly: its weekly KPI frame.

    The run's parameters are the manifest's fully resolved base parameters with the run's
    varied values (from ``runs/``) and its recorded seed, so the result does not depend on the
    scenario files or experiment file as they are now.

    Args:
        folder: The sweep's output folder.
        run_id: The run to repeat.

    Returns:
        The KPI frame of :meth:`sim.model.ServiceCultureModel.kpis` (its last row gives the
        run's ``final.<kpi>`` values).

    Raises:
        SweepError: no such folder or run, or a manifest without resolved parameters.
    """
    from sim.model import ServiceCultureModel

    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as err:
        raise SweepError(f"{folder}: not a readable sweep folder ({err})") from None
    if "base_params" not in manifest:
        raise SweepError(f"{folder}: the manifest has no resolved parameters (an older sweep)")
    runs = pd.read_parquet(folder / "runs", filters=[("run_id", "==", int(run_id))])
    if runs.empty:
        raise SweepError(f"{folder}: no finished run with run_id {run_id}")
    row = runs.iloc[0]
    values = {p: _py(row[p]) for p in manifest["parameter_names"]}
    base = Params.model_validate(manifest["base_params"])
    model = ServiceCultureModel(base, overrides=values, seed=int(row["seed"]))
    return model.run(int(manifest["weeks"]))


# ------------------------------------------------------------------------------------ benchmark
def throughput(
    n_runs: int, workers: int, weeks: int, scheduler: Any = None
) -> dict[str, float | int | str | None]:
    """Measure sweep throughput on the default organization (hook for ``benchmarks/``).

    Runs ``n_runs`` replications of the default ``pyramid`` scenario for ``weeks`` weeks into a
    temporary folder, timing the whole sweep (pool or cluster start-up included).

    Args:
        n_runs: Number of runs.
        workers: Worker processes (1 = in-process); ignored when ``scheduler`` is given.
        weeks: Weeks per run.
        scheduler: Optional Dask scheduler address or LocalCluster.

    Returns:
        ``runs``, ``workers``, ``weeks``, ``executor`` ("inline", "processes" or "dask"),
        ``seconds`` (wall time), ``runs_per_s``, ``seconds_per_run`` (mean time inside one
        run, excluding overhead) and ``failed``.
    """
    import tempfile

    from sim.studies.experiment import experiment_from_dict

    exp = experiment_from_dict(
        {"scenario": "pyramid", "weeks": weeks, "replications": n_runs, "seed": 0},
        where="throughput",
        name="throughput",
    )
    with tempfile.TemporaryDirectory(prefix="servicechain-throughput-") as tmp:
        t = time.perf_counter()
        df = sweep(exp, workers=workers, scheduler=scheduler, out=tmp, progress=False)
        seconds = time.perf_counter() - t
    scheduler_address = getattr(scheduler, "scheduler_address", scheduler)
    kind = "dask" if scheduler is not None else ("inline" if workers == 1 else "processes")
    return {
        "runs": n_runs,
        "workers": workers,
        "weeks": weeks,
        "executor": kind,
        "scheduler": None if scheduler is None else str(scheduler_address),
        "seconds": seconds,
        "runs_per_s": n_runs / seconds,
        "seconds_per_run": float(df["seconds"].mean()),
        "failed": int((df["status"] != "ok").sum()),
    }


# ------------------------------------------------------------------------------------ CLI
def run_cli(
    experiment: str | Experiment,
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    resume: bool,
    console: Any,
) -> pd.DataFrame:
    """``servicechain sweep``: run, then print where the results are and the failure count."""
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    df = sweep(exp, workers=workers, scheduler=scheduler, out=out, resume=resume)
    st = df.attrs["sweep"]
    where = df.attrs["out"]
    console.print(
        f"{exp.name}: {st['executed']} runs executed in {st['seconds']:.1f} s"
        + (f", {st['skipped']} already on disk" if st["skipped"] else "")
        + f"; {len(df)}/{st['total']} runs in {where}/runs, {st['failed_total']} failed"
    )
    if st["failed_total"]:
        first = df.loc[df["status"] != "ok", "error"].iloc[0]
        console.print(f"first failure: {first}", highlight=False)
    for path in st["set_aside"]:
        console.print(f"[yellow]note:[/] {path} was unreadable, set aside; its runs were redone")
    console.print(f"next: servicechain analyze {where}")
    return df


__all__ = [
    "ExperimentError",
    "InlineExecutor",
    "Run",
    "SweepError",
    "SweepRuns",
    "finished_run_ids",
    "plan_runs",
    "rerun",
    "run_batch",
    "schedule_runs",
    "sweep",
    "throughput",
]
