"""The ``servicechain`` command.

Every command turns bad input (unknown scenario, unknown parameter, value out of range, missing
file) into a one-paragraph error on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.arguments import MAX_REPS, MAX_SEED, MAX_WEEKS
from sim.cli.common import (
    UsageError,
    check_frame_path,
    check_writable,
    console,
    err_console,
    parse_sets,
    write_frame,
)
from sim.params import ParameterError

app = typer.Typer(
    name="servicechain",
    help="Simulate internal customer service culture and the service-profit chain.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

VALIDATION_REPORT = Path("docs/VALIDATION.md")

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        help="Override a parameter: section.field=value (repeatable), "
        "e.g. --set culture.service_direction=0.5. See `servicechain params`.",
    ),
]
CultureOption = Annotated[
    str | None,
    typer.Option(
        "--culture",
        "-c",
        help="Run under a culture: pyramid (-1), two_way (0), inverted (+1) or a number in "
        "[-1, 1].",
    ),
]


def kpi_table(final: dict[str, float], title: str) -> Table:
    """A two-column rich table of KPI values with units."""
    from sim.kpis import KPI_BY_NAME, format_kpi

    table = Table(title=title, show_lines=False)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("unit", style="dim")
    for name, value in final.items():
        kpi = KPI_BY_NAME.get(name)
        table.add_row(name, format_kpi(value, name), kpi.unit if kpi else "")
    return table


@app.command()
def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Preset name (see `servicechain scenarios`) or TOML path [default: pyramid].",
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks",
            "-w",
            min=0,
            max=MAX_WEEKS,
            help="The week to run to (default: the scenario's weeks, 260).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            min=0,
            max=MAX_SEED,
            help="Random seed (0 to 2^63 - 1) [default: 0].",
            show_default=False,
        ),
    ] = None,
    sets: SetOption = None,
    culture: CultureOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the weekly KPIs (.csv/.parquet).")
    ] = None,
    start: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Resume the run saved in this snapshot file (see --save-state): its scenario, "
            "seed and weeks so far. --set and --culture then change parameters from its next "
            "week on; --weeks is the week to run to.",
        ),
    ] = None,
    save_state: Annotated[
        Path | None,
        typer.Option(
            "--save-state",
            help="Write the model's complete state after the last week (or --save-at) to this "
            "snapshot file, to resume with --from.",
        ),
    ] = None,
    save_at: Annotated[
        int | None,
        typer.Option(
            "--save-at",
            min=0,
            max=MAX_WEEKS,
            help="With --save-state: the week whose end to save (0 = just warmed up).",
        ),
    ] = None,
) -> None:
    """Run one scenario and print its final KPIs (and the 5-year averages).

    With --out, the weekly KPIs go to a .csv or .parquet file and its provenance beside it
    (NAME.manifest.json): `servicechain rerun NAME.manifest.json --out again.csv` repeats the
    run and writes the same file byte for byte. Save the state to resume later (--save-state,
    --save-at) or resume a saved one (--from): a resumed run equals the uninterrupted one, week
    for week.
    """
    import time

    from sim.model import ServiceCultureModel
    from sim.studies.progress import Progress
    from sim.studies.provenance import manifest_path

    if out is not None:
        check_frame_path(out)
        check_writable(out)
        check_writable(manifest_path(out))
    if save_at is not None and save_state is None:
        raise UsageError("--save-at WEEK needs --save-state FILE (where to write the state)")
    if save_state is not None:
        check_writable(save_state)
    overrides = parse_sets(sets, culture)
    if start is not None:
        if scenario is not None or seed is not None:
            raise UsageError(
                "--from resumes the snapshot's own scenario and seed: leave out SCENARIO and "
                "--seed (change parameters from the next week with --set or --culture)"
            )
        model = ServiceCultureModel.from_snapshot(start, overrides=overrides)
        label = f"{model.scenario_name} (resumed at week {model.steps})"
    else:
        label = scenario or "pyramid"
        model = ServiceCultureModel(scenario=label, overrides=overrides, seed=seed or 0)
    first = model.steps
    n = model.params.weeks if weeks is None else weeks
    if n < first:
        raise UsageError(f"--weeks {n}: the snapshot is at week {first} already; give the week "
                         "to run to, at or after it")  # fmt: skip
    if save_at is not None and not first <= save_at <= n:
        raise UsageError(f"--save-at {save_at}: give a week of this run, {first} to {n}")
    saved = None
    started = time.perf_counter()
    with Progress(label, total=n - first, unit="weeks", console=err_console) as progress:
        for _ in range(first, n):
            if save_at == model.steps:
                saved = model.snapshot(save_state)
            model.step()
            progress.advance()
    if save_state is not None and saved is None:
        model.snapshot(save_state)
    elapsed = time.perf_counter() - started
    df = model.kpis()
    title = f"{model.scenario_name}: week {n}, seed {model.seed}, {model.org.n_seats} seats"
    print_run_summary(df, title, f"simulated in {elapsed:.2f} s")
    if save_state is not None:
        week = n if save_at is None else save_at
        console.print(
            f"wrote the state of week {week} to {save_state} (resume with: servicechain run "
            f"--from {save_state})"
        )
    if out is not None:
        import json

        from sim.studies.provenance import run_manifest

        write_frame(df, out)
        manifest = manifest_path(out)
        doc = run_manifest(model, n, model.scenario_name, overrides, out)
        if start is not None:
            # The parameters above are those in force at the end; before the resumed week the
            # snapshot's were, so a rerun resumes the snapshot with the same overrides.
            doc["resumed_from"] = {"snapshot": str(start), "week": first}
        manifest.write_text(json.dumps(doc, indent=2))
        console.print(f"wrote {len(df)} rows to {out} and its provenance to {manifest}")


def print_run_summary(df, title: str, timing: str) -> None:
    """The final week's KPI table and the mean over the run's weeks (``run``, ``rerun``)."""
    n = len(df) - 1
    console.print(kpi_table(df.iloc[-1].to_dict(), title))
    if n > 0:
        avg = df.iloc[1:][["morale_mean", "turnover_annualized", "customer_satisfaction"]].mean()
        turnover = df["quits"].iloc[1:].sum() / df["headcount"].iloc[1:].mean() / (n / 52.0)
        console.print(
            f"mean over weeks 1-{n}: morale {avg['morale_mean']:.3f}, customer satisfaction "
            f"{avg['customer_satisfaction']:.3f}, annual turnover {turnover:.1%} ({timing})"
        )


@app.command()
def rerun(
    source: Annotated[
        Path,
        typer.Argument(
            help="A run's manifest (NAME.manifest.json, written by `run --out`) or a sweep's "
            "output folder."
        ),
    ],
    run_id: Annotated[
        int | None,
        typer.Option("--run-id", min=0, help="With a sweep folder: the run to repeat (run_id)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the weekly KPIs (.csv/.parquet).")
    ] = None,
) -> None:
    """Repeat a stored run exactly, from its manifest, and print (or write) its weekly KPIs.

    The result depends only on the manifest (resolved parameters, seed, weeks), not on the
    scenario files as they are now. What differs from when the run was made (package or
    library versions, a changed org chart or survey) is printed as a warning.
    """
    import time

    from sim.studies.rerun import rerun_result

    if out is not None:
        check_frame_path(out)
        check_writable(out)
    started = time.perf_counter()
    result = rerun_result(source, run_id)
    elapsed = time.perf_counter() - started
    for note in result.warnings:
        err_console.print(f"warning: {note}; the result may differ", highlight=False)
    df = result.kpis
    if run_id is None:
        title = f"rerun of {source}: week {len(df) - 1}, seed {result.manifest['seed']}"
    else:
        title = f"rerun of run {run_id} of {source}: week {len(df) - 1}"
    print_run_summary(df, title, f"simulated in {elapsed:.2f} s")
    if out is not None:
        write_frame(df, out)
        console.print(f"wrote {len(df)} rows to {out}")


@app.command()
def scenarios() -> None:
    """List the preset scenarios with their one-line descriptions."""
    from sim.scenario import preset_names, scenario_info

    table = Table(title="Preset scenarios")
    table.add_column("name", style="bold")
    table.add_column("description")
    for name in preset_names():
        table.add_row(name, scenario_info(name)["description"])
    console.print(table)


@app.command()
def example(
    folder: Annotated[
        Path, typer.Argument(help="A new or empty folder to copy the files into.")
    ] = Path("client"),
) -> None:
    """Copy the example client (org chart, survey, scenarios, observed figures) into a folder.

    The made-up organization docs/OWN_ORGANIZATION.md walks through: try `servicechain org
    client.toml` and `servicechain calibrate` in that folder, then put your own files in its
    place. Nothing is overwritten.
    """
    from sim.shipped import copy_example_client

    try:
        copied = copy_example_client(folder)
    except FileExistsError as err:
        raise UsageError(str(err)) from None
    names = ", ".join(p.name for p in copied)
    console.print(f"copied the example client into {folder}: {names}", highlight=False)


@app.command()
def params(
    section: Annotated[str | None, typer.Argument(help="Only this section, e.g. culture.")] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print all parameters as a Markdown table.")
    ] = False,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="With --markdown: replace the table in this file's markers."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print every parameter as JSON: path, default, bounds, unit, kind, description.",
        ),
    ] = False,
) -> None:
    """List every parameter with its default, range, unit and meaning."""
    from sim.params import FIELDS, SECTIONS, describe_range

    if markdown:
        from sim.params import PARAMS_END, PARAMS_START, parameter_table_markdown
        from sim.studies.fit_defaults import FIT_END, FIT_START, fit_table_markdown
        from sim.studies.patterns import PATTERNS_END, PATTERNS_START, patterns_markdown
        from sim.studies.report import replace_between_markers

        table_md = parameter_table_markdown()
        if write is None:
            console.print(table_md, markup=False, highlight=False, soft_wrap=True)
            return
        if not write.is_file():
            raise UsageError(f"--write {write}: file not found")
        text = replace_between_markers(write.read_text(), table_md, PARAMS_START, PARAMS_END)
        if FIT_START in text:
            text = replace_between_markers(text, fit_table_markdown(), FIT_START, FIT_END)
        if PATTERNS_START in text:
            text = replace_between_markers(text, patterns_markdown(), PATTERNS_START, PATTERNS_END)
        write.write_text(text)
        console.print(f"updated the parameter table in {write}")
        return
    if section is not None and section not in (*SECTIONS, "weeks"):
        raise UsageError(f"unknown section '{section}'; sections: {', '.join(SECTIONS)}")
    specs = [f for f in FIELDS.values() if not section or f.path.startswith(section)]
    if as_json:
        import json

        rows = [
            {
                "path": f.path,
                "default": f.default,
                "low": f.low,
                "high": f.high,
                "unit": f.unit,
                "kind": f.kind,
                "description": f.description,
            }
            for f in specs
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    # The path is what users copy into --set: it is never cut. A console too narrow for the
    # table (80 columns, a pipe) gets one entry per parameter instead: path = default, then
    # what is allowed, the unit and the meaning, indented below.
    longest = max(len(f.path) for f in specs)
    if console.width < longest + 80:
        from rich.padding import Padding
        from rich.text import Text

        console.print("Parameters (use with --set path=value)", style="bold")
        for f in specs:
            head = Text.assemble((f.path, "bold"), f" = {f.default}")
            console.print(head, no_wrap=True, overflow="ignore", crop=False, highlight=False)
            unit = f", {f.unit}" if f.unit else ""
            body = f"{describe_range(f)}{unit}. {f.description}"
            console.print(Padding(Text(body), (0, 0, 0, 4)), highlight=False)
        return
    table = Table(title="Parameters (use with --set path=value)")
    table.add_column("path", style="bold", no_wrap=True, min_width=longest)
    table.add_column("default", justify="right")
    table.add_column("allowed", ratio=1)
    table.add_column("unit", style="dim")
    table.add_column("meaning", ratio=2)
    for spec in specs:
        table.add_row(
            spec.path, str(spec.default), describe_range(spec), spec.unit, spec.description
        )
    console.print(table)


@app.command()
def dashboard(
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port (1-65535).")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (default: this machine only).")
    ] = "127.0.0.1",
    max_headcount: Annotated[
        int,
        typer.Option(
            "--max-headcount",
            help="Largest organization a session may build (default 5000; up to 100000).",
        ),
    ] = 5_000,
) -> None:
    """Start the live dashboard (Solara, works offline); prints its URL, Ctrl-C stops it."""
    from sim.cli.dashboard import serve

    code = serve(port=port, host=host, max_headcount=max_headcount)
    if code:
        raise typer.Exit(code)


@app.command()
def show(
    scenario: Annotated[
        str, typer.Argument(help="Preset name, TOML path, or NAME@culture (e.g. airline@two_way).")
    ],
    sets: SetOption = None,
    culture: CultureOption = None,
) -> None:
    """Print a scenario's resolved parameters as TOML (a valid scenario file)."""
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario, scenario_toml

    overrides = parse_sets(sets, culture)
    params = apply_overrides(load_scenario(scenario), overrides, where=f"{scenario}: --set")
    typer.echo(scenario_toml(scenario, params), nl=False)


