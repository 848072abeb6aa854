"""``--reference`` is validated when pytest configures: a bad value ends the session before any stack
starts, naming the value, what is allowed and the fix (through real pytest runs)."""

from __future__ import annotations

import pytest

SMOKE = "def test_nothing():\n    pass\n"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_smoke=SMOKE)
    return pytester.runpytest_subprocess(*args, timeout=120)


def test_an_unknown_reference_names_the_allowed_values(pytester):
    result = run(pytester, "--reference=bogus")
    text = result.stderr.str() + result.stdout.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR, text
    assert "--reference" in text and "'bogus'" in text, text
    assert "openai, openresponses, none, or a path to an OpenAPI 3.x" in text and "Traceback" not in text, (
        text
    )


def test_the_env_var_is_validated_too(pytester, monkeypatch):
    monkeypatch.setenv("HARNESS_REFERENCE", "openia")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "'openia'" in result.stderr.str()


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"swagger": "2.0", "paths": {}}', "unsupported OpenAPI version"),
        ("openapi: [unclosed\n", "is not valid YAML"),
    ],
    ids=["swagger-2", "unreadable"],
)
def test_a_reference_file_that_is_not_openapi_3_gets_the_spec_message(pytester, content, expected):
    bad = pytester.path / "ref.yaml"
    bad.write_text(content)
    result = run(pytester, "--reference=ref.yaml")
    text = result.stderr.str() + result.stdout.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR, text
    assert "--reference:" in text and expected in text and str(bad) in text and "Traceback" not in text, text
    assert "--reference=openai|openresponses|none" in text, text


def test_none_and_a_good_file_are_accepted(pytester):
    good = pytester.path / "ref.json"
    good.write_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}')
    assert run(pytester, "--reference=none").ret == pytest.ExitCode.OK
    assert run(pytester, f"--reference={good}").ret == pytest.ExitCode.OK
