"""`servicechain params`: JSON for tools, and a listing that never cuts a path at 80 columns."""

from __future__ import annotations

import json

from sim.cli import main
from sim.params import FIELDS


def test_params_json_lists_every_parameter_with_bounds_unit_kind(capsys):
    assert main(["params", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["path"] for r in rows] == list(FIELDS)
    by_path = {r["path"]: r for r in rows}
    d = by_path["culture.service_direction"]
    assert (d["low"], d["high"], d["kind"]) == (-1, 1, "float")
    assert set(d) == {"path", "default", "low", "high", "unit", "kind", "description"}
    assert by_path["org.headcount"]["unit"] == "seats"
    assert main(["params", "culture", "--json"]) == 0
    assert all(r["path"].startswith("culture.") for r in json.loads(capsys.readouterr().out))


def test_params_at_80_columns_shows_every_path_whole(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    starts = {line.split(" = ")[0] for line in out.splitlines() if " = " in line}
    assert set(FIELDS) <= starts
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
