"""How a session that cannot go on ends: the user's input is wrong (pytest's usage exit code), or the stack
never came up (3). One message, no traceback."""

from __future__ import annotations

from typing import NoReturn

import pytest

from harness.core.errors import HarnessError, UsageError

EXIT_USAGE = int(pytest.ExitCode.USAGE_ERROR)
EXIT_TARGET = 3


def fail_session(error: HarnessError) -> NoReturn:
    code = EXIT_USAGE if isinstance(error, UsageError) else EXIT_TARGET
    pytest.exit(f"router harness: {error.render()}", returncode=code)
