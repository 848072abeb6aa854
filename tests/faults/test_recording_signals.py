"""A recording run stopped from outside keeps every answer it completed: SIGTERM (a CI timeout, a
cancelled job) and SIGKILL run no clean-up at all, so each answer must be on disk as soon as it is
complete. A real pytest session with the harness plugin records against the loopback fake provider;
when its last request is in flight it gets the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fault_upstream import FaultUpstream

from harness.replay.cassette import load

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-test-abc123def456ghi789"

RECORDING_RUN = """
import httpx
import pytest


def ask(endpoint, prompt, stream=True):
    body = {"model": "fault-model", "stream": stream, "messages": [{"role": "user", "content": prompt}]}
    with httpx.stream("POST", endpoint.base_url + "/chat/completions", json=body, timeout=300) as response:
        assert response.status_code == 200
        return response.read().decode()


@pytest.mark.parametrize("n", range(3))
def test_streamed(inference_endpoint, n):
    assert ask(inference_endpoint, f"prompt {n}").endswith("data: [DONE]\\n\\n")


def test_not_streamed(inference_endpoint):
    assert "you said plain" in ask(inference_endpoint, "plain", stream=False)


def test_in_flight(inference_endpoint):
    ask(inference_endpoint, "hold")  # the provider holds this answer until the run is stopped
"""


def start_recording_run(tmp_path: Path, upstream: FaultUpstream) -> subprocess.Popen:
    (tmp_path / "test_rec.py").write_text(textwrap.dedent(RECORDING_RUN))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    env.update(
        HARNESS_UPSTREAM_BASE_URL=upstream.base_url,
        HARNESS_UPSTREAM_API_KEY=KEY,
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )  # only the harness plugin: other plugins cost seconds of start-up
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "harness.plugin",
        "-p",
        "no:cacheprovider",
        "-q",
        "--inference-mode=record",
        f"--cassette-dir={tmp_path / 'cassettes'}",
        "test_rec.py",
    ]
    return subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop_in_flight(run: subprocess.Popen, upstream: FaultUpstream, signum: int) -> str:
    try:
        if not upstream.holding.wait(timeout=180):
            run.kill()
            pytest.fail("the recording run never reached its last request:\n" + run.communicate()[0])
        run.send_signal(signum)
        output, _ = run.communicate(timeout=60)
    finally:
        upstream.release()
        if run.poll() is None:
            run.kill()
            run.wait()
    return output


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT], ids=lambda s: signal.Signals(s).name
)
def test_a_stopped_recording_run_keeps_every_completed_answer(tmp_path, signum):
    with FaultUpstream() as upstream:
        run = start_recording_run(tmp_path, upstream)
        output = stop_in_flight(run, upstream, signum)
    if signum != signal.SIGINT:
        assert run.returncode == -signum, output  # killed by the signal: no clean-up ran
    cassette = tmp_path / "cassettes" / "test_rec.yaml"
    assert cassette.is_file(), f"nothing was kept after {signal.Signals(signum).name}:\n{output}"
    prompts = sorted(entry.request_json()["messages"][0]["content"] for entry in load(cassette))
    assert prompts == ["plain", "prompt 0", "prompt 1", "prompt 2"]  # all but the request in flight
    assert [p.name for p in cassette.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert KEY not in cassette.read_text()
