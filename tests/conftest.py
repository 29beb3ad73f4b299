"""Shared fixtures: small seeded runs reused across tests (module-scoped to keep the suite fast)."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

import sim


@functools.cache
def cached_run(scenario: str, weeks: int, seed: int, overrides: tuple = ()) -> pd.DataFrame:
    """One seeded run, memoized for the session (callers must not mutate the frame)."""
    return sim.run(scenario, weeks=weeks, seed=seed, overrides=dict(overrides))


@pytest.fixture(scope="session")
def run_cached():
    return cached_run
