"""Contract tests and record/replay for OpenAI-compatible router apps (OGX, llama-stack).

The public API is this one list; everything else is internal and may change."""

from harness.core.errors import (
    CassetteError,
    HarnessError,
    RecordingMissing,
    ReplayError,
    SpecError,
    TargetError,
    UsageError,
)
from harness.core.exchange import Exchange, Request, Response
from harness.core.failure import CheckFailure, CheckFailures, CheckSkipped, Evidence, Severity
from harness.core.registry import checks
from harness.targets.base import RunningStack

__version__ = "0.1.0"

__all__ = [
    "CassetteError",
    "CheckFailure",
    "CheckFailures",
    "CheckSkipped",
    "Evidence",
    "Exchange",
    "HarnessError",
    "RecordingMissing",
    "ReplayError",
    "Request",
    "Response",
    "RunningStack",
    "Severity",
    "SpecError",
    "TargetError",
    "UsageError",
    "checks",
]
