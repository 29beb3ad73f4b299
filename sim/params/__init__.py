"""One parameter schema: validation, scenario files, CLI ``--set``, dashboard sliders, sweep bounds.

Every tunable number of the model lives here, once, with its default, its allowed range, its unit
and a one-line description. Scenario files, the CLI, the dashboard and the sweep engine all read
this schema; nothing else declares a parameter.

Parameters are nested in sections (``org``, ``culture``, ``requests``, ``workforce``,
``behaviour``, ``customers``, ``economics``, ``interventions``, ``events``). A field is addressed
by its dotted path, e.g. ``culture.service_direction`` or ``interventions.training.intensity``.

The package's modules, one concept each: :mod:`~sim.params.base` (the field idiom, the error
type, the fitted defaults), :mod:`~sim.params.organization`, :mod:`~sim.params.people` (culture,
requests, workforce, behaviour), :mod:`~sim.params.market` (customers, economics),
:mod:`~sim.params.levers`, :mod:`~sim.params.events`, :mod:`~sim.params.schema` (``Params`` and
the structural fields) and :mod:`~sim.params.introspect` (the flat field list and the Markdown
table). Import from the package: ``from sim.params import Params``.

Example:
    >>> from sim.params import Params
    >>> Params().culture.service_direction
    -1.0

Parsing ``--set`` values, applying dotted-path overrides and formatting validation errors live in
:mod:`sim.overrides`.
"""

from sim.params.base import FITTED, FITTED_FILE, ParameterError, fitted
from sim.params.events import (
    EVENT_TYPES,
    BudgetCut,
    Centralize,
    Delayer,
    DemandSurge,
    Downsize,
    Event,
    Growth,
    HiringFreeze,
    KeyPersonLeaves,
    Layoffs,
    LeadershipChange,
    Merger,
    Respan,
    StructuralEvent,
)
from sim.params.introspect import (
    FIELDS,
    PARAMS_END,
    PARAMS_START,
    FieldSpec,
    describe_range,
    field_spec,
    iter_fields,
    parameter_table_markdown,
)
from sim.params.levers import (
    LEVERS,
    ClearExpectations,
    CloseTheLoop,
    InterventionParams,
    JobSwap,
    PerformanceManagement,
    ProcessImprovement,
    Recognition,
    ServiceStandards,
    Training,
)
from sim.params.market import MAX_MARKET, CustomerParams, EconomicsParams, check_market
from sim.params.organization import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_DEPENDENCY,
    MAX_DEPARTMENTS,
    Department,
    OrgParams,
)
from sim.params.people import BehaviourParams, CultureParams, RequestParams, WorkforceParams
from sim.params.schema import SECTIONS, STRUCTURAL_PREFIXES, Params, is_structural

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "DEFAULT_DEPENDENCY",
    "EVENT_TYPES",
    "FIELDS",
    "FITTED",
    "FITTED_FILE",
    "LEVERS",
    "MAX_DEPARTMENTS",
    "MAX_MARKET",
    "PARAMS_END",
    "PARAMS_START",
    "SECTIONS",
    "STRUCTURAL_PREFIXES",
    "BehaviourParams",
    "BudgetCut",
    "Centralize",
    "ClearExpectations",
    "CloseTheLoop",
    "CultureParams",
    "CustomerParams",
    "Delayer",
    "DemandSurge",
    "Department",
    "Downsize",
    "EconomicsParams",
    "Event",
    "FieldSpec",
    "Growth",
    "HiringFreeze",
    "InterventionParams",
    "JobSwap",
    "KeyPersonLeaves",
    "Layoffs",
    "LeadershipChange",
    "Merger",
    "OrgParams",
    "ParameterError",
    "Params",
    "PerformanceManagement",
    "ProcessImprovement",
    "Recognition",
    "RequestParams",
    "Respan",
    "ServiceStandards",
    "StructuralEvent",
    "Training",
    "WorkforceParams",
    "check_market",
    "describe_range",
    "field_spec",
    "fitted",
    "is_structural",
    "iter_fields",
    "parameter_table_markdown",
]
