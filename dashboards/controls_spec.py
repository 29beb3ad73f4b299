"""Dashboard controls generated from the parameter schema (``sim.params.FIELDS``).

Nothing here declares a parameter: labels come from the dotted path, ranges from the field's
low/high bounds and help text from its description. This module only chooses *which* fields the
dashboard shows (a curated list of the main parameters plus every lever's dose dial) and how each
is drawn (slider, number box or switch).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sim.params import FIELDS, LEVERS, FieldSpec, describe_range, field_spec, is_structural

# The parameters a consultant or student reaches for first: the culture's care gap, how much
# internal demand there is, the service standard, the workforce and customer dynamics that carry
# the service-profit chain, and the organization's size.
MAIN_PARAMETERS: tuple[str, ...] = (
    "culture.care_gap",
    "requests.to_manager_rate",
    "requests.to_subordinate_rate",
    "requests.lateral_scale",
    "requests.mean_hours",
    "requests.service_standard_weeks",
    "workforce.time_to_fill_weeks",
    "workforce.pool_mindset_mean",
    "behaviour.contagion_rate",
    "behaviour.reciprocity_rate",
    "customers.social_amplification",
    "org.headcount",
)

CULTURE_PATH = "culture.service_direction"
LEVER_PATHS: tuple[str, ...] = tuple(f"interventions.{lever}.intensity" for lever in LEVERS)

# A slider is unusable when the allowed range spans orders of magnitude (org.headcount is
# 20-100,000): such fields get a number box validated against the same bounds.
WIDE_RANGE_RATIO = 200.0


@dataclass(frozen=True)
class ControlSpec:
    """How one schema field is shown.

    Attributes:
        path: Dotted parameter path.
        label: The words a person reads (``"Requests to one's manager"``; :func:`label_for`).
        widget: ``"slider"``, ``"number"`` or ``"switch"``.
        low: Lower bound (None for switches).
        high: Upper bound (None for switches).
        step: Slider step in the field's unit (1 for whole numbers).
        unit: The field's unit.
        decimals: Decimals that show every slider position.
        help: The field's description plus what it allows.
        structural: True when a change needs a new run (``sim.params.is_structural``).
    """

    path: str
    label: str
    widget: str
    low: float | None
    high: float | None
    step: float | None
    unit: str
    help: str
    structural: bool
    decimals: int = 0

    def value_text(self, value: float | int | bool) -> str:
        """The value as shown beside the label, with its unit (``"1.0 × the default dose"``)."""
        if self.widget == "switch":
            return "on" if value else "off"
        if self.unit == "dose" and float(value) == 0:
            return "off"
        number = f"{float(value):,.{self.decimals}f}"
        unit = unit_words(self.unit)
        if not unit:
            return number
        return f"{number}{unit}" if unit == "×" else f"{number} {unit}"


# People read words, not paths: the curated controls' labels. Any other field gets a label made
# from the first words of its description (:func:`label_for`).
HUMAN_LABELS: dict[str, str] = {
    "culture.service_direction": "Culture",
    "culture.care_gap": "Care withheld from requests from below",
    "requests.to_manager_rate": "Requests to one's manager",
    "requests.to_subordinate_rate": "Requests from a manager to each report",
    "requests.lateral_scale": "Requests between departments",
    "requests.mean_hours": "Hours one request takes",
    "requests.service_standard_weeks": "On time when served within",
    "workforce.time_to_fill_weeks": "Time to fill a vacancy",
    "workforce.pool_mindset_mean": "Service mindset of new hires",
    "behaviour.contagion_rate": "Moods spreading in a team",
    "behaviour.reciprocity_rate": "Good service paid forward",
    "customers.social_amplification": "Reach of unhappy customers' warnings",
    "org.headcount": "People in the organization",
    "weeks": "Weeks a run lasts",
}
# Units as a person reads them beside a value.
UNIT_WORDS: dict[str, str] = {
    "requests/week": "a week",
    "1/week": "a week",
    "multiplier": "×",
    "dose": "× the default dose",
    "hours": "h",
    "hours/week": "h a week",
    "weeks": "weeks",
    "seats": "people",
    "mindset": "(0-1)",
    "morale": "(0-1)",
    "index": "",
    "fraction": "",
    "": "",
}
# A description's first words make a label when they are about this short.
MAX_LABEL_CHARS = 48


def words_from_description(description: str, limit: int = MAX_LABEL_CHARS) -> str:
    """A short name from a schema description: its first sentence without asides, cut at a
    clause (or a word, with "…") to about ``limit`` characters."""
    sentence = description.strip().split(". ")[0].rstrip(".")
    sentence = re.sub(r"\s*\([^()]*\)", "", sentence).strip()
    if len(sentence) <= limit:
        return sentence
    for stop in (": ", "; ", ", ", " as ", " when ", " per "):
        head = sentence.split(stop, 1)[0]
        if len(head.split()) >= 3 and len(head) <= limit:
            return head
    out = ""
    for word in sentence.split():
        if len(out) + len(word) + 1 > limit - 1:
            break
        out = f"{out} {word}".strip()
    return out.rstrip(".,;:") + "…"


def label_for(path: str) -> str:
    """The words a person reads for a parameter, e.g. ``"Requests to one's manager"``.

    Curated labels first (:data:`HUMAN_LABELS`); a lever's dial reads as the lever's name
    (``interventions.job_swap.intensity`` -> ``"Job swap"``); any other field by the first words
    of its description in the schema; never the dotted path.
    """
    if path in HUMAN_LABELS:
        return HUMAN_LABELS[path]
    parts = path.split(".")
    if parts[0] == "interventions" and parts[-1] == "intensity":
        return parts[1].replace("_", " ").capitalize()
    if path in FIELDS and FIELDS[path].description:
        return words_from_description(FIELDS[path].description)
    return parts[-1].replace("_", " ").capitalize()


def unit_words(unit: str) -> str:
    """A unit as it reads beside a value (``"1/week"`` -> ``"a week"``)."""
    return UNIT_WORDS.get(unit, unit)


def decimals_for(step: float | None) -> int:
    """Decimals that show a slider's every position (step 0.05 -> 2, step 1 -> 0)."""
    if not step or float(step).is_integer():
        return 0
    return max(0, -math.floor(math.log10(float(step)) + 1e-9))


