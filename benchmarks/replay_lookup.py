"""Replay cassettes of 500, 2,000 and 8,000 interactions through our matcher and endpoint and through
vcrpy, side by side in one run; and read and index OGX's whole recording corpus in place.

    python benchmarks/replay_lookup.py [--sizes 500,2000,8000] [--ogx-corpus PATH/TO/tests/integration]

For each size N: one cassette of N distinct streamed chat-completions interactions (realistic sizes: a
system prompt, a few turns, ~10 SSE chunks each), written by the harness and read by both sides; every
request is replayed in recorded order:

- matcher only: ours = canonical form + hash + dict lookup (``CassetteLibrary.lookup``); vcrpy =
  ``Cassette.play_response`` with its default ``match_on`` (method, scheme, host, port, path, query).
- end to end: ours = load the cassette (``ReplayEndpoint``), then an httpx client POSTs every request
  to it over loopback HTTP (a real server, streamed answer); vcrpy = the same httpx client under
  ``vcr.use_cassette`` (patched transport, no socket at all). This favours vcrpy; it is the honest
  comparison of "replay N requests".
- floor: the same client against a trivial ASGI app on the same loopback server that answers each
  request with its stream from a prebuilt dict (no cassette, no matching): what HTTP alone costs.

Both sides are checked to return the right answer for every request. ``--ogx-corpus`` (OGX's
``tests/integration``, or any folder holding ``recordings/``) also times reading and indexing it as
``harness ogx run`` does (``ReplayEndpoint(..., ogx_recordings=...)``). The last line is
``ratio_vs_vcrpy: <vcrpy end-to-end time / ours>`` at 2,000 interactions (the size the issue measured;
vcrpy's cost grows with the square of N, so larger sizes give larger ratios, printed per size above).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import vcr
from vcr.cassette import Cassette
from vcr.request import Request as VcrRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.replay import CassetteLibrary, Interaction, MatchRules, ReplayEndpoint
from harness.replay.cassette import save
from harness.replay.server import LoopbackServer
from harness.replay.sources import stored_request_body
from harness.replay.sse import split_events

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


def timed(label: str, func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    elapsed = time.perf_counter() - started
    print(f"  {label:<60} {elapsed:8.3f} s", flush=True)
    return elapsed


@dataclass
class Row:
    n: int
    ours_match: float
    vcrpy_match: float
    ours_total: float
    ours_load: float
    vcrpy_total: float
    floor: float


def floor_app(answers: dict[bytes, bytes]) -> Callable[..., Any]:
    """An ASGI app that streams each request's answer from a dict: HTTP, and nothing else."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for event in split_events(answers[body]):
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    return app


def measure(n: int, rules: MatchRules, tmp: Path) -> Row:
    print(f"{n} interactions:")
    bodies = [json.dumps(request_body(i)).encode() for i in range(n)]
    directory = tmp / f"cassettes-{n}"
    path = directory / "bench.yaml"
    interactions = [interaction(i, rules) for i in range(n)]
    timed(f"build and write the cassette ({n} interactions)", lambda: save(path, interactions))
    print(f"  cassette size: {path.stat().st_size / 1e6:.1f} MB")

    library = CassetteLibrary.load(directory, rules)

    def ours_lookup() -> None:
        for i, body in enumerate(bodies):
            entry = library.lookup(rules.canonical("POST", "/v1/chat/completions", body))
            assert entry is not None and answer(i) == streamed_text(entry.interaction.response_body.encode())

    vcr_cassette = Cassette.load(path=str(path), serializer=vcr.VCR().serializers["yaml"], record_mode="none")

    def vcrpy_lookup() -> None:
        for i, body in enumerate(bodies):
            response = vcr_cassette.play_response(
                VcrRequest("POST", URI, body, {"content-type": "application/json"})
            )
            assert answer(i) == streamed_text(response["body"]["string"])

    ours_match = timed("matcher, ours: canonical form + hash + dict", ours_lookup)
    vcrpy_match = timed("matcher, vcrpy: Cassette.play_response, default match_on", vcrpy_lookup)

    loaded: list[float] = []

    def ours_http() -> None:
        started = time.perf_counter()
        with ReplayEndpoint(directory) as endpoint, httpx.Client(base_url=endpoint.base_url) as client:
            loaded.append(time.perf_counter() - started)
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

    answers = {body: interactions[i].response_body.encode() for i, body in enumerate(bodies)}

    def floor_http() -> None:
        server = LoopbackServer(floor_app(answers))
        server.start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}/v1") as client:
                for i, body in enumerate(bodies):
                    response = client.post(
                        "/chat/completions", content=body, headers={"content-type": "application/json"}
                    )
                    assert answer(i) == streamed_text(response.content)
        finally:
            server.stop()

    ours_total = timed("end to end, ours: load, then ReplayEndpoint over loopback HTTP", ours_http)
    print(f"  {'  of which loading the cassette':<60} {loaded[0]:8.3f} s")
    vcrpy_total = timed("end to end, vcrpy: use_cassette, patched transport, no socket", vcrpy_http)
    floor = timed("floor: the same client, a dict-backed app on the same server", floor_http)
    return Row(n, ours_match, vcrpy_match, ours_total, loaded[0], vcrpy_total, floor)


def index_ogx_corpus(root: Path, tmp: Path) -> None:
    started = time.perf_counter()
    with ReplayEndpoint(tmp / "no-cassettes", ogx_recordings=(root,)) as endpoint:
        elapsed = time.perf_counter() - started
        files, entries = endpoint.ogx_corpus.files_read, len(endpoint.library)
    print(f"OGX corpus {root}: {files} recordings read and {entries} entries indexed in {elapsed:.2f} s")
    print(f"ogx_corpus_index_seconds: {elapsed:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,8000", help="interactions per cassette, comma-separated")
    parser.add_argument("--ogx-corpus", type=Path, help="OGX's tests/integration (its recordings/ folders)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    rules = MatchRules.load()
    with tempfile.TemporaryDirectory() as tmp:
        if args.ogx_corpus is not None:
            index_ogx_corpus(args.ogx_corpus, Path(tmp))
        rows = [measure(n, rules, Path(tmp)) for n in sizes]
    print()
    print("    N | matcher ours  vcrpy  ratio | end to end ours (load)  vcrpy  ratio | floor | ours µs/req")
    for r in rows:
        print(
            f"{r.n:>5} | {r.ours_match:9.3f} {r.vcrpy_match:6.2f} {r.vcrpy_match / r.ours_match:6.1f} | "
            f"{r.ours_total:9.2f} ({r.ours_load:5.2f}) {r.vcrpy_total:7.1f} {r.vcrpy_total / r.ours_total:6.1f} | "
            f"{r.floor:5.2f} | {r.ours_total / r.n * 1e6:8.0f}"
        )
    at = next((r for r in rows if r.n == 2000), rows[-1])
    print(f"matcher_ratio_vs_vcrpy: {at.vcrpy_match / at.ours_match:.1f}")
    print(f"ratio_vs_vcrpy: {at.vcrpy_total / at.ours_total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
