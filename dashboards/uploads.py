"""Your own organization in the dashboard: an uploaded org chart, or scenario files.

A user uploads either an org-chart CSV on its own, or a scenario TOML together with the files
it names (a calibrated scenario with the base it extends, the chart, the survey). The files are
checked as the command line checks them, with the same messages (the file named as uploaded,
e.g. ``chart.csv: row 5 (employee_id 'D' ...)``), against the dashboard's limits
(:data:`~dashboards.limits.MAX_UPLOAD_BYTES`, :data:`~dashboards.limits.MAX_UPLOAD_FILES`, the
headcount cap), and kept in the session's own temporary folder, one subfolder per upload. The
scenario then opens like a preset, for this session only; the folder goes when the session ends.

An uploaded scenario may name only files uploaded with it: a chart or survey path pointing
anywhere else on the server is refused before anything is read, and so is any text in it with a
control character (a NUL byte in a path made the operating system raise). Whatever else goes
wrong reading the files is reported as a message about the upload, never as a traceback.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboards.limits import (
    MAX_HEADCOUNT,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    check_departments,
    check_workload,
)
from sim.params import ParameterError

KINDS = (".csv", ".toml")
SAFE_NAME = re.compile(r"^[^/\\\x00]{1,120}$")
DATA_KEYS = ("chart", "survey", "survey_weights")


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file: its name as the user's computer called it, and its bytes."""

    name: str
    data: bytes


def check_upload(names_and_sizes: Sequence[tuple[str, int]]) -> None:
    """Refuse an upload before its contents are transferred: too many files, too many bytes,
    or files that are neither CSV nor TOML.

    Raises:
        ParameterError: what is wrong and what is allowed.
    """
    if not names_and_sizes:
        raise ParameterError("no file chosen; choose an org-chart CSV, or a scenario TOML with "
                             "the files it names")  # fmt: skip
    if len(names_and_sizes) > MAX_UPLOAD_FILES:
        raise ParameterError(
            f"{len(names_and_sizes)} files: choose at most {MAX_UPLOAD_FILES} (a scenario, the "
            "scenario it extends, the chart and the survey's two tables)"
        )
    total = sum(size for _, size in names_and_sizes)
    if total > MAX_UPLOAD_BYTES:
        raise ParameterError(
            f"{total:,} bytes is more than this dashboard accepts in one upload "
            f"({MAX_UPLOAD_BYTES:,}); a chart of 100,000 people is about 6 MB"
        )
    for name, _ in names_and_sizes:
        if not SAFE_NAME.match(name) or name.startswith("."):
            raise ParameterError(f"{name!r}: not a file name this dashboard accepts")
        if Path(name).suffix.lower() not in KINDS:
            raise ParameterError(
                f"{name}: choose .csv files (an org chart, a survey) and .toml files (scenarios)"
            )
    names = [n for n, _ in names_and_sizes]
    if len(set(names)) != len(names):
        raise ParameterError("two files with the same name; each file once")


