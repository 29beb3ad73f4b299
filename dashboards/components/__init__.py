"""Solara components of the dashboard; each draws one part of the page from a snapshot."""