@app.command()
def org(
    scenario: Annotated[
        str, typer.Argument(help="Preset name, TOML path, or NAME@culture.")
    ] = "pyramid",
    sets: SetOption = None,
    week: Annotated[
        int,
        typer.Option(
            "--week",
            "-w",
            min=0,
            max=MAX_WEEKS,
            help="Simulate this many weeks first, so that structural events (delayer, growth, "
            "merger ...) have acted; 0 = the organization as built.",
        ),
    ] = 0,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of that simulation.")
    ] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the spans-and-layers table (.csv).")
    ] = None,
) -> None:
    """Show the organization a scenario builds: spans and layers, levels, departments,
    dependencies; what org-design practice flags and where the model is sensitive to it.

    Checks an imported org chart and survey (org.chart, org.survey) without simulating; see
    docs/OWN_ORGANIZATION.md and docs/ORG_DESIGN.md.
    """
    from sim.cli.org import print_organization

    if out is not None:
        if out.suffix.lower() != ".csv":
            raise UsageError(f"--out {out}: the spans-and-layers table is a .csv file")
        check_writable(out)
    print_organization(scenario, parse_sets(sets), console, week, seed, out)


@app.command()
def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Two or more scenarios: preset names, TOML paths, or NAME@culture where culture "
            "is pyramid, two_way, inverted or a number in [-1, 1] (e.g. airline@two_way). "
            "The first is the reference for differences."
        ),
    ],
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=1, max=MAX_REPS, help="Replications.")
    ] = 5,
    weeks: Annotated[
        int | None,
        typer.Option("--weeks", "-w", min=1, max=MAX_WEEKS, help="Weeks per run (default 260)."),
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, max=MAX_SEED, help="Root seed of the replications (0 to 2^63 - 1)."
        ),
    ] = 0,
    sets: SetOption = None,
    culture: CultureOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the offline HTML report here.")
    ] = None,
) -> None:
    """Compare scenarios over replications with common random numbers (95% CIs, HTML report).

    --set and --culture apply to every scenario; NAME@culture applies to one.
    """
    from sim.studies.report import run_compare

    overrides = parse_sets(sets, culture)
    if len(scenarios) < 2:
        raise UsageError(
            f"compare needs two or more scenarios, got {len(scenarios)}; e.g. "
            f"`servicechain compare {scenarios[0]} {scenarios[0]}@two_way`"
        )
    if out is not None:
        check_writable(out)
    run_compare(scenarios, reps, weeks, seed, overrides, out, console, err_console)