class OwnScenarios:
    """The scenarios one session opened from uploads: a label for each, and its file.

    Args:
        max_headcount: The largest organization this session may build.
    """

    def __init__(self, max_headcount: int = MAX_HEADCOUNT) -> None:
        self.max_headcount = int(max_headcount)
        self.files: dict[str, Path] = {}
        self._root: Path | None = None
        self._uploads = 0

    def path(self, label: str) -> Path | None:
        """The scenario file behind a label, or None when the label is not one of these."""
        return self.files.get(label)

    @property
    def labels(self) -> list[str]:
        """Labels in the order they were opened."""
        return list(self.files)

    def open(self, files: Sequence[UploadedFile]) -> str:
        """Check and keep an upload; returns the label its scenario opens under.

        Raises:
            ParameterError: the command line's message for a broken chart, survey or scenario
                (the file named as uploaded), or one of this dashboard's limits.
        """
        check_upload([(f.name, len(f.data)) for f in files])
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="servicechain-upload-"))
        self._uploads += 1
        folder = self._root / f"upload-{self._uploads}"
        folder.mkdir()
        try:
            for f in files:
                (folder / f.name).write_bytes(f.data)
            scenario = self._scenario(folder, [f.name for f in files])
            self._check_size(scenario, folder)
        except ParameterError as err:
            shutil.rmtree(folder, ignore_errors=True)
            raise ParameterError(_as_uploaded(str(err), folder)) from None
        except (ValueError, OSError, UnicodeError) as err:  # what the checks above missed
            shutil.rmtree(folder, ignore_errors=True)
            names = ", ".join(f.name for f in files)
            raise ParameterError(
                f"{names}: could not be read ({_as_uploaded(str(err), folder)}); check the "
                "files, or open them with `servicechain run` for the full message"
            ) from None
        label = self._label(scenario.stem)
        self.files[label] = scenario
        return label

    def write(self, stem: str, text: str) -> str:
        """Add a scenario this session wrote itself (a plan's point, a complete scenario file);
        returns its label."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="servicechain-upload-"))
        self._uploads += 1
        folder = self._root / f"written-{self._uploads}"
        folder.mkdir()
        label = self._label(stem)
        scenario = folder / f"{label}.toml"
        scenario.write_text(text)
        self.files[label] = scenario
        return label

    def _scenario(self, folder: Path, names: list[str]) -> Path:
        """The scenario file of an upload: the TOML no other uploaded TOML extends, or one
        written for a lone org chart."""
        from sim.orgchart import load_chart
        from sim.scenario import read_toml

        tomls = [n for n in names if n.lower().endswith(".toml")]
        if not tomls:
            csvs = [n for n in names if n.lower().endswith(".csv")]
            if len(csvs) != 1:
                raise ParameterError(
                    "several CSV files and no scenario: choose one org chart, or a scenario "
                    "TOML with the chart and survey files it names"
                )
            chart = folder / csvs[0]
            table = load_chart(chart)  # the command line's checks and messages
            people = table.n_people
            if people > self.max_headcount:
                raise ParameterError(_too_big(csvs[0], people, self.max_headcount))
            check_departments(len(table.departments), csvs[0])  # before any matrix is built
            scenario = folder / f"{chart.stem}.toml"
            if scenario.exists():
                scenario = folder / f"{chart.stem}_chart.toml"
            about = f"Your organization: {people:,} people from {csvs[0]}, under the pyramid."
            scenario.write_text(
                f"description = {_toml_string(about)}\n"
                'extends = "pyramid"\n\n[org]\n'
                f"chart = {_toml_string(csvs[0])}\n"
            )
            return scenario
        bases = set()
        for name in tomls:
            _check_text(read_toml(folder / name), name)
        for name in tomls:
            parent = read_toml(folder / name).get("extends")
            if isinstance(parent, str):
                bases.add(Path(parent).name if parent.endswith(".toml") else f"{parent}.toml")
        leaves = [n for n in tomls if n not in bases]
        if len(leaves) != 1:
            raise ParameterError(
                f"{', '.join(sorted(leaves or tomls))}: choose one scenario with the files it "
                "needs (a calibrated scenario with the scenario it extends is fine)"
            )
        scenario = folder / leaves[0]
        self._check_data_files(scenario, folder)
        return scenario

    @staticmethod
    def _check_data_files(scenario: Path, folder: Path) -> None:
        """Every chart and survey the scenario names lies in the upload's folder."""
        from sim.scenario import DataFileOutside, scenario_data

        try:
            org = scenario_data(scenario).get("org", {})
        except DataFileOutside as err:  # outside the upload's folder, whatever the core allows
            org = {err.key: err.value}
        if not isinstance(org, dict):
            return  # the schema reports it when the scenario loads
        for key in DATA_KEYS:
            value = org.get(key)
            if isinstance(value, str) and value:
                path = Path(value)
                if not path.resolve().is_relative_to(folder.resolve()):
                    raise ParameterError(
                        f"{scenario.name}: org.{key} = '{Path(value).name}' is not among the "
                        "uploaded files; upload it with the scenario, in the same folder"
                    )

    def _check_size(self, scenario: Path, folder: Path) -> None:
        """Load the scenario as the command line would, and hold it to the headcount cap."""
        from sim.org import build_organization
        from sim.scenario import load_scenario

        params = load_scenario(scenario)
        p = params
        seats = build_organization(
            p.org, p.economics.salary_base, p.economics.salary_level_ratio
        ).n_seats
        if seats > self.max_headcount:
            raise ParameterError(_too_big(scenario.name, seats, self.max_headcount))
        check_workload(params, scenario.name)

    def _label(self, stem: str) -> str:
        from sim.scenario import preset_names

        taken = set(preset_names()) | set(self.files)
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_") or "upload"
        label, k = base, 2
        while label in taken:
            label, k = f"{base}_{k}", k + 1
        return label

    def close(self) -> None:
        """Remove the uploaded files (the session ended)."""
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
        self.files.clear()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_text(data: object, name: str, key: str = "") -> None:
    """Refuse a scenario whose text holds a control character (a NUL byte in a file name)."""
    if isinstance(data, dict):
        for k, v in data.items():
            _check_text(v, name, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            _check_text(v, name, f"{key}[{i}]")
    elif isinstance(data, str) and _CONTROL.search(data):
        char = repr(_CONTROL.search(data).group(0))
        raise ParameterError(
            f"{name}: {key} holds a control character ({char}); file names and texts in a "
            'scenario are plain text (a chart is named as uploaded, e.g. chart = "chart.csv")'
        )


def _too_big(name: str, seats: int, cap: int) -> str:
    return (
        f"{name}: {seats:,} people is more than this dashboard allows ({cap:,}); start it with "
        f"`servicechain dashboard --max-headcount {seats}` to allow more"
    )


def _toml_string(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a valid TOML basic string


def _as_uploaded(message: str, folder: Path) -> str:
    """A message with the upload's temporary folder taken out, so files read as uploaded."""
    for prefix in (str(folder.resolve()), str(folder)):
        message = message.replace(prefix + "/", "").replace(prefix, "")
    return message


__all__ = ["OwnScenarios", "UploadedFile", "check_upload"]
