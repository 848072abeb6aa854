"""The layering of ARCHITECTURE.md, enforced: a module imports only its own layer or layers below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "harness"

# layer → the harness layers it may import (its own included)
ALLOWED = {
    "core": {"core"},
    "contract": {"core", "contract"},
    "replay": {"core", "replay"},
    "spectools": {"core", "spectools"},
    "targets": {"core", "contract", "replay", "targets"},
    "report": {"core", "report"},
    "plugin": {"core", "contract", "replay", "spectools", "targets", "report", "plugin"},
    "cli": {"core", "contract", "replay", "spectools", "targets", "report", "cli"},
}
# third-party modules that only the upper layers may use
FORBIDDEN_BELOW_PLUGIN = {"pytest", "_pytest"}
FORBIDDEN_IN_CORE = {"pytest", "_pytest", "docker", "httpx", "httpx2", "vcr", "schemathesis"}


def modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.parent != PACKAGE or p.name not in {"__init__.py", "__main__.py"}
    )


def imported(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = ["harness", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *([node.module] if node.module else [])]))
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_downward(path):
    layer = path.relative_to(PACKAGE).parts[0]
    assert layer in ALLOWED, f"{path}: module outside the documented layers {sorted(ALLOWED)}"
    bad = []
    for name in imported(path):
        top = name.split(".")[0]
        if top == "harness":
            target = name.split(".")[1] if "." in name else ""
            if target not in ALLOWED[layer]:
                bad.append(f"{name} (layer {target!r} is not below {layer!r})")
        elif top in FORBIDDEN_BELOW_PLUGIN and layer not in {"plugin"}:
            bad.append(f"{name} (only the plugin layer may import pytest)")
        elif layer == "core" and top in FORBIDDEN_IN_CORE:
            bad.append(f"{name} (core stays free of clients, containers and test tools)")
    assert not bad, f"{path.relative_to(PACKAGE)} imports: " + "; ".join(sorted(bad))


def test_the_public_api_is_one_list():
    """As httpx's test_exported_members: what the package namespace offers is exactly ``__all__``."""
    import types

    import harness

    for name in harness.__all__:
        getattr(harness, name)  # every exported name resolves
    public = {
        name
        for name in dir(harness)
        if not name.startswith("_") and not isinstance(getattr(harness, name), types.ModuleType)
    }
    assert public == set(harness.__all__)
    assert len(harness.__all__) == len(set(harness.__all__))


# -- within the plugin: one way only -------------------------------------------------------------------

PLUGIN = PACKAGE / "plugin"


def module_name(path: Path) -> str:
    parts = ["harness", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def plugin_graph() -> dict[str, set[str]]:
    """Each plugin module → the plugin modules it imports (at module level or inside a function, for the
    type checker or not: each is an edge). ``from . import x`` names the module ``x`` when there is one."""
    paths = {module_name(p): p for p in PLUGIN.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in paths)
            elif isinstance(node, ast.ImportFrom):
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1] if node.level else []
                source = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    edges.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in paths else source)
        graph[name] = {edge for edge in edges if edge in paths and edge != name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it (None: the graph imports one way)."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        trail.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        trail.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_plugin_modules_import_one_way():
    """No plugin module imports, however late, one that imports it back (checking → inference → fixtures →
    report → checking was such a circle). The plugin package's own ``__init__`` sits on top: it registers
    the others, and none of them reaches back into it."""
    graph = plugin_graph()
    assert {"harness.plugin.state", "harness.plugin.checking", "harness.plugin.report"} <= set(graph)
    cycle = cycle_in(graph)
    assert cycle is None, "plugin modules import in a circle: " + " → ".join(cycle or [])
    reaching_back = sorted(name for name, edges in graph.items() if "harness.plugin" in edges)
    assert not reaching_back, f"these import the plugin package's __init__: {reaching_back}"


def test_the_cycle_finder_finds_a_cycle():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": set()}) is None
