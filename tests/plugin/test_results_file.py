"""The results file a run writes next to its JUnit XML and Markdown report: valid under the shipped schema,
with the SSE timeline of each streamed exchange (events timed as the client read them, deltas adding up to
the final text), how each check ended per operation, and which cassette entries were used or missed —
in a serial run and, gathered from every worker, under pytest-xdist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

SUITE = """
import json

def test_a_stream(http_client, model):
    with http_client.stream("POST", "/v1/responses",
                            json={"model": model, "input": "Which planet do humans live on?", "stream": True}) as response:
        assert response.status_code == 200
        text = "".join(json.loads(line[6:]).get("delta", "") for line in response.iter_lines()
                       if line.startswith("data: ") and '"response.output_text.delta"' in line)
    assert text == "Humans live on Earth."

def test_a_question_nobody_recorded(openai_client, model):
    openai_client.responses.create(model=model, input="What is the airspeed of an unladen swallow?")
"""


@pytest.mark.parametrize("workers", [None, "2"], ids=["serial", "xdist"])
def test_the_results_file(pytester, workers):
    from harness.report import results  # not at collection (see tests/plugin/test_timelines.py)

    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    (pytester.path / "suites/demo/test_demo.py").write_text(SUITE)
    # --reference=none: the first broken rule this test pins is the app's own (no `event:` line)
    args = [
        "--reference=none",
        f"--cassette-dir={REPO / 'cassettes'}",
        f"--deviations={REPO / 'harness/bundled/deviations.yaml'}",
        "suites/demo",
        "-p",
        "no:cacheprovider",
    ] + (["-n", workers] if workers else [])
    result = pytester.runpytest_subprocess(*args, timeout=300)
    result.assert_outcomes(passed=1, failed=1)
    path = pytester.path / "reports" / "results-library.json"
    document = results.load(path)  # valid under the schema, this version
    assert (pytester.path / "reports" / "harness-library.md").is_file()
    assert document["job"]["junit"] == "junit-library.xml" and document["job"]["exit_status"] == 1
    assert document["tests"] == [
        {
            "suite": "suites/demo",
            "mode": "library",
            "passed": 1,
            "failed": 1,
            "xfailed": 0,
            "xpassed": 0,
            "skipped": 0,
            "error": 0,
            "seconds": document["tests"][0]["seconds"],
        }
    ]

    timelines = document["timelines"]
    assert timelines["seen"] == 1 and timelines["kept"] == 1
    stream = timelines["items"][0]
    assert (
        stream["test"] == "suites/demo/test_demo.py::test_a_stream"
        and stream["operation"] == "POST /v1/responses"
    )
    assert stream["timed"] is True
    events = stream["events"]
    assert [e["sequence_number"] for e in events] == list(range(len(events))) == [e["index"] for e in events]
    assert events[0]["type"] == "response.created" and events[-1]["type"] == "response.completed"
    offsets = [e["offset_ms"] for e in events]
    assert all(isinstance(o, float) for o in offsets) and offsets == sorted(offsets) and offsets[-1] > 0
    assert stream["deltas_text"] == stream["final_text"] == "Humans live on Earth."
    assert (
        "".join(e["delta"] or "" for e in events if e["type"] == "response.output_text.delta")
        == stream["deltas_text"]
    )
    assert (
        stream["first_broken"]["check"] == "sse_event_field" and stream["first_broken"]["kind"] == "expected"
    )

    coverage = {(row["operation"], row["check"]): row for row in document["contract"]["coverage"]}
    assert coverage[("POST /v1/responses", "responses_stream_sequence_numbers")]["passed"] == 1
    assert coverage[("POST /v1/responses", "status_code_declared")]["passed"] >= 1

    replay = document["replay"]
    assert replay["inference_mode"] == "replay" and replay["known"] > 10
    [missed] = replay["missed"]
    assert missed["test"] == "suites/demo/test_demo.py::test_a_question_nobody_recorded"
    assert missed["request"].startswith("POST /v1/chat/completions (model ")
    used_by = {test for entry in replay["used"] for test in entry["tests"]}
    assert "suites/demo/test_demo.py::test_a_stream" in used_by
    assert len(replay["used"]) + len(replay["unused"]) == replay["known"]
    assert json.loads(path.read_text()) == document
