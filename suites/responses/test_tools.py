"""Function tools: the call the model asks for, its JSON arguments, the order of output items, and the
round trip of the function's output."""

from __future__ import annotations

import json

from .tools import QUARTERLY_REPORT, TIME_BY_CITY, WEATHER_BY_CITY, WEATHER_BY_CITY_AND_COUNTRY

SF = "What's the weather like in San Francisco?"
PARIS_WEATHER_AND_TIME = "Can you tell me the weather in Paris and the current time?"


def calls(response) -> list[tuple[str, dict]]:
    return [
        (item.name, json.loads(item.arguments)) for item in response.output if item.type == "function_call"
    ]


def test_function_call_then_output_round_trip(openai_client, model):
    first = openai_client.responses.create(model=model, input=SF, tools=[WEATHER_BY_CITY_AND_COUNTRY])
    assert calls(first) == [("get_weather", {"location": "San Francisco, USA"})]
    (call,) = first.output
    assert call.call_id and call.status == "completed"

    second = openai_client.responses.create(
        model=model,
        previous_response_id=first.id,
        tools=[WEATHER_BY_CITY_AND_COUNTRY],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "It is raining."}],
    )
    assert "San Francisco" in second.output_text and "rain" in second.output_text.lower()
    assert [item.type for item in second.output] == ["message"]


def test_streaming_function_call_arguments_add_up(openai_client, model):
    events = list(
        openai_client.responses.create(
            model=model, input=SF, tools=[WEATHER_BY_CITY_AND_COUNTRY], stream=True
        )
    )
    arguments = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert json.loads(arguments) == {"location": "San Francisco, USA"}
    (done,) = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert json.loads(done.arguments) == {"location": "San Francisco, USA"}
    final = events[-1].response
    assert calls(final) == [("get_weather", {"location": "San Francisco, USA"})]


def test_parallel_function_calls_keep_their_order(openai_client, model):
    response = openai_client.responses.create(
        model=model, input=PARIS_WEATHER_AND_TIME, tools=[WEATHER_BY_CITY, TIME_BY_CITY]
    )
    assert calls(response) == [("get_weather", {"location": "Paris"}), ("get_time", {"location": "Paris"})]
    assert len({item.call_id for item in response.output}) == 2


def test_parallel_tool_calls_disabled_asks_for_one_call(openai_client, model):
    response = openai_client.responses.create(
        model=model,
        input=PARIS_WEATHER_AND_TIME,
        parallel_tool_calls=False,
        tools=[WEATHER_BY_CITY, TIME_BY_CITY],
    )
    assert calls(response) == [("get_weather", {"location": "Paris"})]


def test_max_tool_calls_is_kept_and_does_not_limit_function_calls(openai_client, model):
    """As in OpenAI's API, max_tool_calls bounds built-in (server-side) tool calls; the client's own
    function calls are returned to it whatever the bound."""
    response = openai_client.responses.create(
        model=model, input=PARIS_WEATHER_AND_TIME, max_tool_calls=1, tools=[WEATHER_BY_CITY, TIME_BY_CITY]
    )
    assert response.max_tool_calls == 1
    assert calls(response) == [("get_weather", {"location": "Paris"}), ("get_time", {"location": "Paris"})]


def test_function_call_output_as_a_list_of_text_parts(openai_client, model):
    first = openai_client.responses.create(
        model=model, input="What is the weather in Paris?", tools=[WEATHER_BY_CITY_AND_COUNTRY]
    )
    ((name, arguments),) = calls(first)
    assert (name, arguments) == ("get_weather", {"location": "Paris, France"})
    second = openai_client.responses.create(
        model=model,
        previous_response_id=first.id,
        tools=[WEATHER_BY_CITY_AND_COUNTRY],
        input=[
            {
                "type": "function_call_output",
                "call_id": first.output[0].call_id,
                "output": [{"type": "input_text", "text": "It is sunny and 22 degrees Celsius in Paris."}],
            }
        ],
    )
    assert "sunny" in second.output_text and "22" in second.output_text


def test_function_call_for_a_report(openai_client, model):
    response = openai_client.responses.create(
        model=model,
        tools=[QUARTERLY_REPORT],
        input="Get the latest quarterly report for Acme Corp and summarize it.",
    )
    assert calls(response) == [("get_report", {"company": "Acme Corp"})]
