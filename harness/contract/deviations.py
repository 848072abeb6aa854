"""Known deviations of a target, declared in one reviewed file and reported as expected failures.

The file is a YAML list; each entry has exactly these keys::

    - check: status_code_declared              # a registered check name
      operation: GET /v1/responses/{response_id}   # "METHOD /template"; shell-style wildcards allowed ("*")
      reason: OGX answers 404 for a missing response but the spec does not declare it
      target: ogx-1.5.0*                       # optional; matched against CheckOptions.target; several
                                               # targets comma-separated: "ogx-1.5.*, llama-stack-0.7.3"
      status: "404"                            # optional; the response status(es) it covers: "404",
                                               # "404, 409" or "4xx" (without it: any status)
      seen_by: suites/contract                 # optional; what shows the deviation, when not the
                                               # captured traffic of tests/contract (for reviewers)

A failure that an entry matches keeps its place in the results as an expected failure with the entry's
reason (:class:`~harness.core.failure.ExpectedFailure`): it is reported as expected, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from harness.core.documents import read_document
from harness.core.errors import UsageError
from harness.core.failure import CheckFailure
from harness.core.registry import checks

REQUIRED = ("check", "operation", "reason")
ALLOWED = (*REQUIRED, "target", "seen_by", "status")
STATUS = re.compile(r"[1-5](\d\d|xx)")
METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


@dataclass(frozen=True)
class Deviation:
    check: str
    operation: str
    reason: str
    target: str | None = None
    source: str = ""  # "suites/deviations.yaml, entry 3"
    seen_by: str | None = None  # e.g. "suites/contract": the run that shows it
    status: tuple[str, ...] = ()  # "404", "4xx": the response statuses covered (empty: any)

    def matches(self, failure: CheckFailure, target: str | None) -> bool:
        if failure.check != self.check:
            return False
        if not self.applies_to(target):
            return False
        if self.status and not any(_status_matches(failure.status, pattern) for pattern in self.status):
            return False
        return fnmatchcase(failure.operation or "", self.operation)

    def applies_to(self, target: str | None) -> bool:
        """Whether the entry is about ``target`` (an entry without a target is about every app)."""
        if self.target is None:
            return True
        return target is not None and any(fnmatchcase(target, t.strip()) for t in self.target.split(","))


class Deviations:
    def __init__(self, entries: Iterable[Deviation] = ()) -> None:
        self.entries = list(entries)
        self._used: set[int] = set()

    @classmethod
    def load(cls, path: str | Path, *, _including: tuple[Path, ...] = ()) -> Deviations:
        """The entries of ``path``, in order; an entry ``- include: bundled`` (the harness's own file) or
        ``- include: other.yaml`` (relative to this file) stands for that file's entries, so a project
        adds its deviations to the bundled ones instead of copying them."""
        data = read_document(
            path,
            what="the deviations file",
            error=UsageError,
            allowed="a YAML list of {check, operation, reason[, target, seen_by, status]} entries",
            fix="fix the syntax at the line named, or pass --deviations=none to run without declared deviations",
        )
        data = data if data is not None else []
        if not isinstance(data, list):
            return cls.from_list(data, source=str(path))
        here = Path(path).resolve()
        entries: list[Deviation] = []
        for i, item in enumerate(data, 1):
            if isinstance(item, dict) and set(item) == {"include"}:
                entries += cls.load(
                    _included(item["include"], here, f"{path}, entry {i}", _including),
                    _including=(*_including, here),
                ).entries
            else:
                entries.append(_entry(item, f"{path}, entry {i}"))
        return cls(entries)

    @classmethod
    def from_list(cls, data: Any, *, source: str = "<deviations>") -> Deviations:
        if not isinstance(data, list):
            raise UsageError(
                f"{source}: the deviations file must be a YAML list",
                value=type(data).__name__,
                allowed="a list of entries, each with keys " + ", ".join(ALLOWED),
                fix="start each entry with '- check: ...'",
            )
        return cls(_entry(item, f"{source}, entry {i}") for i, item in enumerate(data, 1))

    def match(self, failure: CheckFailure, target: str | None = None) -> Deviation | None:
        for i, entry in enumerate(self.entries):
            if entry.matches(failure, target):
                self._used.add(i)
                return entry
        return None

    def apply(self, failures: Iterable[CheckFailure], target: str | None = None) -> list[CheckFailure]:
        """The failures in their order, each one a deviation declares as an expected failure with the
        entry's reason (the failures given are left as they are)."""
        return [self.declare(failure, target) for failure in failures]

    def declare(self, failure: CheckFailure, target: str | None = None) -> CheckFailure:
        """``failure`` as an expected failure when an entry declares it, else ``failure`` itself."""
        entry = self.match(failure, target)
        return failure.expected(entry.reason) if entry is not None else failure

    def unused(self) -> list[Deviation]:
        """Entries no failure has matched yet (candidates for removal once the app is fixed)."""
        return [e for i, e in enumerate(self.entries) if i not in self._used]

    def used(self) -> list[int]:
        """Indices of the entries some failure matched (to combine runs, e.g. pytest-xdist's workers)."""
        return sorted(self._used)

    def mark_used(self, indices: Iterable[int]) -> None:
        self._used.update(indices)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Deviation]:
        return iter(self.entries)


