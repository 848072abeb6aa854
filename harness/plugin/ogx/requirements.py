"""What OGX's test files import beyond the app itself (the ``ogx-tests`` extra), checked before pytest
collects them: a missing one is named with the install line, not met as an import error mid-collection."""

from __future__ import annotations

import importlib.util

from harness.core.errors import UsageError

# module → the distribution that provides it (all in the ogx-tests extra of pyproject.toml)
REQUIRED = {
    "ogx_client": "ogx-client",
    "llama_stack_client": "llama-stack-client",
    "langchain_openai": "langchain-openai",
    "langchain_core": "langchain-core",
    "langgraph": "langgraph",
}
EXTRA = "router-harness[ogx,ogx-tests]"


def check_installed(required: dict[str, str] = REQUIRED) -> None:
    missing = sorted(dist for module, dist in required.items() if importlib.util.find_spec(module) is None)
    if missing:
        raise UsageError(
            f"OGX's test files import packages that are not installed: {', '.join(missing)}",
            value=", ".join(missing),
            allowed="the ogx-tests extra installed beside the harness",
            fix=f"pip install '{EXTRA}'",
        )
