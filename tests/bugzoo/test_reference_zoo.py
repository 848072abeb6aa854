"""The reference oracle is what catches the ``reference_breaks`` bugs: with the reference off, the app
matches its own (wrong) spec and no check reports an error."""

from __future__ import annotations

import dataclasses

import pytest

from harness.core.failure import Severity

from .apps import reference_breaks as app
from .zoo import run

OFF = dataclasses.replace(app.OPTIONS, reference=None)


@pytest.mark.parametrize("bug", sorted(app.BUGS))
def test_only_the_reference_catches_it(bug):
    failures = run(app.make_app(bug), app.spec(), app.exercise, OFF)
    errors = [f for f in failures if f.severity is Severity.ERROR]
    assert errors == [], "\n\n".join(f.render() for f in errors)


@pytest.mark.parametrize("bug", sorted(app.BUGS))
def test_the_finding_names_its_oracle_and_the_reference_schema(bug):
    failures = run(app.make_app(bug), app.spec(), app.exercise, app.OPTIONS)
    hit = next(f for f in failures if f.check == app.BUGS[bug].check)
    assert hit.title.startswith("differs from OpenAI's API: "), hit.render()
    where = next(e.text for e in hit.evidence if e.label == "reference schema location")
    assert where.startswith("#/") and "OpenAI's API (openai.json)" in where, where


def test_own_spec_findings_say_so_when_the_reference_is_on():
    spec = dict(app.OWN_SPEC)
    failures = run(app.make_app("null_created_at"), app.spec(), app.exercise, app.OPTIONS)
    assert not [f for f in failures if f.check == "response_schema"]  # its own spec allows the null
    strict = app.spec().__class__.from_dict(
        {
            **spec,
            "components": {
                "schemas": {
                    **spec["components"]["schemas"],
                    "Conversation": {"type": "object", "properties": {"created_at": {"type": "integer"}}},
                }
            },
        }
    )
    failures = run(app.make_app("null_created_at"), strict, app.exercise, app.OPTIONS)
    own = next(f for f in failures if f.check == "response_schema")
    assert own.title.startswith("differs from its own spec: "), own.render()
