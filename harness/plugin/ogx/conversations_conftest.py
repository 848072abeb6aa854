"""Stands in for OGX's ``tests/integration/conversations/conftest.py``, which only re-exports
``ogx_client``, ``openai_client`` and ``require_server`` from ``fixtures/common.py``: the compatibility
layer provides those for the whole tree."""
