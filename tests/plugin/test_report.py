"""The end of a run: the suite × mode summary, JUnit XML and the Markdown report of every finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.bundled import DEVIATIONS

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

SUITE = """
import pytest

def test_missing_conversation(http_client):
    missing = "conv_" + "0" * 48
    assert http_client.get(f"/v1/conversations/{missing}").status_code == 404

@pytest.mark.xfail(reason="demonstrates an expected failure", strict=True)
def test_expected_to_fail(http_client):
    assert http_client.get("/v1/health").status_code == 500
"""


@pytest.mark.parametrize("deviations", [True, False], ids=["declared", "undeclared"])
def test_summary_junit_and_markdown(pytester, deviations):
    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    (pytester.path / "suites/demo/test_demo.py").write_text(SUITE)
    args = [f"--cassette-dir={REPO / 'cassettes'}", "suites/demo", "-p", "no:cacheprovider"]
    args.append(f"--deviations={DEVIATIONS}" if deviations else "--deviations=none")
    if not deviations:
        (pytester.path / "none.yaml").write_text("[]\n")
    result = pytester.runpytest_subprocess(*args, timeout=300)
    out = result.stdout.str()
    assert "router harness" in out
    if deviations:
        result.assert_outcomes(passed=1, xfailed=1)
        result.stdout.fnmatch_lines(
            [
                "suites/demo × library  1 passed, 1 xfailed",
                "contract: * exchanges checked, 0 opted out; findings: 0 unexpected, * expected*",
            ]
        )
    else:  # the undeclared 404 fails the test that saw it, and the report says why
        result.assert_outcomes(failed=1, xfailed=1)
        result.stdout.fnmatch_lines(
            ["suites/demo × library  1 failed, 1 xfailed", "*findings: * unexpected*"]
        )
        assert "status 404 is not declared for GET /v1/conversations/{conversation_id}" in out
    markdown = (pytester.path / "reports" / "harness-library.md").read_text()
    assert "| suites/demo | library |" in markdown
    assert "status_code_declared" in markdown and "Reproduce with:" in markdown
    assert (pytester.path / "reports" / "junit-library.xml").read_text().count("<testcase") == 2


def test_with_xdist_the_controller_reports_the_whole_run(pytester):
    """Under ``-n 2`` each worker runs its own stack; the summary and the Markdown report come from the
    controller and hold every worker's tests and findings (the spec document's own finding once)."""
    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    (pytester.path / "suites/demo/test_demo.py").write_text(
        SUITE
        + """
def test_another_missing_conversation(http_client):
    assert http_client.get("/v1/conversations/conv_" + "1" * 48).status_code == 404
"""
    )
    (pytester.path / "none.yaml").write_text("[]\n")
    result = pytester.runpytest_subprocess(
        f"--cassette-dir={REPO / 'cassettes'}",
        "suites/demo",
        "-p",
        "no:cacheprovider",
        "--deviations=none",
        "-n",
        "2",
        timeout=300,
    )
    result.assert_outcomes(failed=2, xfailed=1)
    # per test: the undeclared 404 and OpenAI's error shape (the default --reference=openai); the spec's own once
    result.stdout.fnmatch_lines(
        [
            "suites/demo × library  2 failed, 1 xfailed",
            "contract: * exchanges checked, 0 opted out; findings: 5 unexpected, 0 expected*",
        ]
    )
    markdown = (pytester.path / "reports" / "harness-library.md").read_text()
    assert "| suites/demo | library | 0 | 2 | 1 |" in markdown, markdown
    # the compatibility table adds up both workers' exchanges
    assert (
        "| `GET /v1/conversations/{conversation_id}` | `GET /conversations/{conversation_id}` | 2 | — | — | 2/2 |"
        in markdown
    ), markdown
    assert "test_missing_conversation" in markdown and "test_another_missing_conversation" in markdown
    assert markdown.count("#### spec_refs_resolve") == 1


MIXED = """
def test_a_missing_conversation(http_client):
    assert http_client.get("/v1/conversations/conv_" + "0" * 48).status_code == 404  # {"detail": ...}

def test_b_response_without_input(http_client):
    assert http_client.post("/v1/responses", json={"model": "m"}).status_code == 400  # {"error": {...}}
"""


@pytest.mark.parametrize("workers", [0, 2], ids=["serial", "xdist"])
def test_mixed_error_formats_are_found_when_each_worker_saw_one_of_them(pytester, workers):
    """OGX answers the 404 as {"detail": …} and the 400 as {"error": {…}}. Serially the second test fails
    on error_format_consistent. Under ``-n 2`` xdist sends the two tests to different workers (fewer than
    two tests per worker go round robin), neither worker sees both formats, and the controller reports
    the mix for the run and fails it; before, that run passed with no finding."""
    import yaml

    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    (pytester.path / "suites/demo/test_demo.py").write_text(MIXED)
    declared = yaml.safe_load(DEVIATIONS.read_text())
    entries = declared["deviations"] if isinstance(declared, dict) else declared
    kept = [e for e in entries if e.get("check") != "error_format_consistent"]
    (pytester.path / "deviations.yaml").write_text(
        yaml.safe_dump({"deviations": kept} if isinstance(declared, dict) else kept)
    )
    args = [
        f"--cassette-dir={REPO / 'cassettes'}",
        "suites/demo",
        "-p",
        "no:cacheprovider",
        "--deviations=deviations.yaml",
    ]
    result = pytester.runpytest_subprocess(*args, *(["-n", str(workers)] if workers else []), timeout=300)
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, out
    markdown = (pytester.path / "reports" / "harness-library.md").read_text()
    assert markdown.count("#### error_format_consistent: mixed error formats") == 1, markdown
    if workers:
        result.assert_outcomes(passed=2)
        assert "unexpected finding across pytest-xdist workers (no single test saw it):" in out, out
        assert "Seen in: tests on different pytest-xdist workers" in markdown, markdown
        assert (
            "suites/demo/test_demo.py::test_a_missing_conversation and suites/demo/test_demo.py::"
            "test_b_response_without_input, on different pytest-xdist workers"
        ) in out, out  # parts ordered by test
        assert "findings: 1 unexpected" in out, out
    else:
        result.assert_outcomes(passed=1, failed=1)
        assert "FAILED suites/demo/test_demo.py::test_b_response_without_input" in out, out
