"""Each SSE event against the stream schema the spec declares for ``text/event-stream``."""

from __future__ import annotations

from harness.core.failure import Evidence

from ..context import CheckContext, StreamView
from ..kinds import stream_check
from ._schema import declared_media


@stream_check
def sse_event_schema(ctx: CheckContext, stream: StreamView) -> None:
    """Every JSON event payload is valid against the declared stream schema (unions resolved by tag)."""
    media = declared_media(ctx)
    bad = []
    for payload in stream.payloads:
        if payload.error is not None:
            continue
        errors = ctx.spec.validate(media.schema_at, payload.value)
        if errors:
            bad.append((payload, errors))
    if not bad:
        return
    first, errors = bad[0]
    what = f"event #{first.event.index}" + (f" ({first.type})" if first.type else "")
    lines = []
    for payload, errs in bad[:5]:
        lines.append(f"#{payload.event.index} {payload.event.excerpt(200)}")
        lines.extend(f"    {e.render()}" for e in errs[:4])
    if len(bad) > 5:
        lines.append(f"… {len(bad)} events in all")
    more = f" ({len(bad)} events fail)" if len(bad) > 1 else ""
    raise ctx.failure(
        f"{what} does not match {media.schema_name}: {errors[0].render()}{more}",
        Evidence("stream excerpt with schema errors", "\n".join(lines)),
        with_response=False,
    )
