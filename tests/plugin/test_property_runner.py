"""The generated run against the bug zoo's small in-process apps (tests/bugzoo): each seeded contract bug is
found by the run that should find it, shrunk to a minimal example whose printed blob replays exactly that
example, and the clean builds give no unexpected finding (no noise from the machinery itself)."""

from __future__ import annotations

import json
import shlex
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.contract import ApiSpec, CheckOptions, resource_families
from harness.core.exchange import Exchange, Request, Response
from harness.plugin.property_based.document import generation_document
from harness.plugin.property_based.generation import Generator, ModelCatalogue
from harness.plugin.property_based.outcome import kind_of
from harness.plugin.property_based.runner import PropertyRun
from harness.plugin.property_based.sending import Sender
from harness.plugin.property_based.settings import PropertySettings
from harness.plugin.property_based.stateful import Families, created_ids
from harness.targets.asgi_bridge import InProcessApp
from harness.targets.base import RunningStack
from tests.bugzoo.apps import conversations, things

LIVE_SPEC = Path(__file__).resolve().parents[1] / "data" / "specs" / "ogx-1.5.0-live-openapi.json"


@contextmanager
def property_run(app_module, bug=None, *, examples=25, operations=("*",), reproduce=None, deviations=None):
    app = InProcessApp(app_module.make_app(bug))
    app.start()
    sender = Sender(RunningStack(base_url="http://zoo.test", mode="library", profile="zoo", asgi_app=app))
    try:
        document = sender.client.get("/openapi.json").json()
        yield PropertyRun(
            settings=PropertySettings(examples, 0, True, tuple(operations), reproduce),
            generator=Generator.from_document(document),
            sender=sender,
            spec=ApiSpec.from_dict(document),
            deviations=deviations,
            options=CheckOptions(),
            synthetic=True,
            command=lambda nodeid: f"pytest {shlex.quote(nodeid)} --stack-config=zoo",
        )
    finally:
        sender.close()
        app.stop()


def unexpected(outcome) -> set[str]:
    return {check for (check, _, kind, _), _ in outcome.findings.items() if kind == "unexpected"}


def test_a_server_error_is_found_shrunk_and_replayed_by_its_blob():
    """The seeded app reads a body its spec does not declare: a request without one crashes it."""
    with property_run(things, "server_error_on_bad_body") as run:
        outcome = run.run_operation("POST /v1/things", "positive", "t.py::test_positive")
    assert "not_a_server_error" in unexpected(outcome)
    [minimal] = [m for m in outcome.minimal if any(f.check == "not_a_server_error" for f in m.failures)]
    command = shlex.split(minimal.command.splitlines()[0])
    assert command[:3] == ["pytest", "t.py::test_positive", "--stack-config=zoo"]
    assert "--property-seed=0" in command and "--property-operations=POST /v1/things" in command
    [blob] = [a.split("=", 1)[1] for a in command if a.startswith("--property-reproduce=")]
    request = next(f for f in minimal.failures if f.check == "not_a_server_error").evidence[0].text
    with property_run(
        things, "server_error_on_bad_body", operations=("POST /v1/things",), reproduce=blob
    ) as run:
        replayed = run.run_operation("POST /v1/things", "positive", "t.py::test_positive")
    assert replayed.sent == 1 and replayed.statuses == {500: 1}
    assert (
        next(f for f in replayed.minimal[0].failures if f.check == "not_a_server_error").evidence[0].text
        == request
    )


@pytest.mark.parametrize(
    ("bug", "check", "fragment"),
    [
        ("undocumented_status", "status_code_declared", "status 410 is not declared"),
        ("error_body_wrong_shape", "error_schema", "the 404 error body does not match its schema"),
    ],
)
def test_error_contract_bugs_are_found_by_positive_data(bug, check, fragment):
    with property_run(things, bug) as run:
        outcome = run.run_operation("GET /v1/things/{thing_id}", "positive", "t.py::test_positive")
    assert check in unexpected(outcome)
    assert any(fragment in f.title for m in outcome.minimal for f in m.failures)


@pytest.mark.parametrize(
    ("bug", "check"),
    [("get_after_delete_200", "get_after_delete"), ("deleted_item_still_listed", "list_after_delete")],
)
def test_delete_semantics_bugs_are_found_by_the_stateful_run(bug, check):
    with property_run(conversations, bug, examples=10) as run:
        families = Families(run)
        [family] = [f for f in families.selected() if f.name == "conversations"]
        outcome = families.run_family(family, "t.py::test_lifecycles")
    assert check in unexpected(outcome), outcome.summary()
    assert outcome.created and outcome.deleted
    [minimal] = [m for m in outcome.minimal if any(f.check == check for f in m.failures)]
    assert "state.delete(" in minimal.falsifying  # the steps hypothesis shrank the sequence to
    [blob] = [
        a.split("=", 1)[1] for a in shlex.split(minimal.command) if a.startswith("--property-reproduce=")
    ]
    with property_run(
        conversations, bug, examples=10, operations=("POST /v1/conversations",), reproduce=blob
    ) as run:
        families = Families(run)
        [family] = [f for f in families.selected() if f.name == "conversations"]
        replayed = families.run_family(family, "t.py::test_lifecycles")
    assert check in unexpected(replayed) and replayed.sent < outcome.sent


