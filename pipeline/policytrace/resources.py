"""Loading of the knowledge files in models/ (shipped inside the wheel).

Everything here is read once per process and returned as read-only structures; stages receive
what they need as arguments instead of reaching for globals.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ResourceError

_PKG = Path(__file__).resolve().parent


def models_dir() -> Path:
    """The installed wheel carries models/ as policytrace/models; a source checkout keeps it at
    the top level, two folders up from pipeline/policytrace/."""
    for cand in (_PKG / "models", _PKG.parent.parent / "models"):
        if (cand / "config.json").is_file():
            return cand
    raise ResourceError(f"models/ directory not found next to {_PKG}")


def _freeze(obj: Any) -> Any:
    if isinstance(obj, dict):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return tuple(_freeze(v) for v in obj)
    return obj


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Return models/NAME (JSON) as an immutable structure."""
    path = models_dir() / name
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError as e:
        raise ResourceError(f"missing knowledge file {path}") from e
    except json.JSONDecodeError as e:
        raise ResourceError(f"{path}: not valid JSON: {e}") from e
    return _freeze(data)


def config() -> Any:
    return load("config.json")
