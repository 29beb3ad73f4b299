"""The house keeps its shape: the core never imports a tool, and no import cycles.

Imports are read from the source (every ``import`` and ``from ... import`` anywhere in a module,
function-level ones and those under ``if TYPE_CHECKING:`` included), so a cycle hidden behind a
lazy or a type-only import counts too. The package facade ``sim`` loads its public names lazily
(``sim/__init__.py``'s table of names and modules, read by :func:`lazy_names`), so it is held to
the rule like any core module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "dashboards")
TOOLS = ("sim.studies", "sim.cli", "dashboards")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules ``path`` imports (the module itself, not its package parents)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            # The deepest project module the name refers to.
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    found.discard(module_name(path))
    return found


def graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, modules) for p in files}


def test_the_core_never_imports_a_tool():
    # The facade ``sim`` is core too: it names the tools' entry points only as strings, loaded
    # on first use; nothing in the project may import the facade.
    g = graph()
    offences = [
        f"{mod} imports {dep}"
        for mod, deps in g.items()
        if (mod == "sim" or mod.startswith("sim.")) and not mod.startswith(TOOLS)
        for dep in deps
        if dep.startswith(TOOLS)
    ]
    offences += [f"{mod} imports the sim facade" for mod, deps in g.items() if "sim" in deps]
    assert not offences, offences


def test_no_import_cycles():
    g = graph()
    # Package __init__ modules re-export their children; an edge to a package is an edge to
    # its __init__, which is fine to import from a child only if that __init__ does not import
    # the child back. Tarjan's algorithm finds every strongly connected component.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_importing_the_core_loads_no_tool():
    import subprocess
    import sys

    code = (
        "import sys, sim.params, sim.model; "
        "bad = sorted(m for m in sys.modules if m.startswith(('sim.studies', 'sim.cli', "
        "'dashboards'))); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_facade_names_every_public_entry_point():
    import sim

    for name in sim.__all__:
        assert callable(getattr(sim, name)), name
