"""What a run of the checks may be told (validated here, at the boundary)."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.core.errors import UsageError, bad_option

LEVELS = ("error", "warning", "off")
TERMINAL_EVENTS = ("response.completed", "response.failed", "response.incomplete")


@dataclass(frozen=True)
class CheckOptions:
    """Knobs of :func:`check_exchange` and :func:`verify_deletion`.

    missing_event_field   how an SSE event without an ``event:`` line is reported: "warning" (default;
                          OpenAI sends the line, OGX does not), "error" or "off".
    deleted_status        what GET/DELETE of a deleted resource must answer (default 404; the Agents-router
                          migration's own test plan showed 400).
    target                the name of the app under test (e.g. "ogx-1.5.0"), matched against a deviation's
                          ``target``.
    terminal_events       event types that end a Responses stream.
    max_list_pages        how many pages of a paginated list the delete check follows.
    skip                  check names not to run.
    reference             the reference oracle to judge every exchange by as well as the app's own spec:
                          "openai", "openresponses", a path to an OpenAPI file, or None (default: off;
                          the pytest plugin's --reference defaults to "openai").
    """

    missing_event_field: str = "warning"
    deleted_status: int = 404
    target: str | None = None
    terminal_events: tuple[str, ...] = TERMINAL_EVENTS
    max_list_pages: int = 50
    skip: frozenset[str] = field(default_factory=frozenset)
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.missing_event_field not in LEVELS:
            raise _bad(
                "missing_event_field",
                self.missing_event_field,
                allowed=", ".join(LEVELS),
                fix='use "warning" to report a missing `event:` line without failing, "off" to ignore it',
            )
        if not (isinstance(self.deleted_status, int) and 100 <= self.deleted_status <= 599):
            raise _bad(
                "deleted_status",
                self.deleted_status,
                allowed="an HTTP status code (int, 100-599), usually 404",
                fix="pass e.g. deleted_status=404",
            )
        if not (isinstance(self.max_list_pages, int) and self.max_list_pages >= 1):
            raise _bad(
                "max_list_pages",
                self.max_list_pages,
                allowed="an int >= 1",
                fix="pass e.g. max_list_pages=50",
            )
        if isinstance(self.skip, str):
            raise _bad(
                "skip",
                self.skip,
                message="CheckOptions.skip must be a collection of check names, not one string",
                allowed="e.g. frozenset({'sse_event_field'})",
                fix=f"wrap it: skip=frozenset({{{self.skip!r}}})",
            )
        if self.reference is not None and not (isinstance(self.reference, str) and self.reference.strip()):
            raise _bad(
                "reference",
                self.reference,
                allowed="openai, openresponses, a path to an OpenAPI file, or None",
                fix='pass e.g. reference="openai", or None to judge by the app\'s own spec only',
            )
        object.__setattr__(self, "skip", frozenset(self.skip))
        object.__setattr__(self, "terminal_events", tuple(self.terminal_events))


def _bad(field: str, value: object, *, allowed: str, fix: str, message: str | None = None) -> UsageError:
    return bad_option("CheckOptions", field, value, allowed=allowed, fix=fix, message=message)
