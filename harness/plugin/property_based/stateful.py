"""The stateful run: for each resource family of the spec (``resource_families``), a hypothesis state
machine that creates resources from generated bodies, fetches and lists them, and deletes them — the
contract layer's ``verify_deletion`` then checks GET after delete, the sub-resources, the list and a
second DELETE. Every exchange also gets the response checks.

A family below another (``/v1/conversations/{conversation_id}/items``) gets one parent, made once per
session from the first generated create body that succeeds; so does a family a create body refers to
by id (``POST /v1/vector_stores/{id}/files`` names a ``file_id``: it gets a file).

A create whose body asks not to keep what it makes (OpenAI's ``"store": false``, on an operation whose
body declares ``store``) creates nothing to fetch, list or delete: the app is right to answer 404 later."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.contract import ResourceFamily, resource_families, verify_deletion
from harness.contract.context import CheckContext, StreamView
from harness.contract.runner import run_checks
from harness.core.exchange import Exchange

from .checks import Lifecycle, lifecycle_check
from .constants import without_local_constants
from .outcome import Outcome, blocking
from .runner import PropertyRun, raise_finding

STEPS = 6  # rules per generated sequence
PROVISION_TRIES = 25
LIST_PAGES = 50


@dataclass
class Provisioned:
    ids: dict[str, str] = field(default_factory=dict)  # family item template → an id made for others to use
    failed: dict[str, str] = field(default_factory=dict)  # family item template → why none could be made


class Families:
    """The stateful runs of one session (fixture ``property_families``)."""

    def __init__(self, run: PropertyRun) -> None:
        self.run = run
        self.families = resource_families(run.spec)
        self.provisioned = Provisioned()

    def selected(self) -> list[ResourceFamily]:
        """Families whose create operation the options select (every family has one name per create)."""
        return [f for f in self.families if f.create is None or self.run.settings.selects(f.create.key)]

    def run_family(self, family: ResourceFamily, nodeid: str) -> Outcome:
        outcome = Outcome(f"stateful {family.name}")
        self.run.outcomes.append(outcome)
        skip = self._skip_reason(family)
        if skip:
            outcome.skipped = skip
            return outcome
        try:
            fixed = self._fixed_ids(family, outcome)
        except LookupError as missing:
            outcome.skipped = str(missing)
            return outcome
        machine = FamilyMachine.for_family(self, family, fixed, outcome)
        test = self._as_test(machine)
        self.run.conclude(
            test, outcome, command=self.run.command(nodeid), operation=family.operation("create").key
        )
        if not outcome.failed and not outcome.created:
            statuses = ", ".join(f"{s}×{n}" for s, n in sorted(outcome.statuses.items()))
            outcome.skipped = (
                f"the chain was never exercised: no generated {family.operation('create').key} succeeded "
                f"({outcome.sent} requests, statuses {statuses}){_first_refusal(outcome)}"
            )
        return outcome

    def _as_test(self, machine: type) -> Any:
        from hypothesis.stateful import run_state_machine_as_test

        machine = self.run.decorate(machine)
        settings = self.run.hypothesis_settings(stateful_step_count=STEPS)
        return lambda: run_state_machine_as_test(machine, settings=settings)

    def _skip_reason(self, family: ResourceFamily) -> str | None:
        if family.create is None:
            return (
                f"{family.name}: the spec has no POST {family.collection}, so nothing can be created to chain"
            )
        return self.run.model_skip(self.run.generator.operation(family.operation("create").key))

    # -- parents and referenced resources -------------------------------------------------------------

    def _fixed_ids(self, family: ResourceFamily, outcome: Outcome) -> dict[str, str]:
        """Path parameters of the collection, and body fields naming another family's id → ids to use."""
        fixed: dict[str, str] = {}
        for param in family.parent_params:
            fixed[param] = self._provision(self._owner(param, family), outcome)
        referenced = self.run.generator.body_properties(
            self.run.generator.operation(family.operation("create").key)
        )
        for other in self.families:
            if other.id_param in referenced and other.id_param not in fixed and other is not family:
                fixed[other.id_param] = self._provision(other, outcome)
        return fixed

    def _owner(self, param: str, family: ResourceFamily) -> ResourceFamily:
        for other in self.families:
            if other.id_param == param and family.collection.startswith(other.item):
                return other
        raise LookupError(f"{family.name}: no family of the spec owns the path parameter {{{param}}}")

    def _provision(self, family: ResourceFamily, outcome: Outcome) -> str:
        known = self.provisioned.ids.get(family.item)
        if known:
            return known
        if family.item in self.provisioned.failed:
            raise LookupError(self.provisioned.failed[family.item])
        if family.create is None or self.run.model_skip(
            self.run.generator.operation(family.operation("create").key)
        ):
            why = (
                f"no {family.name} can be created here (no create operation, or it needs the synthetic model)"
            )
            self.provisioned.failed[family.item] = why
            raise LookupError(why)
        fixed = self._fixed_ids(family, outcome)
        made: list[str] = []
        statuses: list[int] = []

        def created(case: Any) -> bool:
            exchange = self.send_create(family, case, fixed, refused)
            statuses.append(exchange.response.status)
            made.extend(self.made(family, exchange))
            return bool(made)

        from hypothesis import find
        from hypothesis.errors import NoSuchExample

        refused = Outcome(f"provision {family.name}")
        strategy = self.run.generator.strategy(
            self.run.generator.operation(family.operation("create").key), "positive"
        )
        try:
            with without_local_constants():
                find(
                    strategy,
                    created,
                    settings=self.run.hypothesis_settings(
                        max_examples=PROVISION_TRIES, phases=_generate_only(), derandomize=True
                    ),
                )
        except NoSuchExample:
            pass
        if not made:
            counted = ", ".join(f"{s}×{statuses.count(s)}" for s in sorted(set(statuses)))
            why = (
                f"could not create a {family.name} to build on: none of {len(statuses)} generated "
                f"{family.operation('create').key} requests succeeded (statuses {counted}){_first_refusal(refused)}"
            )
            self.provisioned.failed[family.item] = why
            raise LookupError(why)
        outcome.notes.append(f"provisioned {family.name} {made[0]!r} (used as a parent or a reference)")
        self.provisioned.ids[family.item] = made[0]
        return made[0]

    # -- requests --------------------------------------------------------------------------------------

    def made(self, family: ResourceFamily, exchange: Exchange) -> list[str]:
        """The ids a create made that the app should keep (none when the request said ``store: false``)."""
        declares_store = "store" in self.run.generator.body_properties(
            self.run.generator.operation(family.operation("create").key)
        )
        return created_ids(family, exchange, store_flag=declares_store)

    def send_create(
        self, family: ResourceFamily, case: Any, fixed: dict[str, str], outcome: Outcome
    ) -> Exchange:
        """Send a generated create (parents and references filled in), checked and recorded."""
        params = {p: fixed[p] for p in family.parent_params}
        if params:
            case.path_parameters = {**case.path_parameters, **params}
        references = {k: v for k, v in fixed.items() if k not in params}
        if references and isinstance(case.body, dict):
            case.body = {**case.body, **references}
        exchange = self.run.sender.send(case, family.operation("create").key).exchange
        self.checked(exchange, outcome)
        return exchange

    def checked(self, exchange: Exchange, outcome: Outcome) -> list[Any]:
        """Check one exchange and record it; returns its blocking findings.

        The state machine does not raise these: a finding about one request is the per-operation runs'
        to shrink (and it still fails the family's subtest, unshrunk). Hypothesis shrinks step sequences
        only for what needs a sequence: the lifecycle and delete-semantics findings."""
        failures = self.run.check(exchange)
        outcome.record(exchange, failures)
        return blocking(failures)

    def get(
        self,
        path: str,
        operation: str | None,
        outcome: Outcome,
        found: list[Any],
        params: dict[str, str] | None = None,
    ) -> Exchange:
        exchange = self.run.sender.send_raw("GET", path, {}, b"", operation, params=params)
        found += self.checked(exchange, outcome)
        return exchange


