"""One error hierarchy for everything the harness reports to a person.

    HarnessError
    ├── UsageError        bad option, bad command-line argument, bad configuration value
    ├── TargetError       the app under test could not be started, reached or stopped
    ├── ReplayError       record/replay: missing recording, corrupt cassette, provider missing
    │   ├── CassetteError
    │   └── RecordingMissing
    └── SpecError         an OpenAPI document that cannot be read

Every message names the bad value, what is allowed, and the fix. ``render()`` lays them out the same
way everywhere (pytest usage errors, CLI exits, failure reports).
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        value: object | None = None,
        allowed: str | None = None,
        fix: str | None = None,
        log_tail: str | None = None,
        option: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.allowed = allowed
        self.fix = fix
        self.log_tail = log_tail
        self.option = option  # the option or field that was bad, when one was (for callers to relabel)

    def render(self) -> str:
        lines = [self.message]
        if self.value is not None:
            lines.append(f"  value:   {self.value!r}")
        if self.allowed:
            lines.append(f"  allowed: {self.allowed}")
        if self.fix:
            lines.append(f"  fix:     {self.fix}")
        if self.log_tail:
            lines.append("  last lines of the log:")
            lines.extend("    " + line for line in self.log_tail.rstrip().splitlines())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class UsageError(HarnessError):
    """A bad option, argument or configuration value given by the user."""


class TargetError(HarnessError):
    """The app under test could not be started, reached, or stopped."""


class ReplayError(HarnessError):
    """Record/replay problems."""


class CassetteError(ReplayError):
    """A cassette file that cannot be read (corrupt, hand-edited, wrong version)."""


class RecordingMissing(ReplayError):
    """A request reached the replay endpoint and no recording matches it: ``request`` (its canonical form),
    ``nearest`` (the closest recording, or None) and ``nodeid`` (the test that made it, when known)."""

    def __init__(
        self,
        message: str,
        *,
        request: object = None,
        nearest: object = None,
        nodeid: str | None = None,
        value: object | None = None,
        allowed: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, value=value, allowed=allowed, fix=fix)
        self.request = request
        self.nearest = nearest
        self.nodeid = nodeid


class SpecError(HarnessError):
    """An OpenAPI document that cannot be read or used."""


def bad_option[E: HarnessError](
    owner: str,
    option: str,
    value: object,
    *,
    allowed: str,
    fix: str,
    message: str | None = None,
    error: type[E] = UsageError,  # type: ignore[assignment]  # mypy cannot tie a default to E
) -> E:
    """The error for one bad option or field, built one way (as hypothesis's ``check_type``): names the
    option (also as ``error.option``, so a caller can relabel it, e.g. as the command-line flag), the value
    given, what is allowed and the fix. ``message`` replaces the default "bad value for OWNER.OPTION"."""
    return error(
        message or f"bad value for {owner}.{option}", value=value, allowed=allowed, fix=fix, option=option
    )


def kind_of(value: object) -> str:
    """What a parsed YAML/JSON value is, in words for a message: "a list", "a string", "nothing"."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
