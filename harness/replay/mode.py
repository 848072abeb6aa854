"""Which inference mode a run uses: replay recorded answers, record new ones, go live, or answer
synthetically (a deterministic completion derived from the request, for generated prompts)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import Enum

from harness.core.errors import UsageError

OPTION = "--inference-mode"
ENV_VAR = "HARNESS_INFERENCE_MODE"


class InferenceMode(str, Enum):
    REPLAY = "replay"  # answer from cassettes; a request with no recording fails the test
    RECORD = "record"  # forward every request to the upstream provider and (re)store its answer
    RECORD_IF_MISSING = "record-if-missing"  # replay what is recorded, forward and store the rest
    LIVE = "live"  # forward everything, store nothing
    SYNTHETIC = "synthetic"  # answer every request with a deterministic, schema-valid completion; no cassettes, no upstream

    @property
    def reads_cassettes(self) -> bool:
        return self in (InferenceMode.REPLAY, InferenceMode.RECORD_IF_MISSING)

    @property
    def writes_cassettes(self) -> bool:
        return self in (InferenceMode.RECORD, InferenceMode.RECORD_IF_MISSING)

    @property
    def needs_upstream(self) -> bool:
        return self not in (InferenceMode.REPLAY, InferenceMode.SYNTHETIC)

    @classmethod
    def parse(cls, value: str | InferenceMode) -> InferenceMode:
        if isinstance(value, InferenceMode):
            return value
        text = str(value).strip().lower().replace("_", "-")
        for mode in cls:
            if mode.value == text:
                return mode
        raise UsageError(
            f"unknown inference mode {value!r}",
            value=value,
            allowed=", ".join(m.value for m in cls),
            fix=f"pass {OPTION}=<mode> or set {ENV_VAR}=<mode> to one of the allowed values (default: replay)",
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InferenceMode:
        """The mode named by ``HARNESS_INFERENCE_MODE``, or replay when it is unset or empty."""
        value = (os.environ if environ is None else environ).get(ENV_VAR, "")
        return cls.parse(value) if value.strip() else cls.REPLAY
