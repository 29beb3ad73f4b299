"""The week's wiring: each phase reads what its function takes, in order, and the record of a
week (``Week``) has one field per phase, typed as what that phase returns."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pytest

import sim.phases as phases_module
from sim.phases import MODEL_INPUTS, PHASE_NAMES, PHASES, Week

KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@pytest.mark.parametrize("phase", PHASES, ids=PHASE_NAMES)
def test_phase_reads_are_its_functions_arguments_in_order(phase):
    parameters = inspect.signature(phase.function).parameters
    assert tuple(parameters) == phase.reads, (
        f"{phase.name}: PHASES says it reads {phase.reads}, "
        f"{phase.function.__qualname__} takes {tuple(parameters)}"
    )
    # run_week passes every input by keyword and nothing else.
    assert all(p.kind in KEYWORD_KINDS for p in parameters.values()), phase.name


def test_phases_read_only_model_inputs_and_earlier_products():
    available = set(MODEL_INPUTS)
    for phase in PHASES:
        unknown = set(phase.reads) - available
        assert not unknown, f"{phase.name} reads {sorted(unknown)} before anything produces it"
        available.add(phase.name)
    assert len(set(PHASE_NAMES)) == len(PHASE_NAMES), "two phases store under the same name"


def test_week_has_one_field_per_phase_in_order():
    assert [f.name for f in dataclasses.fields(Week)] == ["number", *PHASE_NAMES]


@pytest.mark.parametrize("phase", PHASES, ids=PHASE_NAMES)
def test_week_field_holds_what_the_phase_returns(phase):
    field_type = typing.get_type_hints(Week)[phase.name]
    returns = typing.get_type_hints(phase.function)["return"]
    # A phase that returns None (changes the state only) has a None field; any other field is
    # "the product, or None before the phase ran".
    expected = type(None) if returns is type(None) else returns | None
    assert field_type == expected, f"Week.{phase.name} is {field_type}, the phase returns {returns}"


def test_run_week_calls_phases_by_keyword():
    """A phase that takes its inputs in another order than it reads them still gets each one
    under its own name (a positional call would swap them)."""
    received = {}

    def swapped(params, state):  # the reverse of the order the phase declares
        received.update(state=state, params=params)

    phase = PHASES[0]
    wired = dataclasses.replace(phase, function=swapped, reads=("state", "params"))
    saved = phases_module.PHASES
    phases_module.PHASES = (wired,)
    try:
        phases_module.run_week(Week(number=1), {"state": "S", "params": "P"})
    finally:
        phases_module.PHASES = saved
    assert received == {"state": "S", "params": "P"}
