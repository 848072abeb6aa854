"""Generated examples per second through the harness (every contract check on) against plain schemathesis,
on the same in-process OGX 1.5.0, in one run.

    python benchmarks/property_throughput.py [--examples 10] [--seed 0] [--operations '*'] [--rounds 1]
                                             [--reference openai] [--profile]

The app: OGX 1.5.0 in library mode (harness/bundled/stacks/replay.yaml, the real FastAPI app in this process,
reached through the harness's streaming in-process bridge), its inference answered by the synthetic
source, so model-calling operations run too. Both sides:

- generate the same cases: the same schemathesis strategies (one schema, built from the live spec with
  its dangling $refs stood in), the same hypothesis seed and budget per operation and mode (positive and
  negative), generation phase only (no shrinking, so both run the same examples);
- serialise each case the same way (schemathesis's requests keyword arguments, prepared by requests)
  and send it over the same bridge transport.

They differ only in what happens around the request:

- plain schemathesis: an ``httpx.Client`` on the bridge, then ``case.validate_response(response)`` —
  schemathesis's default checks (status code, content type, response schema, headers, and for negative
  cases negative-data rejection), the same thing ``case.call_and_validate`` runs;
- harness: the observing client (tees every body, SSE included) and ``check_exchange`` (operation and
  status declared, content type, discriminator-first response schema, error schema and error-format
  consistency, 5xx, SSE wire and Responses stream checks, deviations applied), plus
  ``negative_data_rejected`` for negative cases — exactly what ``suites/contract`` does per example;
  with the reference oracle on as well (``--reference``, default ``openai`` like the plugin's; its
  one-time load happens before the clock starts, as it does once per process in a run).

Operations alternate which side goes first (the app keeps state). The last line is
``ratio_vs_schemathesis: <harness seconds per example / schemathesis seconds per example>``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.contract import ApiSpec, CheckOptions, Deviations
from harness.contract.reference import check_reference_option, load_reference
from harness.plugin.property_based.generation import Generator, ModelCatalogue
from harness.plugin.property_based.runner import PropertyRun
from harness.plugin.property_based.sending import PREPARED, Sender, Unsendable
from harness.plugin.property_based.settings import PropertySettings
from harness.replay import ReplayEndpoint
from harness.targets.base import AppEnvironment
from harness.targets.library import LibraryTarget
from harness.targets.profiles import get_profile
from harness.targets.tiktoken_cache import prepare_tiktoken_cache

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Side:
    name: str
    examples: int = 0
    seconds: float = 0.0
    findings: int = 0

    @property
    def per_example(self) -> float:
        return self.seconds / self.examples if self.examples else float("nan")


def drive(strategy: Any, example: Callable[[Any], None], examples: int, seed: int) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fix_seed

    test = fix_seed(seed)(
        settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=(Phase.generate,),
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(example))
    )
    try:
        test()
    except Exception as error:
        if type(error).__name__ != "Unsatisfiable":
            raise


def schemathesis_example(client: Any, base_url: str, side: Side) -> Callable[[Any], None]:
    import requests
    from hypothesis import reject
    from schemathesis.core.failures import FailureGroup

    def example(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url=base_url)
        try:
            prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in PREPARED}).prepare()
            body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
            response = client.request(
                prepared.method, prepared.url, headers=dict(prepared.headers), content=body or b""
            )
        except (ValueError, UnicodeEncodeError, requests.RequestException) as error:
            if "Invalid" in type(error).__name__ or isinstance(error, (ValueError, UnicodeEncodeError)):
                reject()
            raise
        side.examples += 1
        try:
            case.validate_response(response)
        except FailureGroup:
            side.findings += 1

    return example


def harness_example(run: PropertyRun, key: str, mode: str, side: Side) -> Callable[[Any], None]:
    from hypothesis import reject

    from harness.plugin.property_based.checks import NegativeExample
    from harness.plugin.property_based.outcome import blocking

    def example(case: Any) -> None:
        try:
            sent = run.sender.send(case, key)
        except Unsendable:
            reject()
        side.examples += 1
        failures = run.check(sent.exchange)
        if mode == "negative":
            failures += run.check_negative(NegativeExample(sent.exchange, case, sent.prepared))
        side.findings += bool(blocking(failures))

    return example


def compare(
    stack: Any, args: argparse.Namespace, *, deviations: Any, target: str, profiler: cProfile.Profile | None
) -> tuple[Side, Side, Side]:
    """Both sides over every selected operation of ``stack``'s spec, positive and negative."""
    import httpx

    from harness.targets.clients import HEADERS, base_transport

    sender = Sender(stack)
    plain = httpx.Client(
        base_url=stack.base_url,
        transport=base_transport(stack, httpx),
        trust_env=False,
        headers=HEADERS,
        timeout=120,
    )
    document = sender.client.get("/openapi.json").json()
    listing = sender.client.get("/v1/models")
    models = ModelCatalogue.from_listing(listing.json() if listing.status_code == 200 else None)
    generator = Generator.from_document(document, models=models)
    settings = PropertySettings(args.examples, args.seed, True, tuple(args.operations.split(",")))
    run = PropertyRun(
        settings,
        generator,
        sender,
        ApiSpec.from_dict(document),
        deviations,
        CheckOptions(target=target, reference=args.reference),
        synthetic=True,
        command=lambda nodeid: nodeid,
    )
    keys = [k for k in generator.keys if settings.selects(k)]
    theirs, ours, alone = Side("plain schemathesis"), Side("harness"), Side("generation alone")
    for round_ in range(args.rounds):
        for index, key in enumerate(keys):
            operation = generator.operation(key)
            for mode in ("positive", "negative"):
                strategy = generator.strategy(operation, mode)
                started = time.perf_counter()  # also warms the strategy up, so neither side pays for that
                drive(strategy, _generated_only(alone), args.examples, args.seed)
                alone.seconds += time.perf_counter() - started
                order = [("theirs", theirs), ("ours", ours)]
                if (index + round_) % 2:
                    order.reverse()
                for which, side in order:
                    example = (
                        schemathesis_example(plain, stack.base_url, side)
                        if which == "theirs"
                        else harness_example(run, key, mode, side)
                    )
                    if profiler is not None and which == "ours":
                        profiler.enable()
                    started = time.perf_counter()
                    drive(strategy, example, args.examples, args.seed)
                    side.seconds += time.perf_counter() - started
                    if profiler is not None and which == "ours":
                        profiler.disable()
    plain.close()
    sender.close()
    return theirs, ours, alone


