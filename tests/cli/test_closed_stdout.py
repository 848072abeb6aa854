"""Every `harness` command stopped by a reader that closed its stdout (`harness … | head`) exits quietly:
no BrokenPipeError traceback, exit code 141 (what a shell reports for SIGPIPE)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "data" / "specs"

COMMANDS = {
    "spec lint": ["spec", "lint", str(SPECS / "ogx-1.5.0-live-openapi.json")],
    "spec lint json": ["spec", "lint", str(SPECS / "ogx-1.5.0-live-openapi.json"), "--format", "json"],
    "spec diff": [
        "spec",
        "diff",
        str(SPECS / "llama-stack-pr4342-before.yaml"),
        str(SPECS / "llama-stack-pr4342-after.yaml"),
    ],
    "cassettes scan": ["cassettes", "scan", str(ROOT / "cassettes")],
    "matrix": ["matrix", "--suites-dir", str(ROOT / "suites")],
    "help": ["--help"],
}


def run_into_closed_pipe(argv: list[str], buffering: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if buffering == "unbuffered":
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written
    try:
        return subprocess.run(
            [sys.executable, "-m", "harness", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("buffering", ["buffered", "unbuffered"])
@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_stdout_ends_the_command_quietly(argv, buffering):
    result = run_into_closed_pipe(argv, buffering)
    assert result.stderr == "", result.stderr
    # argparse itself ignores a failed write of --help (exit 0) when nothing is buffered
    expected = {0, 141} if argv == ["--help"] and buffering == "unbuffered" else {141}
    assert result.returncode in expected


def test_output_cut_by_head_is_the_start_of_the_full_output():
    full = subprocess.run(
        [sys.executable, "-m", "harness", *COMMANDS["spec lint"]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    head = subprocess.run(
        f"{sys.executable} -m harness spec lint {COMMANDS['spec lint'][2]} | head -n 3",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert head.stdout.splitlines() == full.stdout.splitlines()[:3]
    assert head.stderr == ""
