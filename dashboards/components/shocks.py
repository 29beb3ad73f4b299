"""The shocks panel: fire a timeline event at the next week (surge, competitor, freeze ...)."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.shocks import ShockSpec, shock_specs


@solara.component
def ShocksPanel(ui: Ui, settings: int) -> None:
    """One button per shock, fired at the next week in every run shown; settings folded away."""
    specs = solara.use_memo(shock_specs, [])
    values = solara.use_reactive({spec.key: dict(spec.defaults) for spec in specs})

    def fire(spec: ShockSpec) -> None:
        event = spec.event(values.value.get(spec.key))

        ui.act(lambda: ui.session.fire(event))

    solara.HTML(
        tag="div",
        unsafe_innerHTML="<b>Shocks</b> <span class='sc-note'>fire at the next week</span>",
        classes=["sc-heading"],
    )
    with solara.Div(classes=["sc-shocks"]):
        for spec in specs:
            with solara.Tooltip(spec.help):
                solara.Button(
                    spec.title,
                    on_click=lambda spec=spec: fire(spec),
                    classes=["sc-shock", f"sc-shock-{spec.key}"],
                    small=True,
                    outlined=True,
                )
    with solara.Details("Shock settings", expand=False):
        for spec in specs:
            for field in spec.fields:
                current = values.value[spec.key].get(field.path, field.default)

                def set_field(v, spec=spec, field=field) -> None:
                    if v is None:
                        return
                    new = {k: dict(d) for k, d in values.value.items()}
                    new[spec.key][field.path] = int(v) if "int" in field.kind else float(v)
                    values.set(new)

                label = f"{spec.title}: {field.path.replace('_', ' ')} ({field.unit})"
                with solara.Tooltip(f"{field.description} From {field.low:g} to {field.high:g}."):
                    if "int" in field.kind:
                        solara.InputInt(label, value=int(current), on_value=set_field)
                    else:
                        solara.InputFloat(label, value=float(current), on_value=set_field)
