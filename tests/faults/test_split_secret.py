"""An upstream that streams the harness's own key back four characters at a time: the cassette must not
hold it, not even in pieces, and `harness cassettes scan` must see what a reader of the stream sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from fault_upstream import FaultUpstream, chunk

from harness.replay import Interaction, ReplayEndpoint, Upstream
from harness.replay.cassette import dumps, load

KEY = "sk-test-abc123def456ghi789"
ECHO = {"model": "fault-model", "stream": True, "messages": [{"role": "user", "content": "echo my key"}]}


def reader_text(interaction: Interaction) -> str:
    """What a client joining the deltas reads; every event must be JSON (or [DONE]) to get there."""
    text = ""
    for event in interaction.events():
        payload = event.decode().strip().removeprefix("data: ")
        if payload != "[DONE]":
            text += "".join(c["delta"].get("content") or "" for c in json.loads(payload)["choices"])
    return text


def record_echo(tmp_path, piece: int) -> tuple[str, list[Interaction]]:
    with (
        FaultUpstream(piece=piece) as fake,
        ReplayEndpoint(
            tmp_path / "cassettes", mode="record", upstream=Upstream(fake.base_url, KEY)
        ) as endpoint,
    ):
        endpoint.set_current_test("suites/test_leak.py::test_echo")
        with httpx.stream("POST", endpoint.base_url + "/chat/completions", json=ECHO, timeout=30) as response:
            seen = "".join(
                json.loads(e.removeprefix("data: "))["choices"][0]["delta"]["content"]
                for e in response.iter_lines()
                if e.startswith("data: {")
            )
    return seen, load(tmp_path / "cassettes" / "suites" / "test_leak.yaml")


@pytest.mark.parametrize("piece", [1, 3, 4, 7])
def test_a_key_streamed_in_pieces_is_redacted_across_the_events_it_spans(tmp_path, piece):
    seen, [entry] = record_echo(tmp_path, piece)
    assert seen == f"Bearer {KEY}"  # the app got the upstream's answer as sent; only the cassette is redacted
    assert reader_text(entry) == "<redacted>"
    stored = (tmp_path / "cassettes" / "suites" / "test_leak.yaml").read_text()
    assert KEY not in stored and KEY[4:12] not in stored.replace("\n", "")
    assert (
        len(entry.events()) == len(f"Bearer {KEY}") // piece + (len(f"Bearer {KEY}") % piece > 0) + 2
    )  # no event lost
    assert entry.events()[-1] == b"data: [DONE]\n\n"


def test_an_ordinary_stream_is_stored_as_it_came(tmp_path, upstream):
    with ReplayEndpoint(tmp_path, mode="record", upstream=Upstream(upstream.base_url, KEY)) as endpoint:
        body = {**ECHO, "messages": [{"role": "user", "content": "Which planet do humans live on?"}]}
        raw = httpx.post(endpoint.base_url + "/chat/completions", json=body, timeout=30).text
    [entry] = load(tmp_path / "unattributed.yaml")
    assert entry.response_body == raw  # nothing to redact: byte for byte


def leaky_cassette(tmp_path, piece: int = 4):
    """A cassette as the recorder used to write it: the key in clear, in pieces ("Bearer", " sk-", "test", "-abc"…)."""
    value = f" {KEY}"
    events = [chunk("fault-model", "Bearer")] + [
        chunk("fault-model", value[i : i + piece]) for i in range(0, len(value), piece)
    ]
    stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    entry = Interaction(
        "POST",
        "http://127.0.0.1:9/v1/chat/completions",
        json.dumps(ECHO),
        200,
        stream,
        {"content-type": ["application/json"]},
        {"content-type": ["text/event-stream"]},
    )
    path = tmp_path / "leaky.yaml"
    path.write_text(dumps([entry]))
    return path


def scan(*paths, key: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "HARNESS_UPSTREAM_API_KEY"}
    if key:
        env["HARNESS_UPSTREAM_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "harness", "cassettes", "scan", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_scan_finds_a_key_split_across_stream_events_and_names_the_lines(tmp_path):
    path = leaky_cassette(tmp_path)
    result = scan(path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = path.read_text().splitlines()
    first = next(n for n, line in enumerate(lines, start=1) if '"content": " sk-"' in line)
    [hit] = [line for line in result.stdout.splitlines() if "openai-style key split across" in line]
    assert hit.startswith(f"{path}:{first}:")
    assert f"split across 7 stream events (lines {first}-{first + 12})" in hit
    assert any("bearer token split across 8 stream events" in line for line in result.stdout.splitlines())
    assert KEY not in result.stdout + result.stderr and "sk-t" in hit  # masked: four characters and a length


def test_scan_passes_what_the_recorder_now_writes(tmp_path):
    record_echo(tmp_path, 4)
    result = scan(tmp_path / "cassettes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "scanned 1 cassette file(s): no secrets found" in result.stdout


def test_a_key_that_looks_like_no_key_is_found_by_its_value(tmp_path):
    """A provider key with no recognisable shape (e.g. 32 hex digits) matches no pattern: the recorder
    redacts it because it knows the value, and scan finds it when given the same variable."""
    key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    events = [chunk("fault-model", key[i : i + 4]) for i in range(0, len(key), 4)]
    stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    path = tmp_path / "plain.yaml"
    path.write_text(
        dumps(
            [
                Interaction(
                    "POST",
                    "http://127.0.0.1:9/v1/chat/completions",
                    json.dumps(ECHO),
                    200,
                    stream,
                    {"content-type": ["application/json"]},
                    {"content-type": ["text/event-stream"]},
                )
            ]
        )
    )
    assert scan(path).returncode == 0  # nothing key-shaped
    found = scan(path, key=key)
    assert found.returncode == 1 and "known secret value split across 8 stream events" in found.stdout
    with (
        FaultUpstream() as fake,
        ReplayEndpoint(tmp_path / "rec", mode="record", upstream=Upstream(fake.base_url, key)) as endpoint,
    ):
        bare = {**ECHO, "messages": [{"role": "user", "content": "echo my bare key"}]}
        httpx.post(endpoint.base_url + "/chat/completions", json=bare, timeout=30).raise_for_status()
    [entry] = load(tmp_path / "rec" / "unattributed.yaml")
    assert len(entry.events()) == 8 + 2  # eight pieces, the finish chunk, [DONE]
    assert (
        reader_text(entry) == "<redacted>"
        and key[8:20] not in (tmp_path / "rec" / "unattributed.yaml").read_text()
    )