@app.command()
def explain(
    a: Annotated[str, typer.Argument(help="The reference scenario (e.g. pyramid).")],
    b: Annotated[str, typer.Argument(help="The scenario compared with it (e.g. two_way).")],
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=1, max=MAX_REPS, help="Replications.")
    ] = 8,
    weeks: Annotated[
        int, typer.Option("--weeks", "-w", min=2, max=MAX_WEEKS, help="Weeks per run.")
    ] = 260,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Root seed of the replications.")
    ] = 0,
    channels: Annotated[
        str | None,
        typer.Option(
            "--channels",
            help="Comma-separated channels (default all): queue, care, careers, mindset, "
            "retention, standards, customers.",
        ),
    ] = None,
    sets: SetOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Processes (default: all cores).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the offline HTML report here.")
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write the tidy decomposition here (.csv).")
    ] = None,
) -> None:
    """Where the difference between two scenarios comes from: each channel's Shapley share.

    Runs both scenarios with every combination of the channels switched off, with common random
    numbers, and shares the difference in profit, morale, turnover and customer satisfaction
    (means over the analysis window, weeks 105 to the end of a 260-week run) among the channels,
    with 95% intervals over replications.
    """
    from sim.studies.explain import explain as decompose
    from sim.studies.explain import print_explain, write_explain_report

    overrides = parse_sets(sets, None)
    for path, suffixes in ((out, (".html", ".htm")), (csv, (".csv",))):
        if path is not None:
            if path.suffix.lower() not in suffixes:
                raise UsageError(f"{path}: use a file name ending in {' or '.join(suffixes)}")
            check_writable(path)
    names = [c.strip() for c in channels.split(",") if c.strip()] if channels else None
    result = decompose(
        a, b, reps=reps, weeks=weeks, seed=seed, channels=names, overrides=overrides,
        workers=workers, progress=err_console,
    )  # fmt: skip
    print_explain(result, console)
    if out is not None:
        write_explain_report(result, out)
        console.print(f"wrote the report to {out}")
    if csv is not None:
        result.summary.to_csv(csv, index=False)
        console.print(f"wrote the decomposition to {csv}")