def _first_refusal(outcome: Outcome) -> str:
    """The first failed create's answer: why the app refused, in its own words."""
    for exchange in outcome.refusals[:1]:
        return f"; first answer: {exchange.response.status} {exchange.response.body[:200].decode('utf-8', 'replace')}"
    return ""


def _generate_only() -> tuple[Any, ...]:
    from hypothesis import Phase

    return (Phase.generate,)


def created_ids(family: ResourceFamily, exchange: Exchange, *, store_flag: bool = False) -> list[str]:
    """The ids a successful create answered with: the object's id, the items of a list, or the
    ``response`` of a Responses stream. With ``store_flag`` (the create's body declares ``store``), a
    request that said ``"store": false`` kept nothing: no ids."""
    response = exchange.response
    if not 200 <= response.status < 300:
        return []
    if store_flag and _asked_not_to_store(exchange):
        return []
    fields = tuple(dict.fromkeys((family.id_param, "id")))
    if response.content_type == "text/event-stream":
        found = [
            p.value["response"].get("id")
            for p in StreamView.from_body(response.body).payloads
            if isinstance(p.value, dict) and isinstance(p.value.get("response"), dict)
        ]
        return [i for i in found[-1:] if isinstance(i, str)]
    try:
        body = json.loads(response.body)
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    own = next((body[f] for f in fields if isinstance(body.get(f), str)), None)
    if own is not None:
        return [own]
    items: list[Any] = body["data"] if isinstance(body.get("data"), list) else []
    return [
        i
        for i in (
            next(
                (item.get(f) for f in fields if isinstance(item, dict) and isinstance(item.get(f), str)), None
            )
            for item in items
        )
        if i
    ]


