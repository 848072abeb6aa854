"""Spec lint as pytest items (being written: see issue 7)."""
