"""Tools that run the core model: compare, sweep, experiment, analyze, validate, report."""
