"""Schema conformance and error-format checks on single exchanges."""

from __future__ import annotations

import pytest

from harness.contract import ApiSpec, CheckOptions, CheckSession, check_exchange
from harness.core.exchange import Exchange

from .helpers import make_exchange

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
    },
}
THING = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}


def _spec(**extra_responses) -> ApiSpec:
    def json_of(schema):
        return {"description": "", "content": {"application/json": {"schema": schema}}}

    return ApiSpec.from_dict(
        {
            "openapi": "3.1.0",
            "paths": {
                "/things/{id}": {
                    "get": {
                        "responses": {
                            "200": json_of({"$ref": "#/components/schemas/Thing"}),
                            "404": json_of({"$ref": "#/components/schemas/Error"}),
                            **extra_responses,
                        }
                    }
                },
                "/things": {"post": {"responses": {"200": json_of(THING), "4XX": json_of(ERROR)}}},
                "/loose": {
                    "get": {
                        "responses": {
                            "200": {"description": "no content declared"},
                            "default": json_of(ERROR),
                        }
                    }
                },
            },
            "components": {"schemas": {"Thing": THING, "Error": ERROR}},
        }
    )


def _run(spec: ApiSpec, exchange: Exchange, session: CheckSession | None = None) -> dict[str, str]:
    failures = check_exchange(spec, exchange, session=session or CheckSession())
    return {f.check: f.render() for f in failures}


def test_a_conforming_exchange_raises_nothing():
    assert _run(_spec(), make_exchange("GET", "http://app/things/1", 200, {"id": "1"})) == {}


def test_undeclared_operation():
    found = _run(_spec(), make_exchange("GET", "http://app/nothing", 200, {}))
    assert list(found) == ["operation_declared"] and "matches no operation" in found["operation_declared"]


def test_undeclared_status_lists_the_declared_ones():
    found = _run(_spec(), make_exchange("GET", "http://app/things/1", 410, {"error": {"message": "gone"}}))
    assert (
        "status 410 is not declared for GET /things/{id} (declared: 200, 404)"
        in found["status_code_declared"]
    )


def test_status_covered_by_a_range_or_a_resolvable_default():
    spec = _spec()
    assert _run(spec, make_exchange("POST", "http://app/things", 409, {"error": {"message": "taken"}})) == {}
    assert _run(spec, make_exchange("GET", "http://app/loose", 418, {"error": {"message": "teapot"}})) == {}


def test_a_dangling_default_covers_nothing(live_spec, ogx_exchanges):
    found = _run(live_spec, ogx_exchanges["responses get missing"])
    assert (
        "`default` points to the missing #/components/responses/DefaultError" in found["status_code_declared"]
    )


def test_undeclared_content_type_and_missing_header():
    spec = _spec()
    found = _run(spec, make_exchange("GET", "http://app/things/1", 200, "<html/>", "text/html"))
    assert "content type text/html is not declared for 200" in found["content_type_declared"]
    found = _run(spec, make_exchange("GET", "http://app/things/1", 200, b'{"id": "1"}', None))
    assert "no Content-Type header" in found["content_type_declared"]


def test_body_not_json_and_body_not_matching():
    spec = _spec()
    found = _run(spec, make_exchange("GET", "http://app/things/1", 200, b"{oops"))
    assert "not valid JSON" in found["response_schema"]
    found = _run(spec, make_exchange("GET", "http://app/things/1", 200, {"id": 1}))
    assert '/id: 1 is not of type "string"' in found["response_schema"]
    assert "#/components/schemas/Thing/properties/id/type" in found["response_schema"]


def test_server_errors_are_findings_even_when_declared(live_spec):
    exchange = make_exchange("GET", "http://ogx/v1/models", 500, {"detail": "boom"})
    found = _run(live_spec, exchange)
    assert "server error 500 from GET http://ogx/v1/models" in found["not_a_server_error"]
    assert "status_code_declared" not in found  # 500 is declared (as a dangling ref)


def test_error_body_against_the_declared_error_schema():
    found = _run(_spec(), make_exchange("GET", "http://app/things/9", 404, {"detail": "not found"}))
    assert (
        'the 404 error body does not match its schema: (root): "error" is a required property'
        in found["error_schema"]
    )
    found = _run(_spec(), make_exchange("GET", "http://app/things/9", 404, "not found", "text/plain"))
    assert list(found) == ["content_type_declared"]
    assert (
        "content type text/plain is not declared for 404 (declared: application/json)"
        in found["content_type_declared"]
    )


