"""The zoo: small ASGI apps, each built clean or with one seeded contract bug (``make_app(bug)``)."""

from . import conversation_items, conversations, reference_breaks, responses_stream, things

APPS = {m.NAME: m for m in (responses_stream, conversation_items, conversations, things, reference_breaks)}
