"""Where OGX's integration tests are: the ``tests/integration`` directory the given paths lie in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.core.errors import UsageError

MARKERS = ("conftest.py", "suites.py")  # what OGX's tests/integration holds, whatever else it has
EXPECTED = (
    "OGX's tests/integration directory (it holds conftest.py and suites.py), or a file or folder inside "
    "it, e.g. ogx/tests/integration/responses/test_basic_responses.py"
)
# Sub-directory conftests whose whole content the compatibility layer provides (see conftests.py).
REPLACED_CONFTESTS = ("conftest.py", "responses/conftest.py", "conversations/conftest.py")


@dataclass(frozen=True)
class OgxTests:
    integration: Path  # .../tests/integration

    @property
    def repo(self) -> Path:
        """The directory ``tests`` lies in: OGX's checkout, where ``import tests.integration…`` starts."""
        return self.integration.parent.parent

    def conftests(self) -> list[Path]:
        return [
            self.integration / relative
            for relative in REPLACED_CONFTESTS
            if (self.integration / relative).is_file()
        ]


def is_integration_dir(path: Path) -> bool:
    return (
        path.name == "integration"
        and path.parent.name == "tests"
        and all((path / m).is_file() for m in MARKERS)
    )


def find_ogx_tests(paths: list[str], invocation_dir: Path) -> OgxTests:
    """The one OGX ``tests/integration`` that every given path lies in."""
    found: set[Path] = set()
    for raw in paths:
        path = (invocation_dir / raw.split("::", 1)[0]).resolve()
        if not path.exists():
            raise UsageError(
                f"harness ogx: {raw} does not exist",
                value=raw,
                allowed=EXPECTED,
                fix="check the path; it is taken from the current directory",
            )
        root = next((p for p in (path, *path.parents) if is_integration_dir(p)), None)
        if root is None:
            raise UsageError(
                f"harness ogx: {raw} is not inside OGX's integration tests",
                value=raw,
                allowed=EXPECTED,
                fix="pass OGX's tests/integration directory or a test file in it",
            )
        found.add(root)
    if not found:
        raise UsageError(
            "harness ogx: no test path given",
            value="(none)",
            allowed=EXPECTED,
            fix="e.g. harness ogx run ../ogx/tests/integration/responses --stack-config=replay",
        )
    if len(found) > 1:
        raise UsageError(
            "harness ogx: the paths lie in more than one OGX checkout",
            value=", ".join(sorted(str(p) for p in found)),
            allowed="paths inside one tests/integration",
            fix="run each checkout's tests separately",
        )
    return OgxTests(found.pop())


def path_arguments(args: list[str]) -> list[str]:
    """The arguments of a pytest command line that name paths (``-k expr`` values and options excluded)."""
    paths, skip_next = [], False
    for arg in args:
        if skip_next:
            skip_next = False
            continue
        if arg.startswith("-"):
            skip_next = arg in VALUE_OPTIONS
            continue
        paths.append(arg)
    return paths


# pytest options (and ours) that take their value as the next argument
VALUE_OPTIONS = frozenset(
    {
        "-k",
        "-m",
        "-p",
        "-o",
        "-c",
        "-n",
        "--rootdir",
        "--confcutdir",
        "--basetemp",
        "--deselect",
        "--ignore",
        "--ignore-glob",
        "--junitxml",
        "--override-ini",
        "--maxfail",
        "--tb",
        "--durations",
        "-W",
        "--stack-config",
        "--setup",
        "--inference-mode",
        "--text-model",
        "--vision-model",
        "--embedding-model",
        "--rerank-model",
        "--safety-shield",
        "--judge-model",
        "--embedding-dimension",
        "--env",
        "--suite",
        "--report",
        "--cassette-dir",
        "--deviations",
        "--spec",
        "--stack-profile",
        "--harness-report-dir",
        "--reference",
    }
)
