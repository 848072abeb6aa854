"""The app's last exception, found in its log for a start-up failure's message."""

from __future__ import annotations

import json

from harness.targets.log_tail import last_exception

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/x/ogx/core/resolver.py", line 201, in resolve_impls\n'
    '    raise ValueError(f"Provider ...")\n'
    "ValueError: Provider `inline::faisss` is not available for API `Api.vector_io`\n"
)


def test_an_exception_inside_a_json_log_line_is_found() -> None:
    """OGX's server logs JSON lines (OGX_LOG_FORMAT=json); the traceback is inside the event string."""
    log = "\n".join(
        [
            json.dumps({"event": "Using stack configuration", "level": "info"}),
            json.dumps({"event": TRACEBACK, "level": "error", "logger": "uvicorn.error"}),
            json.dumps({"event": "Received interrupt signal, shutting down", "level": "info"}),
        ]
    )
    assert (
        last_exception(log)
        == "ValueError: Provider `inline::faisss` is not available for API `Api.vector_io`"
    )


def test_a_plain_traceback_is_found_and_the_last_one_wins() -> None:
    log = "starting\nKeyError: 'first'\n" + TRACEBACK + "shutting down\n"
    assert last_exception(log).startswith("ValueError: Provider")


def test_a_log_without_an_exception_gives_none() -> None:
    assert last_exception('{"event": "Listening on", "level": "info"}\nINFO ready\n') is None
