"""Text and JSON output for lint reports and change lists. Text reads title → evidence → fix; JSON has a
stable key order so CI logs and snapshots diff cleanly."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ._lint import LintReport
from ._model import Change, Finding
from ._suppressions import Partition

SHOWN_PER_RULE = 10


def lint_json(report: LintReport) -> str:
    data = {
        "spec": report.spec.source,
        "openapi": report.spec.openapi,
        "summary": {
            "error": report.count("error"),
            "warning": report.count("warning"),
            "info": report.count("info"),
            "suppressed": len(report.suppressed),
        },
        "findings": [f.to_dict() for f in report.findings],
        "suppressed": [{**f.to_dict(), "reason": s.reason} for f, s in report.suppressed],
        "unused_suppressions": [
            {"pointer": s.pointer, "rule": s.rule, "reason": s.reason} for s in report.unused
        ],
    }
    return _dump(data)


def lint_text(report: LintReport, show_all: bool = False) -> str:
    blocks = _grouped(report.findings, show_all, lambda f: f.severity.value, _finding_text)
    summary = (
        f"{report.spec.source}: {_n(report.count('error'), 'error')}, {_n(report.count('warning'), 'warning')}, "
        f"{_n(report.count('info'), 'info finding')}, {len(report.suppressed)} suppressed"
    )
    blocks.append(summary)
    blocks += [
        f"unused suppression (matches nothing; delete it): {s.pointer} {s.rule or ''}".rstrip()
        for s in report.unused
    ]
    return "\n\n".join(blocks)


def changes_json(old: str, new: str, split: Partition) -> str:
    counts = Counter(c.impact.value for c in split.kept)
    data = {
        "old": old,
        "new": new,
        "summary": {
            "breaking": counts["breaking"],
            "warning": counts["warning"],
            "info": counts["info"],
            "suppressed": len(split.suppressed),
        },
        "changes": [c.to_dict() for c in split.kept],
        "suppressed": [{**c.to_dict(), "reason": s.reason} for c, s in split.suppressed],
        "unused_suppressions": [
            {"pointer": s.pointer, "rule": s.rule, "reason": s.reason} for s in split.unused
        ],
    }
    return _dump(data)


def changes_text(old: str, new: str, split: Partition, show_all: bool = False) -> str:
    blocks = _grouped(split.kept, show_all, lambda c: c.impact.value, _change_text)
    counts = Counter(c.impact.value for c in split.kept)
    blocks.append(
        f"{old} → {new}: {_n(counts['breaking'], 'breaking change')}, {_n(counts['warning'], 'warning')}, {_n(counts['info'], 'info change')}, {len(split.suppressed)} suppressed"
    )
    blocks += [
        f"unused suppression (matches nothing; delete it): {s.pointer} {s.rule or ''}".rstrip()
        for s in split.unused
    ]
    return "\n\n".join(blocks)


def _grouped(items: list, show_all: bool, level, render) -> list[str]:
    """Errors/breaking in full; warnings up to SHOWN_PER_RULE per rule; info as counts (unless show_all)."""
    blocks: list[str] = []
    shown: Counter = Counter()
    hidden: Counter = Counter()
    for item in items:
        lvl = level(item)
        if (
            show_all
            or lvl in ("error", "breaking")
            or (lvl == "warning" and shown[item.rule] < SHOWN_PER_RULE)
        ):
            shown[item.rule] += 1
            blocks.append(render(item))
        else:
            hidden[(lvl, item.rule)] += 1
    if hidden:
        parts = ", ".join(f"{rule} ×{n} ({lvl})" for (lvl, rule), n in sorted(hidden.items()))
        blocks.append(f"not shown: {parts} — use --all or --format json to list them")
    return blocks


def _finding_text(f: Finding) -> str:
    lines = [f"{f.severity.value:<7} {f.rule}  {f.pointer}", f"  {f.message}"]
    if f.evidence:
        lines.append("  evidence:")
        lines += [f"    {e}" for e in f.evidence]
    if f.example is not None:
        lines.append(f"  example instance: {json.dumps(f.example, sort_keys=True)}")
    lines.append(f"  fix: {f.hint}")
    return "\n".join(lines)


def _change_text(c: Change) -> str:
    lines = [f"{c.impact.value:<8} {c.rule}  {c.pointer}", f"  {c.message}"]
    if c.old_pointer and c.old_pointer != c.pointer:
        lines.append(f"  was: {c.old_pointer}")
    if c.operations:
        ops = sorted(c.operations)
        lines.append(
            "  affects: " + ", ".join(ops[:6]) + (f" and {len(ops) - 6} more" if len(ops) > 6 else "")
        )
    if c.hint:
        lines.append(f"  fix: {c.hint}")
    return "\n".join(lines)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
