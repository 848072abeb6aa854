"""A stack that dies mid-run: the test it dies in fails with one message naming the cause (signal, exit
status, container state, the URL that stopped answering, the loop thread that ended) and the app's last
log lines; every later test fails at once, without running, pointing at it; pytest exits 1. A healthy run,
failing tests included, is not taken for a dead one.

Real stacks (OGX 1.5.0 as a subprocess, in a container, started by hand, in-process), killed from inside
the session by a test. The later tests write a file when their body runs: none appears, so they failed
without running (nothing waited for a timeout)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import docker
import httpcore  # noqa: F401 - imported before any test, see below
import pytest

# Imported here, before any test: pytester drops the modules first imported during a test, and httpx
# imports httpcore on first use and keeps its exception classes, so a later test would see httpcore's
# errors unmapped. This module's fixtures use httpx and docker in this process.
pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

SERVER_PID = '''
import os
from pathlib import Path


def server_pid(stack):
    """The pid of the server this pytest process started for ``stack`` (its child, serving --port N)."""
    port = stack.base_url.rsplit(":", 1)[1].encode()
    for proc in Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (proc / "cmdline").read_bytes().split(b"\\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"--port" in argv and argv[argv.index(b"--port") + 1] == port:
            Path("server.pid").write_text(proc.name)
            return int(proc.name)
    raise LookupError(f"no child of {os.getpid()} serves port {port}")


def exited(pid):
    """Whether the process has exited (a zombie its parent, this process, has not reaped yet)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
'''

LATER_TESTS = """

def test_c_later(openai_client):
    Path("ran-c").write_text("")
    openai_client.models.list()


@pytest.mark.xfail(reason="an expected failure must not hide a dead stack", strict=True)
def test_d_later_expected_to_fail(http_client):
    Path("ran-d").write_text("")
    http_client.get("/v1/health")


def test_e_later(http_client):
    Path("ran-e").write_text("")
    assert http_client.get("/v1/health").status_code == 200
"""

KILLED = (
    "import signal\nimport pytest\n"
    + SERVER_PID
    + """

def test_a_healthy(http_client):
    assert http_client.get("/v1/health").status_code == 200


def test_b_killed(stack, http_client, openai_client):
    assert http_client.get("/v1/conversations/conv_marker_before_the_kill").status_code == 400
    os.kill(server_pid(stack), signal.SIGKILL)
    openai_client.models.list()
"""
    + LATER_TESTS
)


def failures(junit: Path) -> dict[str, str]:
    """Test name → the text of its failure, for every failed test in a JUnit XML file."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            found[case.get("name", "")] = failure.text or ""
    return found


def run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, str]]:
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--junitxml={junit}", *args, timeout=600
    )
    return result, failures(junit)


def later_tests_not_run(pytester: pytest.Pytester, found: dict[str, str], short: str) -> None:
    for name in ("test_c_later", "test_d_later_expected_to_fail", "test_e_later"):
        assert found[name].strip() == short, found[name]
    assert not [p.name for p in pytester.path.glob("ran-*")], "a later test's body ran"


def the_whole_output_has_no_traceback(out: str) -> None:
    assert "Traceback" not in out and "_base_client.py" not in out, out
    mentions = {line.strip() for line in out.splitlines() if "APIConnectionError" in line}
    assert mentions <= {"the test's own error: APIConnectionError: Connection error."}, out


def group_members(pgid: int, *, settle_s: float = 10) -> list[str]:
    """The live processes of a process group (zombies, already dead and waiting for a reaper, are not),
    after giving a SIGKILL just sent up to ``settle_s`` to land."""
    deadline = time.monotonic() + settle_s
    while True:
        members = []
        for proc in Path("/proc").iterdir():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(proc.name)
        if not members or time.monotonic() > deadline:
            return members
        time.sleep(0.1)


def test_a_server_killed_by_sigkill_fails_its_test_with_the_signal_and_log_and_the_rest_without_running(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_dead=KILLED)
    result, found = run(pytester, "--stack-config=server:replay")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=1, failed=4)
    pid = int((pytester.path / "server.pid").read_text())
    headline = (
        "the stack under test died during test_dead.py::test_b_killed: "
        f"the ogx server (pid {pid}) was killed by signal SIGKILL (9)"
    )
    first = found["test_b_killed"]
    assert first.startswith(f"router harness: {headline}\n  value:   'server:replay'\n"), first
    log = first.split("  last lines of the log:\n", 1)[1]
    assert "GET /v1/conversations/conv_marker_before_the_kill HTTP/1.1" in log, first
    assert first.rstrip().endswith("the test's own error: APIConnectionError: Connection error."), first
    later_tests_not_run(
        pytester,
        found,
        f"router harness: not run: {headline} (that test's failure shows the app's log)",
    )
    assert f"router harness: {headline}; 3 test(s) failed without running" in out
    the_whole_output_has_no_traceback(out)
    assert group_members(pid) == [], "the dead server's children (OGX's job workers) were left running"


EXITS = (
    "import signal\nimport time\nimport pytest\n"
    + SERVER_PID
    + '''

