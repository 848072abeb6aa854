"""The contract run of one session: the spec and deviations the app is judged by, the exchanges each test
made, and every finding so far (what the report, the results file and the xdist controller read)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, Severity

from .settings import Settings


@dataclass(frozen=True)
class Finding:
    nodeid: (
        str | None
    )  # None: about the run as a whole (the spec document, or what xdist workers saw together)
    failure: CheckFailure
    where: str | None = None  # for a finding with no test: where it was seen ("the spec document" if unset)

    @property
    def kind(self) -> str:
        if self.failure.expected_reason:
            return "expected"
        return "unexpected" if self.failure.severity is Severity.ERROR else self.failure.severity.value


@dataclass
class ContractRun:
    spec: Any
    deviations: Any
    options: Any
    library_hint: str | None = None  # how to turn a library-mode curl line into one that works
    findings: list[Finding] = field(default_factory=list)
    exchanges_checked: int = 0
    exchanges_unchecked: int = 0
    skipped_lines: list[str] | None = None  # merged from xdist workers; else the spec session's
    across_workers: list[Finding] = field(
        default_factory=list
    )  # found by comparing xdist workers' observations
    merged_reference_routes: Any = None  # the workers' reference coverage added up (xdist controller)
    session: Any = None  # the checks' per-run context (CheckSession); None on the xdist controller
    listeners: list[Any] = field(default_factory=list)  # told observed(exchange), checked(exchange, failures)
    _current: str | None = None
    _pending: dict[str | None, list[Exchange]] = field(default_factory=lambda: defaultdict(list))
    _tests_begun: set[str] = field(default_factory=set)  # every test that ran with this run

    @classmethod
    def create(cls, settings: Settings, stack: Any, document: dict[str, Any]) -> ContractRun:
        from harness.contract import ApiSpec, CheckSession, Deviations, check_document

        source = str(settings.spec_path) if settings.spec_path else f"{stack.base_url}/openapi.json"
        spec = ApiSpec.from_dict(document, source=source)
        deviations = Deviations.load(settings.deviations_path) if settings.deviations_path else None
        options = dataclasses.replace(settings.check_options, target=_target_name(stack))
        run = cls(spec, deviations, options, library_hint=_library_hint(stack), session=CheckSession())
        document_failures = check_document(spec, deviations=deviations, options=options, session=run.session)
        run.findings += [Finding(None, failure) for failure in document_failures]
        return run

    def observe(self, exchange: Exchange) -> None:
        exchange = dataclasses.replace(exchange, test=self._current)
        self._pending[self._current].append(exchange)
        for listener in self.listeners:
            listener.observed(exchange)

    def record(self, nodeid: str, failures: list[CheckFailure], *, checked: int) -> list[CheckFailure]:
        """Findings a test has already judged itself (the property run checks each generated exchange and
        fails its own test or subtest): they join the run's report without being checked, or failing the
        test, a second time. Returns them as the report holds them (with the library-mode hint)."""
        failures = self._add_hint(failures)
        self.exchanges_checked += checked
        self.findings += [Finding(nodeid, failure) for failure in failures]
        return failures

    def begin(self, nodeid: str) -> None:
        self._current = nodeid
        self._tests_begun.add(nodeid)

    def check(self, nodeid: str, *, enabled: bool) -> list[CheckFailure]:
        from harness.contract import check_exchange

        exchanges = self._pending.pop(nodeid, []) + self._pending.pop(None, [])
        if not enabled:
            self.exchanges_unchecked += len(exchanges)
            return []
        failures: list[CheckFailure] = []
        for exchange in exchanges:
            found = check_exchange(
                self.spec, exchange, deviations=self.deviations, options=self.options, session=self.session
            )
            for listener in self.listeners:
                listener.checked(exchange, found)
            failures += found
        self.exchanges_checked += len(exchanges)
        failures = self._add_hint(failures)
        self.findings += [Finding(nodeid, failure) for failure in failures]
        return failures

    def skipped_report(self) -> list[str]:
        """What could not be checked, and why (one line per check and reason)."""
        if self.skipped_lines is not None:
            return self.skipped_lines
        return self.session.skipped_report() if self.session is not None else []

    def export(self) -> dict[str, Any]:
        """This worker's part of the run, as plain data (pytest-xdist carries only builtin types)."""
        from harness.contract import seen_error_formats

        used = self.deviations.used() if self.deviations is not None else []
        session = self.session
        formats = seen_error_formats(session) if session is not None else None
        return {
            "findings": [[f.nodeid, f.failure.to_dict()] for f in self.findings],
            "error_samples": [dataclasses.asdict(s) for s in formats.first_of.values()] if formats else [],
            "error_pairs": [sorted(pair) for pair in formats.reported] if formats else [],
            "library_hint": self.library_hint,
            "checked": self.exchanges_checked,
            "unchecked": self.exchanges_unchecked,
            "tests": sorted(self._tests_begun),
            "used_deviations": used,
            "target": self.options.target,
            "skipped": self.skipped_report(),
            "reference_routes": [[*key, n] for key, n in session.reference_routes.items()] if session else [],
        }

    @classmethod
    def merged(cls, settings: Settings, parts: list[dict[str, Any]]) -> ContractRun:
        """The whole run on the pytest-xdist controller: every worker's findings (the spec document's own
        once), counts added up, and a deviation unused only if no worker used it."""
        from harness.contract import Deviations

        deviations = Deviations.load(settings.deviations_path) if settings.deviations_path else None
        target = next((part["target"] for part in parts if part["target"]), None)
        skipped_lines: list[str] = []
        run = cls(
            None,
            deviations,
            dataclasses.replace(settings.check_options, target=target),
            skipped_lines=skipped_lines,
        )
        seen_document: set[tuple[str, str]] = set()
        for part in parts:
            for nodeid, data in part["findings"]:
                if nodeid is None:  # about the spec document: every worker found it
                    if (data["check"], data["title"]) in seen_document:
                        continue
                    seen_document.add((data["check"], data["title"]))
                run.findings.append(Finding(nodeid, CheckFailure.from_dict(data)))
            run.exchanges_checked += part["checked"]
            run.exchanges_unchecked += part["unchecked"]
            run._tests_begun.update(part["tests"])
            if deviations is not None:
                deviations.mark_used(part["used_deviations"])
            skipped_lines += [line for line in part["skipped"] if line not in skipped_lines]
            run.merged_reference_routes = run.merged_reference_routes or Counter()
            for route, covered, n in part.get("reference_routes", []):
                run.merged_reference_routes[(route, covered)] += n
        run._compare_error_formats(parts)
        return run

    def _compare_error_formats(self, parts: list[dict[str, Any]]) -> None:
        """What each worker's ``error_format_consistent`` could not see: error formats that only differ
        between workers. Reported for the run (no one test saw both), deviations applied."""
        from harness.contract import ErrorSample, mixed_across_parts

        parts = sorted(parts, key=lambda part: part.get("tests") or [])  # workers finish in any order
        samples = [[ErrorSample(**data) for data in part.get("error_samples", [])] for part in parts]
        reported = {frozenset(pair) for part in parts for pair in part.get("error_pairs", [])}
        failures = mixed_across_parts(samples, reported)
        self.library_hint = next((part["library_hint"] for part in parts if part.get("library_hint")), None)
        failures = self._add_hint(failures)
        if self.deviations is not None:
            failures = self.deviations.apply(failures, self.options.target)
        self.across_workers = [
            Finding(None, failure, where="tests on different pytest-xdist workers") for failure in failures
        ]
        self.findings += self.across_workers

    def reference_routes(self) -> Any:
        """(route, the reference's operation or "") → exchanges, for the compatibility report."""
        if self.merged_reference_routes is not None:
            return self.merged_reference_routes
        return self.session.reference_routes if self.session is not None else Counter()

    def unused_deviations(self) -> list[Any]:
        """Declared deviations for this target that nothing in the run matched (stale entries?)."""
        if self.deviations is None:
            return []
        target = self.options.target or ""
        ran = {f.nodeid for f in self.findings if f.nodeid} | set(self._tests_begun)
        return [
            d
            for d in self.deviations.unused()
            if d.applies_to(target)
            # an entry another suite shows (seen_by) is only stale if that suite ran
            and (not d.seen_by or any(nodeid.startswith(d.seen_by) for nodeid in ran))
        ]

    def _add_hint(self, failures: list[CheckFailure]) -> list[CheckFailure]:
        """The failures, each whose curl line needs it with the library-mode hint (a new failure)."""
        hint = self.library_hint
        return [
            dataclasses.replace(failure, reproduce=f"{failure.reproduce}\n{hint}")
            if hint and failure.reproduce and "curl " in failure.reproduce and hint not in failure.reproduce
            else failure
            for failure in failures
        ]

    def verify_deletion(
        self,
        client: Any,
        nodeid: str | None,
        *,
        collection_path: str,
        item_id: str,
        delete_response: Any = None,
    ) -> list[CheckFailure]:
        """The delete-semantics scenario; its findings join the run's (the requests it makes, made
        through the checked ``client``, are checked like any other)."""
        from harness.contract import verify_deletion

        failures = verify_deletion(
            client,
            self.spec,
            collection_path=collection_path,
            item_id=item_id,
            delete_response=delete_response,
            options=self.options,
            session=self.session,
            deviations=self.deviations,
        )
        failures = self._add_hint(failures)
        self.findings += [Finding(nodeid, failure) for failure in failures]
        return failures


