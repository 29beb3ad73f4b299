"""The parameter schema: defaults validate, bad input gives clear errors naming field and range."""

from __future__ import annotations

import pytest

from sim.overrides import apply_overrides, build_params, parse_value
from sim.params import FIELDS, ParameterError, Params, field_spec


def test_defaults_validate_and_every_field_is_documented():
    Params()
    assert len(FIELDS) > 60
    for spec in FIELDS.values():
        assert spec.description, spec.path
        if spec.kind in ("float", "int"):
            assert spec.low is not None and spec.high is not None, spec.path
            assert spec.low <= spec.default <= spec.high, spec.path


def test_override_applies_and_leaves_base_untouched():
    base = Params()
    new = apply_overrides(base, {"culture.service_direction": 0.5, "org.headcount": 50})
    assert new.culture.service_direction == 0.5
    assert new.org.headcount == 50
    assert base.culture.service_direction == -1.0


def test_out_of_range_names_field_value_and_range():
    with pytest.raises(ParameterError) as err:
        apply_overrides(Params(), {"culture.service_direction": 2.0})
    msg = str(err.value)
    assert "culture.service_direction" in msg and "2.0" in msg and "from -1 to 1" in msg


def test_unknown_key_suggests_the_right_one():
    with pytest.raises(ParameterError, match="Did you mean 'culture.service_direction'"):
        field_spec("culture.service_directon")
    with pytest.raises(ParameterError) as err:
        build_params({"culture": {"servce_direction": 0}})
    assert "unknown key 'culture.servce_direction'" in str(err.value)
    assert "service_direction" in str(err.value)


def test_unknown_section_lists_sections():
    with pytest.raises(ParameterError, match="Sections are: org, culture"):
        field_spec("cultur.x")


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("org.headcount", "1000", 1000),
        ("culture.service_direction", "-0.5", -0.5),
        ("interventions.training.intensity", "2", 2.0),
        ("org.levels", "none", None),
        ("org.hash_ids", "true", True),
    ],
)
def test_parse_value_types(path, text, expected):
    assert parse_value(path, text) == expected


def test_parse_value_rejects_wrong_type():
    with pytest.raises(ParameterError, match="org.headcount = '1.5'.*whole number"):
        parse_value("org.headcount", "1.5")
    with pytest.raises(ParameterError, match="true or false"):
        parse_value("org.hash_ids", "maybe")


def test_department_shares_must_sum_to_one():
    with pytest.raises(ParameterError, match="shares must sum to 1"):
        build_params(
            {
                "org": {
                    "departments": [
                        {"name": "a", "share": 0.5, "customer_facing": True},
                        {"name": "b", "share": 0.2},
                    ]
                }
            }
        )


def test_dependency_matrix_shape_checked():
    with pytest.raises(ParameterError, match="must be a 4x4 matrix"):
        build_params({"org": {"dependency": [[1, 2], [3, 4]]}})


def test_event_after_horizon_rejected():
    with pytest.raises(ParameterError, match="after the horizon"):
        build_params({"weeks": 52, "events": [{"type": "hiring_freeze", "week": 60}]})


def test_a_seasonal_surge_must_be_shorter_than_its_period():
    with pytest.raises(ParameterError, match="'every' \\(8\\) must be longer than 'weeks'"):
        build_params({"events": [{"type": "demand_surge", "week": 3, "weeks": 8, "every": 8}]})


def test_unknown_event_type_lists_types():
    with pytest.raises(ParameterError, match="unknown event type 'strike'.*demand_surge"):
        build_params({"events": [{"type": "strike", "week": 3}]})


def test_every_fitted_parameter_is_the_schema_default():
    # What the fit searched is what the model ships: each free parameter's default is read from
    # sim/fitted.toml (a hard-coded default would leave the fit's value unused).
    from sim.params import FITTED
    from sim.studies.fit_defaults import FREE, REVENUE_SCALE

    paths = [f.path for f in FREE] + [REVENUE_SCALE]
    assert sorted(FITTED) == sorted(paths)
    defaults = Params()
    for path in paths:
        section, key = path.split(".")
        assert getattr(getattr(defaults, section), key) == FITTED[path], path


def test_the_fit_simulates_at_a_fixed_revenue_per_occasion():
    # A rerun of the fit must not depend on the revenue per occasion the last fit wrote.
    from sim.studies import fit_defaults

    plan = fit_defaults.fit_plan({"culture.care_gap": 0.3}, [1], [1])
    for tasks in plan.values():
        for task in tasks:
            over = task.kwargs["overrides"]
            assert over[fit_defaults.REVENUE_SCALE] == fit_defaults.MEASURED_AT
            assert over["culture.care_gap"] == 0.3
