"""How an app under test ended, in words for a message: a process's return code, a container's state."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from typing import Any


def signal_name(number: int) -> str:
    """``SIGKILL (9)``; a number that names no signal stays a number."""
    try:
        return f"{signal.Signals(number).name} ({number})"
    except ValueError:
        return f"signal {number}"


def process_ended(returncode: int) -> str:
    """What a ``subprocess.Popen.returncode`` means: "was killed by signal SIGKILL (9)", "exited with status 1"."""
    if returncode < 0:
        return f"was killed by signal {signal_name(-returncode)}"
    return f"exited with status {returncode}"


def container_ended(state: Mapping[str, Any]) -> str:
    """What a container's ``State`` (from ``docker inspect``) says about how its app ended.

    docker reports an app killed by signal N as exit code 128 + N, and the kernel's out-of-memory killer
    in ``OOMKilled``."""
    code = state.get("ExitCode")
    if state.get("OOMKilled"):
        text = f"was killed by the kernel's out-of-memory killer (OOMKilled, exit code {code})"
    elif isinstance(code, int) and code > 128 and _is_signal(code - 128):
        text = f"exited with code {code} (killed by signal {signal_name(code - 128)})"
    else:
        text = f"exited with code {code}"
    error = state.get("Error")
    return f"{text}; docker says: {error}" if error else text


def _is_signal(number: int) -> bool:
    try:
        signal.Signals(number)
    except ValueError:
        return False
    return True
