"""The ``synthetic`` answer source: a deterministic, schema-valid answer derived from the request itself,
so generated prompts (property-based runs) exercise the router app rather than a model.

    ReplayEndpoint(cassette_dir, mode="synthetic")     # or ReplayEndpoint(..., source=SyntheticSource())

- ``POST /v1/chat/completions``: the SHA-256 key of the canonical request (the matching rules' form, so
  volatile fields do not change the answer) seeds the text. ``stream: true`` answers SSE chunks (a usage
  chunk when ``stream_options.include_usage``) ending in ``data: [DONE]``; otherwise one JSON object.
  When ``tools`` are offered and ``tool_choice`` is not ``"none"``, the answer calls one offered function
  with JSON arguments valid against its ``parameters`` — unless the last message is a tool result, which
  gets a text answer (so a router that runs tools itself does not loop). ``response_format`` with a JSON
  schema gets content valid against that schema.
- ``POST /v1/completions``, ``POST /v1/embeddings`` (unit vectors, float or base64), ``GET /v1/models``.

Anything else is a :class:`ReplayError` naming what synthetic mode answers. Requests the provider would
reject (bad JSON, no ``messages``) get a 400 in OpenAI's error format, as the provider would answer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import struct
from collections.abc import Iterator
from typing import Any

from harness.core.errors import ReplayError

from .json_instance import SchemaInstance
from .rules import CanonicalRequest
from .sources import Answer, Call, Events

DEFAULT_MODELS = ("gpt-4o", "gpt-4o-mini", "text-embedding-3-small")
EMBEDDING_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-ada-002": 1536,
    "text-embedding-3-large": 3072,
}
DEFAULT_DIMENSION = 1536
MAX_CHOICES = 128  # OpenAI's limit on `n`
MAX_DIMENSIONS = 3072  # the widest OpenAI embedding; more is a 400, as OpenAI answers
CREATED = 1_700_000_000  # a fixed timestamp: answers are byte-for-byte reproducible
WORDS = [
    "synthetic",
    "answer",
    "the",
    "router",
    "passes",
    "this",
    "text",
    "along",
    "unchanged",
    "so",
    "a",
    "test",
    "can",
    "tell",
    "where",
    "it",
    "came",
    "from",
    "every",
    "word",
    "is",
    "chosen",
    "by",
    "the",
    "request",
    "hash",
    "and",
    "nothing",
    "else",
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
]
JSON = [("content-type", "application/json")]
SSE = [("content-type", "text/event-stream")]
ANSWERED = "POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings, GET /v1/models"


class SyntheticSource:
    """An :class:`~harness.replay.sources.AnswerSource` that needs no cassettes and no upstream."""

    def __init__(self, models: tuple[str, ...] = DEFAULT_MODELS) -> None:
        self.models = tuple(models)

    async def answer(self, call: Call, canonical: CanonicalRequest) -> Answer:
        route = call.path.removeprefix("/v1")
        if call.method == "GET" and route == "/models":
            return _json(200, {"object": "list", "data": [_model(m) for m in self.models]})
        handlers = {"/chat/completions": _chat, "/completions": _completion, "/embeddings": _embeddings}
        handler = handlers.get(route) if call.method == "POST" else None
        if handler is None:
            raise ReplayError(
                f"synthetic inference mode cannot answer {call.method} {call.path}",
                value=f"{call.method} {call.path}",
                allowed=ANSWERED,
                fix="run the operations that need this endpoint with --inference-mode=replay (recorded answers) "
                "or extend harness/replay/synthetic.py",
            )
        try:
            body = json.loads(call.body or b"null")
        except ValueError as error:
            return _error(400, f"the request body is not JSON: {error}")
        if not isinstance(body, dict):
            return _error(400, "the request body must be a JSON object")
        return handler(body, Seeded(canonical.key))

    async def aclose(self) -> None:
        return None


class Seeded(random.Random):
    """A random generator seeded by the canonical request's key; ``key`` names the answer's ids."""

    def __init__(self, key: str) -> None:
        super().__init__(int(key[:16], 16))
        self.key = key

    def words(self, limit: int | None) -> tuple[str, str]:
        """Some words, and the finish reason (``length`` when ``limit`` cut them short)."""
        count = self.randint(3, 12)
        if limit is not None and limit < count:
            return " ".join(self.choice(WORDS) for _ in range(max(limit, 0))), "length"
        return " ".join(self.choice(WORDS) for _ in range(count)), "stop"


# -- chat completions ------------------------------------------------------------------------------


def _chat(body: dict[str, Any], rng: Seeded) -> Answer:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return _error(400, "'messages' must be a non-empty array", param="messages")
    model = str(body.get("model") or "synthetic")
    limit = _limit(body)
    asked = body.get("n")
    n = asked if isinstance(asked, int) and asked > 0 else 1
    if n > MAX_CHOICES:
        return _error(
            400,
            f"Invalid 'n': integer above maximum value. Expected a value <= {MAX_CHOICES}, but got {n}",
            param="n",
        )
    choices = [_choice(body, messages, rng, index, limit) for index in range(n)]
    usage = _usage(messages, choices)
    cid = f"chatcmpl-syn-{rng.key[:20]}"
    if body.get("stream") is True:
        include_usage = (
            isinstance(body.get("stream_options"), dict)
            and body["stream_options"].get("include_usage") is True
        )
        return Answer(
            200, SSE, events=_events(_chunks(cid, model, choices, usage if include_usage else None))
        )
    message_choices = [
        {"index": c["index"], "message": c["message"], "finish_reason": c["finish_reason"], "logprobs": None}
        for c in choices
    ]
    return _json(
        200,
        {
            "id": cid,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": message_choices,
            "usage": usage,
        },
    )


def _limit(body: dict[str, Any]) -> int | None:
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _choice(
    body: dict[str, Any], messages: list[Any], rng: Seeded, index: int, limit: int | None
) -> dict[str, Any]:
    function = _tool_to_call(body, messages, rng)
    if function is not None:
        arguments = json.dumps(SchemaInstance(rng).of(function.get("parameters") or {"type": "object"}))
        call = {
            "id": f"call_syn_{rng.key[:12]}_{index}",
            "type": "function",
            "function": {"name": function["name"], "arguments": arguments},
        }
        message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}
        return {"index": index, "message": message, "finish_reason": "tool_calls"}
    content, finish = _content(body, rng, limit)
    return {
        "index": index,
        "message": {"role": "assistant", "content": content, "refusal": None},
        "finish_reason": finish,
    }


def _content(body: dict[str, Any], rng: Seeded, limit: int | None) -> tuple[str, str]:
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec: dict[str, Any] = fmt["json_schema"] if isinstance(fmt.get("json_schema"), dict) else {}
        return json.dumps(SchemaInstance(rng).of(spec.get("schema") or {"type": "object"})), "stop"
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        text, finish = rng.words(None)
        return json.dumps({"answer": text}), finish
    return rng.words(limit)


def _tool_to_call(body: dict[str, Any], messages: list[Any], rng: Seeded) -> dict[str, Any] | None:
    """The offered function to call, or None for a text answer."""
    functions = [
        t["function"]
        for t in body.get("tools") or []
        if isinstance(t, dict)
        and isinstance(t.get("function"), dict)
        and isinstance(t["function"].get("name"), str)
    ]
    choice = body.get("tool_choice")
    if not functions or choice == "none":
        return None
    if isinstance(choice, dict):
        wanted = (
            (choice.get("function") or {}).get("name")
            if isinstance(choice.get("function"), dict)
            else choice.get("name")
        )
        named: list[dict[str, Any]] = [f for f in functions if f["name"] == wanted]
        if named:
            return named[0]
    last = messages[-1] if isinstance(messages[-1], dict) else {}
    if choice != "required" and last.get("role") == "tool":
        return None  # the tool's result came back: answer it in words
    chosen: dict[str, Any] = rng.choice(functions)
    return chosen


def _usage(messages: list[Any], choices: list[dict[str, Any]]) -> dict[str, int]:
    prompt = sum(len(json.dumps(m.get("content") if isinstance(m, dict) else m).split()) for m in messages)
    completion = 0
    for choice in choices:
        message = choice["message"]
        completion += len((message.get("content") or "").split())
        completion += sum(len(c["function"]["arguments"]) // 4 + 1 for c in message.get("tool_calls") or [])
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chunks(
    cid: str, model: str, choices: list[dict[str, Any]], usage: dict[str, int] | None
) -> Iterator[dict[str, Any]]:
    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [{"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    for choice in choices:
        index, message = choice["index"], choice["message"]
        for position, call in enumerate(message.get("tool_calls") or []):
            arguments = call["function"]["arguments"]
            head = {
                "index": position,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
            yield chunk(index, {"role": "assistant", "content": None, "tool_calls": [head]})
            for start in range(0, len(arguments), 16):
                yield chunk(
                    index,
                    {
                        "tool_calls": [
                            {"index": position, "function": {"arguments": arguments[start : start + 16]}}
                        ]
                    },
                )
        if message.get("content") is not None:
            yield chunk(index, {"role": "assistant", "content": ""})
            for position, word in enumerate(message["content"].split(" ")):
                yield chunk(index, {"content": word if position == 0 else " " + word})
        yield chunk(index, {}, choice["finish_reason"])
    if usage is not None:
        yield {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "choices": [],
            "usage": usage,
        }


async def _events(chunks: Iterator[dict[str, Any]]) -> Events:
    for item in chunks:
        yield None, b"data: " + json.dumps(item).encode("utf-8") + b"\n\n"
    yield None, b"data: [DONE]\n\n"


# -- completions, embeddings, models ---------------------------------------------------------------


def _completion(body: dict[str, Any], rng: Seeded) -> Answer:
    if "prompt" not in body:
        return _error(400, "'prompt' is required", param="prompt")
    text, finish = rng.words(_limit(body))
    model = str(body.get("model") or "synthetic")
    choice = {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}
    usage = {"prompt_tokens": len(json.dumps(body["prompt"]).split()), "completion_tokens": len(text.split())}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    cid = f"cmpl-syn-{rng.key[:20]}"
    if body.get("stream") is True:
        chunks = [
            {"id": cid, "object": "text_completion", "created": CREATED, "model": model, "choices": [choice]}
        ]
        return Answer(200, SSE, events=_events(iter(chunks)))
    return _json(
        200,
        {
            "id": cid,
            "object": "text_completion",
            "created": CREATED,
            "model": model,
            "choices": [choice],
            "usage": usage,
        },
    )


def _embeddings(body: dict[str, Any], rng: Seeded) -> Answer:
    inputs = body.get("input")
    if isinstance(inputs, str) or (
        isinstance(inputs, list) and inputs and all(isinstance(i, int) for i in inputs)
    ):
        inputs = [inputs]
    if not isinstance(inputs, list) or not inputs:
        return _error(400, "'input' must be a string or a non-empty array", param="input")
    model = str(body.get("model") or "synthetic")
    dimension = (
        body.get("dimensions") if isinstance(body.get("dimensions"), int) and body["dimensions"] > 0 else None
    )
    dimension = dimension or EMBEDDING_DIMENSIONS.get(model.rsplit("/", 1)[-1], DEFAULT_DIMENSION)
    if dimension > MAX_DIMENSIONS:
        return _error(
            400,
            f"Invalid 'dimensions': {dimension} is above the maximum of {MAX_DIMENSIONS}",
            param="dimensions",
        )
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    for index, item in enumerate(inputs):
        vector = _unit_vector(json.dumps(item), dimension)
        embedding: Any = (
            base64.b64encode(struct.pack(f"<{dimension}f", *vector)).decode() if as_base64 else vector
        )
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(len(json.dumps(i).split()) for i in inputs)
    return _json(
        200,
        {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
    )


def _unit_vector(text: str, dimension: int) -> list[float]:
    """Seeded by the input alone, so the same text always embeds the same (search stays meaningful)."""
    rng = random.Random(hashlib.sha256(text.encode("utf-8")).digest())
    values = [rng.gauss(0.0, 1.0) for _ in range(dimension)]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return [round(v / norm, 6) for v in values]


def _model(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": CREATED, "owned_by": "harness-synthetic"}


def _json(status: int, value: Any) -> Answer:
    return Answer(status, JSON, json.dumps(value).encode("utf-8"))


def _error(status: int, message: str, *, param: str | None = None) -> Answer:
    return _json(
        status, {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": None}}
    )