def test_mixed_error_formats_are_reported_once_per_pair():
    spec, session = _spec(), CheckSession()
    openai_style = make_exchange("POST", "http://app/things", 400, {"error": {"message": "bad"}})
    fastapi_style = make_exchange("GET", "http://app/things/9", 404, {"detail": "not found"})
    assert "error_format_consistent" not in _run(spec, openai_style, session)
    first = _run(spec, fastapi_style, session)["error_format_consistent"]
    assert 'mixed error formats: 404 from GET /things/{id} answered {"detail": …}' in first
    assert 'but 400 from POST /things answered {"error": {…}}' in first
    assert "error_format_consistent" not in _run(spec, fastapi_style, session)
    assert "error_format_consistent" not in _run(spec, openai_style, session)


def test_what_a_run_remembers_is_the_runs_not_the_specs():
    spec = _spec()
    openai_style = make_exchange("POST", "http://app/things", 400, {"error": {"message": "bad"}})
    fastapi_style = make_exchange("GET", "http://app/things/9", 404, {"detail": "not found"})
    check_exchange(spec, openai_style)  # no session: judged alone, nothing kept on the spec
    assert not [f for f in check_exchange(spec, fastapi_style) if f.check == "error_format_consistent"]
    one, other = CheckSession(), CheckSession()
    _run(spec, openai_style, one)
    assert "error_format_consistent" not in _run(spec, fastapi_style, other)  # another run
    assert "error_format_consistent" in _run(spec, fastapi_style, one)


def test_options_skip_and_reproduce_with_pytest_and_cassette():
    exchange = make_exchange("GET", "http://app/things/1", 410, {})
    exchange = Exchange(
        exchange.request,
        exchange.response,
        test="suites/test_x.py::test_y",
        cassette_entries=("cassettes/x.yaml#3",),
    )
    [failure] = check_exchange(_spec(), exchange, session=CheckSession())
    assert failure.reproduce.splitlines() == [
        "curl -sS -X GET http://app/things/1",
        'pytest "suites/test_x.py::test_y"',
        "cassette entry: cassettes/x.yaml#3",
    ]
    options = CheckOptions(skip=frozenset({"status_code_declared"}))
    assert check_exchange(_spec(), exchange, options=options, session=CheckSession()) == []


def test_a_crashing_check_is_a_finding_not_a_crash(monkeypatch):
    from harness.core.registry import checks

    def boom(ctx, exchange):
        raise KeyError("oops")

    check = checks.get("response_schema")
    monkeypatch.setitem(
        checks._checks, "response_schema", type(check)(check.name, boom, check.kind, check.description)
    )
    [failure] = check_exchange(
        _spec(), make_exchange("GET", "http://app/things/1", 200, {"id": "1"}), session=CheckSession()
    )
    assert failure.check == "response_schema" and "the check itself crashed: KeyError" in failure.title


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"missing_event_field": "loud"}, "missing_event_field"),
        ({"deleted_status": "404"}, "deleted_status"),
        ({"max_list_pages": 0}, "max_list_pages"),
        ({"skip": "sse_event_field"}, "not one string"),
    ],
)
def test_bad_options_are_usage_errors(kwargs, message):
    from harness.core.errors import UsageError

    with pytest.raises(UsageError) as info:
        CheckOptions(**kwargs)
    assert message in str(info.value) and "fix:" in str(info.value)


def test_exchange_from_httpx_redacts_credentials():
    import httpx

    from harness.contract import exchange_from_httpx

    request = httpx.Request(
        "POST",
        "http://app/things",
        json={"name": "x"},
        headers={
            "Authorization": "Bearer sk-live-123",
            "X-OGX-Provider-Data": '{"openai_api_key": "sk-456"}',
            "Accept": "*/*",
        },
    )
    exchange = exchange_from_httpx(httpx.Response(200, json={"id": "1"}, request=request))
    curl = exchange.request.curl()
    assert "sk-live-123" not in curl and "sk-456" not in curl and "<redacted>" in curl
    assert exchange.request.json() == {"name": "x"} and exchange.response.json() == {"id": "1"}
