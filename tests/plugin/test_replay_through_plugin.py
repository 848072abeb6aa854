"""Replay through the plugin: a request with no recording fails the test that made it, with the nearest
recording as a diff and the command that records it; the app cannot reach past loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
ARGS = (
    f"--cassette-dir={REPO / 'cassettes'}",
    f"--deviations={REPO / 'harness' / 'bundled' / 'deviations.yaml'}",
    "-p",
    "no:cacheprovider",
)

CHANGED_PROMPT = """
def test_changed_prompt(openai_client):
    openai_client.responses.create(model="openai/gpt-4o", input="Which planet do humans live on, please?")
"""

RECORDED_PROMPT = """
def test_recorded_prompt(openai_client):
    response = openai_client.responses.create(model="openai/gpt-4o", input="Which planet do humans live on?")
    assert response.output_text == "Humans live on Earth."
"""


@pytest.mark.parametrize("mode", ["replay", "server:replay"])
def test_changed_prompt_fails_with_the_nearest_recording(pytester, mode):
    pytester.makepyfile(test_miss=CHANGED_PROMPT)
    result = pytester.runpytest_subprocess(f"--stack-config={mode}", *ARGS, timeout=300)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "test_miss.py::test_changed_prompt" in out
    assert "Which planet do humans live on, please?" in out  # the request that missed, in the diff
    assert "Which planet do humans live on?" in out  # the nearest recording
    assert "--inference-mode=record-if-missing" in out  # how to record it


def test_recorded_prompt_replays_in_library_mode(pytester):
    pytester.makepyfile(test_hit=RECORDED_PROMPT)
    result = pytester.runpytest_subprocess("--stack-config=replay", *ARGS, timeout=300)
    result.assert_outcomes(passed=1)


def test_unknown_inference_mode_is_a_usage_error(pytester):
    pytester.makepyfile(test_hit=RECORDED_PROMPT)
    result = pytester.runpytest_subprocess("--inference-mode=replay-ish", *ARGS, timeout=300)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert (
        "unknown inference mode 'replay-ish'" in err
        and "record-if-missing" in err
        and "HARNESS_INFERENCE_MODE" in err
    )


def test_record_mode_without_a_provider_names_the_variables(pytester, monkeypatch):
    monkeypatch.delenv("HARNESS_UPSTREAM_BASE_URL", raising=False)
    pytester.makepyfile(test_hit=RECORDED_PROMPT)
    result = pytester.runpytest_subprocess("--inference-mode=record", *ARGS, timeout=300)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    out = result.stdout.str()
    assert "HARNESS_UPSTREAM_BASE_URL" in out and "--inference-mode=replay" in out
