"""A reviewed file of accepted findings: each entry names a pointer (``*`` globs allowed), optionally a
rule id, and the reason a reviewer accepted it.

    suppressions:
      - rule: ref-unresolvable
        pointer: /paths/*/responses/400
        reason: FastAPI emits these refs without the components; tracked upstream
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import UsageError, kind_of

SHAPE = "a YAML mapping `suppressions:` holding a list of {pointer, reason, rule (optional)} entries"


@dataclass(frozen=True)
class Suppression:
    pointer: str
    reason: str
    rule: str | None = None

    def matches(self, rule: str, pointer: str) -> bool:
        return fnmatchcase(pointer, self.pointer) and (self.rule is None or fnmatchcase(rule, self.rule))


@dataclass
class Suppressions:
    entries: list[Suppression] = field(default_factory=list)
    source: str = "<none>"

    def match(self, rule: str, pointer: str) -> Suppression | None:
        for entry in self.entries:
            if entry.matches(rule, pointer):
                return entry
        return None


@dataclass
class Partition:
    """Items split by a suppressions file: kept, suppressed (with the entry that matched), and entries
    that matched nothing (stale entries a reviewer should delete)."""

    kept: list
    suppressed: list[tuple[Any, Suppression]]
    unused: list[Suppression]


def partition(items: list, suppressions: Suppressions) -> Partition:
    """Split findings or changes (anything with ``rule`` and ``pointer``)."""
    kept, suppressed, used = [], [], set()
    for item in items:
        entry = suppressions.match(item.rule, item.pointer)
        if entry is None:
            kept.append(item)
        else:
            suppressed.append((item, entry))
            used.add(id(entry))
    return Partition(kept, suppressed, [e for e in suppressions.entries if id(e) not in used])


def load_suppressions(source: Suppressions | str | Path | list | dict | None) -> Suppressions:
    if source is None:
        return Suppressions()
    if isinstance(source, Suppressions):
        return source
    if isinstance(source, (list, dict)):
        return _parse(source, "<data>")
    path = Path(source)
    if not path.is_file():
        raise UsageError(
            f"suppressions file not found: {path}",
            value=str(path),
            allowed=SHAPE,
            fix="check the path, or drop --suppressions",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise UsageError(
            f"suppressions file {path} is not valid YAML: {error}",
            value=str(path),
            allowed=SHAPE,
            fix="fix the YAML syntax",
        ) from None
    return _parse(data, str(path))


def _parse(data: Any, name: str) -> Suppressions:
    if data is None:
        return Suppressions(source=name)
    if isinstance(data, dict) and "suppressions" not in data:
        keys = ", ".join(str(k) for k in list(data)[:6])
        raise UsageError(
            f"{name} is not a suppressions file: it has no top-level `suppressions:` key (its keys: {keys})",
            value=name,
            allowed=SHAPE,
            fix="pass the reviewed suppressions file, or put the entries under a top-level `suppressions:` key",
        )
    entries = data.get("suppressions") if isinstance(data, dict) else data
    if entries is None:
        return Suppressions(source=name)  # `suppressions:` with nothing under it yet
    if not isinstance(entries, list):
        raise UsageError(
            f"{name}: expected a list of suppressions, found {kind_of(entries)}",
            value=entries,
            allowed=SHAPE,
            fix="put the entries under a top-level `suppressions:` key",
        )
    out = []
    for i, entry in enumerate(entries):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("pointer"), str)
            or not entry["pointer"].startswith(("/", "*"))
        ):
            raise UsageError(
                f"{name}: suppression #{i + 1} has no JSON pointer",
                value=entry,
                allowed=SHAPE,
                fix="give each entry a `pointer:` such as /components/schemas/Foo (use `*` to match several)",
            )
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(
                f"{name}: suppression #{i + 1} ({entry['pointer']}) has no reason",
                value=entry,
                allowed=SHAPE,
                fix="add `reason:` saying why the finding is accepted; the file is reviewed like code",
            )
        rule = entry.get("rule")
        if rule is not None and not isinstance(rule, str):
            raise UsageError(
                f"{name}: suppression #{i + 1} has a non-text rule",
                value=rule,
                allowed="a rule id such as union-overlap",
                fix="write the rule id as text",
            )
        out.append(Suppression(entry["pointer"], reason.strip(), rule))
    return Suppressions(out, name)
