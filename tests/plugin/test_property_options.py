"""The property-based run's options (``--property-*``) through real pytest sessions: bad values end the
session at configure time with one message naming the value, what is allowed and the fix; good ones
reach the ``property_settings`` fixture with command line > environment > ini precedence."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SHOW_SETTINGS = """
def test_settings(property_settings):
    s = property_settings
    print(f"SETTINGS examples={s.examples} seed={s.seed} given={s.seed_given} operations={s.operations!r} reproduce={s.reproduce!r}")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_settings=SHOW_SETTINGS)
    return pytester.runpytest("-s", "-p", "no:cacheprovider", *args)


def settings_line(result: pytest.RunResult) -> str:
    [line] = [line[line.index("SETTINGS ") :] for line in result.outlines if "SETTINGS " in line]
    return line


def assert_usage_error(result: pytest.RunResult, *needles: str) -> str:
    text = result.stderr.str() + result.stdout.str()
    assert result.ret == pytest.ExitCode.USAGE_ERROR, text
    assert "Traceback" not in text, text
    for needle in needles:
        assert needle in text, text
    return text


@pytest.mark.parametrize("value", ["0", "-5", "ten", "100001", "2.5"])
def test_examples_must_be_a_whole_number_in_range(pytester, value):
    result = run(pytester, f"--property-examples={value}")
    assert_usage_error(
        result,
        "--property-examples must be a whole number",
        repr(value),
        "1 to 100000",
        "fix:",
        "--property-examples=10",
    )


def test_examples_from_the_environment_are_validated_too(pytester, monkeypatch):
    monkeypatch.setenv("HARNESS_PROPERTY_EXAMPLES", "lots")
    assert_usage_error(run(pytester), "--property-examples", "'lots'")


def test_examples_from_ini_are_validated_too(pytester):
    pytester.makeini("[pytest]\nproperty_examples = 0\n")
    assert_usage_error(run(pytester), "--property-examples", "'0'")


@pytest.mark.parametrize("value", ["-1", "abc", "0x10"])
def test_seed_must_be_a_whole_number_or_random(pytester, value):
    result = run(pytester, f"--property-seed={value}")
    assert_usage_error(
        result,
        "--property-seed must be a whole number or 'random'",
        repr(value),
        "an integer >= 0, or random",
    )


@pytest.mark.parametrize(
    "value", ["get /v1/models", "GET v1/models", "/v1/models", "FETCH /v1/models", ", ,"]
)
def test_operation_patterns_name_method_and_path(pytester, value):
    result = run(pytester, f"--property-operations={value}")
    text = assert_usage_error(result, "--property-operations")
    assert "METHOD /path/template" in text or "is empty" in text, text


def test_reproduce_needs_exactly_one_operation(pytester):
    result = run(pytester, "--property-reproduce=AAA=")
    assert_usage_error(
        result,
        "--property-reproduce replays one example of one operation",
        "exactly one operation",
        "copy the whole command",
    )
    result = run(pytester, "--property-reproduce=AAA=", "--property-operations=GET /v1/*")
    assert_usage_error(result, "without wildcards")


def test_reproduce_rejects_text_that_is_not_a_blob(pytester):
    result = run(pytester, "--property-reproduce=not a blob!", "--property-operations=GET /v1/models")
    assert_usage_error(result, "is not a hypothesis example blob", "'not a blob!'")


def test_good_values_reach_the_fixture_with_command_line_over_environment_over_ini(pytester, monkeypatch):
    pytester.makeini("[pytest]\nproperty_examples = 3\nproperty_seed = 11\n")
    monkeypatch.setenv("HARNESS_PROPERTY_SEED", "12")
    result = run(pytester, "--property-examples=7", "--property-operations=GET /v1/models, POST /v1/files*")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert settings_line(result) == (
        "SETTINGS examples=7 seed=12 given=True operations=('GET /v1/models', 'POST /v1/files*') reproduce=None"
    )
    assert settings_line(run(pytester)) == (  # no command-line value: the environment beats the ini
        "SETTINGS examples=3 seed=12 given=True operations=('*',) reproduce=None"
    )


def test_one_operation_with_a_blob_is_accepted_as_pasted(pytester):
    result = run(pytester, "--property-operations=GET /v1/models", "--property-reproduce=b'AAEC'")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert settings_line(result).endswith("operations=('GET /v1/models',) reproduce='AAEC'")


def test_defaults_and_a_random_seed(pytester):
    assert settings_line(run(pytester)) == (
        "SETTINGS examples=10 seed=0 given=True operations=('*',) reproduce=None"
    )
    line = settings_line(run(pytester, "--property-seed=random"))
    assert re.fullmatch(
        r"SETTINGS examples=10 seed=\d+ given=False operations=\('\*',\) reproduce=None", line
    )


