"""Package data: the reference specifications (see PROVENANCE.md)."""
