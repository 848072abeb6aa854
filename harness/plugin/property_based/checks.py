"""The checks only generated requests can make, registered in the one registry (so deviations can name
them and reports render them like every other finding):

    negative_data_rejected        (kind "negative")   a request that violates the spec gets a 4xx
    created_resource_retrievable  (kind "lifecycle")  GET of a resource just created answers 200 with its id
    created_resource_listed       (kind "lifecycle")  the collection's list holds a resource just created

Whether a negative case really is invalid once serialised (a mutated type can become valid on the wire,
an extra query parameter may be legitimately ignored) is schemathesis's judgement: the check delegates
to its ``negative_data_rejection`` and reports in our format. What is done after delete is checked by
the contract layer's ``verify_deletion`` (scenario checks)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.contract.context import CheckContext, response_evidence
from harness.core.exchange import Exchange
from harness.core.failure import CheckSkipped, Evidence
from harness.core.registry import Kind, checks

REJECTED = (400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429)  # what schemathesis accepts as a rejection


@dataclass(frozen=True)
class NegativeExample:
    """A request schemathesis generated to violate the spec, as sent, and what came back."""

    exchange: Exchange
    case: Any  # schemathesis Case
    prepared: Any  # requests.PreparedRequest


@dataclass
class Lifecycle:
    """One resource of a family in the stateful run: its create exchange and what the app said after."""

    family: str
    item_id: str
    id_fields: tuple[str, ...]
    created: Exchange
    fetched: Exchange | None = None
    pages: list[Exchange] = field(default_factory=list)
    list_incomplete: str | None = None


negative_check: Kind[CheckContext, NegativeExample] = checks.kind(
    "negative", "a request generated to violate the spec, as sent, and its answer"
)
lifecycle_check: Kind[CheckContext, Lifecycle] = checks.kind(
    "lifecycle", "a resource the stateful run just created, and what the app said after"
)


@negative_check
def negative_data_rejected(ctx: CheckContext, example: NegativeExample) -> None:
    """A request that violates the spec's request schema is rejected with a 4xx (never accepted)."""
    status = example.exchange.response.status
    if status in REJECTED or status >= 500:
        raise CheckSkipped("rejected with a 4xx (or a 5xx, which not_a_server_error reports)")
    unobservable = _unobservable_on_the_wire(example.case)
    if unobservable:
        raise CheckSkipped(unobservable)
    from schemathesis.core.failures import FailureGroup
    from schemathesis.core.transport import Response
    from schemathesis.specs.openapi.checks import negative_data_rejection

    response = example.exchange.response
    wrapped = Response(
        status,
        {k.lower(): [v] for k, v in response.headers.items()},
        response.body,
        request=example.prepared,
        elapsed=0.0,
        verify=True,
    )
    try:
        example.case.validate_response(wrapped, checks=[negative_data_rejection])
    except FailureGroup as group:
        why = "\n".join(
            line for f in group.exceptions for line in str(getattr(f, "message", f)).splitlines()[1:]
        )
        raise ctx.failure(
            f"a request that violates the spec was accepted with {status} (expected a 4xx rejection)",
            Evidence("what makes the request invalid (schemathesis)", why or "(no description)"),
        ) from None


def _unobservable_on_the_wire(case: Any) -> str | None:
    """Why a generated violation cannot reach the app, if it cannot: in a multipart/form-data body every
    part is text, so a string field mutated to another type (``false``, ``12``) arrives as a valid string
    (schemathesis counts it as invalid; the app cannot tell)."""
    if not str(getattr(case, "media_type", "") or "").startswith("multipart/form-data"):
        return None
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    mutations = tuple(getattr(data, "mutations", ()) or ())
    if mutations and all(
        m.keywords == ("type",) and _types(m.original_value) == {"string"} for m in mutations
    ):
        fields = ", ".join(m.schema_pointer or "?" for m in mutations)
        return f"a multipart part is text on the wire: the type change at {fields} reaches the app as a valid string"
    return None


def _types(value: Any) -> set[str]:
    return set(value) if isinstance(value, list) else {str(value)}


def _id_of(body: Any, fields: tuple[str, ...]) -> str | None:
    if isinstance(body, dict):
        return next((body[f] for f in fields if isinstance(body.get(f), str)), None)
    return None


def _json(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.response.body)
    except ValueError:
        return None


@lifecycle_check
def created_resource_retrievable(ctx: CheckContext, life: Lifecycle) -> None:
    """A resource the app just created can be fetched: GET answers 200 with the same id."""
    fetched = life.fetched
    if fetched is None:
        raise CheckSkipped("the family has no GET of one item")
    got = _id_of(_json(fetched), life.id_fields) if fetched.response.status == 200 else None
    if fetched.response.status == 200 and got == life.item_id:
        return
    what = f"answered {fetched.response.status}" if fetched.response.status != 200 else f"returned id {got!r}"
    raise ctx.failure(
        f"{life.family} {life.item_id!r} was created, but GET {what}",
        Evidence("create", _exchange_text(life.created)),
        Evidence("get", _exchange_text(fetched)),
        with_response=False,
        requests=(life.created.request, fetched.request),
    )


@lifecycle_check
def created_resource_listed(ctx: CheckContext, life: Lifecycle) -> None:
    """A resource the app just created appears in its collection's list (every page is read)."""
    if not life.pages:
        raise CheckSkipped("the family has no list")
    if life.list_incomplete:
        ctx.skip(life.list_incomplete)
        raise CheckSkipped(life.list_incomplete)
    if any(p.response.status != 200 for p in life.pages):
        raise CheckSkipped("a list page failed (the response checks report it)")
    for page in life.pages:
        data = (_json(page) or {}).get("data") if isinstance(_json(page), dict) else None
        if isinstance(data, list) and any(_id_of(item, life.id_fields) == life.item_id for item in data):
            return
    raise ctx.failure(
        f"{life.family} {life.item_id!r} was created, but the list ({len(life.pages)} page(s)) does not hold it",
        Evidence("create", _exchange_text(life.created)),
        Evidence("last list page", _exchange_text(life.pages[-1])),
        with_response=False,
        requests=(life.created.request, life.pages[0].request),
    )


def _exchange_text(exchange: Exchange) -> str:
    request = exchange.request
    return f"{request.method} {request.url}\n{response_evidence(exchange.response, 600).text}"
