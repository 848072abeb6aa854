"""The harness's start-up overhead: ``pytest SUITE --stack-config=replay`` against the bare boot of the
same app in a fresh process, measured side by side in one run.

    python benchmarks/startup.py [--rounds 3] [--suite suites/smoke] [--stack-config replay]

- bare boot: a fresh ``python`` that imports ``ogx.core.server.server``, calls ``create_app()``, starts
  its lifespan (``asgi_lifespan.LifespanManager``) and gets ``/v1/health`` once through httpx's
  ``ASGITransport``, with exactly the environment the harness gives the app in library mode (the
  bundled ``replay`` stack config, a state directory, the tiktoken cache, the upstream pointing at a
  replay endpoint this script runs);
  (the process ends there, with no shutdown);
- harness: a fresh ``python -m pytest SUITE --stack-config=replay -p no:cacheprovider``.

Both are timed from process start to exit, alternating (bare first in odd rounds), and the medians are
compared. The bare boot also reports its phases. The last line is
``overhead_ratio: <median pytest seconds / median bare boot seconds>``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.replay import ReplayEndpoint
from harness.targets.base import AppEnvironment
from harness.targets.profiles import get_profile
from harness.targets.stack_config import ConfigFinder

REPO = Path(__file__).resolve().parents[1]

BARE_BOOT = """
import asyncio, json, os, sys, time
started = time.perf_counter()
import ogx.core.server.server as server
imported = time.perf_counter()
import httpx
from asgi_lifespan import LifespanManager

async def boot():
    app = server.create_app()
    created = time.perf_counter()
    manager = LifespanManager(app, startup_timeout=120)
    await manager.__aenter__()
    lifespan = time.perf_counter()
    transport = httpx.ASGITransport(app=manager.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        response = await client.get("/v1/health")
    healthy = time.perf_counter()
    assert response.status_code == 200, response.text
    with open(os.environ["STARTUP_BENCH_PHASES"], "w") as out:
        json.dump({"import": imported - started, "create_app": created - imported,
                   "lifespan": lifespan - created, "first_health": healthy - lifespan}, out)
    os._exit(0)  # the boot ends at the first answer: no shutdown

asyncio.run(boot())
"""


def app_environment(state: Path, upstream: str, config: Path) -> dict[str, str]:
    """What LibraryTarget sets before it creates the app (the profile's quiet logging, the harness's
    variables, the steps before start, the config path)."""
    profile = get_profile("ogx")
    return {
        **dict(profile.library_env),
        **AppEnvironment(state_dir=state, upstream_base_url=upstream).variables(),
        **profile.prepare(state),
        profile.config_env: str(config),
    }


def timed_process(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> float:
    """Seconds from start to exit. Output goes to ``log``, not a pipe: the app's worker processes outlive
    a boot that ends without shutdown and would hold a pipe open. The process group is ended after."""
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out, start_new_session=True)
        returncode = process.wait()
        elapsed = time.perf_counter() - started
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed ({returncode}):\n{log.read_text()[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--suite", default="suites/smoke", help="what pytest runs (default suites/smoke)")
    parser.add_argument("--stack-config", default="replay")
    args = parser.parse_args()

    config = ConfigFinder((REPO / "suites" / "stacks",)).resolve(args.stack_config, args.stack_config)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("HARNESS_", "OGX_"))}
    pytest_command = [
        sys.executable,
        "-m",
        "pytest",
        args.suite,
        f"--stack-config={args.stack_config}",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    bare_times: list[float] = []
    pytest_times: list[float] = []
    phases: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        with ReplayEndpoint(REPO / "cassettes") as endpoint:
            for round_ in range(args.rounds):
                state = Path(tmp) / f"bare-{round_}"
                state.mkdir()
                bare_env = {**base_env, **app_environment(state, endpoint.base_url, config)}
                report_dir = Path(tmp) / f"reports-{round_}"
                pytest_env = {**base_env, "HARNESS_REPORT_DIR": str(report_dir)}
                order = ["bare", "pytest"] if round_ % 2 == 0 else ["pytest", "bare"]
                for which in order:
                    log = Path(tmp) / f"{which}-{round_}.log"
                    if which == "bare":
                        phases_file = Path(tmp) / f"phases-{round_}.json"
                        bare_env["STARTUP_BENCH_PHASES"] = str(phases_file)
                        command = [sys.executable, "-c", BARE_BOOT]
                        bare_times.append(timed_process(command, bare_env, state, log))
                        phases.append(json.loads(phases_file.read_text()))
                    else:
                        pytest_times.append(timed_process(pytest_command, pytest_env, REPO, log))
                print(
                    f"round {round_ + 1}: bare boot {bare_times[-1]:.2f} s, pytest {pytest_times[-1]:.2f} s"
                )

    bare, harness = statistics.median(bare_times), statistics.median(pytest_times)
    print(
        "bare boot phases (median s): "
        + ", ".join(f"{name} {statistics.median(p[name] for p in phases):.2f}" for name in phases[0])
    )
    print(f"bare boot, fresh process (median of {args.rounds}): {bare:.2f} s")
    print(
        f"pytest {args.suite} --stack-config={args.stack_config} (median of {args.rounds}): {harness:.2f} s"
    )
    print(f"overhead_ratio: {harness / bare:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
