"""Tests of harness.spectools, the `harness spec` commands and the spec-lint pytest plugin."""
