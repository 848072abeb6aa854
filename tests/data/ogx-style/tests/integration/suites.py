"""OGX-style setups and suites (the shape of OGX's tests/integration/suites.py)."""

from pydantic import BaseModel, Field


class Suite(BaseModel):
    name: str
    roots: list[str]
    default_setup: str | None = None


class Setup(BaseModel):
    name: str
    description: str
    defaults: dict[str, str | int] = Field(default_factory=dict)
    env: dict[str, str] = Field(default_factory=dict)


SETUP_DEFINITIONS = {
    "gpt": Setup(name="gpt", description="OpenAI GPT models",
                 defaults={"text_model": "openai/gpt-4o", "embedding_model": "openai/text-embedding-3-small"}),
    "vertexai": Setup(name="vertexai", description="Google's native protocol",
                      defaults={"text_model": "vertexai/publishers/google/models/gemini-2.0-flash"}),
}

SUITE_DEFINITIONS = {
    "responses": Suite(name="responses", roots=["tests/integration/responses"], default_setup="gpt"),
}