def test_the_options_are_documented_in_help(pytester):
    text = pytester.runpytest("--help").stdout.str()
    for flag, env in [
        ("--property-examples", "HARNESS_PROPERTY_EXAMPLES"),
        ("--property-seed", "HARNESS_PROPERTY_SEED"),
        ("--property-operations", "HARNESS_PROPERTY_OPERATIONS"),
        ("--property-reproduce", "HARNESS_PROPERTY_REPRODUCE"),
    ]:
        assert flag in text and env in text


@pytest.mark.slow
def test_a_failure_prints_a_command_that_replays_its_minimal_example(pytester):
    """End to end against OGX 1.5.0 in library mode: GET /v1/admin/tools answers 500 (its tool_groups
    dependency is missing from the stack); the failure names the exact command, and running that
    command fails the same way with one request."""
    suite = REPO / "suites" / "contract" / "test_generated.py"
    pytester.syspathinsert(REPO)
    pytester.makepyfile(test_generated=suite.read_text())
    # --deviations=none: the harness's own deviations (the fallback of a project without any) declare it
    common = [
        f"--cassette-dir={REPO / 'cassettes'}",
        "--inference-mode=synthetic",
        "-p",
        "no:cacheprovider",
        "--deviations=none",
    ]
    first = pytester.runpytest_subprocess(
        "test_generated.py::test_positive_data",
        *common,
        "--property-operations=GET /v1/admin/tools",
        "--property-examples=3",
        timeout=300,
    )
    text = first.stdout.str()
    assert first.ret == pytest.ExitCode.TESTS_FAILED, text
    assert "not_a_server_error: server error 500 from GET http://router-under-test/v1/admin/tools" in text
    # the finding fails its subtest once; the contract run records it for the report without failing the
    # test a second time
    assert "contains 1 failed subtest" in text and "1 contract finding" not in text, text
    assert re.search(r"test_generated\.py × library +2 failed$", text, re.M), text  # subtest + its test
    # one finding block in the FAILURES section; pytest's short summary may repeat the whole message (it
    # does when the CI environment variable is set), which must then name the same command
    summary_at = next(
        (i for i, line in enumerate(first.outlines) if "short test summary info" in line), len(first.outlines)
    )
    commands = [
        (i, first.outlines[i + 1].strip())
        for i, line in enumerate(first.outlines)
        if line.strip() == "replay exactly this example:"
    ]
    assert len([c for i, c in commands if i < summary_at]) == 1, text
    assert len({c for _, c in commands}) == 1, text
    command = commands[0][1]
    assert command.startswith("pytest test_generated.py::test_positive_data "), text
    args = shlex.split(command)[2:]
    assert "--property-seed=0" in args and "--property-operations=GET /v1/admin/tools" in args
    assert any(a.startswith("--property-reproduce=") for a in args), command
    again = pytester.runpytest_subprocess(
        "test_generated.py::test_positive_data",
        f"--cassette-dir={REPO / 'cassettes'}",
        "-p",
        "no:cacheprovider",
        "--deviations=none",
        *args,
        timeout=300,
    )
    replayed = again.stdout.str()
    assert again.ret == pytest.ExitCode.TESTS_FAILED, replayed
    assert re.search(r"positive GET /v1/admin/tools: 1 requests in [0-9.]+ s \(statuses 500×1\)", replayed), (
        replayed
    )
    assert "server error 500 from GET http://router-under-test/v1/admin/tools" in replayed


@pytest.mark.slow
def test_with_xdist_the_controller_prints_one_property_summary(pytester):
    """Under ``-n 2`` the generated tests run on two workers; the controller sums their runs."""
    suite = REPO / "suites" / "contract" / "test_generated.py"
    pytester.syspathinsert(REPO)
    pytester.makepyfile(test_generated=suite.read_text())
    result = pytester.runpytest_subprocess(
        "-n",
        "2",
        f"--cassette-dir={REPO / 'cassettes'}",
        "--inference-mode=synthetic",
        "-p",
        "no:cacheprovider",
        "--property-operations=GET /v1/models",
        "--property-examples=2",
        timeout=300,
    )
    text = result.stdout.str()
    assert text.count("property-based contract run") == 1, text
    # positive and negative data for the one operation, on whichever workers ran them: 2 runs in all
    assert re.search(r"^2 runs: ", text, re.M), text
    assert re.search(r"budget: 2 examples per operation and kind, per family; seed 0; \d+ requests", text), (
        text
    )
