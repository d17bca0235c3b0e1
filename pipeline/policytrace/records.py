"""The record types every stage exchanges.

This module imports no stage: records are plain frozen dataclasses whose ``to_dict`` output is
the single source for JSONL, CSV, Parquet and pandas.  Offsets are character offsets into
``Document.text``.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Optional

# the version of the output contract (models/schema.json); bumped when a field changes meaning
# or goes away, not when one is added
SCHEMA_VERSION = "1.1"


class Kind(str, enum.Enum):
    TARGET = "target"
    ACHIEVEMENT = "achievement"
    MILESTONE = "milestone"
    PROJECTION = "projection"


class Comparator(str, enum.Enum):
    EQUAL = "equal"
    ABOUT = "about"
    EXCEED = "exceed"
    AT_LEAST = "at least"
    BELOW = "below"
    AT_MOST = "at most"
    GROWTH = "growth"
    DECLINE = "decline"


@dataclass(frozen=True)
class Span:
    """A labelled piece of a document, by character offsets."""

    start: int
    end: int
    text: str
    label: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Span":
        return cls(**d)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and qualifier, as found in a piece of text.

    ``unit_class`` is one of percent, currency, rate, count, fraction, multiplier, duration,
    physical; it is what
    later stages branch on, while ``unit`` is what users read.
    """

    value: float
    unit: str
    start: int
    end: int
    text: str
    value_max: Optional[float] = None
    comparator: str = Comparator.EQUAL.value
    unit_class: str = "count"
    spelled: bool = False
    conversion_of: Optional[int] = None
    attributive: bool = False  # hyphened to the noun it modifies: "a 45-acre farm", "three-step plan"
    rules: tuple[str, ...] = ()  # the ids of the rules that read it (provenance; not in to_dict)

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "value_max": self.value_max,
            "unit": self.unit,
            "comparator": self.comparator,
            "unit_class": self.unit_class,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Target:
    """One statement of a goal, a reported value, or a dated goal without a number."""

    doc: str
    kind: str
    metric: Optional[str]
    quote: str
    start: int
    end: int
    value: Optional[float] = None
    value_max: Optional[float] = None
    unit: Optional[str] = None
    comparator: Optional[str] = None
    year: Optional[int] = None
    period: Optional[str] = None
    # what a figure is stated against (schema 1.1): "55% below 1990 levels" has base_year 1990
    # and baseline "base year"; "32% below business-as-usual" baseline "BAU"; conditional is
    # True for a pledge that depends on outside support, False for one said not to, else None
    base_year: Optional[int] = None
    baseline: Optional[str] = None
    conditional: Optional[bool] = None
    goal: Optional[str] = None  # a milestone's end state: "net zero", "carbon neutral", ...
    subject: Optional[str] = None
    value_start: Optional[int] = None
    value_end: Optional[int] = None
    alt_value: Optional[float] = None
    alt_unit: Optional[str] = None
    source: str = "text"
    series: Optional[str] = None
    series_name: Optional[str] = None
    indicator: Optional[str] = None
    indicator_code: Optional[str] = None
    # provenance: the ids of the rules that made this record, in the order they applied
    # (models/rules/*.json, models/metric_patterns.json); not part of ``id``
    rules: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Stable across runs and machines: the document, where the statement and its figure
        stand, and the value; series_timeline.csv and revisions.csv refer to it."""
        key = f"{self.doc}|{self.start}|{self.end}|{self.value_start}|{self.value_end}|{self.value!r}|{self.kind}"
        return "T" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["rules"] = list(self.rules)
        return {"schema_version": SCHEMA_VERSION, "id": self.id, **d}

    @classmethod
    def from_dict(cls, d: dict) -> "Target":
        kw = {f.name: d.get(f.name) for f in fields(cls) if f.name in d}
        if "rules" in kw:
            kw["rules"] = tuple(kw["rules"] or ())
        return cls(**kw)

    @classmethod
    def columns(cls) -> list[str]:
        return ["schema_version", "id"] + [f.name for f in fields(cls)]


@dataclass(frozen=True)
class Table:
    """A table as rows of cell strings, with where each row stands in the document text."""

    rows: tuple[tuple[str, ...], ...]
    row_spans: tuple[Optional[tuple[int, int]], ...] = ()
    page: Optional[int] = None


@dataclass(frozen=True)
class Document:
    """A document: first as read (text, title, date, tables), then with what the stages found
    in it as a whole (organisations, domains, years)."""

    doc: str
    path: str
    format: str
    text: str
    sha256: str
    title: Optional[str] = None
    published: Optional[str] = None
    published_source: Optional[str] = None
    published_year: Optional[int] = None  # the stated date's year, or inferred (date_inferred)
    date_inferred: bool = False
    orgs: tuple[str, ...] = ()
    org_spans: tuple[Span, ...] = ()
    domains: tuple[str, ...] = ()
    domain_spans: tuple[Span, ...] = ()
    years: tuple[int, ...] = ()
    years_mentioned: tuple[int, ...] = ()
    subject: Optional[str] = None
    n_words: int = 0
    tables: tuple[Table, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self, with_text: bool = True) -> dict:
        d = {
            "schema_version": SCHEMA_VERSION,
            "doc": self.doc,
            "path": self.path,
            "format": self.format,
            "title": self.title,
            "published": self.published,
            "published_source": self.published_source,
            "published_year": self.published_year,
            "date_inferred": self.date_inferred,
            "subject": self.subject,
            "orgs": list(self.orgs),
            "domains": list(self.domains),
            "years": list(self.years),
            "years_mentioned": list(self.years_mentioned),
            "n_words": self.n_words,
            "sha256": self.sha256,
            "org_spans": [s.to_dict() for s in self.org_spans],
            "domain_spans": [s.to_dict() for s in self.domain_spans],
        }
        if with_text:
            d["text"] = self.text
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Document":
        """The inverse of ``to_dict`` (tables are not kept after extraction)."""
        kw = {k: d[k] for k in ("doc", "path", "format", "sha256", "title", "published",
                                "published_source", "published_year", "date_inferred", "subject",
                                "n_words") if k in d}
        return cls(text=d.get("text", ""), orgs=tuple(d.get("orgs", ())), domains=tuple(d.get("domains", ())),
                   years=tuple(d.get("years", ())), years_mentioned=tuple(d.get("years_mentioned", ())),
                   org_spans=tuple(Span.from_dict(x) for x in d.get("org_spans", ())),
                   domain_spans=tuple(Span.from_dict(x) for x in d.get("domain_spans", ())), **kw)


@dataclass(frozen=True)
class DocError:
    """Why one input could not be processed; the batch goes on without it."""

    path: str
    doc: Optional[str]
    reason: str
    stage: str = "ingest"

    def to_dict(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "DocError":
        return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass(frozen=True)
class DocResult:
    """Everything extracted from one input: a document and its records, or an error."""

    path: str
    document: Optional[Document] = None
    targets: tuple[Target, ...] = ()
    error: Optional[DocError] = None

    def to_dict(self) -> dict:
        return {"path": self.path, "document": self.document.to_dict() if self.document else None,
                "targets": [t.to_dict() for t in self.targets],
                "error": self.error.to_dict() if self.error else None}

    @classmethod
    def from_dict(cls, d: dict) -> "DocResult":
        return cls(path=d["path"], document=Document.from_dict(d["document"]) if d.get("document") else None,
                   targets=tuple(Target.from_dict(t) for t in d.get("targets", ())),
                   error=DocError.from_dict(d["error"]) if d.get("error") else None)


def alignable(t: dict) -> bool:
    """Which records align by their metric phrase: numeric ones whose metric passed the
    content-noun gate."""
    return t.get("kind") != Kind.MILESTONE.value and t.get("value") is not None and bool(t.get("metric"))


def in_alignment(t: dict) -> bool:
    """Which records take part in alignment (the CLI and ``policytrace.extract`` use this one
    test): numeric ones, by their metric or, when it has none, by their claim (the figure's
    clause); a record whose figure lies outside its quote has no claim."""
    if t.get("kind") == Kind.MILESTONE.value or t.get("value") is None:
        return False
    if t.get("metric"):
        return True
    s, a, b = t.get("start"), t.get("value_start"), t.get("value_end")
    return bool(t.get("quote")) and None not in (s, a, b) and 0 <= a - s <= b - s <= len(t["quote"])


_ALIGN_FIELDS = ("doc", "kind", "metric", "unit", "subject", "value", "year", "quote", "start", "value_start",
                 "value_end")


def align_row(t: dict) -> dict:
    """What alignment reads of a record (a small dict: the store may hold millions)."""
    return {k: t.get(k) for k in _ALIGN_FIELDS}
