"""How an app ended, in words: real processes' return codes, and container states as docker reports them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.targets.exit_status import container_ended, process_ended, signal_name


def returncode(code: str) -> int:
    return subprocess.run([sys.executable, "-c", code], check=False).returncode


def test_a_process_that_exits_is_named_by_its_status() -> None:
    assert process_ended(returncode("raise SystemExit(3)")) == "exited with status 3"
    assert process_ended(returncode("pass")) == "exited with status 0"


def test_a_process_killed_by_a_signal_is_named_by_the_signal() -> None:
    killed = returncode("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    assert process_ended(killed) == "was killed by signal SIGKILL (9)"
    terminated = returncode("import os, signal; os.kill(os.getpid(), signal.SIGTERM)")
    assert process_ended(terminated) == "was killed by signal SIGTERM (15)"


def test_a_number_that_names_no_signal_stays_a_number() -> None:
    assert signal_name(200) == "signal 200"


@pytest.mark.parametrize(
    ("state", "said"),
    [
        ({"Status": "exited", "ExitCode": 1, "OOMKilled": False, "Error": ""}, "exited with code 1"),
        (
            {"Status": "exited", "ExitCode": 137, "OOMKilled": False, "Error": ""},
            "exited with code 137 (killed by signal SIGKILL (9))",
        ),
        (
            {"Status": "exited", "ExitCode": 143, "OOMKilled": False, "Error": ""},
            "exited with code 143 (killed by signal SIGTERM (15))",
        ),
        (
            {"Status": "exited", "ExitCode": 137, "OOMKilled": True, "Error": ""},
            "was killed by the kernel's out-of-memory killer (OOMKilled, exit code 137)",
        ),
        ({"Status": "exited", "ExitCode": 200, "OOMKilled": False, "Error": ""}, "exited with code 200"),
        (
            {"Status": "dead", "ExitCode": 255, "OOMKilled": False, "Error": "driver failed"},
            "exited with code 255; docker says: driver failed",
        ),
    ],
    ids=["status", "sigkill", "sigterm", "oom", "no-signal", "docker-error"],
)
def test_a_container_state_is_named_by_code_signal_and_oom(state: dict[str, object], said: str) -> None:
    assert container_ended(state) == said
