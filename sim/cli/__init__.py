"""The ``servicechain`` command line: the console commands and the dashboard launcher."""

from sim.cli.main import app, main

__all__ = ["app", "main"]
