"""Requests generated from the reference (``--reference=openai``), not from the app's own spec: for every
route the app claims to serve that the reference defines, schema-valid requests under the reference's
request schemas. Each must be accepted, or refused in the reference's error format, never with a 5xx.

    pytest suites/contract --reference=openai --inference-mode=synthetic      # test_reference_generated.py

Fixture ``reference_generated`` has the same calls as ``generated`` (``operations()``, ``positive(key)``);
only the verdict differs: the blocking checks are ``not_a_server_error`` and the reference's own
(``reference_error_schema``, ``reference_status``). Every other finding still goes to the run's report."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

import pytest

from .generation import Generator
from .runner import PropertyRun

VERDICT = frozenset({"not_a_server_error", "reference_error_schema", "reference_status"})
METHODS = ("get", "put", "post", "delete", "patch")


def reference_document(reference: Any, app_spec: Any) -> dict[str, Any]:
    """The reference's document with only the operations the app's spec also has, keyed by the app's path
    (the reference's ``servers`` base, e.g. ``/v1``, put in front), so generated requests reach the app."""
    doc = reference.spec.doc
    servers = doc.get("servers") or [{}]
    base = urlsplit(servers[0].get("url", "")).path.rstrip("/")
    paths: dict[str, Any] = {}
    for op in app_spec.operations.values():
        found = reference.match(op.method, op.path)
        if found is None:
            continue
        item = doc["paths"][found.operation.path]
        target = paths.setdefault(
            base + found.operation.path, {k: v for k, v in item.items() if k not in METHODS}
        )
        target[op.method.lower()] = item[op.method.lower()]
    out = {k: v for k, v in doc.items() if k not in ("paths", "servers", "webhooks")}
    out["paths"] = paths
    return copy.deepcopy(out)


class ReferenceGenerator(Generator):
    def body_properties(self, operation: Any) -> set[str]:
        """As the app's, but through ``allOf`` too (OpenAI's CreateResponse is an allOf of three)."""
        names = set(super().body_properties(operation))
        raw = self.document["paths"][operation.path][operation.method.lower()]
        for media in ((raw.get("requestBody") or {}).get("content") or {}).values():
            names |= self._properties((media or {}).get("schema") or {}, depth=0)
        return names

    def _properties(self, schema: Any, depth: int) -> set[str]:
        schema = self._resolver.deref(schema)[0]
        if not isinstance(schema, dict) or depth > 4:
            return set()
        names = set((schema.get("properties") or {}).keys())
        for part in schema.get("allOf") or []:
            names |= self._properties(part, depth + 1)
        return names


NOT_JUDGED = (
    "not judged by the reference-generated run (its verdict: accepted, or "
    "refused in the reference's error format, never a 5xx)"
)


class ReferenceRun(PropertyRun):
    def check(self, exchange: Any) -> list[Any]:
        """Every finding is kept for the report; only the reference's verdict may block (see VERDICT)."""
        return [
            failure.expected(NOT_JUDGED)
            if failure.check not in VERDICT and not failure.expected_reason
            else failure
            for failure in super().check(exchange)
        ]


@pytest.fixture(scope="session")
def reference_property_run(request: pytest.FixtureRequest, property_run: Any, contract_run: Any) -> Any:
    """A run over the reference's operations, sharing the app's sender, models and options."""
    from harness.contract.reference import load_reference

    reference = load_reference(contract_run.options.reference) if contract_run.options.reference else None
    if reference is None:
        pytest.skip("--reference=none: no reference to generate requests from")
    generator = ReferenceGenerator.from_document(
        reference_document(reference, contract_run.spec), models=property_run.generator.models
    )
    return ReferenceRun(
        settings=property_run.settings,
        generator=generator,
        sender=property_run.sender,
        spec=contract_run.spec,
        deviations=contract_run.deviations,
        options=contract_run.options,
        synthetic=property_run.synthetic,
        command=property_run.command,
        synthetic_hint=property_run.synthetic_hint,
    )


@pytest.fixture
def reference_generated(
    request: pytest.FixtureRequest, reference_property_run: Any, contract_run: Any
) -> Any:
    """Requests generated from the reference for the current test (``operations()``, ``positive(key)``)."""
    from .verdict import Generated

    return Generated(reference_property_run, None, contract_run, request.node.nodeid)
