"""Every check, registered in ``harness.core.registry.checks`` on import. One module per subject."""

from . import (  # noqa: F401 - importing a module registers its checks
    conformance,
    deletion,
    errors,
    reference_body,
    reference_stream,
    responses_deltas,
    responses_stream,
    spec_document,
    sse_wire,
    stream_schema,
)
