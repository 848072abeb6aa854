import pytest

MODEL = "openai/gpt-4o"  # the bundled stacks register gpt-4o under the openai provider


@pytest.fixture(scope="session")
def model() -> str:
    return MODEL
