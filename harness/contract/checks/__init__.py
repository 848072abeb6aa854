"""Every check, registered in ``harness.core.registry.checks`` on import. One module per subject."""

from . import conformance, deletion, errors, responses_stream, spec_refs, sse_wire, stream_schema  # noqa: F401