@app.command("readme-table")
def readme_table(
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=2, max=MAX_REPS, help="Replications.")
    ] = 10,
    weeks: Annotated[
        int, typer.Option("--weeks", "-w", min=1, max=MAX_WEEKS, help="Weeks per run.")
    ] = 260,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Root seed (0 to 2^63 - 1).")
    ] = 0,
    write: Annotated[
        Path | None, typer.Option("--write", help="Update the table between markers in this file.")
    ] = None,
) -> None:
    """Regenerate the README's "What the model shows" table (pyramid vs two_way vs inverted)."""
    from sim.studies.report import run_readme_table

    run_readme_table(reps, weeks, seed, write, console, err_console)


@app.command()
def sweep(
    experiment: Annotated[str, typer.Argument(help="Experiment TOML (see experiments/).")],
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Worker processes (default all).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address, tcp://host:8786.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip runs already on disk.")] = False,
) -> None:
    """Run a parameter sweep (design x replications) into a parquet folder."""
    from sim.studies.experiment import load_experiment
    from sim.studies.sweep import run_cli

    exp = load_experiment(experiment)  # a broken file is reported before anything is written
    if out is not None:
        check_writable(out, folder=True)
    run_cli(exp, workers, scheduler, out, resume, console)


@app.command()
def analyze(
    folder: Annotated[Path, typer.Argument(help="A sweep's output folder.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML report (default FOLDER/report.html).")
    ] = None,
) -> None:
    """Summarize a sweep: 95% CIs per design point, sensitivity indices, HTML report."""
    from sim.studies.analyze import run_cli

    if out is not None:
        check_writable(out)
    run_cli(folder, out, console)


