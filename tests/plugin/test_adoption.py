"""The plugin in someone else's project: it does nothing until a test asks for the stack, it steps aside
for a project that defines our options itself (OGX's own conftest does), and what a run needs ships with
it (a project with no suites/, cassettes/ or setups of its own can run against the bundled replay stack)."""

from __future__ import annotations

import pytest

PLAIN_TEST = """
def test_arithmetic():
    assert 1 + 1 == 2
"""


def _files(pytester: pytest.Pytester) -> set[str]:
    """The project's files (pytester's own bookkeeping of a subprocess run left out)."""
    return {
        p.relative_to(pytester.path).as_posix()
        for p in pytester.path.rglob("*")
        if "__pycache__" not in p.parts
        and not p.name.startswith("runpytest-")
        and p.name not in ("stdout", "stderr")
    }


def test_a_project_that_does_not_use_the_plugin_runs_as_without_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain=PLAIN_TEST)
    before = _files(pytester)
    with_plugin = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    created = _files(pytester) - before
    without = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:harness", "-p", "no:harness_spec"
    )
    with_plugin.assert_outcomes(passed=1)
    without.assert_outcomes(passed=1)
    assert created == set(), created  # no reports/, no junit file, no cassette usage file
    assert "router harness" not in with_plugin.stdout.str()


def test_a_project_that_defines_our_options_itself_keeps_them(pytester: pytest.Pytester) -> None:
    """As OGX's tests/integration/conftest.py does (--stack-config, --setup, --inference-mode)."""
    pytester.makeconftest("""
def pytest_addoption(parser):
    parser.addoption("--stack-config")
    parser.addoption("--setup")
    parser.addoption("--inference-mode", default="replay")
""")
    pytester.makepyfile(
        test_own="""
def test_own_options(request):
    assert request.config.getoption("--stack-config") == "server:ci-tests"
    assert request.config.getoption("--setup") == "gpt"
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--stack-config=server:ci-tests", "--setup=gpt"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "router harness: inactive, this project's conftest defines --inference-mode, "
            "--setup, --stack-config itself*"
        ]
    )


def test_a_bad_value_is_still_reported_at_configure(pytester: pytest.Pytester) -> None:
    """Inert does not mean silent: a value given for the plugin is checked before anything runs."""
    pytester.makepyfile(test_plain=PLAIN_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--stack-config=docker:x?bogus=1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown option 'bogus'" in result.stderr.str()


@pytest.mark.slow
def test_a_scratch_project_runs_against_the_bundled_replay_stack(pytester: pytest.Pytester) -> None:
    """No suites/, cassettes/ or setups of its own: the bundled stack config and setup are used, and a
    test that needs no model replays nothing."""
    pytester.makepyfile(
        test_scratch=PLAIN_TEST
        + """

def test_health(http_client):
    assert http_client.get("/v1/health").json()["status"] == "OK"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--stack-config=replay")
    result.assert_outcomes(passed=2)
