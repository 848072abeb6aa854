"""Server mode always stops the stack: after passing, failing and interrupted sessions."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.slow

RECORD_PORT = """
import os, pathlib
def test_record_port(stack, http_client):
    assert stack.mode == "server"
    pathlib.Path(os.environ["PORT_FILE"]).write_text(stack.base_url.rsplit(":", 1)[1])
    assert http_client.get("/v1/health").status_code == 200
"""


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    ("ending", "expected_exit"),
    [
        ("", pytest.ExitCode.OK),
        ("    assert False, 'a failing test'\n", pytest.ExitCode.TESTS_FAILED),
        ("    raise KeyboardInterrupt\n", pytest.ExitCode.INTERRUPTED),
    ],
    ids=["passed", "failed", "interrupted"],
)
def test_server_is_stopped_at_the_end(pytester, monkeypatch, ending, expected_exit):
    port_file = pytester.path / "port"
    monkeypatch.setenv("PORT_FILE", str(port_file))
    pytester.makepyfile(test_lifecycle=RECORD_PORT + ending)
    result = pytester.runpytest_subprocess("--stack-config=server:replay", timeout=300)
    assert result.ret == expected_exit, result.stdout.str()
    port = int(port_file.read_text())
    assert not listening(port), f"the stack on port {port} still listens after the session"


@pytest.mark.slow
def test_a_server_run_leaves_nothing_in_the_system_temporary_directory(pytester, tmp_path, monkeypatch):
    """OGX's CLI writes the resolved stack config (secrets included) as ogx-run-*.yaml into the temporary
    directory and never removes it; the harness gives the server the session's own directory instead."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    pytester.makepyfile(test_up="def test_up(stack):\n    assert stack.mode == 'server'\n")
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    result = pytester.runpytest_subprocess(
        "--stack-config=server:replay",
        "-p",
        "no:cacheprovider",
        f"--basetemp={tmp_path / 'basetemp'}",
        timeout=300,
    )
    result.assert_outcomes(passed=1)
    assert not list(system_tmp.rglob("ogx-run-*")), sorted(p.name for p in system_tmp.rglob("*"))
