"""How the suite spreads over processes under pytest-xdist (``make test``, ``make test-fast``).

The Makefile runs ``--dist loadfile --no-loadscope-reorder``: each test file goes to one worker
(its module fixtures, a dashboard server, a built wheel are made once), in the order the files
first appear in the collection. Each worker collects the slow tests first, then the
integration tests, then the rest, so the files holding the longest tests start at once and the
short ones fill the gaps at the end, instead of one long test starting last and running alone.
This changes when tests run, never what they check; a plain run keeps the files' order.
"""

from __future__ import annotations

import os

import pytest


def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("slow"):
        return 0
    if item.get_closest_marker("integration"):
        return 1
    return 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=_rank)  # stable: the files' order within each rank
