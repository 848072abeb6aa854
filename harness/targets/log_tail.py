"""The last lines of an app's log, for failure messages."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections import deque
from pathlib import Path


class LogTail(logging.Handler):
    """Keeps the last records logged in this process (library mode)."""

    def __init__(self, size: int = 400) -> None:
        super().__init__(level=logging.INFO)
        self._lines: deque[str] = deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self._lines.append(self.format(record))

    def tail(self, n: int = 30) -> str:
        return "\n".join(list(self._lines)[-n:])


def file_tail(path: Path, n: int = 30) -> str:
    """Last ``n`` lines of a log file (server and docker modes)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit)\b(?::.*)?$")


def last_exception(text: str) -> str | None:
    """The last exception line (``ValueError: …``) in an app's log, plain or JSON lines (OGX's server
    logs one JSON object per line, a traceback inside its ``event`` or ``exception`` string)."""
    found = None
    for line in text.splitlines():
        parts = [line]
        if line.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    parts = [
                        v
                        for k, v in record.items()
                        if k in {"event", "exception", "exc_info"} and isinstance(v, str)
                    ]
        for part in parts:
            for candidate in part.splitlines():
                if _EXCEPTION_LINE.match(candidate.strip()):
                    found = candidate.strip()
    return found