def test_a_healthy(http_client):
    assert http_client.get("/v1/conversations/conv_marker_before_the_exit").status_code == 400


def test_b_server_told_to_stop(stack):
    """SIGINT: OGX shuts down by itself and exits with a status. This test ends once it has exited."""
    pid = server_pid(stack)
    os.kill(pid, signal.SIGINT)
    for _ in range(600):
        if exited(pid):
            return
        time.sleep(0.1)
    pytest.fail(f"the server {pid} did not exit within 60 s of SIGINT")
'''
    + LATER_TESTS
)


def test_a_server_that_exits_between_tests_fails_the_next_test_with_its_exit_status(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_dead=EXITS)
    result, found = run(pytester, "--stack-config=server:replay")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=2, failed=3)
    pid = int((pytester.path / "server.pid").read_text())
    headline = (
        "the stack under test died before test_dead.py::test_c_later started: "
        f"the ogx server (pid {pid}) exited with status 0"
    )
    first = found["test_c_later"]
    assert first.startswith(f"router harness: {headline}\n"), first
    log = first.split("  last lines of the log:\n", 1)[1]
    assert "conv_marker_before_the_exit" in log and "Application shutdown complete." in log, first
    short = f"router harness: not run: {headline} (that test's failure shows the app's log)"
    for name in ("test_d_later_expected_to_fail", "test_e_later"):
        assert found[name].strip() == short, found[name]
    assert not [p.name for p in pytester.path.glob("ran-*")], "a later test's body ran"
    assert f"router harness: {headline}; 3 test(s) failed without running" in out
    the_whole_output_has_no_traceback(out)


HEALTHY = """
import httpx
from harness.targets.ports import free_port


def test_a_fails_on_its_own(http_client):
    assert http_client.get("/v1/health").status_code == 201, "the test's own assertion"


def test_b_cannot_reach_something_else(stack):
    httpx.get(f"http://127.0.0.1:{free_port()}/v1/health", timeout=5)  # nothing listens there


def test_c_later(http_client):
    assert http_client.get("/v1/health").status_code == 200
"""


def test_failing_tests_on_a_healthy_stack_keep_their_own_errors_and_the_session_goes_on(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_healthy=HEALTHY)
    result, found = run(pytester, "--stack-config=server:replay")
    out = result.stdout.str()
    result.assert_outcomes(passed=1, failed=2)
    assert "the test's own assertion" in found["test_a_fails_on_its_own"]
    assert "ConnectError" in found["test_b_cannot_reach_something_else"]
    assert "died" not in out and "not run" not in out, out


# -- docker mode ------------------------------------------------------------------------------------


@pytest.fixture
def ogx_image() -> str:
    """The harness's OGX image (built on first use, then cached): a real engine, or the test fails."""
    from harness.targets.docker_image import ensure_image

    return ensure_image("ogx", "1.5.0")


CONTAINER_KILLED = (
    """
import os
from pathlib import Path

import docker
import pytest


def test_a_healthy(http_client):
    assert http_client.get("/v1/health").status_code == 200


def test_b_killed(http_client, openai_client):
    assert http_client.get("/v1/conversations/conv_marker_before_the_kill").status_code == 400
    [container] = docker.from_env().containers.list(filters={"label": f"router-harness.pid={os.getpid()}"})
    Path("container.name").write_text(container.name)
    container.kill()  # SIGKILL
    openai_client.models.list()
"""
    + LATER_TESTS
)


def test_a_killed_container_fails_its_test_with_its_state_and_log_and_is_removed(
    pytester: pytest.Pytester, ogx_image: str
) -> None:
    pytester.makepyfile(test_dead=CONTAINER_KILLED)
    result, found = run(pytester, "--stack-config=docker:router-harness/ogx:1.5.0")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=1, failed=4)
    name = (pytester.path / "container.name").read_text()
    headline = (
        "the stack under test died during test_dead.py::test_b_killed: "
        f"the container {name} exited with code 137 (killed by signal SIGKILL (9))"
    )
    first = found["test_b_killed"]
    assert first.startswith(f"router harness: {headline}\n"), first
    log = first.split("  last lines of the log:\n", 1)[1]
    assert "GET /v1/conversations/conv_marker_before_the_kill HTTP/1.1" in log, first
    later_tests_not_run(
        pytester, found, f"router harness: not run: {headline} (that test's failure shows the app's log)"
    )
    the_whole_output_has_no_traceback(out)
    assert docker.from_env().containers.list(all=True, filters={"name": name}) == []


# -- url mode ---------------------------------------------------------------------------------------


@pytest.fixture
def hand_started_stack(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """OGX started by hand (``ogx run``), outside the harness; killed by the test, always stopped."""
    from harness.targets.health import wait_healthy
    from harness.targets.ports import free_port
    from harness.targets.tiktoken_cache import prepare_tiktoken_cache

    port = free_port()
    env = {
        **os.environ,
        "OTEL_SDK_DISABLED": "true",
        "STACK_STATE_DIR": str(tmp_path),
        "UPSTREAM_BASE_URL": "http://127.0.0.1:9/v1",
        "TIKTOKEN_CACHE_DIR": str(prepare_tiktoken_cache(tmp_path / "tiktoken")),
        "TMPDIR": str(tmp_path),
    }
    config = REPO / "harness/bundled/stacks/replay.yaml"
    command = [sys.executable, "-m", "ogx.cli.ogx", "run", str(config), "--port", str(port), "--insecure"]
    with open(tmp_path / "server.log", "wb") as log:
        proc = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        problem = wait_healthy(url, deadline_s=120, still_starting=lambda: proc.poll() and "it exited")
        assert problem is None, (tmp_path / "server.log").read_text()[-3000:]
        yield url, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


URL_STOPS = (
    """
import os
import signal
from pathlib import Path

import pytest


def test_a_healthy(http_client):
    assert http_client.get("/v1/health").status_code == 200


def test_b_stops_answering(http_client, openai_client):
    os.killpg(int(os.environ["HAND_STARTED_PID"]), signal.SIGKILL)
    openai_client.models.list()
"""
    + LATER_TESTS
)


def test_a_url_that_stops_answering_is_named_and_the_rest_fail_without_running(
    pytester: pytest.Pytester,
    hand_started_stack: tuple[str, subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, proc = hand_started_stack
    monkeypatch.setenv("HAND_STARTED_PID", str(proc.pid))
    pytester.makepyfile(test_dead=URL_STOPS)
    result, found = run(pytester, f"--stack-config={url}")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=1, failed=4)
    host_port = url.removeprefix("http://")
    headline = (
        "the stack under test died during test_dead.py::test_b_stops_answering: "
        f"the stack at {url} stopped answering: nothing accepts connections on {host_port}"
    )
    first = found["test_b_stops_answering"]
    assert first.startswith(f"router harness: {headline}\n  value:   '{url}'\n"), first
    later_tests_not_run(
        pytester, found, f"router harness: not run: {headline} (that test's failure shows the app's log)"
    )
    the_whole_output_has_no_traceback(out)


# -- library mode -----------------------------------------------------------------------------------

LOOP_STOPS = (
    """
import time
from pathlib import Path

import pytest


def test_a_healthy(http_client):
    assert http_client.get("/v1/health").status_code == 200


def test_b_loop_stopped(stack, http_client):
    loop = stack.asgi_app._loop  # the fault: something stops the app's event loop under it
    loop.call_soon_threadsafe(loop.stop)
    for _ in range(600):
        if not loop.is_running():
            break
        time.sleep(0.01)
    http_client.get("/v1/health")
"""
    + LATER_TESTS
)


def test_an_in_process_app_whose_loop_stops_is_named_and_the_rest_fail_without_running(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_dead=LOOP_STOPS)
    result, found = run(pytester, "--stack-config=replay")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=1, failed=4)
    headline = (
        "the stack under test died during test_dead.py::test_b_loop_stopped: the ogx app (in-process, "
        "library mode): its event loop thread ended: RuntimeError: Event loop stopped before Future completed."
    )
    first = found["test_b_loop_stopped"]
    assert first.startswith(f"router harness: {headline}\n  value:   'replay'\n"), first
    later_tests_not_run(
        pytester, found, f"router harness: not run: {headline} (that test's failure shows the app's log)"
    )
    assert "Traceback" not in out, out


# -- pytest-xdist: each worker watches its own stack -------------------------------------------------

HEALTHY_FILE = """
import os
from pathlib import Path


def test_one(http_client):
    Path("worker-test_healthy").write_text(os.environ["PYTEST_XDIST_WORKER"])
    assert http_client.get("/v1/health").status_code == 200


def test_two(http_client):
    assert http_client.get("/v1/health").status_code == 200
"""


def test_under_xdist_only_the_worker_whose_stack_died_fails_fast_and_the_controller_says_so(
    pytester: pytest.Pytester,
) -> None:
    killed_on_a_worker = KILLED.replace(
        "    os.kill(server_pid(stack)",
        '    Path("worker-test_dead").write_text(os.environ["PYTEST_XDIST_WORKER"])\n    os.kill(server_pid(stack)',
    )
    pytester.makepyfile(test_dead=killed_on_a_worker, test_healthy=HEALTHY_FILE)
    result, found = run(pytester, "--stack-config=server:replay", "-n", "2", "--dist=loadfile")
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    result.assert_outcomes(passed=3, failed=4)  # test_healthy's two pass on the other worker
    assert set(found) == {"test_b_killed", "test_c_later", "test_d_later_expected_to_fail", "test_e_later"}
    workers = {p.name: p.read_text() for p in pytester.path.glob("worker-*")}
    assert workers.keys() == {"worker-test_dead", "worker-test_healthy"}, workers
    assert workers["worker-test_dead"] != workers["worker-test_healthy"], "both files ran on one worker"
    summary = re.findall(
        r"^router harness: the stack under test died .*failed without running$", out, flags=re.MULTILINE
    )
    assert len(summary) == 1, out  # the controller's, from the worker's reports
    assert summary[0].startswith(
        "router harness: the stack under test died during test_dead.py::test_b_killed: "
    )
    assert summary[0].endswith("was killed by signal SIGKILL (9); 3 test(s) failed without running"), out
    assert not [p.name for p in pytester.path.glob("ran-*")], "a later test's body ran"