@app.command()
def validate(
    reps: Annotated[
        int,
        typer.Option(
            "--reps", "-r", min=2, max=MAX_REPS, help="Replications per culture and experiment."
        ),
    ] = 20,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Processes (default: all cores).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Markdown report with charts.")] = (
        VALIDATION_REPORT
    ),
    write: Annotated[bool, typer.Option("--write/--no-write", help="Write the report.")] = True,
) -> None:
    """Check the shipped defaults against published patterns; exit 1 if any fails.

    Prints the fit targets, the held-out patterns (which the fit never reads) and the model
    checks as separate tables, each pattern's band, test and measured figure with its 95% CI.
    """
    from sim.studies.validate import run_cli

    if write:
        check_writable(out)
    raise typer.Exit(run_cli(reps, workers, out if write else None, console))


@app.command("fit-defaults")
def fit_defaults(
    trials: Annotated[
        int, typer.Option("--trials", "-t", min=1, max=10_000, help="Trials of the optimizer.")
    ] = 40,
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=2, max=50, help="Replications per culture.")
    ] = 6,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the optimizer.")
    ] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Processes (default: all cores).")
    ] = None,
    storage: Annotated[
        Path | None,
        typer.Option("--storage", help="SQLite file keeping the study: a rerun resumes it."),
    ] = None,
    write: Annotated[
        bool,
        typer.Option("--write/--no-write", help="Write the result to sim/fitted.toml."),
    ] = False,
) -> None:
    """Refit the shipped defaults to the published patterns (about 22 minutes on 2 idle cores).

    The free parameters, their bounds and the targets with their sources are in
    sim/studies/fit_defaults.py; the result and its figures go to sim/fitted.toml, which the
    parameter schema reads. The same --trials, --reps and --seed reproduce the shipped file.
    """
    from sim.studies.fit_defaults import FITTED_FILE, run_cli

    if storage is not None:
        check_writable(storage)
    raise typer.Exit(
        run_cli(trials, reps, seed, workers, storage, FITTED_FILE if write else None, console)
    )


