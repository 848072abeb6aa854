"""With the reference on (the default), a real OGX 1.5.0 run reports how it differs from OpenAI's API: the
{"detail"} error body, with the reference's schema path as evidence, in the Markdown report's
compatibility section and in compat-<mode>.json; with --reference=none it does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

SUITE = """
def test_malformed_conversation_id(http_client):
    assert http_client.get("/v1/conversations/not-a-conversation-id").status_code == 400
"""


@pytest.mark.parametrize("reference", ["openai", "none"])
def test_the_error_shape_deviation_is_reported_with_evidence(pytester, reference):
    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    (pytester.path / "suites/demo/test_demo.py").write_text(SUITE)
    (pytester.path / "none.yaml").write_text("[]\n")
    result = pytester.runpytest_subprocess(
        f"--cassette-dir={REPO / 'cassettes'}",
        "suites/demo",
        "-p",
        "no:cacheprovider",
        "--deviations=none.yaml",
        f"--reference={reference}",
        timeout=300,
    )
    markdown = (pytester.path / "reports" / "harness-library.md").read_text()
    title = "reference_error_schema: differs from OpenAI's API: the 400 error body (ErrorResponse)"
    if reference == "none":
        assert title not in markdown and "## Compatibility" not in markdown
        assert not (pytester.path / "reports" / "compat-library.json").exists()
        return
    result.assert_outcomes(failed=1)  # nobody declared it
    assert title in markdown and '{"detail":"Invalid value' in markdown
    assert "#/components/schemas/ErrorResponse/required in OpenAI's API (openai.json)" in markdown
    assert "## Compatibility with OpenAI's API" in markdown
    assert (
        "| `GET /v1/conversations/{conversation_id}` | `GET /conversations/{conversation_id}` | 1 |"
        in markdown
    )
    data = json.loads((pytester.path / "reports" / "compat-library.json").read_text())
    assert [f["check"] for f in data["findings"]] == ["reference_error_schema"]
