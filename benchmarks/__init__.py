"""Benchmark suite of servicechain (issue 7): run with ``make bench`` or ``python -m benchmarks``.

Modules:
    machine: who ran the benchmark (cores, CPU, Python and NumPy versions, date).
    size_run: one organization size in a fresh process (wall time, construction time, peak RSS).
    phases: time per phase of ``ServiceCultureModel.step`` and the dashboard's step + KPI time.
    suite: the whole suite, the rich table, the JSON files and ``--compare``.
"""