@app.command()
def calibrate(
    scenario: Annotated[
        str,
        typer.Argument(help="Base scenario: preset name, TOML path, or NAME@culture."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The calibrated scenario to write (.toml); it extends the base, so write it "
            "beside the base scenario's file (or anywhere, for a preset).",
        ),
    ],
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            help="An observed figure, KPI=VALUE or KPI=VALUE+-TOLERANCE (repeatable): "
            "turnover_annualized (share per year; 45% works), morale_mean (0-1), "
            "customer_satisfaction (0-1), internal_quality (0-1), internal_rating (1-5), "
            "revenue_per_employee (currency/year).",
        ),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", help="A TOML file with a [targets] table of KPI = value."),
    ] = None,
    fit: Annotated[
        list[str] | None,
        typer.Option(
            "--fit",
            help="Parameters to fit instead of the targets' defaults: path or path=LOW:HIGH, "
            "comma-separated or repeated (bounds default to the schema's range).",
        ),
    ] = None,
    trials: Annotated[
        int,
        typer.Option("--trials", "-t", min=1, max=5_000, help="Trials of the optimizer."),
    ] = 100,
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=2, max=50, help="Replications per trial.")
    ] = 4,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, max=MAX_SEED, help="Seed of the optimizer and the replications."
        ),
    ] = 0,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Weeks FIRST-LAST over which figures are measured (default: the analysis "
            "window validate and fit-defaults measure over).",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Processes (default: all cores).")
    ] = None,
    storage: Annotated[
        Path | None,
        typer.Option(
            "--storage",
            help="SQLite file keeping the study (default: OUT's name with .study.db); a rerun "
            "of the same fit resumes it.",
        ),
    ] = None,
) -> None:
    """Fit a scenario to a client's observed figures and write a calibrated scenario.

    Checks what the model can reach, then fits the free parameters with optuna's TPE sampler
    (replications with common random numbers, a fixed budget), prints each figure against the
    model and each parameter with its 90% interval, and writes a scenario that extends the
    base. The study is kept in SQLite, so an interrupted fit resumes where it stopped.
    Exit code 1 when a figure is not reproduced. See docs/OWN_ORGANIZATION.md.
    """
    from sim.cli.calibrate import run_calibrate

    code = run_calibrate(
        scenario,
        out,
        target or [],
        targets,
        fit or [],
        trials,
        reps,
        seed,
        window,
        workers,
        storage,
        console,
        err_console,
    )
    if code:
        raise typer.Exit(code)


