"""Core layer: models, errors and the check registry. Imports nothing from the rest of the harness,
nor pytest, docker or any target."""
