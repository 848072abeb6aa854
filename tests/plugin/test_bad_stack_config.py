"""Every bad ``--stack-config`` ends the session early with one clear message (through real pytest runs)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

SMOKE = """
def test_uses_the_stack(http_client):
    assert http_client.get("/v1/health").status_code == 200
"""

BROKEN_CONFIG = """\
version: 2
distro_name: broken
apis: [inference]
providers:
  inference:
  - provider_id: nope
    provider_type: remote::does-not-exist
    config: {}
"""


REPO = Path(__file__).resolve().parents[2]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_smoke=SMOKE)
    return pytester.runpytest_subprocess(f"--cassette-dir={REPO / 'cassettes'}", *args, timeout=300)


def assert_names_option_value_and_forms(result: pytest.RunResult, value: str) -> None:
    text = result.stderr.str() + result.stdout.str()
    assert "--stack-config" in text, text
    assert repr(value) in text, text
    assert "server:<config>[:port]" in text and "http(s)://host:port" in text, text
    assert "Traceback" not in text, text


def test_unknown_form(pytester):
    result = run(pytester, "--stack-config=bogus:thing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_names_option_value_and_forms(result, "bogus:thing")
    assert "unknown form 'bogus:'" in result.stderr.str()


def test_missing_config_file(pytester):
    result = run(pytester, "--stack-config=server:/no/such/stack.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_names_option_value_and_forms(result, "server:/no/such/stack.yaml")
    assert "does not exist" in result.stderr.str()


def test_value_from_environment_variable(pytester, monkeypatch):
    monkeypatch.setenv("HARNESS_STACK_CONFIG", "nope-not-bundled")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no stack config named 'nope-not-bundled'" in result.stderr.str()
    assert "replay" in result.stderr.str()  # the bundled names are offered


def test_value_from_ini(pytester):
    pytester.makeini("[pytest]\nstack_config = server:replay:0\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "port 0 is out of range" in result.stderr.str()


def test_port_in_use(pytester):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(pytester, f"--stack-config=server:replay:{port}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    out = result.stderr.str()
    assert f"port {port} on 127.0.0.1 is already in use" in out, out
    assert f"'server:replay:{port}'" in out and "drop the port" in out
    assert "Traceback" not in out


@pytest.mark.slow
def test_stack_that_fails_to_start_in_server_mode_shows_its_log(pytester):
    config = pytester.path / "broken.yaml"
    config.write_text(BROKEN_CONFIG)
    result = run(pytester, f"--stack-config=server:{config}")
    assert result.ret == 3
    out = result.stdout.str()
    assert "did not become healthy: the server process exited with code" in out, out
    assert "last lines of the log:" in out
    assert "does-not-exist" in out  # the stack's own complaint, from its log
    assert str(config) in out


@pytest.mark.slow
def test_stack_that_fails_to_start_in_library_mode(pytester):
    config = pytester.path / "broken.yaml"
    config.write_text(BROKEN_CONFIG)
    result = run(pytester, f"--stack-config={config}")
    assert result.ret == 3
    out = result.stdout.str()
    assert "failed to start in-process" in out, out
    assert "does-not-exist" in out
    assert str(config) in out


@pytest.mark.slow
def test_stack_that_never_becomes_healthy_is_stopped_at_the_deadline(pytester):
    result = run(pytester, "--stack-config=server:replay", "--stack-startup-timeout=0.5")
    assert result.ret == 3
    out = result.stdout.str()
    assert "not healthy after 0 s" in out or "not healthy after 1 s" in out, out
    assert "--stack-startup-timeout" in out


def test_url_with_nothing_listening(pytester):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(pytester, f"--stack-config=http://127.0.0.1:{port}")
    assert result.ret == 3
    out = result.stdout.str()
    assert f"the stack at http://127.0.0.1:{port} is not reachable" in out, out
    assert "--stack-config=server:<config>" in out


def test_bad_startup_timeout(pytester):
    result = run(pytester, "--stack-startup-timeout=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--stack-startup-timeout must be a positive number" in result.stderr.str()
    assert "'soon'" in result.stderr.str()


def test_unknown_profile(pytester):
    result = run(pytester, "--stack-profile=llama")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "unknown stack profile" in err and "'llama'" in err and "ogx, llama-stack" in err


@pytest.mark.parametrize(
    "option, content, expected",
    [
        ("--spec", "openapi: [unclosed\n", ["--spec: ", "not valid YAML"]),
        (
            "--spec",
            '{"swagger": "2.0", "paths": {}}',
            ["--spec:", "is not an OpenAPI 3.x document", "keys: paths, swagger"],
        ),
        (
            "--deviations",
            "- check: status_code_declared\n  operation: GET /x\n  reasn: typo\n",
            ["unknown key(s) 'reasn'"],
        ),
    ],
    ids=["unreadable-spec", "not-openapi-3", "malformed-deviations"],
)
def test_a_bad_file_option_ends_the_session_at_configure_naming_the_file(pytester, option, content, expected):
    """At configure (pytest's usage error, before collection), not after the stack has started."""
    bad = pytester.path / "bad.yaml"
    bad.write_text(content)
    result = run(pytester, f"{option}={bad}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert err.startswith("ERROR: "), err
    assert all(fragment in err for fragment in expected) and str(bad) in err and "Traceback" not in err, err
    assert "collected" not in result.stdout.str()


@pytest.mark.parametrize(
    "option, value, allowed",
    [
        ("--missing-event-field", "loud", "error, warning, off"),
        ("--deleted-status", "99", "an HTTP status code"),
    ],
)
def test_a_bad_check_option_is_named_by_its_flag(pytester, option, value, allowed):
    """Not by the CheckOptions field it sets ("bad value for CheckOptions.missing_event_field")."""
    result = run(pytester, f"{option}={value}")
    text = result.stderr.str() + result.stdout.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR, text
    assert f"{option} (or HARNESS_" in text and "value:   " in text and value in text and allowed in text, (
        text
    )
    assert "CheckOptions" not in text and "Traceback" not in text, text
