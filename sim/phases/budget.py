"""Budget: revenue against plan, and the job insecurity a shortfall brings.

Rules (Schneider et al. 2003, 2005: financial and customer performance feed back on employee
attitudes; revenue feeds the budget that pays for people):
- Management reads the revenue trend (exponential smoothing over
  ``revenue_smoothing_weeks``) against a plan that adapts to the trend over
  ``plan_adaptation_weeks``: a lasting loss is planned for eventually, a sudden one is a
  shortfall.
- Shortfall = max(0, (plan - trend) / plan) + the share cut by budget-cut events this week.
- The workforce phase stops hiring (but for the frontline) from ``freeze_shortfall`` and lays
  people off beyond ``layoff_shortfall``. Job insecurity starts when the budget bites: it is
  min(1, (shortfall - ``freeze_shortfall``) / ``shortfall_scale`` + the insecurity recent
  layoffs left); it lowers everyone's morale and raises quits (the employees and workforce
  phases). Ordinary ups and downs of revenue so leave people calm, and only a real loss or a
  layoff reaches them. What a layoff left fades over ``layoff_memory_weeks`` (exponential
  memory; :func:`sim.vacancies.lay_off`), and a restructuring's payroll cut grows back over
  ``plan_adaptation_weeks``, as the revenue plan adapts.
- In the warm-up no shortfall is felt, and the plan is the trend until the warm-up's last year
  (``PLAN_YEAR_WEEKS``), over which it is the mean of the trend so far: management plans for a
  year, seasons included, so week 1 starts on the plan a steady year would have, wherever in
  the season the warm-up ends. (Planned on the trend of week 0 alone, a warm-up that ended just
  after a seasonal peak would make every ordinary week of year 1 a shortfall.)
"""

from __future__ import annotations

from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.economics import Ledger
from sim.state import State

# A budget year, in weeks: the warm-up's last year sets the plan week 1 starts on.
PLAN_YEAR_WEEKS = 52


def review_budget(
    state: State, params: Params, conditions: Conditions, ledger: Ledger, week: int
) -> None:
    """The budget phase: update the revenue trend, the plan, the shortfall and insecurity."""
    e = params.economics
    if state.revenue_trend <= 0.0:
        state.revenue_trend = ledger.revenue  # the first week read
    else:
        state.revenue_trend += (ledger.revenue - state.revenue_trend) / e.revenue_smoothing_weeks
    if conditions.warmup:
        # Weeks into the warm-up's last year (1 = its first); the plan averages the trend there.
        into_plan_year = week + PLAN_YEAR_WEEKS
        if into_plan_year <= 1 or state.revenue_plan <= 0.0:
            state.revenue_plan = state.revenue_trend
        else:
            state.revenue_plan += (state.revenue_trend - state.revenue_plan) / into_plan_year
        state.shortfall = 0.0
        state.insecurity = 0.0
        state.layoff_insecurity = 0.0
        state.payroll_cut = 0.0
        return
    if state.revenue_plan <= 0.0:
        state.revenue_plan = state.revenue_trend
    else:
        state.revenue_plan += (state.revenue_trend - state.revenue_plan) / e.plan_adaptation_weeks
    gap = (
        (state.revenue_plan - state.revenue_trend) / state.revenue_plan
        if state.revenue_plan
        else 0.0
    )
    state.shortfall = max(gap, 0.0) + conditions.budget_cut
    budget_bites = max(state.shortfall - e.freeze_shortfall, 0.0) / e.shortfall_scale
    state.insecurity = min(budget_bites + state.layoff_insecurity, 1.0)
    state.layoff_insecurity *= 1.0 - 1.0 / e.layoff_memory_weeks
    state.payroll_cut *= 1.0 - 1.0 / e.plan_adaptation_weeks
