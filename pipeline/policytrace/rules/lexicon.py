"""Word lists and tables read from their one home in ``models/`` — the only way code gets at a
list of words, so each list is spelled once.  Values are immutable and cached per process."""
from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Mapping, Optional

from .. import resources
from ..errors import ResourceError


def _get(file: str, key: str) -> Any:
    data: Any = resources.load(file)
    for part in key.split("."):
        if not isinstance(data, Mapping) or part not in data:
            raise ResourceError(f"models/{file}: no key {key!r}")
        data = data[part]
    return data


@lru_cache(maxsize=None)
def words(file: str, key: str, lower: bool = False) -> frozenset[str]:
    """The list (or a table's keys) at KEY of models/FILE as a set."""
    data = _get(file, key)
    if isinstance(data, Mapping):
        data = list(data)
    if not isinstance(data, (list, tuple)) or not all(isinstance(w, str) for w in data):
        raise ResourceError(f"models/{file}: {key!r} is not a list of words")
    return frozenset(w.lower() for w in data) if lower else frozenset(data)


@lru_cache(maxsize=None)
def table(file: str, key: str) -> Mapping[str, Any]:
    """The object at KEY of models/FILE (read-only)."""
    data = _get(file, key)
    if not isinstance(data, Mapping):
        raise ResourceError(f"models/{file}: {key!r} is not an object")
    return MappingProxyType(dict(data))


@lru_cache(maxsize=None)
def alternation(file: str, key: str, boundary: bool = True) -> re.Pattern:
    """A case-insensitive regex matching any word of the list, longest first, whole words."""
    alts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in words(file, key)}, key=lambda s: (-len(s), s))
    src = "(?:" + "|".join(alts) + ")"
    return re.compile(r"\b" + src + r"\b" if boundary else src, re.I)


@lru_cache(maxsize=None)
def whole_word(word: str) -> re.Pattern:
    """A lexicon word as a case-insensitive whole-word regex."""
    return re.compile(r"\b" + re.escape(word) + r"\b", re.I)


@lru_cache(maxsize=None)
def word_or_plural(word: str) -> re.Pattern:
    """A lexicon word or its plural in -s, not inside a longer or hyphened word."""
    return re.compile(r"(?<![\w-])" + re.escape(word) + r"s?(?![\w-])", re.I)


@lru_cache(maxsize=256)
def any_of(names: Any, before: str = "", after: str = "") -> Optional[re.Pattern]:
    """Any of NAMES (a tuple or frozenset of names known at run time: a document's places or
    bodies) as written, escaped, longest first, between the regex pieces BEFORE and AFTER;
    None when there are no names."""
    if not names:
        return None
    alt = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(f"{before}(?:{alt}){after}")
