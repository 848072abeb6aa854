"""Delete semantics, judged on a :class:`~harness.contract.deletion.DeletionScenario`."""

from __future__ import annotations

from harness.core.exchange import Request
from harness.core.failure import CheckFailure, CheckSkipped, Evidence

from ..context import CheckContext, request_evidence, response_evidence
from ..deletion import DeletionScenario, Step
from ..kinds import scenario_check
from ._schema import is_json


def _evidence(*steps: Step | None) -> list[Evidence]:
    out = []
    for step in steps:
        if step is None:
            continue
        request = request_evidence(step.exchange.request)
        response = response_evidence(step.exchange.response, 400)
        out.append(Evidence(f"{step.purpose}", f"{request.text}\n→ {response.text}"))
    return out


def _requests(*steps: Step | None) -> tuple[Request, ...]:
    return tuple(s.exchange.request for s in steps if s is not None)


@scenario_check
def delete_returns_deletion_object(ctx: CheckContext, scenario: DeletionScenario) -> None:
    """DELETE answers 2xx with the declared deletion object: ``deleted: true`` and the same id."""
    step = scenario.delete
    op = scenario.delete_op
    if step is None:
        raise CheckSkipped("")

    def fail(title: str) -> CheckFailure:
        return ctx.failure(
            title, *_evidence(step), requests=_requests(step), operation=op.key, status=step.status
        )

    if not 200 <= step.status < 300:
        raise fail(f"DELETE {scenario.item_path} answered {step.status}, not a success")
    declared = op.response_for(step.status)
    if step.status == 204 or not step.exchange.response.body:
        if declared is not None and any(is_json(m) for m in declared.content):
            raise fail(f"DELETE answered {step.status} with no body, but the spec declares a deletion object")
        return
    body = step.json()
    if not isinstance(body, dict):
        raise fail("the DELETE body is not a JSON object (a deletion object was expected)")
    media = (
        declared.media(step.exchange.response.content_type) if declared and not declared.dangling else None
    )
    if media is not None and media.schema and not media.dangling:
        errors = ctx.spec.validate(media.schema, body)
        if errors:
            raise fail(f"the deletion object does not match {media.schema_name}: {errors[0].render()}")
        if not _declares_deleted_flag(ctx, media.schema):
            return  # the spec declares another answer (e.g. OpenAI's item delete returns the parent conversation)
    if body.get("deleted") is not True:
        raise fail(f"the deletion object says deleted={body.get('deleted', '(missing)')!r}, not true")
    ids = {f: body[f] for f in scenario.id_fields if f in body}
    if not ids:
        raise fail(f"the deletion object names no id (looked for {', '.join(scenario.id_fields)})")
    wrong = {f: v for f, v in ids.items() if v != scenario.item_id}
    if wrong:
        field, value = next(iter(wrong.items()))
        raise fail(f"the deletion object has {field}={value!r}, but {scenario.item_id!r} was deleted")


def _declares_deleted_flag(ctx: CheckContext, pointer: str) -> bool:
    """Whether the declared schema (an object, or a union of objects) has a ``deleted`` property."""
    schema, _, _ = ctx.spec.resolver.deref(
        ctx.spec.resolver.lookup(pointer) if pointer.startswith("#") else None
    )
    if not isinstance(schema, dict):
        return True  # cannot tell: keep the deletion-object expectations
    branches = [
        schema,
        *(schema.get("oneOf") or []),
        *(schema.get("anyOf") or []),
        *(schema.get("allOf") or []),
    ]
    for branch in branches:
        resolved, _, _ = ctx.spec.resolver.deref(branch)
        if isinstance(resolved, dict) and "deleted" in (resolved.get("properties") or {}):
            return True
    return False


def _expect_gone(ctx: CheckContext, scenario: DeletionScenario, step: Step, what: str) -> None:
    wanted = ctx.options.deleted_status
    if step.status != wanted:
        raise ctx.failure(
            f"{what} after DELETE answered {step.status} (expected {wanted})",
            *_evidence(scenario.delete, step),
            requests=_requests(scenario.delete, step),
            operation=step.exchange.operation,
            status=step.status,
        )


@scenario_check
def get_after_delete(ctx: CheckContext, scenario: DeletionScenario) -> None:
    """GET of the deleted resource answers the deleted status (404 by default)."""
    if scenario.get is None:
        raise CheckSkipped("the spec has no GET for this resource")
    _expect_gone(ctx, scenario, scenario.get, f"GET {scenario.item_path}")


@scenario_check
def subresources_after_delete(ctx: CheckContext, scenario: DeletionScenario) -> None:
    """Sub-resources below the deleted resource (e.g. a response's input_items) are gone too."""
    if not scenario.subresources:
        raise CheckSkipped("the spec has no sub-resources below this resource")
    wanted = ctx.options.deleted_status
    alive = [s for s in scenario.subresources if s.status != wanted]
    if alive:
        listed = ", ".join(f"{s.exchange.request.url} → {s.status}" for s in alive)
        raise ctx.failure(
            f"{len(alive)} sub-resource(s) still answer after DELETE (expected {wanted}): {listed}",
            *_evidence(scenario.delete, *alive),
            requests=_requests(scenario.delete, *alive),
            operation=alive[0].exchange.operation,
            status=alive[0].status,
        )


@scenario_check
def list_after_delete(ctx: CheckContext, scenario: DeletionScenario) -> None:
    """The collection's list (all pages) no longer contains the deleted id."""
    if not scenario.list_pages:
        raise CheckSkipped("the spec has no list for this collection")
    for page in scenario.list_pages:
        body = page.json()
        data = body.get("data") if isinstance(body, dict) else body
        if not isinstance(data, list):
            continue
        for entry in data:
            if isinstance(entry, dict) and any(entry.get(f) == scenario.item_id for f in scenario.id_fields):
                raise ctx.failure(
                    f"{page.purpose} of GET {scenario.collection_path} still lists {scenario.item_id!r} after DELETE",
                    *_evidence(scenario.delete, page),
                    requests=_requests(scenario.delete, page),
                    operation=page.exchange.operation,
                    status=page.status,
                )
    if scenario.list_incomplete:
        raise CheckSkipped(f"not every page could be read: {scenario.list_incomplete}")


@scenario_check
def delete_twice(ctx: CheckContext, scenario: DeletionScenario) -> None:
    """A second DELETE of the same resource answers the deleted status (404 by default)."""
    if scenario.second_delete is None:
        raise CheckSkipped("")
    _expect_gone(ctx, scenario, scenario.second_delete, f"a second DELETE {scenario.item_path}")
