"""The explain panel's text: each mechanism in the model's own words, in plain language.

The week's phases come from the schedule itself (``sim.phases.PHASES``): each phase's title and
one-line summary, and the docstring of the module that carries its rules (which names the rules
and their sources). Then the levers (``sim.interventions`` and each lever's docstring) and the
timeline events (``sim.events``). Nothing is restated here, so the panel cannot drift from the
code, and a phase added to the schedule appears on its own.

Docstrings are written for developers; :func:`plain` turns them into text for students and
clients: parameter names become the words the controls use (``overtime_max`` -> "extra hours
people put in when work piles up"), references to code become the phase they point to or go,
and "Phase 3" numbering goes (the panel numbers the phases itself).
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Mechanism:
    """One entry of the explain panel.

    Attributes:
        title: What the mechanism is (a phase's title, or the docstring's first line).
        summary: One sentence (a phase's summary; empty for the others).
        body: The rules and their sources, as Markdown.
        source: The module it comes from, e.g. ``sim.phases.service`` (for developers; the
            panel does not show it).
    """

    title: str
    summary: str
    body: str
    source: str


# Names in docstrings that are not schema fields, or whose field's words read badly inline.
WORDS: dict[str, str] = {
    "service_direction": "the culture",
    "state.service_direction": "the culture in force",
    "age_priority": "the deadline weight of service standards",
    "overtime_max": "the most overtime people put in",
    "every": "a repeat interval",
    "interventions.<lever>.intensity": "each lever's dose",
    "ServiceCultureModel": "the model",
    "PLAN_YEAR_WEEKS": "a year of weeks",
    "sim.interventions": "the levers",
    "sim.events": "the timeline events",
    "sim.kpis": "the list of KPIs",
    "sim.vacancies": "the departures",
}
_ROLE = re.compile(r":(?:mod|func|class|meth|attr|data|obj):`~?([^`]+)`")
_CODE = re.compile(r"``(.+?)``", re.S)
_SNAKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9*]+)+\*?")
_PHASE_HEAD = re.compile(r"\bPhase \d+, *")
_PHASE_ASIDE = re.compile(r"\s*\([Pp]hases? \d+(?:(?:, | and )\d+)*\)")
_PHASE = re.compile(r"\b[Pp]hase \d+\b")
# A setting's dotted path in running text ("s = interventions.saturation").
_PATH = re.compile(
    r"\b(?:org|culture|requests|workforce|behaviour|customers|economics|interventions)"
    r"\.[A-Za-z_.<>]*[A-Za-z_>]"
)
# "(see :func:`routing`)", "(:mod:`sim.vacancies`, ...)": an aside that only points to code.
_CODE_ASIDE = re.compile(r"\s*\((?:see )?\x00REF[^()]*\)")
_FORMULA = re.compile(r"[-+*/=<>|()]|\bx\b")
# A code span that points to code (a module, a class, a function) rather than naming a setting.
_CODE_REF = re.compile(r"^(?:sim\.[\w.]+|[A-Z][a-z]+[A-Z]\w*|\w+\(\))$")
# Inside a formula names must stay short.
FORMULA_WORDS: dict[str, str] = {"age_priority": "deadline weight"}


@lru_cache(maxsize=1)
def _fields_by_name() -> dict[str, str]:
    """Last path component -> dotted path, for names that are unique in the schema."""
    from sim.params import FIELDS

    seen: dict[str, list[str]] = {}
    for path in FIELDS:
        seen.setdefault(path.rsplit(".", 1)[-1], []).append(path)
    return {name: paths[0] for name, paths in seen.items() if len(paths) == 1}


@lru_cache(maxsize=1)
def _phase_titles() -> dict[str, str]:
    from sim.phases import PHASES

    return {p.module: p.title for p in PHASES}


def _words_of(name: str) -> str:
    """A setting's name read as words: ``quit_base_weekly`` -> "quit base weekly",
    ``effort_max`` -> "maximum effort", ``pool_mindset_sd`` -> "spread of pool mindset"."""
    parts = [p for p in name.rstrip("*").split("_") if p]
    for suffix, word in (("max", "maximum"), ("min", "minimum")):
        if len(parts) > 1 and parts[-1] == suffix:
            return f"{word} {' '.join(parts[:-1])}"
    if len(parts) > 1 and parts[-1] == "sd":
        return f"spread of {' '.join(parts[:-1])}"
    return " ".join(parts)


def name_words(name: str) -> str:
    """Plain words for one name found in a docstring (a setting, a module, a function).

    Settings read in italics, by their control's label when it has one, else by their name in
    words; code (modules, functions) by the phase it belongs to.
    """
    from dashboards.controls_spec import HUMAN_LABELS
    from sim.params import FIELDS

    name = name.strip().lstrip("~")
    last = name.rsplit(".", 1)[-1]
    if name in WORDS or last in WORDS:
        return WORDS.get(name, WORDS.get(last, ""))
    for module, title in _phase_titles().items():
        if name == module or name.startswith(module + "."):
            return f"the {title.lower()} phase"
    path = name if name in FIELDS else _fields_by_name().get(name)
    if path in HUMAN_LABELS:
        label = HUMAN_LABELS[path]
        return f"*{label[:1].lower() + label[1:]}*"
    if path is not None or "_" in last:
        return f"*{_words_of(last)}*"
    return last.replace("_", " ").strip()


def _formula_word(name: str) -> str:
    return FORMULA_WORDS.get(name, name.rsplit(".", 1)[-1].replace("_", " "))


def _formula(text: str) -> str:
    """A formula with its names in short words, in italics."""
    return "*" + _SNAKE.sub(lambda m: _formula_word(m.group(0)), text.strip()) + "*"


def _capitalize_sentences(text: str) -> str:
    # A one-letter symbol starting a sentence ("d = -1 is ...") keeps its case.
    return re.sub(
        r"(^|[.!?]\s+|\n\s*-\s+)([a-z])(?=[a-z'])",
        lambda m: m.group(1) + m.group(2).upper(),
        text,
    )


def plain(text: str) -> str:
    """Developer text as a student reads it (see the module docstring)."""
    text = _PHASE_HEAD.sub("", text)
    text = _PHASE_ASIDE.sub("", text)
    text = _PHASE.sub("another phase", text)
    # "(the culture, ``service_direction`` d)": the symbol is the name the formula uses.
    text = re.sub(r"``[^`]+``\s+([a-z])\b(?=[),;:])", r"\1", text)
    # Code references inside an aside go with their aside; elsewhere they become words.
    marked = _ROLE.sub(lambda m: "\x00REF" + m.group(1) + "\x00", text)
    marked = _CODE.sub(
        lambda m: "\x00REF" + m.group(1) + "\x00" if _CODE_REF.match(m.group(1)) else m.group(0),
        marked,
    )
    marked = re.sub(r"(?<![`\w.])(sim\.[A-Za-z_.]*[A-Za-z_])", "\x00REF\\1\x00", marked)
    marked = _CODE_ASIDE.sub("", marked)
    marked = re.sub(r",?\s*see\s+\x00REF[^\x00]*\x00(?=\))", "", marked)  # "..., see :mod:`x`)"
    text = re.sub("\x00REF([^\x00]+)\x00", lambda m: name_words(m.group(1)), marked)

    def code(m: re.Match) -> str:
        inner = m.group(1)
        if _FORMULA.search(inner) and " " in inner.strip():
            return _formula(inner)
        return name_words(inner)

    text = _CODE.sub(code, text)
    text = _PATH.sub(lambda m: name_words(m.group(0)), text)
    text = _SNAKE.sub(lambda m: name_words(m.group(0)), text)
    # Indented lines are shown as code blocks, where italics would show as asterisks.
    text = re.sub(r"(?m)^( {4}.*)$", lambda m: m.group(1).replace("*", ""), text)
    return _capitalize_sentences(text)


def _doc(module: str) -> tuple[str, str]:
    text = plain(inspect.cleandoc(importlib.import_module(module).__doc__ or ""))
    title, _, body = text.partition("\n")
    title = title.strip().rstrip(".")
    return title[:1].upper() + title[1:], body.strip()


def mechanisms() -> list[Mechanism]:
    """The phases of a week in order, then the levers, then the timeline events."""
    from sim.params import LEVERS, InterventionParams
    from sim.phases import PHASES

    out: list[Mechanism] = []
    for i, phase in enumerate(PHASES, start=1):
        first, body = _doc(phase.module)
        rules = f"*{first}.*\n\n{body}" if body else f"*{first}.*"
        out.append(Mechanism(f"{i}. {phase.title}", phase.summary, rules, phase.module))
    title, body = _doc("sim.interventions")
    lever_lines = [
        f"- **{lever.replace('_', ' ')}**: "
        + plain(inspect.cleandoc(InterventionParams.model_fields[lever].annotation.__doc__ or ""))
        for lever in LEVERS
    ]
    out.append(Mechanism(title, "", body + "\n\n" + "\n".join(lever_lines), "sim.interventions"))
    title, body = _doc("sim.events")
    out.append(Mechanism(title, "", body, "sim.events"))
    return out