@app.command()
def plan(
    scenario: Annotated[
        str, typer.Argument(help="Base scenario: preset name, TOML path, or NAME@culture.")
    ],
    budget: Annotated[
        float,
        typer.Option("--budget", "-b", help="Money per year the levers may cost (0 or more)."),
    ],
    trials: Annotated[
        int, typer.Option("--trials", "-t", min=1, max=10_000, help="Trials of the search.")
    ] = 60,
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=2, max=50, help="Replications per trial.")
    ] = 4,
    weeks: Annotated[
        int | None,
        typer.Option("--weeks", "-w", min=1, max=MAX_WEEKS, help="Weeks per run (default 260)."),
    ] = None,
    objectives: Annotated[
        str,
        typer.Option(
            "--objectives",
            help="KPIs to trade off, comma-separated (directions from the KPI catalogue).",
        ),
    ] = "profit,turnover_annualized,customer_satisfaction",
    structure: Annotated[
        bool,
        typer.Option(
            "--structure/--no-structure",
            help="Also search structural moves at week 1: a delayer and a target span.",
        ),
    ] = False,
    levers: Annotated[
        str | None,
        typer.Option("--levers", help="Levers to search, comma-separated (default all)."),
    ] = None,
    max_dose: Annotated[
        float, typer.Option("--max-dose", help="Highest dose tried per lever (above 0, up to 8).")
    ] = 3.0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED, help="Root seed.")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", min=1, help="Processes (default: all cores).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default plan-SCENARIO)."),
    ] = None,
    storage: Annotated[
        Path | None,
        typer.Option(
            "--storage", help="SQLite file keeping the study (default OUT/plan.study.db)."
        ),
    ] = None,
    sets: SetOption = None,
    culture: CultureOption = None,
) -> None:
    """The best portfolio of levers under a yearly budget: a Pareto front with 95% CIs.

    Searches the levers' doses (and with --structure, a delayer and a target span) with
    optuna's multi-objective sampler, replications on common random numbers; re-runs the front
    on fresh seeds; writes pareto.csv, front.csv, trials.csv and an offline HTML report. The
    study is kept in SQLite: a rerun resumes it. See docs/ORG_DESIGN.md.
    """
    from sim.cli.plan import run_plan_cli

    names = [o for o in objectives.split(",") if o.strip()]
    chosen = [lv.strip() for lv in levers.split(",") if lv.strip()] if levers else []
    code = run_plan_cli(
        scenario, budget, trials, reps, weeks, names, structure, chosen, max_dose, seed, workers,
        out, storage, parse_sets(sets, culture), console, err_console,
    )  # fmt: skip
    if code:
        raise typer.Exit(code)


def _click_exceptions():
    """The module of the click exceptions Typer raises (Typer 0.2x vendors its own click)."""
    try:
        from typer._click import exceptions
    except ImportError:  # Typer that uses click itself
        from click import exceptions
    return exceptions


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning every input error into one line and exit code 2.

    Bad values and files are reported as ``error: ...`` (what was wrong, what is allowed), and
    so are command-line usage errors (an unknown option, a value out of an option's range, a
    missing argument), which Typer would otherwise draw as a five-line box.
    """
    from rich.text import Text

    click = _click_exceptions()

    def report(message: str) -> int:
        # soft_wrap: one line however long (a terminal wraps it; a log keeps it whole).
        err_console.print(
            Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True
        )
        return 2

    try:
        code = app(args=argv, prog_name="servicechain", standalone_mode=False)
    except click.NoArgsIsHelpError as err:
        # `servicechain` alone, or a command without its argument: the help is the answer.
        click.echo(err.ctx.get_help() if err.ctx else "", err=False)
        return 2 if err.ctx and err.ctx.parent is not None else 0
    except click.UsageError as err:
        command = err.ctx.command_path if err.ctx else "servicechain"
        message = " ".join(err.format_message().split())
        return report(f"{message} (see `{command} --help`)")
    except typer.Abort:  # end of input at a prompt
        err_console.print("aborted", highlight=False)
        return 1
    except (ParameterError, UsageError, FileNotFoundError) as err:
        return report(str(err))
    except SystemExit as ex:
        return ex.code if isinstance(ex.code, int) else (0 if ex.code is None else 1)
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
