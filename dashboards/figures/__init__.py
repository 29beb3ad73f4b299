"""Figures of the dashboard, one module per kind; each builds Plotly JSON (plain dicts).

- :mod:`~dashboards.figures.common`: colours, JSON encoding, event markers on time axes.
- :mod:`~dashboards.figures.pyramid`: the organization as a pyramid (dots, customers, flows).
- :mod:`~dashboards.figures.flows`: request flows between departments (Sankey).
- :mod:`~dashboards.figures.timeseries`: KPI small multiples with event markers.
- :mod:`~dashboards.figures.chain`: the service-profit chain strip and its weakest link.
- :mod:`~dashboards.figures.employee`: one employee's history.
- :mod:`~dashboards.figures.differences`: differences between compare runs, with CI bands.
- :mod:`~dashboards.figures.report`: CSV, the HTML report and the PNG snapshot of a view.

No Solara here: every figure is a pure function of the model(s), unit-tested without a browser.
A figure is a ``{"data": [...], "layout": {...}}`` dict (numpy arrays allowed); the dashboard's
Plotly widget sends it as JSON (:func:`~dashboards.figures.common.to_json`) and the report wraps
it in ``plotly.graph_objects.Figure``.
"""
