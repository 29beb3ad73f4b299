"""Plain names of scenarios and runs, for people: "Airline · two-way street", never
"airline@two_way".

Specs (``"airline@two_way"``, ``"payroll@0.5"``) stay the keys the code, the exports' file
names and the command line use; everything a person reads on screen goes through
:func:`spec_title` or :func:`run_title`.
"""

from __future__ import annotations

from functools import lru_cache

from dashboards.figures.pyramid import culture_name
from sim.scenario import CULTURE_PRESETS, preset_names, scenario_info, split_spec

# The culture presets and the programme by the names the sources use.
TITLES: dict[str, str] = {
    "pyramid": "Top-down pyramid",
    "two_way": "Two-way street",
    "inverted": "Inverted pyramid",
    "two_way_program": "All eight levers",
}
# A description's lead ("Airline: ...") is a title when it is this short.
MAX_TITLE_CHARS = 32


@lru_cache(maxsize=64)
def _preset_title(name: str) -> str:
    if name in TITLES:
        return TITLES[name]
    try:
        lead = str(scenario_info(name)["description"]).split(":", 1)
    except Exception:  # an unknown name is shown as it is, never an error on screen
        lead = [""]
    if len(lead) == 2 and 0 < len(lead[0].strip()) <= MAX_TITLE_CHARS:
        return lead[0].strip()
    return name.replace("_", " ").strip().capitalize()


def culture_words(culture: str | float) -> str:
    """A culture as words: ``"two_way"`` -> ``"two-way street"``, ``0.5`` -> ``"leaning to the
    inverted pyramid (+0.5)"``."""
    if isinstance(culture, str) and culture in CULTURE_PRESETS:
        return TITLES[culture].lower()
    try:
        value = float(culture)
    except (TypeError, ValueError):
        return str(culture).replace("_", " ")
    return f"{culture_name(value)} ({value:+.1f})"


def spec_title(spec: str, own: tuple[str, ...] | list[str] = ()) -> str:
    """The plain name of a scenario spec (a preset, an opened organization, ``NAME@culture``).

    Args:
        spec: The spec.
        own: Labels of organizations this session opened from files (shown as they are).
    """
    name, culture = split_spec(spec)
    name = str(name)
    if name in own:
        base = name.replace("_", " ")  # the user's own file name, read as words
    elif name in preset_names():
        base = _preset_title(name)
    else:
        base = name.replace("_", " ")
    if culture is None:
        return base
    if name in CULTURE_PRESETS:  # "pyramid@two_way" is simply the other culture
        return culture_words(culture).capitalize()
    return f"{base} · {culture_words(culture)}"


def run_title(spec: str, direction: float, own: tuple[str, ...] | list[str] = ()) -> str:
    """The plain name of a run: its organization and the culture in force (``direction``).

    Culture presets are named by the culture in force alone ("Two-way street"); anything else
    by its name and culture ("Airline · top-down pyramid").
    """
    name, _ = split_spec(spec)
    if str(name) in CULTURE_PRESETS:
        return culture_name(direction).capitalize()
    return f"{spec_title(str(name), own)} · {culture_name(direction)}"


def unique_titles(titles: list[str]) -> list[str]:
    """``titles``, numbered where two runs would read the same ("Two-way street (2)")."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for t in titles:
        if titles.count(t) == 1:
            out.append(t)
        else:
            seen[t] = seen.get(t, 0) + 1
            out.append(f"{t} ({seen[t]})")
    return out