def test_a_declared_finding_is_expected_and_not_shrunk():
    """Declared in the deviations file, the seeded bug is an expected finding: the run does not fail, and
    hypothesis is not asked to shrink it (only blocking findings are raised), so the run sends exactly the
    requests the clean app gets for the same seed: none spent on shrinking."""
    from harness.contract import Deviations

    declared = Deviations.from_list(
        [
            {
                "check": "get_after_delete",
                "operation": "GET /v1/conversations/{conversation_id}",
                "status": "200",
                "reason": "seeded by the zoo: GET after delete answers 200",
            }
        ]
    )

    def lifecycle(bug, deviations=None):
        with property_run(conversations, bug, examples=10, deviations=deviations) as run:
            families = Families(run)
            [family] = [f for f in families.selected() if f.name == "conversations"]
            return families.run_family(family, "t.py::test_lifecycles")

    expected, clean, undeclared = (
        lifecycle("get_after_delete_200", declared),
        lifecycle(None),
        lifecycle("get_after_delete_200"),
    )
    assert "get_after_delete" in unexpected(undeclared) and undeclared.minimal  # shrunk when undeclared
    assert not expected.failed and not expected.minimal and not expected.notes, expected.summary()
    [(key, tally)] = expected.declared()
    assert key[:3] == ("get_after_delete", "GET /v1/conversations/{conversation_id}", "expected")
    assert (
        tally.failure.expected_reason == "seeded by the zoo: GET after delete answers 200"
        and tally.count == expected.deleted
    )
    assert expected.deleted and expected.sent == clean.sent != undeclared.sent
    assert clean.declared() == []


def test_an_expected_failure_names_each_declared_finding_with_its_reason():
    from harness.core.failure import CheckFailure, Severity
    from harness.plugin.property_based.outcome import Outcome
    from harness.plugin.property_based.report import render_expected

    outcome = Outcome("positive GET /v1/admin/tools")
    exchange = Exchange(Request("GET", "http://x/v1/admin/tools"), Response(500, {}, b"{}"))
    declared = CheckFailure(
        check="not_a_server_error",
        title="server error 500 from GET http://x/v1/admin/tools",
        severity=Severity.ERROR,
        operation="GET /v1/admin/tools",
        status=500,
    ).expected("Every call answers 500. The log shows KeyError: <Api.tool_groups>.")
    warning = CheckFailure(
        check="sse_event_field",
        title="no event: lines",
        severity=Severity.WARNING,
        operation="GET /v1/admin/tools",
    ).expected("declared, but only a warning")
    outcome.record(exchange, [declared, warning])
    outcome.record(exchange, [declared])
    assert [key[0] for key, _ in outcome.declared()] == [
        "not_a_server_error"
    ]  # a declared warning fails nothing
    assert render_expected(outcome) == (
        "positive GET /v1/admin/tools: 1 declared deviation(s), expected failures (2 requests)\n"
        "  not_a_server_error ×2 (5xx, GET /v1/admin/tools): server error 500 from GET http://x/v1/admin/tools\n"
        "    declared: Every call answers 500."
    )


@pytest.mark.parametrize("app_module", [things, conversations], ids=["things", "conversations"])
def test_clean_apps_give_no_unexpected_finding_from_valid_data_and_lifecycles(app_module):
    with property_run(app_module, examples=15) as run:
        outcomes = [run.run_operation(key, "positive", "t.py::test") for key in run.selected()]
        families = Families(run)
        outcomes += [families.run_family(f, "t.py::test") for f in families.selected()]
    noisy = [o.summary() for o in outcomes if o.failed]
    assert noisy == []
    assert sum(o.sent for o in outcomes) >= 20  # requests were really sent and checked


