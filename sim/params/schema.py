"""The whole parameter set (``Params``) and which of its fields are structural."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.params.base import _f, _Section
from sim.params.events import Event
from sim.params.levers import InterventionParams
from sim.params.market import CustomerParams, EconomicsParams
from sim.params.organization import OrgParams
from sim.params.people import BehaviourParams, CultureParams, RequestParams, WorkforceParams


class Params(_Section):
    """All parameters of a scenario. Defaults give the top-down pyramid reference organization."""

    weeks: int = _f(260, 1, 5200, "weeks", "Default horizon of a run (5 years).")
    warmup_weeks: int = _f(
        156,
        0,
        1040,
        "weeks",
        "Weeks simulated before week 0, unreported, so that a run starts at its organization's "
        "steady state (levers and events start at week 1).",
    )
    org: OrgParams = Field(default_factory=OrgParams)
    culture: CultureParams = Field(default_factory=CultureParams)
    requests: RequestParams = Field(default_factory=RequestParams)
    workforce: WorkforceParams = Field(default_factory=WorkforceParams)
    behaviour: BehaviourParams = Field(default_factory=BehaviourParams)
    customers: CustomerParams = Field(default_factory=CustomerParams)
    economics: EconomicsParams = Field(default_factory=EconomicsParams)
    interventions: InterventionParams = Field(default_factory=InterventionParams)
    events: list[Event] = Field(default_factory=list, description="Timeline events by week.")

    @model_validator(mode="after")
    def _check_events(self) -> Params:
        for i, ev in enumerate(self.events):
            if ev.week > self.weeks:
                raise ValueError(
                    f"events[{i}] ({ev.type}) starts in week {ev.week}, after the horizon of "
                    f"{self.weeks} weeks; move it to week 1-{self.weeks} or raise 'weeks'"
                )
        return self


SECTIONS = tuple(f for f in Params.model_fields if f not in ("weeks", "warmup_weeks", "events"))

# Fields that shape the organization or the starting state: they are read once, when a model is
# built, so changing one means a new run from week 0. Every other field is read by the phases
# each week and may change mid-run (``ServiceCultureModel.set_params``).
STRUCTURAL_PREFIXES: tuple[str, ...] = (
    "warmup_weeks",
    "org.",
    "customers.per_frontline",
    "customers.market_multiple",
    "customers.initial_satisfaction",
    "customers.local_conditions_sd",
    "economics.local_price_sd",
    "workforce.local_labour_market_sd",
    "workforce.local_process_sd",
    "workforce.initial_",
)


def is_structural(path: str) -> bool:
    """True when ``path`` shapes the organization or the starting state (see above)."""
    return any(path == p or path.startswith(p) for p in STRUCTURAL_PREFIXES)
