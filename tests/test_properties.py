"""Property tests over random valid parameters: bounded traits, conserved seats, finite KPIs."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import ServiceCultureModel
from sim.params import FIELDS

# Parameters drawn over their whole declared range (from the schema itself).
DRAWN = [
    "culture.service_direction",
    "culture.care_gap",
    "requests.to_manager_rate",
    "requests.to_subordinate_rate",
    "requests.mean_hours",
    "requests.encounter_input_share",
    "requests.service_standard_weeks",
    "requests.expiry_weeks",
    "workforce.quit_base_weekly",
    "workforce.quit_morale_sensitivity",
    "workforce.time_to_fill_weeks",
    "workforce.hire_morale",
    "workforce.hire_skill",
    "workforce.onboarding_hours",
    "behaviour.morale_adjust_rate",
    "behaviour.service_weight",
    "behaviour.pressure_weight",
    "behaviour.contagion_rate",
    "behaviour.reciprocity_rate",
    "behaviour.noise",
    "customers.occasion_rate",
    "customers.churn_base_weekly",
    "customers.social_amplification",
    "customers.referral_rate",
]


def value_strategy(path: str):
    spec = FIELDS[path]
    if spec.kind == "int":
        return st.integers(int(spec.low), int(min(spec.high, 20)))
    return st.floats(spec.low, spec.high, allow_nan=False, allow_infinity=False)


overrides_strategy = st.fixed_dictionaries(
    {
        "org.headcount": st.integers(20, 250),
        "customers.per_frontline": st.floats(1.0, 40.0),
        **{p: value_strategy(p) for p in DRAWN},
    },
    optional={
        "interventions.training.intensity": st.floats(0.0, 8.0),
        "interventions.recognition.intensity": st.floats(0.0, 8.0),
        "interventions.close_the_loop.intensity": st.floats(0.0, 8.0),
        "interventions.process_improvement.intensity": st.floats(0.0, 8.0),
        "interventions.performance_management.intensity": st.floats(0.0, 8.0),
    },
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=overrides_strategy, seed=st.integers(0, 2**31 - 1))
def test_invariants_hold_for_any_valid_parameters(overrides, seed):
    model = ServiceCultureModel("pyramid", overrides=overrides, seed=seed)
    n_seats = model.org.n_seats
    for _ in range(12):
        model.step()
        s = model.state
        for name in ("morale", "mindset", "skill"):
            values = getattr(s, name)
            assert np.all((values >= 0.0) & (values <= 1.0)), name
        assert np.all(s.customers >= 0) and s.active_customers <= s.market
        kpi = model.current
        assert kpi["headcount"] + kpi["vacancies"] == n_seats
    df = model.kpis()
    assert np.isfinite(df.to_numpy()).all(), df.columns[~np.isfinite(df.to_numpy()).all(axis=0)]
    assert (df["internal_on_time"].between(0, 1)).all()
    assert (df["customers_active"] >= 0).all()
