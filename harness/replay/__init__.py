"""Record and replay the router app's outbound inference traffic.

Layers inside this package (each module one noun):

    mode        InferenceMode (replay, record, record-if-missing, live)
    rules       the versioned matching rule file → canonical request → index key
    redaction   credentials and key-like values, replaced before anything is written or hashed
    interaction / cassette / library   one entry / one file (vcrpy layout, YAML) / every file, indexed
    sources     where answers come from (cassettes, upstream, recorder); pluggable
    synthetic   SyntheticSource: deterministic answers derived from the request (synthetic mode)
    endpoint    the loopback HTTP server the stack's provider points at (ReplayEndpoint)
    miss        the RecordingMissing error with the nearest-recording diff
    usage       which entries a full replay run used; prune
    scan        secret scanning of cassette files
    guard       outbound_guard for library mode
    ogx_import  OGX's recording format → cassettes

Imports only ``harness.core`` from the rest of the harness, and never pytest.
"""

from .endpoint import ReplayEndpoint
from .guard import DEFAULT_ALLOWED_HOSTS, OutboundBlocked, OutboundGuard, outbound_guard
from .interaction import Interaction
from .library import CassetteLibrary, Entry
from .mode import ENV_VAR as INFERENCE_MODE_ENV_VAR
from .mode import OPTION as INFERENCE_MODE_OPTION
from .mode import InferenceMode
from .ogx_import import ImportReport, import_ogx_recordings
from .rules import DEFAULT_RULES, CanonicalRequest, MatchRules
from .scan import SecretFinding, scan_files
from .sources import Answer, AnswerSource, Call
from .synthetic import SyntheticSource
from .upstream import API_KEY_VAR, BASE_URL_VAR, Upstream
from .usage import PruneResult, prune, usage_path, write_usage

__all__ = [
    "API_KEY_VAR",
    "BASE_URL_VAR",
    "DEFAULT_ALLOWED_HOSTS",
    "DEFAULT_RULES",
    "INFERENCE_MODE_ENV_VAR",
    "INFERENCE_MODE_OPTION",
    "Answer",
    "AnswerSource",
    "Call",
    "CanonicalRequest",
    "CassetteLibrary",
    "Entry",
    "ImportReport",
    "InferenceMode",
    "Interaction",
    "MatchRules",
    "OutboundBlocked",
    "OutboundGuard",
    "PruneResult",
    "ReplayEndpoint",
    "SecretFinding",
    "SyntheticSource",
    "Upstream",
    "import_ogx_recordings",
    "outbound_guard",
    "prune",
    "scan_files",
    "usage_path",
    "write_usage",
]