def _step(spec: FieldSpec) -> float | None:
    if spec.kind == "bool":
        return None
    if "int" in spec.kind:
        return 1.0
    lo, hi = spec.low if spec.low is not None else 0.0, spec.high if spec.high is not None else 1.0
    span = hi - lo
    # About 100-200 positions across the range, rounded to a 1-2-5 step.
    raw = span / 150.0 if span > 0 else 0.01
    mag = 10 ** _floor_log10(raw)
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag  # pragma: no cover


def _floor_log10(x: float) -> int:
    return math.floor(math.log10(x))


def control_spec(path: str) -> ControlSpec:
    """The :class:`ControlSpec` of one schema field (raises ParameterError for unknown paths)."""
    spec = field_spec(path)
    help_text = f"{spec.description} Allowed: {describe_range(spec)}" + (
        f" ({spec.unit})." if spec.unit else "."
    )
    if spec.kind == "bool":
        widget = "switch"
    elif (
        spec.low is not None
        and spec.high is not None
        and spec.high > WIDE_RANGE_RATIO * max(abs(spec.low), 1.0)
    ):
        widget = "number"
    else:
        widget = "slider"
    step = _step(spec)
    return ControlSpec(
        path=path,
        label=label_for(path),
        widget=widget,
        low=spec.low,
        high=spec.high,
        step=step,
        unit=spec.unit,
        help=help_text,
        structural=is_structural(path),
        decimals=decimals_for(step),
    )


def main_controls() -> list[ControlSpec]:
    """Specs of the curated main parameters (only those present in the schema)."""
    return [control_spec(p) for p in MAIN_PARAMETERS if p in FIELDS]


def lever_controls() -> list[ControlSpec]:
    """One dose dial per intervention lever, in schema order, with the lever's own description."""
    from sim.params import InterventionParams

    out = []
    for lever, path in zip(LEVERS, LEVER_PATHS, strict=True):
        base = control_spec(path)
        doc = (InterventionParams.model_fields[lever].annotation.__doc__ or "").strip()
        out.append(ControlSpec(**{**base.__dict__, "help": doc or base.help, "structural": False}))
    return out


def check_value(path: str, value: float | int | bool) -> float | int | bool:
    """Coerce a control value to its field's type and check its bounds.

    This is the quick per-field check; :meth:`DashboardSession.set_param` then validates the
    whole parameter set (cross-field rules such as effort_min <= effort_max) before applying it.
    """
    from sim.params import ParameterError

    spec = field_spec(path)
    if spec.kind == "bool":
        return bool(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{path} = {value!r}: takes {describe_range(spec)}") from None
    if "int" in spec.kind:
        if not v.is_integer():
            raise ParameterError(f"{path} = {value!r}: takes {describe_range(spec)}")
        v = int(v)
    if (spec.low is not None and v < spec.low) or (spec.high is not None and v > spec.high):
        raise ParameterError(f"{path} = {value!r}: out of range; takes {describe_range(spec)}")
    return v
