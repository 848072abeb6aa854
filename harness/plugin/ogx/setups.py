"""OGX's setups and suites (``tests/integration/suites.py``), read from OGX's own file, and what each
setup means to the harness: ``--setup=gpt`` selects the model OGX's ``gpt`` setup selects.

A setup's text model ``<provider>/<model>`` becomes a harness setup whose replay stack registers an
OpenAI-compatible provider under that id, pointed at the record/replay endpoint, so its recordings replay
when the provider spoke the OpenAI protocol. Providers OGX reaches through another protocol cannot replay
that way and are refused at configure, by name."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

from harness.core.errors import UsageError
from harness.targets.setup import Setup

from .layout import OgxTests

DEFAULT_SETUP = "gpt"  # what OGX's responses suite runs with (suites.py: responses → default_setup gpt)
# Providers OGX talks to in a protocol other than OpenAI's: their recordings cannot be served here.
NATIVE_PROTOCOLS = {
    "vertexai": "vertexai's native SDK protocol",
    "anthropic": "Anthropic's Messages API",
    "sentence-transformers": "an in-process model (no outbound call)",
}


@dataclass(frozen=True)
class OgxSetup:
    name: str
    defaults: dict[str, Any] = field(default_factory=dict)  # option dest → value (text_model, …)
    env: dict[str, str] = field(default_factory=dict)

    def harness_setup(self) -> Setup:
        text_model = str(self.defaults.get("text_model") or "")
        provider, _, model = text_model.partition("/")
        if not model:
            raise UsageError(
                f"--setup={self.name}: OGX's setup names no text model as <provider>/<model>",
                value=text_model or "(none)",
                allowed="a setup whose text_model is <provider>/<model>",
                fix="pass --text-model=<provider>/<model> with it, or pick another setup",
            )
        if provider in NATIVE_PROTOCOLS:
            raise UsageError(
                f"--setup={self.name}: its provider {provider!r} speaks {NATIVE_PROTOCOLS[provider]}, which the "
                "harness cannot replay (it serves OpenAI-compatible inference)",
                value=self.name,
                allowed="setups whose text model's provider is OpenAI-compatible (gpt, azure, "
                "watsonx, ollama, vllm, …)",
                fix="pick such a setup, e.g. --setup=gpt",
            )
        return Setup(name=self.name, provider=provider, model=model)


@dataclass(frozen=True)
class OgxSuites:
    setups: dict[str, OgxSetup]
    suites: dict[str, tuple[list[str], str | None]]  # name → (roots, default setup)

    def setup(self, name: str) -> OgxSetup:
        return _named(self.setups, name, "--setup", "setup", "gpt")

    def suite(self, name: str) -> tuple[list[str], str | None]:
        return _named(self.suites, name, "--suite", "suite", "responses")


def _named(table: dict[str, Any], name: str, flag: str, kind: str, example: str) -> Any:
    if name not in table:
        raise UsageError(
            f"{flag}: OGX has no {kind} named {name!r}",
            value=name,
            allowed=", ".join(sorted(table)),
            fix=f"name one of OGX's {kind}s (tests/integration/suites.py), e.g. {flag}={example}",
        )
    return table[name]


def load_suites(tests: OgxTests) -> OgxSuites:
    """Import OGX's ``tests.integration.suites`` (plain pydantic models) from its checkout."""
    if str(tests.repo) not in sys.path:
        sys.path.insert(0, str(tests.repo))
    try:
        module = importlib.import_module("tests.integration.suites")
    except Exception as error:
        raise UsageError(
            f"harness ogx: OGX's {tests.integration / 'suites.py'} cannot be imported: "
            f"{type(error).__name__}: {error}",
            value=str(tests.integration / "suites.py"),
            allowed="OGX's suites.py defining SETUP_DEFINITIONS and SUITE_DEFINITIONS",
            fix="run from an OGX checkout whose tests import with the installed packages",
        ) from None
    setups = {
        name: OgxSetup(name, dict(s.defaults), dict(s.env)) for name, s in module.SETUP_DEFINITIONS.items()
    }
    suites = {name: (list(s.roots), s.default_setup) for name, s in module.SUITE_DEFINITIONS.items()}
    return OgxSuites(setups, suites)
