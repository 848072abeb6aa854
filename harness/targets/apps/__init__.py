"""The router apps the harness ships a profile for, one module each (more come through the
``harness.profiles`` entry-point group)."""
