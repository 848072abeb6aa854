"""A lock per cassette file, shared by every process that writes it (pytest-xdist workers, the importer,
prune): ``fcntl.flock`` on a hidden lock file beside it. The kernel drops the lock when a process dies,
so an interrupted run never leaves a stale lock. (The cassette itself cannot be the lock: it is replaced
by rename on every write.)"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
