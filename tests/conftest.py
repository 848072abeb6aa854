"""The harness's own tests. ``pytester`` runs real pytest sessions with the plugin loaded."""

pytest_plugins = ["pytester"]

# Test material, not tests of ours: tests/data/ogx-style is an OGX-style tree that the OGX compatibility
# tests run in a copy (its conftests fail on import by design).
collect_ignore = ["data"]
