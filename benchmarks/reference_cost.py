"""What the reference oracle costs per exchange, against the time the app takes to answer it.

    python benchmarks/reference_cost.py [--rounds 20] [--reference openai]

The app: OGX 1.5.0 in library mode (harness/bundled/stacks/replay.yaml, the real FastAPI app in this process,
reached through the harness's streaming in-process bridge), inference answered by the synthetic source.
Each round sends the same mix as the suites: create / get / list-items of a conversation, a malformed
conversation id (400 {"detail"}), a missing response (404), and POST /v1/responses plain and streamed.

For every exchange it times the app's answer (request sent → body read) and ``check_exchange`` against
OGX's own /openapi.json with the reference off and on (the difference is the reference's cost). The
one-time cost (reading the shipped file, normalising, registering it; each of its 1,400 schemas is
compiled when first used, inside the per-exchange figures) is printed apart.
The last line is ``ratio_vs_app: <reference seconds per exchange / app seconds per exchange>``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.contract import ApiSpec, CheckOptions, CheckSession, check_exchange
from harness.contract.reference import load_reference
from harness.replay import ReplayEndpoint
from harness.targets.base import AppEnvironment
from harness.targets.clients import http_client
from harness.targets.library import LibraryTarget
from harness.targets.profiles import get_profile
from harness.targets.tiktoken_cache import prepare_tiktoken_cache

REPO = Path(__file__).resolve().parents[1]
MODEL = "openai/gpt-4o"


def scenario(client) -> list[tuple[str, object]]:
    """One round: (label, response) for each request, bodies read."""
    out = []

    def send(label, method, path, **kwargs):
        start = time.perf_counter()
        response = client.request(method, path, **kwargs)
        response.read()
        out.append((label, response, time.perf_counter() - start))
        return response

    conversation = send(
        "POST /v1/conversations",
        "POST",
        "/v1/conversations",
        json={"items": [{"type": "message", "role": "user", "content": "hi"}]},
    ).json()
    send("GET /v1/conversations/{id}", "GET", f"/v1/conversations/{conversation['id']}")
    send("GET /v1/conversations/{id}/items", "GET", f"/v1/conversations/{conversation['id']}/items")
    send("GET /v1/conversations/{malformed} 400", "GET", "/v1/conversations/not-a-conversation-id")
    send("GET /v1/responses/{missing} 404", "GET", "/v1/responses/resp_does_not_exist")
    send("POST /v1/responses", "POST", "/v1/responses", json={"model": MODEL, "input": "Which planet?"})
    send(
        "POST /v1/responses stream",
        "POST",
        "/v1/responses",
        json={"model": MODEL, "input": "Which planet?", "stream": True},
    )
    return out


def main() -> int:
    try:
        return _main()
    finally:
        shutil.rmtree(STATE, ignore_errors=True)  # the app's state for this run, nothing left behind


STATE = Path(tempfile.mkdtemp(prefix="reference-cost-"))


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--reference", default="openai")
    args = parser.parse_args()

    start = time.perf_counter()
    reference = load_reference(args.reference)
    reference.spec.validator.compile_all()
    once = time.perf_counter() - start

    state = STATE
    exchanges = []
    with ReplayEndpoint(REPO / "cassettes", mode="synthetic") as endpoint:
        env = AppEnvironment(
            state_dir=state,
            upstream_base_url=endpoint.base_url,
            extra={"TIKTOKEN_CACHE_DIR": str(prepare_tiktoken_cache(state / "tiktoken"))},
        )
        with LibraryTarget(
            get_profile("ogx"), REPO / "harness" / "bundled" / "stacks" / "replay.yaml", env
        ) as stack:
            seen = []
            with http_client(stack, on_exchange=seen.append) as client:
                spec = ApiSpec.from_dict(client.get("/openapi.json").json(), source="OGX 1.5.0 /openapi.json")
                seen.clear()
                scenario(client)  # warm-up: first calls pay for imports and caches
                seen.clear()
                timed = []
                for _ in range(args.rounds):
                    timed += scenario(client)
                exchanges = list(seen)

    assert len(exchanges) == len(timed), (len(exchanges), len(timed))
    off, on = CheckOptions(target="ogx-1.5.0"), CheckOptions(target="ogx-1.5.0", reference=args.reference)
    for options in (off, on):  # warm both paths (compiled validators, cached operations)
        check_exchange(spec, exchanges[0], options=options, session=CheckSession())
    per_label: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for exchange, (label, _, app_seconds) in zip(exchanges, timed, strict=False):
        t0 = time.perf_counter()
        check_exchange(spec, exchange, options=off, session=CheckSession())
        t1 = time.perf_counter()
        check_exchange(spec, exchange, options=on, session=CheckSession())
        t2 = time.perf_counter()
        per_label[label].append((app_seconds, t1 - t0, max(0.0, (t2 - t1) - (t1 - t0))))

    print(f"reference {reference.name}: one-time load + normalise + register {once:.2f} s (once per process)")
    print("medians per exchange kind, and the reference's mean and worst:")
    print(
        f"{'exchange':<40} {'app ms':>8} {'own checks ms':>14} {'reference ms':>13} {'mean':>7} {'max':>7} "
        f"{'ref/app':>8}"
    )
    total_app = total_ref = 0.0
    for label, rows in per_label.items():
        app = statistics.median(r[0] for r in rows)
        own = statistics.median(r[1] for r in rows)
        ref = statistics.median(r[2] for r in rows)
        total_app += sum(r[0] for r in rows)
        total_ref += sum(r[2] for r in rows)
        mean = statistics.fmean(r[2] for r in rows)
        worst = max(r[2] for r in rows)
        print(
            f"{label:<40} {app * 1e3:8.2f} {own * 1e3:14.2f} {ref * 1e3:13.2f} {mean * 1e3:7.2f} {worst * 1e3:7.2f} "
            f"{ref / app:8.3f}"
        )
    n = sum(len(rows) for rows in per_label.values())
    print(
        f"{n} exchanges ({args.rounds} rounds): app {total_app / n * 1e3:.2f} ms per exchange, "
        f"reference {total_ref / n * 1e3:.3f} ms per exchange"
    )
    print(f"ratio_vs_app: {total_ref / total_app:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
