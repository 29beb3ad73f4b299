"""Compiled kernels (numba) for the hot loops of a week.

Each kernel does exactly what a short NumPy expression would, in one compiled pass and without
temporaries, and draws its random numbers from the model's generator in the same order and by
the same algorithms as NumPy does: results are bit-identical to the NumPy code they replace.
``tests/kernel_reference.py`` keeps that NumPy code as the reference, and
``tests/test_kernels.py`` checks kernel == reference exactly on random inputs.

Modules:
    cohorts: binomial draws over customer cohorts (seats x satisfaction bands) and the band
        moves after an encounter.
    queue: the internal-service queue: each provider's requests in priority order, served while
        the cumulative hours fit.
    requests: request generation (who asks whom, for what, how many hours).

Kernels are compiled on first use and cached on disk (``cache=True``), so only the first run on
a machine pays the compile time; :func:`sim.precompile.precompile` compiles them all ahead
(``make install`` does, and so does every tool before it starts worker processes, which then
load them from the cache).
"""
