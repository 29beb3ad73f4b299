"""Replication seeds: the one derivation that compare, sweep, validate and the EMA adapter use.

The root seed's :class:`numpy.random.SeedSequence` spawns two children. Child 0 seeds samplers
(Latin hypercube, Sobol, Morris designs); child 1 spawns one child per replication, whose first
64-bit word, cut to 53 bits (:func:`sim.model.seed_from`, the package's one derivation of a
seed), is that replication's model seed: below 2^53, it is exact in a double, so a seed read
back through pandas, a spreadsheet or R reruns the same model. So the same root seed gives the
same replication seeds in every study: replication ``r`` of ``sim.compare(..., seed=S)`` and of
a sweep with ``seed = S`` run the same random stream.

Example:
    >>> from sim.studies.seeds import replication_seeds
    >>> replication_seeds(0, 2) == replication_seeds(0, 3)[:2]
    True
"""

from __future__ import annotations

import numpy as np

from sim.model import seed_from


def replication_seeds(root: int, replications: int) -> list[int]:
    """The model seed of each replication 0..replications-1 (common to every scenario or point).

    Args:
        root: The root seed (a whole number >= 0).
        replications: Number of replications.

    Returns:
        One integer from 0 to 2^53 - 1 per replication; replication r's seed does not depend on
        how many replications there are.
    """
    reps = np.random.SeedSequence(root).spawn(2)[1]
    return [seed_from(child) for child in reps.spawn(replications)]


def sampler_seed(root: int) -> int:
    """The 32-bit seed of a design sampler (LHS, Sobol, Morris) under this root seed."""
    return int(np.random.SeedSequence(root).spawn(2)[0].generate_state(1, np.uint32)[0])
