"""Replay a 2,000-interaction cassette through our matcher and through vcrpy's default matching, in one run.

    python benchmarks/replay_lookup.py [--interactions 2000]

Builds one cassette of N distinct streamed chat-completions interactions (realistic sizes: a system
prompt, a few turns, ~10 SSE chunks each), written by the harness and read by both sides, then replays
every request in recorded order:

- matcher only: ours = canonical form + hash + dict lookup (``CassetteLibrary.lookup``); vcrpy =
  ``Cassette.play_response`` with its default ``match_on`` (method, scheme, host, port, path, query).
- end to end: ours = an httpx client POSTing to ``ReplayEndpoint`` over loopback HTTP (a real server,
  streamed answer); vcrpy = the same httpx client under ``vcr.use_cassette`` (patched transport, no
  socket at all). This favours vcrpy; it is the honest comparison of "replay 2,000 requests".

Both sides are checked to return the right answer for every request. The last line is
``ratio_vs_vcrpy: <vcrpy end-to-end time / ours>``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import vcr
from vcr.cassette import Cassette
from vcr.request import Request as VcrRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.replay import CassetteLibrary, Interaction, MatchRules, ReplayEndpoint
from harness.replay.cassette import save
from harness.replay.sources import stored_request_body

URI = "https://api.openai.com/v1/chat/completions"
SYSTEM = "You are a helpful assistant. Answer briefly and precisely. " * 4


def request_body(n: int) -> dict:
    return {
        "model": "gpt-4o",
        "stream": True,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Question {n}: which planet is number {n % 8 + 1} from the Sun?"},
            {"role": "assistant", "content": f"Planet number {n % 8 + 1}."},
            {"role": "user", "content": f"Repeat answer {n} in all caps."},
        ],
        "stream_options": {"include_usage": True},
    }


def answer(n: int) -> str:
    return f"PLANET NUMBER {n % 8 + 1} (ANSWER {n})."


def interaction(n: int, rules: MatchRules) -> Interaction:
    words = answer(n).split(" ")
    chunks = [
        {
            "id": f"rec-{n}",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "gpt-4o",
            "choices": [{"index": 0, "delta": {"content": w if i == 0 else " " + w}, "finish_reason": None}],
        }
        for i, w in enumerate(words)
    ]
    chunks.append(
        {
            "id": f"rec-{n}",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "gpt-4o",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
    )
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return Interaction(
        "POST",
        URI,
        stored_request_body(rules, json.dumps(request_body(n))),
        200,
        body,
        request_headers={"content-type": ["application/json"]},
        response_headers={"content-type": ["text/event-stream"]},
        offsets_ms=list(range(len(chunks) + 1)),
    )


def streamed_text(raw: bytes) -> str:
    text = ""
    for event in raw.decode().split("\n\n"):
        payload = event.removeprefix("data: ")
        if payload and payload != "[DONE]":
            text += "".join(c["delta"].get("content") or "" for c in json.loads(payload)["choices"])
    return text


def timed(label: str, func) -> float:
    started = time.perf_counter()
    func()
    elapsed = time.perf_counter() - started
    print(f"{label:<52} {elapsed:8.3f} s")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=2000)
    n = parser.parse_args().interactions
    rules = MatchRules.load()
    bodies = [json.dumps(request_body(i)).encode() for i in range(n)]

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "cassettes"
        path = directory / "bench.yaml"
        timed(
            f"build and write a {n}-interaction cassette",
            lambda: save(path, [interaction(i, rules) for i in range(n)]),
        )
        print(f"cassette size: {path.stat().st_size / 1e6:.1f} MB")

        # -- matcher only -----------------------------------------------------------------------
        library = CassetteLibrary.load(directory, rules)

        def ours_lookup() -> None:
            for i, body in enumerate(bodies):
                entry = library.lookup(rules.canonical("POST", "/v1/chat/completions", body))
                assert entry is not None and answer(i) == streamed_text(
                    entry.interaction.response_body.encode()
                )

        vcr_cassette = Cassette.load(
            path=str(path), serializer=vcr.VCR().serializers["yaml"], record_mode="none"
        )

        def vcrpy_lookup() -> None:
            for i, body in enumerate(bodies):
                response = vcr_cassette.play_response(
                    VcrRequest("POST", URI, body, {"content-type": "application/json"})
                )
                assert answer(i) == streamed_text(response["body"]["string"])

        print("matcher only (lookup of every request, in recorded order):")
        ours_match = timed("  ours: canonical form + hash + dict", ours_lookup)
        vcrpy_match = timed("  vcrpy: Cassette.play_response, default match_on", vcrpy_lookup)

        # -- end to end ---------------------------------------------------------------------------
        def ours_http() -> None:
            with ReplayEndpoint(directory) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
                for i, body in enumerate(bodies):
                    response = client.post(
                        "/chat/completions", content=body, headers={"content-type": "application/json"}
                    )
                    assert answer(i) == streamed_text(response.content), response.text[:300]

        def vcrpy_http() -> None:
            with vcr.use_cassette(str(path), serializer="yaml", record_mode="none"), httpx.Client() as client:
                for i, body in enumerate(bodies):
                    response = client.post(URI, content=body, headers={"content-type": "application/json"})
                    assert answer(i) == streamed_text(response.content)

        print("end to end (load the cassette, replay every request through an httpx client):")
        ours_total = timed("  ours: ReplayEndpoint over loopback HTTP", ours_http)
        vcrpy_total = timed("  vcrpy: use_cassette, patched transport, no socket", vcrpy_http)

    print(f"matcher_ratio_vs_vcrpy: {vcrpy_match / ours_match:.1f}")
    print(f"ratio_vs_vcrpy: {vcrpy_total / ours_total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
