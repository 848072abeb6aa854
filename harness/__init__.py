"""Contract tests and record/replay for OpenAI-compatible router apps (OGX, llama-stack).

The public API is this one list; everything else is internal and may change. Names are imported on
first use, so loading the pytest plugin (which imports ``harness.core``) stays cheap."""

import importlib as _importlib

__version__ = "0.1.0"

# public name → (module, attribute)
_EXPORTS = {
    "ApiSpec": ("harness.contract", "ApiSpec"),
    "CassetteError": ("harness.core.errors", "CassetteError"),
    "CheckFailure": ("harness.core.failure", "CheckFailure"),
    "CheckFailures": ("harness.core.failure", "CheckFailures"),
    "CheckOptions": ("harness.contract", "CheckOptions"),
    "CheckSkipped": ("harness.core.failure", "CheckSkipped"),
    "Deviations": ("harness.contract", "Deviations"),
    "Evidence": ("harness.core.failure", "Evidence"),
    "Exchange": ("harness.core.exchange", "Exchange"),
    "ExpectedFailure": ("harness.core.failure", "ExpectedFailure"),
    "HarnessError": ("harness.core.errors", "HarnessError"),
    "InferenceMode": ("harness.replay", "InferenceMode"),
    "RecordingMissing": ("harness.core.errors", "RecordingMissing"),
    "ReplayEndpoint": ("harness.replay", "ReplayEndpoint"),
    "ReplayError": ("harness.core.errors", "ReplayError"),
    "Request": ("harness.core.exchange", "Request"),
    "Response": ("harness.core.exchange", "Response"),
    "RunningStack": ("harness.targets.base", "RunningStack"),
    "Severity": ("harness.core.failure", "Severity"),
    "SpecError": ("harness.core.errors", "SpecError"),
    "TargetError": ("harness.core.errors", "TargetError"),
    "Upstream": ("harness.replay", "Upstream"),
    "UsageError": ("harness.core.errors", "UsageError"),
    "check_document": ("harness.contract", "check_document"),
    "check_exchange": ("harness.contract", "check_exchange"),
    "checks": ("harness.core.registry", "checks"),
    "load_api_spec": ("harness.contract", "load_api_spec"),
    "load_reference": ("harness.contract", "load_reference"),
    "load_spec": ("harness.spectools", "load_spec"),
    "parse_sse": ("harness.contract", "parse_sse"),
    "spec_diff": ("harness.spectools", "diff"),
    "spec_drift": ("harness.spectools", "drift"),
    "spec_lint": ("harness.spectools", "lint"),
    "verify_deletion": ("harness.contract", "verify_deletion"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'harness' has no attribute {name!r}") from None
    value = getattr(_importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