def test_negative_data_finds_the_clean_zoo_apps_unhandled_malformed_body():
    """A real gap in the zoo's 'clean' things app: its handlers answer {"error": …}, but a body that is
    not UTF-8 JSON gets FastAPI's own 400 {"detail": "There was an error parsing the body"}."""
    with property_run(things, examples=15) as run:
        outcome = run.run_operation("POST /v1/things", "negative", "t.py::test_negative")
    assert unexpected(outcome) >= {"error_schema", "error_format_consistent"}
    [minimal] = outcome.minimal
    assert [f.check for f in minimal.failures] == [
        "error_schema"
    ]  # shrunk; the format mix is reported unshrunk
    assert '{"detail":"There was an error parsing the body"}' in minimal.failures[0].evidence[1].text
    assert not outcome.notes  # nothing flaky: the cross-exchange check is not replayed


def test_an_operation_pattern_that_selects_nothing_says_what_exists():
    with property_run(things, operations=("GET /v1/nothing",)) as run, pytest.raises(Exception) as caught:
        run.selected()
    text = caught.value.render()
    assert "selects no operation" in text and "'GET /v1/nothing'" in text and "POST /v1/things" in text


# -- the live OGX spec, without running OGX ---------------------------------------------------------


@pytest.fixture(scope="module")
def live():
    return json.loads(LIVE_SPEC.read_text())


def test_dangling_refs_get_permissive_stand_ins_in_a_copy(live):
    import schemathesis

    before = json.dumps(live, sort_keys=True)
    fixed, stand_ins = generation_document(live)
    assert json.dumps(live, sort_keys=True) == before  # the app's own document is untouched
    assert {s.ref.rsplit("/", 1)[-1] for s in stand_ins} >= {
        "BadRequest400",
        "DefaultError",
        "OpenAIResponseObjectStream",
    }
    from schemathesis.core.result import Err, Ok

    refused = list(schemathesis.openapi.from_dict(live).get_all_operations())
    assert refused and all(isinstance(r, Err) and "Unresolvable reference" in str(r.err()) for r in refused)
    results = list(schemathesis.openapi.from_dict(fixed).get_all_operations())
    assert len(results) == len(ApiSpec.from_dict(live).operations) and all(isinstance(r, Ok) for r in results)


def test_which_operations_call_the_model(live):
    generator = Generator.from_document(live)
    reasons = {key: generator.inference_reason(generator.operation(key)) for key in generator.keys}
    assert "names a model (model)" in reasons["POST /v1/responses"]
    assert "embeds" in reasons["POST /v1/vector_stores/{vector_store_id}/search"]
    assert reasons["GET /v1/models"] is None and reasons["POST /v1/conversations"] is None


