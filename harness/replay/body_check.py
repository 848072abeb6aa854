"""The bodies of a cassette entry, checked when the cassette is loaded: a body its content type says is
JSON must parse, and so must every ``data:`` payload of an event stream (OpenAI-compatible streams send
JSON events and the ``[DONE]`` sentinel, nothing else). A corrupt entry is then an error naming the
file and the entry before any test runs, instead of a 500 from the app that names neither."""

from __future__ import annotations

import json

from .interaction import Interaction
from .sse import is_event_stream

DONE = "[DONE]"


def check_bodies(interaction: Interaction) -> None:
    """Raise ``ValueError("<where>: <what>")`` for the first body that is not what its type promises."""
    request_type = _header(interaction.request_headers, "content-type")
    if _is_json(request_type) or (not request_type and interaction.request_body.lstrip()[:1] in ("{", "[")):
        _parse(interaction.request_body, "request.body", request_type or "a JSON request body")
    response_type = interaction.content_type
    if is_event_stream(response_type):
        for number, payload in enumerate(_data_payloads(interaction.response_body)):
            if payload.strip() != DONE:
                _parse(
                    payload,
                    f"response.body.string, stream event {number} (0-based)",
                    "a JSON event or [DONE]",
                )
    elif _is_json(response_type) and interaction.response_body.strip():
        _parse(interaction.response_body, "response.body.string", response_type)


def _parse(text: str, where: str, expected: str) -> None:
    try:
        json.loads(text)
    except ValueError as error:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ValueError(f"{where} is not valid JSON ({expected}): {error}; it starts {shown!r}") from None


def _data_payloads(stream: str) -> list[str]:
    """The data of each event (its ``data:`` lines joined by newlines, as the SSE spec reads them)."""
    payloads = []
    for event in stream.replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        lines = [line[5:].removeprefix(" ") for line in event.split("\n") if line.startswith("data:")]
        if lines:
            payloads.append("\n".join(lines))
    return payloads


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _header(headers: dict[str, list[str]], name: str) -> str:
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[0]
    return ""