def _asked_not_to_store(exchange: Exchange) -> bool:
    try:
        body = json.loads(exchange.request.body or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("store") is False


@dataclass(frozen=True)
class Handle:
    """What one create made (no ids when it failed)."""

    ids: tuple[str, ...]

    def live(self, alive: set[str]) -> list[str]:
        return [i for i in self.ids if i in alive]


class FamilyMachine:
    """Builds the RuleBasedStateMachine class of one family (hypothesis needs a class per machine)."""

    @staticmethod
    def for_family(
        families: Families, family: ResourceFamily, fixed: dict[str, str], outcome: Outcome
    ) -> type:
        from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, rule

        run = families.run
        create_strategy = run.generator.strategy(
            run.generator.operation(family.operation("create").key), "positive"
        )
        parents = {p: fixed[p] for p in family.parent_params}
        collection = family.collection_path(**parents)

        class Machine(RuleBasedStateMachine):
            # A handle per create, whatever the app answered: the sequence of rules hypothesis explores must
            # not depend on the app's answers, or replaying it (to shrink) would take other branches.
            created = Bundle("created")

            def __init__(self) -> None:
                super().__init__()
                self.alive: set[str] = set()

            @rule(target=created, case=create_strategy)
            def create(self, case: Any) -> Handle:
                exchange = families.send_create(family, case, fixed, outcome)
                new = [i for i in families.made(family, exchange) if i not in self.alive]
                self.alive.update(new)
                outcome.created += len(new)
                for item_id in new:
                    self._follow(
                        Lifecycle(
                            family.name, item_id, tuple(dict.fromkeys(("id", family.id_param))), exchange
                        )
                    )
                return Handle(tuple(new))

            def _follow(self, life: Lifecycle) -> None:
                found: list[Any] = []
                if family.get is not None:
                    life.fetched = families.get(
                        family.item_path(life.item_id, **parents), family.operation("get").key, outcome, found
                    )
                if family.list is not None:
                    self._pages(life, found)
                ctx = CheckContext(run.spec, run.options, run.session, life.created, family.create)
                failures = run.apply(run_checks(ctx, lifecycle_check, life))
                outcome.note(failures, life.fetched)
                if blocking(failures):
                    raise_finding(blocking(failures), life.fetched or life.created)

            def _pages(self, life: Lifecycle, found: list[Any]) -> None:
                query: dict[str, str] = {}
                if family.operation("list").query_parameter("limit") is not None:
                    query["limit"] = "100"
                for _ in range(LIST_PAGES):
                    page = families.get(
                        collection, family.operation("list").key, outcome, found, params=dict(query)
                    )
                    life.pages.append(page)
                    body = _json(page)
                    if not (isinstance(body, dict) and body.get("has_more") is True):
                        return
                    last = body.get("last_id") or _last(body, life.id_fields)
                    if family.operation("list").query_parameter("after") is None or not last:
                        life.list_incomplete = "the list says has_more but gives no way to the next page"
                        return
                    query["after"] = str(last)
                life.list_incomplete = f"stopped after {LIST_PAGES} pages"

            @rule(handle=created)
            def fetch_again(self, handle: Handle) -> None:
                for item_id in handle.live(self.alive)[:1]:
                    families.get(
                        family.item_path(item_id, **parents), family.operation("get").key, outcome, []
                    )

            @rule(handle=consumes(created))
            def delete(self, handle: Handle) -> None:
                for item_id in handle.live(self.alive):
                    self.alive.discard(item_id)
                    self._delete(item_id)

            def _delete(self, item_id: str) -> None:
                outcome.deleted += 1
                seen = run.sender.observed()
                failures = verify_deletion(
                    run.sender.client,
                    run.spec,
                    collection_path=collection,
                    item_id=item_id,
                    options=run.options,
                    session=run.session,
                    deviations=run.deviations,
                )
                exchanges = [_attributed(run, e) for e in seen]
                for exchange in exchanges:
                    families.checked(exchange, outcome)
                first = exchanges[0] if exchanges else None
                outcome.note(failures, first)
                if blocking(failures):
                    raise_finding(blocking(failures), first)

            def teardown(self) -> None:
                """Delete what this sequence left, so lists (read to their end by every check) stay short."""
                for item_id in sorted(self.alive):
                    exchange = run.sender.send_raw(
                        "DELETE", family.item_path(item_id, **parents), {}, b"", family.delete.key
                    )
                    families.checked(exchange, outcome)

        Machine.__name__ = Machine.__qualname__ = f"{family.name.title().replace('.', '')}Lifecycle"
        return Machine


def _attributed(run: PropertyRun, exchange: Exchange) -> Exchange:
    import dataclasses
    from urllib.parse import urlsplit

    op = run.spec.find_operation(exchange.request.method, urlsplit(exchange.request.url).path)
    return dataclasses.replace(exchange, operation=op.key) if op else exchange


def _json(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.response.body)
    except ValueError:
        return None


def _last(body: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    data = body.get("data")
    if isinstance(data, list) and data and isinstance(data[-1], dict):
        return next((data[-1][f] for f in fields if isinstance(data[-1].get(f), str)), None)
    return None
