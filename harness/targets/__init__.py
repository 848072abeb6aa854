"""Targets: the only code that knows how the app runs (library, server, url, docker).

Each target is a context manager yielding a :class:`RunningStack`; everything above talks HTTP."""
