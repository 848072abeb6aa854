"""OGX's own integration tests, run by ``harness ogx run`` and by OGX's own harness, side by side.

    python benchmarks/ratio_vs_ogx_harness.py PATH... [--rounds 3] [--ogx-harness OGX_CHECKOUT]
                                              [--ogx-python PYTHON] [--online]

PATH is OGX's ``tests/integration`` or files and folders in it (e.g. ``…/tests/integration/conversations
…/tests/integration/responses/test_basic_responses.py``).

- ours: ``harness ogx run PATH... --stack-config=replay`` (library mode, OGX's recordings replayed in
  place), from a temporary working directory (its reports and cassettes go there);
- OGX's: ``pytest PATH... --stack-config=server:ci-tests --setup=gpt --inference-mode=replay`` with
  ``OGX_TEST_LOG_STDERR=0``, run in the OGX checkout given by ``--ogx-harness`` with ``--ogx-python``
  (the way OGX's ``scripts/integration-tests.sh`` runs them; library mode skips every Responses and
  Conversations test by design, so server mode is the comparison).

Both run offline (``unshare -rn``, loopback only) when the machine allows it, alternating, and the
medians of their wall times are compared. OGX's harness needs OGX's own source tree at the commit its
tests come from (its conftest, ``ogx.testing``, the ``ci-tests`` distribution) and the versions of its
``uv.lock`` (openai 2.x), not PyPI's ogx 1.5.0: the script first collects with it and, when that fails,
says why and falls back to the figure measured on 2026-12-01 with that set-up (issue 14: 23
Responses/Conversations tests, server mode, replay, offline, 15.4 s wall, median of 3), which is only
comparable when PATH selects those tests. The last line is ``ratio_vs_ogx_harness: <ours / theirs>``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOCUMENTED_SECONDS = 15.4  # OGX's harness, 23 Responses/Conversations tests, 2026-12-01 (issue 14)
DOCUMENTED_TESTS = 23
OUTCOME = re.compile(r"^=*\s*(\d+ (?:passed|failed|skipped|xfailed|error).*\bin [0-9.]+s\S*)", re.MULTILINE)


@dataclass
class Run:
    seconds: float
    returncode: int
    outcome: str


def offline_prefix(online: bool) -> list[str]:
    if online or shutil.which("unshare") is None:
        return []
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        print("note: cannot drop the network here (unshare -rn failed); running with it")
        return []
    return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]


def timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    with log.open("w") as out:
        started = time.perf_counter()
        returncode = subprocess.call(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - started
    found = OUTCOME.findall(log.read_text(errors="replace"))
    return Run(elapsed, returncode, found[-1] if found else f"exit {returncode}, no pytest summary")


def ours_command(paths: list[Path]) -> list[str]:
    harness = Path(sys.executable).with_name("harness")
    program = [str(harness)] if harness.exists() else [sys.executable, "-m", "harness.cli"]
    return [*program, "ogx", "run", *map(str, paths), "--stack-config=replay", "-q"]


def theirs_command(python: str, paths: list[Path]) -> list[str]:
    return [
        python,
        "-m",
        "pytest",
        *map(str, paths),
        "--stack-config=server:ci-tests",
        "--setup=gpt",
        "--inference-mode=replay",
        "-q",
        "-p",
        "no:cacheprovider",
    ]


def why_theirs_cannot_run(checkout: Path, python: str, paths: list[Path], env: dict[str, str]) -> str | None:
    """None when OGX's harness collects the tests; otherwise the reason, in one paragraph."""
    missing = [
        p
        for p in ("tests/integration/conftest.py", "src/ogx/core/server/server.py", "src/ogx/distributions")
        if not (checkout / p).exists()
    ]
    if missing:
        return (
            f"{checkout} is not a whole OGX checkout (missing: {', '.join(missing)}); OGX's harness imports "
            "its own source tree (ogx.testing, the ci-tests distribution) at the commit its tests come from"
        )
    collect = subprocess.run(
        [*theirs_command(python, paths), "--collect-only"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if collect.returncode == 0:
        return None
    lines = [line for line in (collect.stdout + collect.stderr).splitlines() if line.strip()]
    return f"collecting with {python} failed (exit {collect.returncode}): " + " | ".join(lines[-3:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="OGX's tests/integration, or files/folders in it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ogx-harness", type=Path, help="an OGX checkout whose own harness runs PATH")
    parser.add_argument("--ogx-python", default=sys.executable, help="the interpreter of OGX's test venv")
    parser.add_argument("--online", action="store_true", help="do not drop the network")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.paths]
    for path in paths:
        if not path.exists():
            parser.error(f"no such test path: {path}")
    prefix = offline_prefix(args.online)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("HARNESS_", "OGX_"))}
    base_env["PYTHONDONTWRITEBYTECODE"] = "1"
    theirs_env = {**base_env, "OGX_TEST_LOG_STDERR": "0", "OPENAI_API_KEY": "dummy"}

    reason = "no --ogx-harness given"
    if args.ogx_harness is not None:
        reason = why_theirs_cannot_run(args.ogx_harness.resolve(), args.ogx_python, paths, theirs_env) or ""
    ours_runs: list[Run] = []
    theirs_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="ratio-vs-ogx-") as tmp:
        for round_ in range(args.rounds):
            sides = ["ours", "theirs"] if round_ % 2 == 0 else ["theirs", "ours"]
            for side in sides:
                if side == "theirs" and reason:
                    continue
                log = Path(tmp) / f"{side}-{round_}.log"
                if side == "ours":
                    workdir = Path(tmp) / f"work-{round_}"
                    workdir.mkdir()
                    ours_runs.append(timed([*prefix, *ours_command(paths)], workdir, base_env, log))
                    run = ours_runs[-1]
                else:
                    checkout = args.ogx_harness.resolve()
                    command = [*prefix, *theirs_command(args.ogx_python, paths)]
                    theirs_runs.append(timed(command, checkout, theirs_env, log))
                    run = theirs_runs[-1]
                print(f"round {round_ + 1}, {side}: {run.seconds:.2f} s ({run.outcome})", flush=True)

    ours = statistics.median(r.seconds for r in ours_runs)
    print(f"harness ogx run, library mode (median of {len(ours_runs)}): {ours:.2f} s")
    if theirs_runs:
        theirs = statistics.median(r.seconds for r in theirs_runs)
        print(f"OGX's own harness, server mode (median of {len(theirs_runs)}): {theirs:.2f} s")
    else:
        theirs = DOCUMENTED_SECONDS
        print(f"OGX's own harness was not run: {reason}.")
        print(
            f"Falling back to the documented figure: {DOCUMENTED_SECONDS} s for {DOCUMENTED_TESTS} "
            "Responses/Conversations tests (OGX HEAD source, uv.lock versions, server mode, replay, offline, "
            "median of 3, 2026-12-01); not measured in this run"
        )
    print(f"ratio_vs_ogx_harness: {ours / theirs:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