def _included(value: Any, including: Path, where: str, chain: tuple[Path, ...]) -> Path:
    """The file an ``include:`` entry names: ``bundled``, or a path relative to the including file."""
    from harness.core.bundled import DEVIATIONS

    path = DEVIATIONS if value == "bundled" else including.parent / str(value)
    if not isinstance(value, str) or not path.is_file():
        raise UsageError(
            f"{where}: include: {value!r} names no deviations file",
            value=str(value),
            allowed="'bundled' (the harness's own deviations), or a YAML file's path relative to "
            f"{including.name}",
            fix="correct the name, or drop the entry",
        )
    if path.resolve() in (*chain, including):
        raise UsageError(
            f"{where}: include: {value!r} includes a file that is already being read (a cycle)",
            value=str(value),
            allowed="files that do not include each other",
            fix="drop one of the include entries",
        )
    return path


def _entry(item: Any, where: str) -> Deviation:
    allowed = "keys " + ", ".join(ALLOWED) + " (target, seen_by and status optional)"
    if not isinstance(item, dict):
        raise UsageError(
            f"{where}: an entry must be a mapping",
            value=item,
            allowed=allowed,
            fix="write it as '- check: NAME' with 'operation:' and 'reason:' below",
        )
    unknown = sorted(set(item) - set(ALLOWED))
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}",
            value=unknown,
            allowed=allowed,
            fix="remove or rename the key",
        )
    missing = [k for k in REQUIRED if not item.get(k)]
    if missing:
        raise UsageError(
            f"{where}: missing key(s) {', '.join(missing)}",
            value=item,
            allowed=allowed,
            fix="every entry needs check, operation and a reason a reviewer can judge",
        )
    if isinstance(item.get("status"), int):
        item = {**item, "status": str(item["status"])}
    for key in ALLOWED:
        if key in item and item[key] is not None and not isinstance(item[key], str):
            raise UsageError(
                f"{where}: {key!r} must be a string",
                value=item[key],
                allowed=allowed,
                fix=f"quote the value of {key!r}",
            )
    check = item["check"]
    known = checks.names()
    if check not in known:
        raise UsageError(
            f"{where}: unknown check {check!r}",
            value=check,
            allowed=", ".join(known),
            fix="use the check name printed in the finding, e.g. status_code_declared",
        )
    operation = " ".join(item["operation"].split())
    method = operation.split(" ", 1)[0]
    if operation != "*" and not (method in METHODS or any(c in method for c in "*?[")):
        raise UsageError(
            f"{where}: operation {operation!r} must be 'METHOD /path/template' or '*'",
            value=operation,
            allowed="e.g. 'GET /v1/responses/{response_id}', 'DELETE /v1/*', '*'",
            fix="write the method in capitals, then the spec's path template",
        )
    status = tuple(part.strip() for part in (item.get("status") or "").split(",") if part.strip())
    bad = [part for part in status if not STATUS.fullmatch(part)]
    if bad:
        raise UsageError(
            f"{where}: status {bad[0]!r} is not an HTTP status or class",
            value=item["status"],
            allowed="a status such as '404', a class such as '4xx', or several: '404, 409'",
            fix="write the status(es) of the responses this deviation covers, or leave 'status' out for any",
        )
    return Deviation(
        check, operation, item["reason"].strip(), item.get("target"), where, item.get("seen_by"), status
    )


def _status_matches(status: int | None, pattern: str) -> bool:
    if status is None:
        return False
    return str(status) == pattern or (pattern.endswith("xx") and str(status)[0] == pattern[0])