def _generated_only(side: Side) -> Callable[[Any], None]:
    def example(case: Any) -> None:
        case.as_transport_kwargs(base_url="http://generation.only")
        side.examples += 1

    return example


def on_ogx(args: argparse.Namespace, profiler: cProfile.Profile | None) -> tuple[Side, Side, Side]:
    """OGX 1.5.0 in-process (library mode), inference answered by the synthetic source."""
    with tempfile.TemporaryDirectory(prefix="property-throughput-") as tmp:  # removed afterwards
        state = Path(tmp)
        with ReplayEndpoint(REPO / "cassettes", mode="synthetic") as endpoint:
            env = AppEnvironment(
                state_dir=state,
                upstream_base_url=endpoint.base_url,
                extra={"TIKTOKEN_CACHE_DIR": str(prepare_tiktoken_cache(state / "tiktoken"))},
            )
            with LibraryTarget(
                get_profile("ogx"), REPO / "harness" / "bundled" / "stacks" / "replay.yaml", env
            ) as stack:
                return compare(
                    stack,
                    args,
                    deviations=Deviations.load(REPO / "harness" / "bundled" / "deviations.yaml"),
                    target="ogx-1.5.0",
                    profiler=profiler,
                )


def on_small_app(args: argparse.Namespace, profiler: cProfile.Profile | None) -> tuple[Side, Side, Side]:
    """The bug zoo's conversations app (tests/bugzoo, clean build): a small FastAPI app with a complete spec
    and declared error schemas, where the app costs little and the checks' share shows."""
    from harness.targets.asgi_bridge import InProcessApp
    from harness.targets.base import RunningStack
    from tests.bugzoo.apps import conversations

    app = InProcessApp(conversations.make_app())
    app.start()
    try:
        stack = RunningStack(base_url="http://zoo.test", mode="library", profile="zoo", asgi_app=app)
        return compare(stack, args, deviations=None, target="zoo", profiler=profiler)
    finally:
        app.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=10, help="examples per operation and mode (default 10)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--operations", default="*", help="comma-separated 'METHOD /path' patterns (default: all)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="passes over the operations (default 1)")
    parser.add_argument(
        "--reference", default="openai", help="reference oracle for the harness side (default openai; none)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the harness side and print the top 30"
    )
    args = parser.parse_args()
    args.reference = check_reference_option(args.reference)
    if args.reference:
        load_reference(args.reference)  # once per process, as in a run; not part of the per-example cost
    logging.disable(logging.WARNING)
    profiler = cProfile.Profile() if args.profile else None
    results = [
        ("small in-process app (tests/bugzoo conversations, 3 paths)", on_small_app(args, profiler)),
        ("OGX 1.5.0 in-process (library mode, synthetic inference, 69 operations)", on_ogx(args, profiler)),
    ]
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    print(
        f"{args.examples} examples per operation and mode, seed {args.seed}, {args.rounds} round(s), "
        f"reference {args.reference or 'none'}, generation "
        "phase only, same strategies and the same bridge transport on both sides"
    )
    ratios = []
    for label, (theirs, ours, alone) in results:
        print(label)
        for side in (alone, theirs, ours):
            print(
                f"  {side.name:>18}: {side.examples} examples in {side.seconds:.2f} s = "
                f"{side.examples / side.seconds:.1f} examples/s ({side.per_example * 1000:.2f} ms each; "
                f"{side.findings} examples with findings)"
            )
        if theirs.examples != ours.examples:
            print(
                f"  warning: the sides ran different numbers of examples ({theirs.examples} vs {ours.examples}); "
                "the ratio compares time per example"
            )
        ratios.append(ours.per_example / theirs.per_example)
        print(f"  ratio (harness / schemathesis, time per example): {ratios[-1]:.2f}")
    print("the line below is the larger of the two ratios")
    print(f"ratio_vs_schemathesis: {max(ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
