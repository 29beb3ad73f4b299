"""The one number formatter (``sim.kpis.format_kpi``): significant digits by unit (issue 29).

An audience reads "791.866" beside "1,464" as 791 thousand: no value of 1 or more may show
three decimals, money is always whole, and counts read as counts.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sim.kpis import KPI_NAMES, format_kpi

# A number a reader could take for thousands: a non-zero integer part and three decimals, or a
# thousands separator with any decimals.
MISREAD = re.compile(r"(?<![\d.])-?[1-9]\d*\.\d{3}|\d,\d{3}\.\d")


def test_money_is_whole_and_grouped():
    assert format_kpi(791.866, "profit") == "792"
    assert format_kpi(-257_933.2, "profit") == "-257,933"
    assert format_kpi(1_464.2, "revenue") == "1,464"
    assert format_kpi(597_634, "revenue", compact=True) == "598k"
    assert format_kpi(-1_234_567, "profit", compact=True) == "-1.23M"


def test_significant_digits_by_unit():
    assert format_kpi(0.7234, "morale_mean") == "0.723"
    assert format_kpi(1.0123, "productivity") == "1.01"
    assert format_kpi(30.75, "customers_active") == "30.8"
    assert format_kpi(9.5, "customers_active") == "9.5"  # a count drops trailing zeros
    assert format_kpi(9.0, "customers_active") == "9"
    assert format_kpi(123.4, "backlog_hours") == "123"
    assert format_kpi(9_594, "customers_active") == "9,594"
    assert format_kpi(-0.0004, "morale_mean") == "0.000"  # no negative zero
    assert format_kpi(0.9996, "morale_mean") == "1.00"  # rounding up adds no fourth digit


def test_percentages_and_changes_in_points():
    assert format_kpi(0.342, "turnover_annualized") == "34.2%"
    assert format_kpi(0.014, "internal_on_time", change=True) == "1.4 pts"
    assert format_kpi(float("nan"), "profit") == "n/a"


@given(
    value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    kpi=st.sampled_from([*KPI_NAMES, None]),
    compact=st.booleans(),
    change=st.booleans(),
)
def test_no_rendered_value_reads_as_thousands(value, kpi, compact, change):
    text = format_kpi(value, kpi, compact=compact, change=change)
    assert not MISREAD.search(text), text
