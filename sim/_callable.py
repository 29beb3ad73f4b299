"""Modules that can be called: ``sim.compare(...)`` and ``sim.sweep(...)``.

The design puts the comparison and sweep engines in modules named ``sim/compare.py`` and
``sim/sweep.py`` and also promises ``sim.compare([...])`` and ``sim.sweep(path)`` as functions.
A package attribute cannot be both, so each of those modules makes itself callable: calling the
module calls its main function, and ``sim.sweep.throughput`` etc. still work.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Let calling the module ``module_name`` call ``function`` with the same arguments."""

    class _CallableModule(types.ModuleType):
        __doc__ = sys.modules[module_name].__doc__

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule
