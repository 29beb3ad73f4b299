"""Customers as cohorts == customers one by one, in distribution (issue 17).

The model draws the customer rules per cohort (seat x satisfaction band) with binomial,
hypergeometric and multinomial counts. ``tests/customer_reference.py`` draws the same rules
customer by customer. Both run the same presets over the same seeds (short runs, a shortened
warm-up for both); the cohort model's and the per-customer model's run means of the customer
KPIs must agree within sampling error: a paired t-test of the means over seeds and a
Brown-Forsythe test of the spreads, at a family-wise level of 1% per preset (Bonferroni over KPIs
and tests). Pairing: a seed builds the same organization for both (its units' local conditions
and labour markets, drawn before any customer), and those differences between organizations
dominate a run's customer KPIs (the two models' run means correlate 0.96-0.99 over seeds), so the
difference within a seed is what tells the customer rules apart.

The runs are seeded, so the verdict is reproducible. A negative control (slow) shows the test has
teeth: a per-customer model whose customers churn faster is told apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from tests.customer_reference import per_customer_phases

KPIS = ("customer_satisfaction", "customers_active", "revenue", "customers_lost")
SEEDS = range(20)
WEEKS = 52
OVERRIDES = {"org.headcount": 150, "warmup_weeks": 52}
FAMILY_ALPHA = 0.01
ALPHA = FAMILY_ALPHA / (2 * len(KPIS))  # Bonferroni: two tests per KPI


def run_means(preset: str, per_customer: bool, extra: dict | None = None) -> pd.DataFrame:
    """One row per seed: each KPI's mean over weeks 1..WEEKS."""
    rows = []
    for seed in SEEDS:
        overrides = {**OVERRIDES, **(extra or {})}
        if per_customer:
            with per_customer_phases():
                df = sim.run(preset, weeks=WEEKS, seed=seed, overrides=overrides)
        else:
            df = sim.run(preset, weeks=WEEKS, seed=seed, overrides=overrides)
        rows.append(df.loc[df["week"] >= 1, list(KPIS)].mean())
    return pd.DataFrame(rows)


def disagreements(cohort: pd.DataFrame, individual: pd.DataFrame) -> list[str]:
    """The KPIs whose means or spreads differ beyond sampling error, with the evidence."""
    found = []
    for kpi in KPIS:
        a, b = cohort[kpi].to_numpy(), individual[kpi].to_numpy()
        p_mean = stats.ttest_rel(a, b).pvalue  # same seeds, same organizations: paired
        p_spread = stats.levene(a, b, center="median").pvalue
        if min(p_mean, p_spread) < ALPHA:
            found.append(
                f"{kpi}: cohorts {a.mean():.5g} +- {a.std(ddof=1):.3g}, per customer "
                f"{b.mean():.5g} +- {b.std(ddof=1):.3g} (p of means {p_mean:.2g}, "
                f"of spreads {p_spread:.2g}; alpha {ALPHA:.2g})"
            )
    return found


@pytest.mark.integration
@pytest.mark.parametrize(
    "preset",
    [
        "pyramid",
        pytest.param("two_way", marks=pytest.mark.slow),
        pytest.param("airline", marks=pytest.mark.slow),
    ],
)
def test_cohort_and_per_customer_models_agree_in_distribution(preset: str) -> None:
    cohort = run_means(preset, per_customer=False)
    individual = run_means(preset, per_customer=True)
    assert not disagreements(cohort, individual), disagreements(cohort, individual)


def test_per_customer_model_counts_its_customers_into_the_cohorts() -> None:
    # The reference keeps state.customers as the count of its individuals, so every other phase
    # and the KPIs read the same customer base.
    with per_customer_phases():
        model = sim.ServiceCultureModel("pyramid", overrides=OVERRIDES, seed=3)
        model.run(3)
    ind = model.state.individuals
    assert ind.seat.size == model.state.active_customers > 0
    np.testing.assert_array_equal(ind.cohorts(model.org.n_seats), model.state.customers)
    assert model.org.frontline[ind.seat].all()


@pytest.mark.slow
def test_equivalence_test_tells_a_faster_churn_apart() -> None:
    # Negative control: customers with twice the base churn hazard (0.008, not 0.004; satisfied
    # customers rarely leave, so fewer than twice as many are lost) must be told apart. Unpaired,
    # 20 seeds no longer told it apart once caseload balancing widened the differences between
    # organizations (p 0.03-0.5 per KPI); paired, p < 1e-6 on every customer KPI.
    cohort = run_means("pyramid", per_customer=False)
    faster = run_means("pyramid", per_customer=True, extra={"customers.churn_base_weekly": 0.008})
    assert disagreements(cohort, faster)
