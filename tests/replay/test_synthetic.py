"""Synthetic inference mode: the endpoint answers generated requests deterministically, and the official
openai SDK (a real client of the endpoint, over loopback) parses every answer."""

import json
import math
import random

import httpx
import httpx2
import jsonschema
import openai
import pytest

from harness.core.errors import ReplayError
from harness.replay import InferenceMode, ReplayEndpoint
from harness.replay.json_instance import SchemaInstance

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "minLength": 3},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
                "hourly": {"type": "boolean"},
            },
            "required": ["city", "unit", "days"],
            "additionalProperties": False,
        },
    },
}
CLOCK = {
    "type": "function",
    "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}},
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    missing = tmp_path_factory.mktemp("synthetic") / "no-cassettes-here"  # synthetic mode reads none
    with ReplayEndpoint(missing, mode="synthetic") as running:
        yield running
    assert not missing.exists()  # ...and writes none


@pytest.fixture(scope="module")
def client(endpoint):
    http = httpx2.Client(trust_env=False)
    yield openai.OpenAI(base_url=endpoint.base_url, api_key="unused", http_client=http, max_retries=0)
    http.close()


def ask(text):
    return [{"role": "user", "content": text}]


def test_the_mode_parses_and_needs_neither_cassettes_nor_upstream():
    mode = InferenceMode.parse("synthetic")
    assert mode is InferenceMode.SYNTHETIC
    assert not (mode.reads_cassettes or mode.writes_cassettes or mode.needs_upstream)


def test_a_plain_completion_is_parsed_by_the_sdk_and_is_deterministic(client):
    first = client.chat.completions.create(model="gpt-4o", messages=ask("Which planet do humans live on?"))
    again = client.chat.completions.create(model="gpt-4o", messages=ask("Which planet do humans live on?"))
    other = client.chat.completions.create(model="gpt-4o", messages=ask("Which planet do dolphins live on?"))
    assert first.object == "chat.completion" and first.model == "gpt-4o"
    assert first.choices[0].message.role == "assistant" and first.choices[0].finish_reason == "stop"
    assert first.choices[0].message.content and first.choices[0].message.tool_calls is None
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens > 0
    assert again.model_dump() == first.model_dump()
    assert (other.id, other.choices[0].message.content) != (first.id, first.choices[0].message.content)


def test_volatile_fields_do_not_change_the_answer(client):
    plain = client.chat.completions.create(model="gpt-4o", messages=ask("same question"))
    noisy = client.chat.completions.create(
        model="gpt-4o", messages=ask("same question"), user="someone", metadata={"k": "v"}
    )
    assert noisy.choices[0].message.content == plain.choices[0].message.content


def test_max_tokens_cuts_the_answer_short_with_finish_reason_length(client):
    answer = client.chat.completions.create(model="gpt-4o", messages=ask("tell me everything"), max_tokens=2)
    assert answer.choices[0].finish_reason == "length"
    assert len(answer.choices[0].message.content.split()) == 2


def test_a_stream_is_parsed_chunk_by_chunk_and_ends_with_usage_when_asked(client):
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o", messages=ask("stream please"), stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(text.split()) >= 3
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text.split())
    without = list(client.chat.completions.create(model="gpt-4o", messages=ask("stream please"), stream=True))
    assert all(c.usage is None for c in without) and all(c.choices for c in without)


def test_the_raw_stream_is_sse_ending_in_done(endpoint):
    body = {"model": "gpt-4o", "messages": ask("raw"), "stream": True}
    response = httpx.post(endpoint.base_url + "/chat/completions", json=body, trust_env=False)
    assert response.headers["content-type"] == "text/event-stream"
    events = response.text.split("\n\n")
    assert events[-1] == "" and events[-2] == "data: [DONE]"
    assert all(event.startswith("data: {") for event in events[:-2])


def test_offered_tools_get_a_call_with_arguments_valid_for_the_schema(client):
    answer = client.chat.completions.create(
        model="gpt-4o", messages=ask("weather in Paris?"), tools=[WEATHER]
    )
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    (call,) = choice.message.tool_calls
    assert call.type == "function" and call.function.name == "get_weather" and call.id
    jsonschema.validate(json.loads(call.function.arguments), WEATHER["function"]["parameters"])


def test_a_streamed_tool_call_is_assembled_by_the_sdk(client):
    with client.chat.completions.stream(
        model="gpt-4o",
        messages=ask("weather in Oslo?"),
        tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    ) as stream:
        final = stream.get_final_completion()
    (call,) = final.choices[0].message.tool_calls
    assert call.function.name == "get_weather"
    jsonschema.validate(json.loads(call.function.arguments), WEATHER["function"]["parameters"])
    assert final.choices[0].finish_reason == "tool_calls"