def test_positive_bodies_name_the_models_the_stack_serves(live):
    from hypothesis import HealthCheck, given, settings

    listing = {
        "data": [
            {"id": "openai/gpt-4o", "custom_metadata": {"model_type": "llm"}},
            {"id": "openai/text-embedding-3-small", "custom_metadata": {"model_type": "embedding"}},
        ]
    }
    generator = Generator.from_document(live, models=ModelCatalogue.from_listing(listing))
    seen: dict[str, list] = {"POST /v1/chat/completions": [], "POST /v1/embeddings": []}
    for key, models in seen.items():

        @settings(max_examples=30, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        @given(generator.strategy(generator.operation(key), "positive"))
        def draw(case):
            models.append(case.body.get("model"))  # noqa: B023 - draw() runs inside this iteration

        draw()
    assert "openai/gpt-4o" in seen["POST /v1/chat/completions"]
    assert "openai/text-embedding-3-small" not in seen["POST /v1/chat/completions"]
    assert "openai/text-embedding-3-small" in seen["POST /v1/embeddings"]


def test_created_ids_come_from_objects_lists_and_response_streams(live):
    [responses] = [f for f in resource_families(ApiSpec.from_dict(live)) if f.name == "responses"]
    [items] = [f for f in resource_families(ApiSpec.from_dict(live)) if f.name == "conversations.items"]

    def exchange(body: bytes, content_type="application/json", status=200):
        return Exchange(
            Request("POST", "http://x/v1/responses"), Response(status, {"content-type": content_type}, body)
        )

    assert created_ids(responses, exchange(b'{"id": "resp_1", "object": "response"}')) == ["resp_1"]
    assert created_ids(
        items, exchange(b'{"data": [{"id": "msg_1"}, {"id": "msg_2"}], "object": "list"}')
    ) == ["msg_1", "msg_2"]
    stream = (
        b'data: {"type": "response.created", "response": {"id": "resp_2"}}\n\n'
        b'data: {"type": "response.completed", "response": {"id": "resp_2"}}\n\n'
    )
    assert created_ids(responses, exchange(stream, "text/event-stream")) == ["resp_2"]
    assert created_ids(responses, exchange(b'{"id": "resp_3"}', status=400)) == []


def test_a_create_that_asked_not_to_be_stored_made_nothing_to_fetch(live):
    """OpenAI's ``"store": false``: the app is right to answer 404 for it later, so it is no resource of
    the lifecycle run — when the create's body declares ``store``; elsewhere the key means nothing."""
    [responses] = [f for f in resource_families(ApiSpec.from_dict(live)) if f.name == "responses"]

    def created(request_body: bytes, **kwargs):
        exchange = Exchange(
            Request("POST", "http://x/v1/responses", body=request_body),
            Response(200, {"content-type": "application/json"}, b'{"id": "resp_1", "store": false}'),
        )
        return created_ids(responses, exchange, **kwargs)

    assert created(b'{"input": "hi", "store": false}', store_flag=True) == []
    assert created(b'{"input": "hi", "store": true}', store_flag=True) == ["resp_1"]
    assert created(b'{"input": "hi"}', store_flag=True) == ["resp_1"]
    assert created(b"\xff not json", store_flag=True) == ["resp_1"]
    assert created(b'{"input": "hi", "store": false}') == ["resp_1"]  # an operation without `store`
    generator = Generator.from_document(live)
    assert "store" in generator.body_properties(generator.operation("POST /v1/responses"))
    assert "store" not in generator.body_properties(generator.operation("POST /v1/conversations"))


def test_outcome_kinds():
    with property_run(things, "undocumented_status", examples=5) as run:
        outcome = run.run_operation("GET /v1/things/{thing_id}", "positive", "t.py::t")
    assert {kind_of(t.failure) for t in outcome.findings.values()} == {"unexpected"}
    assert "status 410" in outcome.summary() and outcome.failed


def test_an_error_hypothesis_reports_beside_a_finding_is_not_dropped():
    """With report_multiple_bugs, hypothesis raises a group: a finding and, say, a transport error. The
    finding gets its minimal example; the other error is the run's error, not silently lost."""
    from harness.core.failure import CheckFailure, Severity
    from harness.plugin.property_based.outcome import Outcome
    from harness.plugin.property_based.runner import raise_finding

    with property_run(things) as run:
        failure = CheckFailure(check="not_a_server_error", title="server error 500", severity=Severity.ERROR)
        try:
            raise_finding([failure], None)
        except AssertionError as finding:
            group = ExceptionGroup("two bugs", [finding, ConnectionResetError("peer went away")])

        def test():
            raise group

        outcome = Outcome("positive GET /v1/things")
        run.conclude(test, outcome, command="pytest t.py::t", operation="GET /v1/things")
    assert [m.failures[0].check for m in outcome.minimal] == ["not_a_server_error"]
    assert outcome.error == "ConnectionResetError: peer went away" and outcome.failed


def test_a_type_change_of_a_multipart_string_part_is_not_a_finding():
    """On the wire a multipart part is text: a string field "mutated" to false arrives as the string
    "false", so the app cannot reject it. Other violations (or other bodies) still count."""
    from types import SimpleNamespace

    from harness.plugin.property_based.checks import _unobservable_on_the_wire

    def case(media_type, *mutations):
        return SimpleNamespace(
            media_type=media_type,
            meta=SimpleNamespace(phase=SimpleNamespace(data=SimpleNamespace(mutations=mutations))),
        )

    def mutation(keywords, was):
        return SimpleNamespace(keywords=keywords, original_value=was, schema_pointer="/properties/file")

    assert "/properties/file" in _unobservable_on_the_wire(
        case("multipart/form-data", mutation(("type",), "string"))
    )
    assert _unobservable_on_the_wire(case("application/json", mutation(("type",), "string"))) is None
    assert _unobservable_on_the_wire(case("multipart/form-data", mutation(("type",), "integer"))) is None
    assert _unobservable_on_the_wire(case("multipart/form-data", mutation(("required",), None))) is None
    assert _unobservable_on_the_wire(case("multipart/form-data")) is None


def test_generation_draws_no_constants_from_the_harness_source(tmp_path, monkeypatch):
    """Hypothesis would draw some values from the literals of local modules (the harness's own source,
    an editable install; here a module of the test's own), so a seed's requests would change with every
    edit of the harness. Switched off inside the block only, and restored after."""
    import importlib

    from hypothesis.internal.conjecture.providers import HypothesisProvider

    from harness.plugin.property_based.constants import without_local_constants

    (tmp_path / "harness_literals.py").write_text('MARK = "harness-literal-7301"\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("harness_literals")  # loaded now, as the harness's modules are during a run
    literal = "harness-literal-7301"
    assert literal in HypothesisProvider(None)._local_constants.strings  # what hypothesis does by default
    with without_local_constants() as switched_off:
        assert switched_off
        pool = HypothesisProvider(None)._local_constants
        assert not (pool.strings or pool.integers or pool.floats or pool.bytes)
    assert literal in HypothesisProvider(None)._local_constants.strings
