"""Tools that run the core model.

Studies: compare (replicated scenarios), experiment and sweep (designs x replications, parquet),
analyze (CIs, sensitivity, report), validate (published patterns: the pattern table in
patterns, their simulations in runs, figures and verdicts in verdicts, the report in
validation_report), fit_defaults and fit_engine (fitting the defaults to the table's fit
targets), targets and scenario_fit (``calibrate``), report (comparison report and README
table), ema (EMA Workbench adapter). Shared by them: measures (the analysis window and the
formulas of turnover, margins and unit correlations; the windowed run), seeds (replication
seeds), stats (t intervals, ratio estimator, Latin hypercubes, correlations), progress, html
(the offline report writer), workers (process pools that die with their driver), provenance
(versions for manifests).
"""
