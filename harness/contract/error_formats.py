"""The error formats an app answered with, and the one comparison that finds a run mixing them: on each
exchange of a serial run (``error_format_consistent``), and across pytest-xdist's workers, which each
saw only their part of the run (:meth:`ErrorFormats.combined`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorSample:
    shape: str  # e.g. '{"detail": …}'
    status: int
    operation: str
    excerpt: str
    curl: str
    test: str | None = None  # the pytest node id that received it, when known


def error_shape(body: bytes, content_type: str) -> str:
    """A short name for the format of an error body."""
    try:
        value = json.loads(body)
    except ValueError:
        return f"non-JSON ({content_type or 'no content type'})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}"
    if isinstance(value.get("error"), dict):
        return '{"error": {…}} (OpenAI style)'
    if {"status", "title"} <= value.keys():
        return '{"status", "title", "detail"} (RFC 7807 problem)'
    if "detail" in value:
        return '{"detail": …} (FastAPI default)'
    keys = ", ".join(json.dumps(k) for k in sorted(value)[:5])
    return "{" + keys + "}"


@dataclass
class ErrorFormats:
    """What one run (or one worker's part of it) has seen: the first sample of each error format, in the
    order seen, and the pairs of formats already reported as mixed."""

    first_of: dict[str, ErrorSample] = field(default_factory=dict)
    reported: set[frozenset[str]] = field(default_factory=set)

    def observe(self, sample: ErrorSample) -> ErrorSample | None:
        """The earlier sample to report ``sample`` against: the run's first error, when ``sample``'s
        format is new and no report mentions it yet; else None."""
        if sample.shape in self.first_of:
            return None
        self.first_of[sample.shape] = sample
        first = next(iter(self.first_of.values()))
        if first.shape == sample.shape or any(sample.shape in pair for pair in self.reported):
            return None
        self.reported.add(frozenset((first.shape, sample.shape)))
        return first

    @classmethod
    def combined(
        cls, samples: Iterable[ErrorSample], reported: Iterable[frozenset[str]] = ()
    ) -> list[tuple[ErrorSample, ErrorSample]]:
        """What parts of a run could not see alone (each pytest-xdist worker remembers only the formats it
        saw): given every part's samples, in part order, and the pairs the parts already reported, each
        format no report mentions, against the first format of the whole run, as ``(first, sample)``."""
        merged = cls(reported=set(reported))
        found = []
        for sample in samples:
            earlier = merged.observe(sample)
            if earlier is not None:
                found.append((earlier, sample))
        return found
