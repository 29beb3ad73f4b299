"""Tools that run the core model.

Studies: compare (replicated scenarios), experiment and sweep (designs x replications, parquet),
analyze (CIs, sensitivity, report), validate (published patterns), report (comparison report
and README table), ema (EMA Workbench adapter). Shared by them: seeds (replication seeds),
stats (t intervals, Latin hypercubes), progress, html (the offline report writer), workers
(process pools that die with their driver), provenance (versions for manifests).
"""
