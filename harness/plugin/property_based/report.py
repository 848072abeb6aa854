"""How a generated run reads: a failure (each blocking finding at its minimal example, the command that
replays it, then what else was seen) and the end-of-session summary of every operation and family."""

from __future__ import annotations

import time
from typing import Any

from .outcome import Outcome, kind_of

LIBRARY_NOTE = (
    "(library mode: http://router-under-test is the in-process app; to use the curl line, run the "
    "same stack as a server with --stack-config=server:<config>)"
)


def render_failure(outcome: Outcome, settings: Any) -> str:
    parts = [f"{outcome.label}: {_count(outcome)} (seed {settings.seed}, up to {settings.examples} examples)"]
    if outcome.error:
        parts.append(f"generation failed: {outcome.error}")
    parts += [f"note: {note}" for note in outcome.notes]
    shown: set[tuple[str, str | None]] = set()
    for minimal in outcome.minimal:
        for failure in minimal.failures:
            shown.add((failure.check, failure.operation))
            parts.append(failure.render())
        if minimal.falsifying:
            parts.append("  minimal example (hypothesis):\n" + _indent(minimal.falsifying, 4))
        parts.append("  replay exactly this example:\n" + _indent(minimal.command, 4))
        if "router-under-test" in "".join(f.reproduce or "" for f in minimal.failures):
            parts.append("  " + LIBRARY_NOTE)
    for (check, operation, kind, status), tally in sorted(outcome.findings.items()):
        if kind == "unexpected" and (check, operation) not in shown:
            parts.append(f"{tally.failure.render()}\n  (seen {tally.count}× at {status}; not shrunk)")
    others = [
        f"  {kind}: {check} ×{t.count} ({status}): {t.failure.title}"
        for (check, _, kind, status), t in sorted(outcome.findings.items())
        if kind != "unexpected"
    ]
    if others:
        parts.append("also seen (expected deviations and warnings, not failing):\n" + "\n".join(others))
    return "\n\n".join(parts)


def render_expected(outcome: Outcome) -> str:
    """The xfail reason of a run whose only error-severity findings are declared deviations: each one,
    with the reason the deviations file gives (its first sentence)."""
    declared = outcome.declared()
    lines = [
        f"{outcome.label}: {len(declared)} declared deviation(s), expected failures ({outcome.sent} requests)"
    ]
    for (check, operation, _, status), tally in declared:
        lines.append(
            f"  {check} ×{tally.count} ({status}, {operation}): {tally.failure.title}\n"
            f"    declared: {_first_sentence(tally.failure.expected_reason or '')}"
        )
    return "\n".join(lines)


def _first_sentence(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    text = text[: cut + 1] if 0 < cut < limit else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def digest(run: Any) -> dict[str, Any]:
    """What the end-of-session summary says about ``run``, as plain data: pytest-xdist's workers send it
    to the controller, which adds the parts up (:func:`merge`) and prints them once."""
    counts = {"unexpected": 0, "expected": 0, "warning": 0, "info": 0}
    for outcome in run.outcomes:
        for tally in outcome.findings.values():
            counts[kind_of(tally.failure)] = counts.get(kind_of(tally.failure), 0) + 1
    settings = run.settings
    return {
        "examples": settings.examples,
        "seed": settings.seed,
        "seed_given": settings.seed_given,
        "elapsed": time.monotonic() - run.started if run.started else 0.0,
        "sent": sum(outcome.sent for outcome in run.outcomes),
        "stand_ins": sorted({s.ref.rsplit("/", 1)[-1] for s in run.generator.stand_ins}),
        "counts": counts,
        "runs": len(run.outcomes),
        "quiet": sum(1 for o in run.outcomes if not (o.findings or o.skipped or o.error or o.minimal)),
        "skipped": sum(1 for o in run.outcomes if o.skipped),
        "shown": [o.summary() for o in run.outcomes if o.findings or o.skipped or o.error or o.minimal],
    }


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Workers' digests as one (they ran side by side: the wall time is the longest of theirs)."""
    merged = dict(parts[0])
    merged["elapsed"] = max(p["elapsed"] for p in parts)
    for key in ("sent", "runs", "quiet", "skipped"):
        merged[key] = sum(p[key] for p in parts)
    merged["stand_ins"] = sorted({name for p in parts for name in p["stand_ins"]})
    merged["counts"] = {k: sum(p["counts"].get(k, 0) for p in parts) for k in parts[0]["counts"]}
    merged["shown"] = [line for p in parts for line in p["shown"]]
    return merged


def summary_lines(run: Any) -> list[str]:
    return render_summary(digest(run))


def render_summary(d: dict[str, Any]) -> list[str]:
    elapsed, sent = d["elapsed"], d["sent"]
    seed = f"{d['seed']}" + ("" if d["seed_given"] else " (drawn at random: pass --property-seed to repeat)")
    lines = [
        f"budget: {d['examples']} examples per operation and kind, per family; seed {seed}; "
        f"{sent} requests in {elapsed:.1f} s ({sent / elapsed if elapsed else 0:.0f}/s)"
    ]
    if d["stand_ins"]:
        lines.append(
            f"generation used a copy of the spec with {len(d['stand_ins'])} dangling $refs "
            f"resolved to permissive stand-ins ({', '.join(d['stand_ins'])}); responses are checked "
            "against the app's own spec"
        )
    counts = d["counts"]
    lines.append(
        "distinct findings: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        if any(counts.values())
        else "distinct findings: none"
    )
    lines.append(
        f"{d['runs']} runs: {d['quiet']} without findings, {d['skipped']} skipped (reasons below), "
        "the rest below"
    )
    return lines + d["shown"]


def _count(outcome: Outcome) -> str:
    n = len(outcome.minimal)
    head = f"{n} blocking finding{'s' if n != 1 else ''} shrunk to a minimal example" if n else "findings"
    return f"{head}, {outcome.sent} requests"


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())
