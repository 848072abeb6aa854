"""OGX compatibility: OGX's own integration tests (Responses, Conversations) run unchanged on the harness.

Loaded on request only: ``harness ogx run PATH…`` or ``pytest -p harness.plugin.ogx PATH…``. It takes the
place of OGX's ``tests/integration/conftest.py`` (and of the Responses and Conversations conftests, which
only re-export OGX's ``fixtures/common.py``): before pytest imports a conftest it looks the path up among
the registered plugins, so registering a stand-in under the conftest's path makes pytest use it instead
(``integration_conftest.py`` says what differs). OGX's option names that the harness also has
(``--stack-config``, ``--setup``, ``--inference-mode``) are the harness's, with OGX's meaning for setups;
OGX's other options are accepted (``--text-model``, ``--embedding-model``, ``--env``, ``--suite``, …) and the
one the harness does not support (``--report``) is refused by name. OGX's recordings (every
``recordings/`` folder under ``tests/integration``) are replayed where they lie, indexed by content."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.core.errors import HarnessError, UsageError

from .layout import OgxTests, find_ogx_tests, path_arguments


@dataclass
class OgxState:
    """The layer's state for one session, behind one stash key: OGX's tree, then (at configure) its
    suites and setups, the known failures, and ``--suite``'s roots."""

    tests: OgxTests
    suites: Any = None  # setups.OgxSuites, read at configure
    known: list[Any] = field(default_factory=list)  # expectations.Known
    roots: list[str] | None = None  # --suite: the paths (or path::test) to keep


_STATE = pytest.StashKey[OgxState]()
GROUP = "router harness: OGX compatibility (OGX's own options)"
UNSUPPORTED = {
    "report": (
        "--report",
        "the harness writes its own report: reports/harness-<mode>.md and results-<mode>.json "
        "(--harness-report-dir); add --junitxml=PATH for JUnit XML",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness-ogx", GROUP)
    group.addoption(
        "--env", action="append", help="set environment variables, e.g. --env KEY=value (as OGX's)"
    )
    for flag, fixture in (
        ("--text-model", "text_model_id"),
        ("--vision-model", "vision_model_id"),
        ("--embedding-model", "embedding_model_id"),
        ("--rerank-model", "rerank_model_id"),
        ("--safety-shield", "shield_id"),
        ("--judge-model", "judge_model_id"),
    ):
        group.addoption(flag, help=f"comma-separated list (as OGX's). Fixture name: {fixture}")
    group.addoption(
        "--embedding-dimension",
        type=int,
        default=768,
        help="output dimensionality of the embedding model (as OGX's). Default: 768",
    )
    group.addoption(
        "--suite",
        help="one of OGX's suites (tests/integration/suites.py): narrows collection and "
        "picks its default setup",
    )
    group.addoption(
        "--report", help="not supported: the harness writes its own report (--harness-report-dir)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    from .requirements import check_installed

    try:
        tests = find_ogx_tests(path_arguments(args), Path(early_config.invocation_params.dir))
        check_installed()
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None
    early_config.stash[_STATE] = OgxState(tests)
    from . import conversations_conftest, integration_conftest, responses_conftest

    stand_ins = {
        "conftest.py": integration_conftest,
        "responses/conftest.py": responses_conftest,
        "conversations/conftest.py": conversations_conftest,
    }
    manager = early_config.pluginmanager
    for conftest in tests.conftests():
        module = stand_ins[conftest.relative_to(tests.integration).as_posix()]
        manager.register(
            module, str(conftest)
        )  # pytest finds it under the conftest's path and imports nothing
        conftests: set[Any] = getattr(manager, "_conftest_plugins", set())
        conftests.add(module)  # scopes its hooks like a conftest's


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: OGX's marker for integration tests")
    config.addinivalue_line(
        "markers", "allow_network: OGX's marker (no effect: replay never leaves loopback)"
    )
    try:
        _apply_ogx_options(config)
        from . import expectations

        config.stash[_STATE].known = expectations.load()
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None
    from .table import OgxTable

    config.pluginmanager.register(OgxTable(config.stash[_STATE].tests.integration), "harness.ogx.table")


def _apply_ogx_options(config: pytest.Config) -> None:
    from .setups import DEFAULT_SETUP, load_suites

    for dest, (flag, instead) in UNSUPPORTED.items():
        if getattr(config.option, dest, None) is not None:
            raise UsageError(
                f"{flag} (an option of OGX's harness) is not supported here",
                value=getattr(config.option, dest),
                allowed="OGX's other options",
                fix=f"drop it: {instead}",
            )
    for pair in config.getoption("--env") or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                "--env: expected KEY=value",
                value=pair,
                allowed="KEY=value",
                fix="e.g. --env OGX_LOGGING=all=debug",
            )
        os.environ[key] = value
    state = config.stash[_STATE]
    suites = load_suites(state.tests)
    suite_default = None
    if config.getoption("--suite"):
        roots, suite_default = suites.suite(config.getoption("--suite"))
        state.roots = roots
    name = (
        config.getoption("harness_setup") or os.environ.get("HARNESS_SETUP") or suite_default or DEFAULT_SETUP
    )
    setup = suites.setup(name)
    setup.harness_setup()  # refuse a setup the harness cannot replay now, at configure
    config.option.harness_setup = name
    for key, value in setup.env.items():
        os.environ.setdefault(key, str(value))
    for dest, value in setup.defaults.items():
        if getattr(config.option, dest, None) is None:
            setattr(config.option, dest, value)
    state.suites = suites


def pytest_harness_setup(config: pytest.Config, name: str) -> Any:
    state = config.stash.get(_STATE, None)
    suites = state.suites if state is not None else None
    if suites is None or name not in suites.setups:
        return None
    return suites.setup(name).harness_setup()


def pytest_harness_configure(config: pytest.Config, settings: Any) -> Any:
    """OGX's recordings replayed in place; reports, and cassettes a record mode makes, under the current
    directory, never in OGX's tree."""
    tests = config.stash[_STATE].tests
    changes: dict[str, Any] = {"ogx_recordings": (tests.integration,)}
    here = Path(config.invocation_params.dir)
    from harness.plugin import options

    if not options.given(config, options.BY_FLAG["--harness-report-dir"]):
        changes["report_dir"] = here / "reports"
    if not options.given(config, options.BY_FLAG["--cassette-dir"]):
        changes["cassette_dir"] = here / "cassettes"  # replayed too if it exists; record modes write there
    return dataclasses.replace(settings, **changes)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--suite``: keep the tests under the suite's roots (``path`` or ``path::test_name``), as OGX does."""
    from . import expectations

    state = config.stash[_STATE]
    expectations.apply(items, state.tests.integration, state.known)
    roots = state.roots
    if not roots:
        return
    repo = state.tests.repo
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        relative = (
            Path(item.path).resolve().relative_to(repo).as_posix()
            if Path(item.path).resolve().is_relative_to(repo)
            else ""
        )
        name = getattr(item, "originalname", item.name.split("[")[0])
        chosen = any(
            (relative == root.split("::")[0] and name == root.split("::", 1)[1])
            if "::" in root
            else (relative == root or relative.startswith(root.rstrip("/") + "/"))
            for root in roots
        )
        (keep if chosen else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