def _library_hint(stack: Any) -> str | None:
    if stack.mode != "library":
        return None
    from harness.targets.profiles import get_profile

    config = str(stack.config or "<config>")
    return (
        f"# library mode: the app ran in-process; to use the curl line, start it as a server "
        f"(pytest … --stack-config=server:{config}, or `{get_profile(stack.profile).server_hint(config)}`) "
        f"and replace {stack.base_url} with http://127.0.0.1:8321"
    )


def _target_name(stack: Any) -> str:
    """``<profile>-<version>`` (e.g. ``ogx-1.5.0``), the name deviations are declared for."""
    from harness.targets.clients import http_client
    from harness.targets.profiles import get_profile

    version = get_profile(stack.profile).installed_version() if stack.mode in {"library", "server"} else None
    if version is None:
        with http_client(stack) as client:
            response = client.get("/v1/version")
        version = response.json().get("version", "unknown") if response.status_code == 200 else "unknown"
    return f"{stack.profile}-{version}"


def deduplicated(findings: list[Finding]) -> list[tuple[Finding, list[str]]]:
    """One entry per (check, operation, title), with the tests it was seen in."""
    seen: dict[tuple[str, str | None, str], tuple[Finding, list[str]]] = {}
    for finding in findings:
        key = (finding.failure.check, finding.failure.operation, finding.failure.title)
        entry = seen.setdefault(key, (finding, []))
        if finding.nodeid and finding.nodeid not in entry[1]:
            entry[1].append(finding.nodeid)
    return list(seen.values())
