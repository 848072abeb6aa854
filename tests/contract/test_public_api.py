"""The package's public names: everything in ``__all__`` exists, and every check is registered once."""

from __future__ import annotations

import harness.contract as contract
from harness.core.registry import checks

CHECKS = {
    "response": {
        "operation_declared",
        "status_code_declared",
        "content_type_declared",
        "response_schema",
        "not_a_server_error",
        "error_schema",
        "error_format_consistent",
        "reference_status",
        "reference_response_schema",
        "reference_error_schema",
    },
    "stream": {
        "sse_wire_format",
        "sse_json_payload",
        "sse_done_sentinel",
        "sse_event_field",
        "sse_event_schema",
        "reference_event_schema",
        "reference_event_name",
        "reference_stream_order",
        "responses_stream_created_first",
        "responses_stream_terminal_event",
        "responses_stream_sequence_numbers",
        "responses_stream_response_id",
        "responses_stream_item_lifecycle",
        "responses_stream_text_deltas",
        "responses_stream_function_arguments",
    },
    "scenario": {
        "delete_returns_deletion_object",
        "get_after_delete",
        "subresources_after_delete",
        "list_after_delete",
        "delete_twice",
    },
    "spec": {"spec_refs_resolve", "spec_schemas_valid"},
}


def test_all_names_exist():
    assert sorted(contract.__all__) == contract.__all__
    for name in contract.__all__:
        assert hasattr(contract, name), name


def test_checks_by_kind_with_descriptions():
    for kind, names in CHECKS.items():
        assert set(checks.names(kind)) == names, kind
    for check in checks:
        if check.kind in CHECKS:
            assert check.description, f"{check.name} has no docstring"