def test_tool_choice_picks_the_function_or_no_tool(client):
    named = client.chat.completions.create(
        model="gpt-4o",
        messages=ask("what time is it?"),
        tools=[WEATHER, CLOCK],
        tool_choice={"type": "function", "function": {"name": "get_time"}},
    )
    assert named.choices[0].message.tool_calls[0].function.name == "get_time"
    none = client.chat.completions.create(
        model="gpt-4o", messages=ask("what time is it?"), tools=[WEATHER, CLOCK], tool_choice="none"
    )
    assert none.choices[0].message.tool_calls is None and none.choices[0].message.content


def test_a_tool_result_gets_a_text_answer_so_routers_that_run_tools_do_not_loop(client):
    messages = [
        *ask("weather?"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    answer = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER])
    assert answer.choices[0].message.tool_calls is None and answer.choices[0].finish_reason == "stop"


def test_structured_output_content_is_valid_for_its_schema(client):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    answer = client.chat.completions.create(
        model="gpt-4o",
        messages=ask("a person"),
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "person", "schema": schema, "strict": True},
        },
    )
    jsonschema.validate(json.loads(answer.choices[0].message.content), schema)


def test_embeddings_are_deterministic_unit_vectors_in_floats_and_base64(client):
    floats = client.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
    )
    decoded = client.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"]
    )  # the SDK asks for base64
    assert [len(d.embedding) for d in floats.data] == [1536, 1536]
    assert math.isclose(sum(v * v for v in floats.data[0].embedding), 1.0, rel_tol=1e-3)
    assert floats.data[0].embedding != floats.data[1].embedding
    for plain, packed in zip(floats.data, decoded.data, strict=False):
        assert all(
            math.isclose(x, y, abs_tol=1e-6) for x, y in zip(plain.embedding, packed.embedding, strict=False)
        )
    assert (
        len(
            client.embeddings.create(model="m", input="a", dimensions=8, encoding_format="float")
            .data[0]
            .embedding
        )
        == 8
    )


def test_completions_and_models_are_answered(client):
    assert {m.id for m in client.models.list()} >= {"gpt-4o", "text-embedding-3-small"}
    completion = client.completions.create(model="gpt-4o", prompt="Once upon a time")
    assert completion.choices[0].text and completion.object == "text_completion"


def test_requests_a_provider_would_reject_get_its_400_in_openai_format(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[])
    assert caught.value.body["message"] == "'messages' must be a non-empty array"


def test_an_endpoint_synthetic_mode_cannot_answer_is_reported_as_a_replay_problem(endpoint):
    endpoint.set_current_test("t::rerank")
    response = httpx.post(endpoint.base_url + "/rerank", json={"query": "q"}, trust_env=False)
    assert response.status_code == 502
    (problem,) = endpoint.take_misses("t::rerank")
    assert isinstance(problem, ReplayError) and problem.__class__.__name__ != "RecordingMissing"
    assert "synthetic inference mode cannot answer POST /v1/rerank" in problem.render()
    assert "POST /v1/chat/completions" in problem.render()  # what it can answer


SCHEMAS = [
    {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/pos"}},
        "required": ["a"],
        "$defs": {"pos": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
    },
    {
        "type": "array",
        "items": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]},
        "minItems": 2,
        "maxItems": 4,
    },
    {"type": ["integer", "null"], "minimum": -5, "maximum": -2},
    {
        "allOf": [
            {"type": "object", "properties": {"x": {"const": 1}}, "required": ["x"]},
            {"properties": {"y": {"type": "boolean"}}, "required": ["y"]},
        ]
    },
    {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"enum": ["a", "b"]}},
            "name": {"type": "string", "minLength": 20},
        },
        "required": ["tags", "name"],
    },
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=range(len(SCHEMAS)))
def test_generated_values_are_valid_for_their_schema(schema):
    for seed in range(50):
        jsonschema.validate(SchemaInstance(random.Random(seed)).of(schema), schema)


def test_absurd_sizes_are_refused_or_bounded_never_slow(client):
    """Fuzzed requests reach this endpoint: a huge `n`, `dimensions` or schema bound must not hang it."""
    with pytest.raises(openai.BadRequestError, match="Invalid 'n'"):
        client.chat.completions.create(model="gpt-4o", messages=ask("x"), n=10**12)
    with pytest.raises(openai.BadRequestError, match="dimensions"):
        client.embeddings.create(model="m", input="a", dimensions=10**9, encoding_format="float")
    huge = {
        "type": "function",
        "function": {
            "name": "f",
            "parameters": {
                "type": "object",
                "required": ["a", "s"],
                "properties": {
                    "a": {"type": "array", "minItems": 10**9},
                    "s": {"type": "string", "minLength": 10**9},
                },
            },
        },
    }
    answer = client.chat.completions.create(model="gpt-4o", messages=ask("x"), tools=[huge])
    arguments = json.loads(answer.choices[0].message.tool_calls[0].function.arguments)
    assert len(arguments["a"]) <= 32 and len(arguments["s"]) <= 512
