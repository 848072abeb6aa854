"""Driving hypothesis over one operation: every generated case is sent through the observing client and
checked by the contract layer's ``check_exchange`` (discriminator-first schemas, SSE, error formats,
declared statuses, deviations applied) as it comes back, so hypothesis can shrink a blocking finding
to a minimal example; negative cases also get ``negative_data_rejected``.

Each distinct blocking finding is raised as its own exception type (one per set of check names), so
hypothesis shrinks every distinct bug separately instead of stopping at the first. What it shrank to is
reported with the exact command that replays it: the pytest node, the options of this run, the
operation and hypothesis's example blob (``--property-reproduce``). Hypothesis draws no constants from
the harness's own source while it runs (:mod:`.constants`), so a seed gives the same requests whatever the
harness's code or plugins."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.contract import CheckOptions, CheckSession, Deviations, check_exchange
from harness.contract.context import CheckContext
from harness.contract.runner import run_checks
from harness.contract.spec import ApiSpec
from harness.core.errors import UsageError
from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure

from .checks import NegativeExample, negative_check
from .constants import UNAVAILABLE, without_local_constants
from .generation import Generator
from .outcome import Minimal, Outcome, blocking
from .sending import Sender, Unsendable
from .settings import PropertySettings

# Checks judged against earlier exchanges (a second error format is only news once): replaying one example
# cannot make them fail again, so hypothesis is not asked to shrink them; they are reported as they happened.
ACROSS_EXCHANGES = frozenset({"error_format_consistent"})
FLAKY = (
    "the app answered differently when hypothesis replayed the same steps (its state or timing changed), "
    "so what is shown is the run as it happened, not shrunk; the requests above are the ones that failed"
)
BLOB_NOTE = re.compile(r"@reproduce_failure\('([^']+)', b'([^']+)'\)")


class PropertyFinding(AssertionError):
    """Raised inside a hypothesis example: the blocking findings of one exchange."""

    def __init__(self, failures: list[CheckFailure], exchange: Exchange | None) -> None:
        super().__init__("; ".join(f"{f.check}: {f.title}" for f in failures))
        self.failures = failures
        self.exchange = exchange


_FINDING_TYPES: dict[str, type[PropertyFinding]] = {}


def raise_finding(failures: list[CheckFailure], exchange: Exchange | None) -> None:
    """One exception type per set of failing checks: hypothesis tells distinct bugs apart by type."""
    name = "+".join(sorted({f.check for f in failures}))
    kind = _FINDING_TYPES.get(name) or _FINDING_TYPES.setdefault(
        name, type(f"Finding[{name}]", (PropertyFinding,), {})
    )
    raise kind(failures, exchange)


@dataclass
class PropertyRun:
    """Everything a generated run needs, made once per session (fixture ``property_run``)."""

    settings: PropertySettings
    generator: Generator
    sender: Sender
    spec: ApiSpec
    deviations: Deviations | None
    options: CheckOptions
    synthetic: bool  # the stack's inference is answered by the synthetic source
    command: Callable[[str], str]  # nodeid → "pytest '<nodeid>' --stack-config=… --inference-mode=…"
    outcomes: list[Outcome] = field(default_factory=list)
    session: CheckSession = field(default_factory=CheckSession)
    started: float = 0.0  # time.monotonic() when the session's run began (for the summary)
    synthetic_hint: str = "Run with --inference-mode=synthetic to exercise it"

    # -- what to run ---------------------------------------------------------------------------------

    def selected(self) -> list[str]:
        keys = [k for k in self.generator.keys if self.settings.selects(k)]
        if not keys:
            raise UsageError(
                "--property-operations selects no operation of the app's spec",
                value=",".join(self.settings.operations),
                allowed=f"patterns over the {len(self.generator.keys)} operations, e.g. "
                + ", ".join(repr(k) for k in self.generator.keys[:3]),
                fix="check the method and path template against the spec (GET /openapi.json)",
            )
        return keys

    def model_skip(self, operation: Any) -> str | None:
        reason = self.generator.inference_reason(operation)
        if reason and not self.synthetic:
            return (
                f"{operation.label} calls the model ({reason}); generated prompts cannot be replayed from "
                f"cassettes. {self.synthetic_hint}"
            )
        return None

    # -- one operation ---------------------------------------------------------------------------------

    def run_operation(self, key: str, mode: str, nodeid: str) -> Outcome:
        outcome = Outcome(f"{mode} {key}")
        self.outcomes.append(outcome)
        operation = self.generator.operation(key)
        outcome.skipped = self.model_skip(operation)
        if outcome.skipped:
            return outcome
        strategy = self.generator.strategy(operation, mode)

        def example(case: Any) -> None:
            from hypothesis import reject

            try:
                sent = self.sender.send(case, key)
            except Unsendable:
                outcome.unsendable += 1
                reject()
            failures = self.check(sent.exchange)
            if mode == "negative":
                failures += self.check_negative(NegativeExample(sent.exchange, case, sent.prepared))
            outcome.record(sent.exchange, failures)
            found = [f for f in blocking(failures) if f.check not in ACROSS_EXCHANGES]
            if found:
                raise_finding(found, sent.exchange)

        self.drive(
            example,
            strategy,
            outcome,
            command=self.command(nodeid),
            operation=key,
            negative=mode == "negative",
        )
        return outcome

    def check(self, exchange: Exchange) -> list[CheckFailure]:
        return check_exchange(
            self.spec, exchange, deviations=self.deviations, options=self.options, session=self.session
        )

    def check_negative(self, example: NegativeExample) -> list[CheckFailure]:
        ctx = CheckContext(
            self.spec,
            self.options,
            self.session,
            example.exchange,
            self.spec.operation(example.exchange.operation or ""),
        )
        return self.apply(run_checks(ctx, negative_check, example))

    def apply(self, failures: list[CheckFailure]) -> list[CheckFailure]:
        if self.deviations is not None:
            return self.deviations.apply(failures, self.options.target)
        return failures

    # -- hypothesis ----------------------------------------------------------------------------------

    def hypothesis_settings(self, **overrides: Any) -> Any:
        from hypothesis import HealthCheck, Phase, Verbosity, settings

        values: dict[str, Any] = {
            "max_examples": self.settings.examples,
            "deadline": None,
            "database": None,
            "print_blob": True,
            "suppress_health_check": list(HealthCheck),
            "phases": (Phase.generate, Phase.shrink),
            "report_multiple_bugs": True,
            "verbosity": Verbosity.normal,
        }
        values.update(overrides)
        return settings(**values)

    def decorate(self, test: Any) -> Any:
        """Seed (and, with --property-reproduce, pin to one example) a hypothesis test or state machine."""
        import hypothesis

        test = hypothesis.seed(self.settings.seed)(test)
        if self.settings.reproduce:
            test = hypothesis.reproduce_failure(hypothesis.__version__, self.settings.reproduce.encode())(
                test
            )
        return test

    def drive(
        self,
        example: Callable[[Any], None],
        strategy: Any,
        outcome: Outcome,
        *,
        command: str,
        operation: str,
        negative: bool = False,
    ) -> None:
        from hypothesis import given

        test = self.decorate(self.hypothesis_settings()(given(strategy)(example)))
        self.conclude(test, outcome, command=command, operation=operation, negative=negative)

    def conclude(
        self,
        test: Callable[[], None],
        outcome: Outcome,
        *,
        command: str,
        operation: str,
        negative: bool = False,
    ) -> None:
        """Run ``test``; turn what hypothesis raised into the outcome's minimal examples or its error."""
        from hypothesis.errors import DidNotReproduce, Unsatisfiable

        try:
            with without_local_constants() as independent:
                if not independent:
                    outcome.notes.append(UNAVAILABLE)
                test()
        except Unsatisfiable as error:
            if negative and outcome.sent == 0:
                outcome.skipped = (
                    "no negative data: schemathesis finds nothing in this operation it can make "
                    "invalid (no body, and every parameter accepts any string)"
                )
            else:
                outcome.error = f"hypothesis could not generate enough valid examples: {error}"
        except DidNotReproduce as error:
            outcome.error = f"the example given with --property-reproduce did not fail: {error}"
        except BaseException as error:
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            self._minimal(error, outcome, command=command, operation=operation)

    def _minimal(self, error: BaseException, outcome: Outcome, *, command: str, operation: str) -> None:
        from hypothesis.errors import Flaky

        findings = list(_findings(error))
        flaky = isinstance(error, Flaky)
        if flaky:
            outcome.notes.append(FLAKY)
        if not findings:
            if not (flaky and outcome.findings):  # a flaky run's findings were recorded as they happened
                outcome.error = f"{type(error).__name__}: {error}"
            return
        others = [e for e in _leaves(error) if not isinstance(e, PropertyFinding)]
        if others and not flaky:  # hypothesis reported findings and, with them, errors of another kind
            outcome.error = "; ".join(f"{type(e).__name__}: {e}" for e in others)
        for finding in findings:
            blob = _blob(finding)
            line = f"{command} {' '.join(self.settings.arguments(operation=operation, reproduce=blob))}"
            if flaky:
                line += "\n(" + FLAKY + ")"
            outcome.minimal.append(Minimal(tuple(finding.failures), _falsifying(finding), line))
            for failure in finding.failures:  # the minimal example represents its finding
                for key, tally in outcome.findings.items():
                    if (
                        key[0] == failure.check
                        and key[1] == failure.operation
                        and tally.failure.severity == failure.severity
                    ):
                        tally.failure, tally.exchange = failure, finding.exchange


def _findings(error: BaseException):
    if isinstance(error, PropertyFinding):
        yield error
    for inner in getattr(error, "exceptions", ()) or ():
        yield from _findings(inner)


def _leaves(error: BaseException):
    inner = getattr(error, "exceptions", None)
    if not inner:
        yield error
        return
    for each in inner:
        yield from _leaves(each)


def _notes(error: BaseException) -> list[str]:
    return [str(n) for n in getattr(error, "__notes__", [])]


def _blob(error: BaseException) -> str | None:
    for note in _notes(error):
        match = BLOB_NOTE.search(note)
        if match:
            return match.group(2)
    return None


def _falsifying(error: BaseException) -> str:
    """Hypothesis's account of the failing steps (state machines); for one request the request evidence
    already is the minimal example (schemathesis cases print as nothing)."""
    lines = [
        n
        for n in _notes(error)
        if "reproduce_failure" not in n and not n.startswith("Failing test case: example(")
    ]
    return "\n".join(lines).strip()


def pytest_command(nodeid: str, arguments: list[str]) -> str:
    return " ".join(["pytest", shlex.quote(nodeid), *arguments])
