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
