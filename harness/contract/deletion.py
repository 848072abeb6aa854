"""The delete-semantics scenario: after ``DELETE /collection/{id}``, the deletion object says
``deleted: true`` with the same id, GET answers 404 (configurable), the sub-resources the spec has
below the item are gone, the list (every page of it) no longer holds the id, and a second DELETE
answers 404.

The requests are planned without I/O (a generator that yields what to send and receives what came
back), so :func:`verify_deletion` (``httpx.Client``) and :func:`averify_deletion`
(``httpx.AsyncClient``) share one plan. Each rule is a registered ``scenario`` check.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from harness.core.errors import UsageError
from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, CheckSkipped
from harness.core.registry import checks

from .context import CheckContext, exchange_from_httpx
from .deviations import Deviations
from .options import CheckOptions
from .session import CheckSession
from .spec import ApiSpec, Operation


@dataclass(frozen=True)
class Planned:
    purpose: str  # "delete", "get", "subresource", "list page 2", "delete again"
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    purpose: str
    exchange: Exchange

    @property
    def status(self) -> int:
        return self.exchange.response.status

    def json(self) -> Any:
        try:
            return json.loads(self.exchange.response.body)
        except ValueError:
            return None


@dataclass
class DeletionScenario:
    """What the scenario sent and got back; the subject of the ``scenario`` checks."""

    collection_path: str
    item_id: str
    item_path: str
    delete_op: Operation
    get_op: Operation | None
    list_op: Operation | None
    sub_ops: list[Operation]
    id_fields: tuple[str, ...]
    delete: Step | None = None
    get: Step | None = None
    subresources: list[Step] = field(default_factory=list)
    list_pages: list[Step] = field(default_factory=list)
    list_incomplete: str | None = None  # why the list could not be read to its end
    second_delete: Step | None = None


def _scenario(spec: ApiSpec, collection_path: str, item_id: str) -> tuple[DeletionScenario, dict[str, str]]:
    if not isinstance(item_id, str) or not item_id:
        raise UsageError(
            "verify_deletion needs the id of the deleted resource",
            value=item_id,
            allowed="a non-empty string",
            fix="pass item_id=<the id the create call returned>",
        )
    item_path = collection_path.rstrip("/") + "/" + quote(item_id, safe="")
    found = spec.match("DELETE", item_path)
    if found is None:
        from .families import resource_families

        known = ", ".join(f.collection for f in resource_families(spec)) or "none"
        raise UsageError(
            f"no DELETE operation in {spec.source} matches {item_path}",
            value=collection_path,
            allowed=f"a concrete collection path of a family with DELETE: {known}",
            fix="pass the collection path with its parameters filled in, e.g. /v1/conversations/conv_1/items",
        )
    delete_op, params = found
    get = spec.match("GET", item_path)
    get_op = get[0] if get and get[0].path == delete_op.path else None
    listed = spec.match("GET", collection_path)
    id_param = delete_op.template.segments[-1].params[0] if delete_op.template.segments[-1].params else "id"
    item_params = set(delete_op.template.params)
    subs = [o for o in spec.operations_under(delete_op, "GET") if set(o.template.params) <= item_params]
    scenario = DeletionScenario(
        collection_path=collection_path,
        item_id=item_id,
        item_path=item_path,
        delete_op=delete_op,
        get_op=get_op,
        list_op=listed[0] if listed else None,
        sub_ops=subs,
        id_fields=tuple(dict.fromkeys(("id", id_param))),
    )
    return scenario, params


def _plan(
    scenario: DeletionScenario, params: dict[str, str], have_delete: bool, options: CheckOptions
) -> Generator[Planned, Any, None]:
    if not have_delete:
        yield Planned("delete", "DELETE", scenario.item_path)
    if scenario.get_op is not None:
        yield Planned("get", "GET", scenario.item_path)
    for op in scenario.sub_ops:
        yield Planned(f"sub-resource {op.path}", "GET", op.template.fill(**params))
    if scenario.list_op is not None:
        query: dict[str, str] = {}
        for page in range(1, options.max_list_pages + 1):
            step = yield Planned(f"list page {page}", "GET", scenario.collection_path, dict(query))
            body = step.json()
            if not (isinstance(body, dict) and body.get("has_more") is True):
                break
            after = body.get("last_id") or _last_id(body, scenario.id_fields)
            if scenario.list_op.query_parameter("after") is None or not after:
                scenario.list_incomplete = (
                    f"page {page} says has_more, but the list has no 'after' parameter or gives no last id"
                )
                break
            query = {"after": str(after)}
        else:
            scenario.list_incomplete = (
                f"stopped after {options.max_list_pages} pages (CheckOptions.max_list_pages)"
            )
    yield Planned("delete again", "DELETE", scenario.item_path)


def _last_id(body: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    data = body.get("data")
    if isinstance(data, list) and data and isinstance(data[-1], dict):
        return next((data[-1][f] for f in fields if isinstance(data[-1].get(f), str)), None)
    return None


def _record(scenario: DeletionScenario, step: Step) -> None:
    if step.purpose == "delete":
        scenario.delete = step
    elif step.purpose == "get":
        scenario.get = step
    elif step.purpose.startswith("sub-resource"):
        scenario.subresources.append(step)
    elif step.purpose.startswith("list page"):
        scenario.list_pages.append(step)
    else:
        scenario.second_delete = step


def _finish(
    spec: ApiSpec, scenario: DeletionScenario, options: CheckOptions, session: CheckSession | None
) -> list[CheckFailure]:
    from .kinds import scenario_check  # which names DeletionScenario in its types

    ctx = CheckContext(spec, options, session if session is not None else CheckSession())

    def skipped(name: str, why: CheckSkipped) -> None:
        if str(why):
            ctx.session.skip(name, str(why))

    return checks.run(
        scenario_check, scenario, ctx.for_check, states=ctx.session.states, skip=options.skip, on_skip=skipped
    )


def _prepare(
    spec: ApiSpec,
    collection_path: str,
    item_id: str,
    delete_response: Any,
    options: CheckOptions | None,
) -> tuple[CheckOptions, DeletionScenario, Generator[Planned, Any, None]]:
    options = options or CheckOptions()
    scenario, params = _scenario(spec, collection_path, item_id)
    if delete_response is not None:
        scenario.delete = Step(
            "delete", exchange_from_httpx(delete_response, operation=scenario.delete_op.key)
        )
    return options, scenario, _plan(scenario, params, delete_response is not None, options)


def verify_deletion(
    client: Any,
    spec: ApiSpec,
    *,
    collection_path: str,
    item_id: str,
    delete_response: Any = None,
    options: CheckOptions | None = None,
    session: CheckSession | None = None,
    deviations: Deviations | None = None,
) -> list[CheckFailure]:
    """Delete (unless ``delete_response`` is given) and check what the app says afterwards.

    ``client`` is an ``httpx.Client`` (or anything with its ``request(method, url, params=)``) whose
    base URL is the app; ``collection_path`` is concrete (``/v1/conversations/conv_1/items``).
    Returns the scenario checks' failures (deviations applied when given)."""
    options, scenario, plan = _prepare(spec, collection_path, item_id, delete_response, options)
    sent = None
    try:
        while True:
            planned = plan.send(sent)
            response = client.request(planned.method, planned.path, params=planned.params or None)
            response.read()
            sent = Step(planned.purpose, exchange_from_httpx(response, operation=_op_key(spec, planned)))
            _record(scenario, sent)
    except StopIteration:
        pass
    failures = _finish(spec, scenario, options, session)
    return deviations.apply(failures, options.target) if deviations is not None else failures


async def averify_deletion(
    client: Any,
    spec: ApiSpec,
    *,
    collection_path: str,
    item_id: str,
    delete_response: Any = None,
    options: CheckOptions | None = None,
    session: CheckSession | None = None,
    deviations: Deviations | None = None,
) -> list[CheckFailure]:
    """:func:`verify_deletion` for an ``httpx.AsyncClient`` (e.g. over ``httpx.ASGITransport``)."""
    options, scenario, plan = _prepare(spec, collection_path, item_id, delete_response, options)
    sent = None
    try:
        while True:
            planned = plan.send(sent)
            response = await client.request(planned.method, planned.path, params=planned.params or None)
            await response.aread()
            sent = Step(planned.purpose, exchange_from_httpx(response, operation=_op_key(spec, planned)))
            _record(scenario, sent)
    except StopIteration:
        pass
    failures = _finish(spec, scenario, options, session)
    return deviations.apply(failures, options.target) if deviations is not None else failures


def _op_key(spec: ApiSpec, planned: Planned) -> str | None:
    op = spec.find_operation(planned.method, planned.path)
    return op.key if op else None
