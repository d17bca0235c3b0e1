"""Technology domains of a document: taxonomy surface forms (matched in the spaCy stage, and
here in their hyphenated spelling and by the acronyms a text defines for them), plus MiniLM
similarity for paraphrases the taxonomy does not list.  A domain named only by weak forms (the
taxonomy's 'weak': a form with a common sense outside the domain) needs support: a heading, a
sentence listing it beside another domain, or repeated mention (``supported``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

from . import resources, rules
from .nlp import Parsed
from .records import Span


@dataclass(frozen=True)
class Prototypes:
    labels: tuple[str, ...]
    forms: tuple[str, ...]
    vectors: np.ndarray


def prototype_forms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(label, form) pairs of the taxonomy: each label, its description and its surface forms."""
    labels, forms = [], []
    for label, entry in resources.load("taxonomy.json")["domains"].items():
        for f in (label, entry["description"], *entry["surface"]):
            labels.append(label)
            forms.append(f)
    return tuple(labels), tuple(forms)


@lru_cache(maxsize=1)
def prototypes(encoder) -> Prototypes:
    labels, forms = prototype_forms()
    return Prototypes(labels, forms, encoder.encode(forms))


@lru_cache(maxsize=1)
def _co_labels() -> dict:
    """Surface forms that name two domains at once ("ICT")."""
    out: dict = {}
    for entry in resources.load("taxonomy.json")["domains"].values():
        for form, labels in (entry.get("also") or {}).items():
            out[form.lower()] = tuple(labels)
    return out


@lru_cache(maxsize=1)
def _weak_forms() -> dict:
    """{lower-cased weak form: its label}: forms with a common sense outside their domain."""
    return {f.lower(): label for label, entry in resources.load("taxonomy.json")["domains"].items()
            for f in entry.get("weak") or ()}


@lru_cache(maxsize=1)
def _support() -> dict:
    """The taxonomy's support settings, its patterns compiled."""
    s = resources.load("taxonomy.json")["support"]
    return {"heading_max_words": s["heading_max_words"], "weak_repeats": s["weak_repeats"],
            "listing_cue": re.compile(s["listing_cue"], re.I), "research_body": re.compile(s["research_body"])}


_P = rules.load("align")
_DET = _P["determiner"]


def candidates(parsed: Parsed, limit: int) -> list[Span]:
    """Noun phrases in technology-listing sentences that the taxonomy did not already cover."""
    covered = [(d.start, d.end) for d in parsed.domains] + [(o.start, o.end) for o in parsed.orgs]
    seen, out = set(), []
    for ch in parsed.chunks:
        if any(a < ch.end and ch.start < b for a, b in covered):
            continue
        t = _DET.sub("", ch.text.strip())
        n = len(t.split())
        if not (1 <= n <= 5) or not _P["has_letter"].search(t) or t.lower() in seen:
            continue
        seen.add(t.lower())
        out.append(Span(ch.start + (len(ch.text) - len(t)) if ch.text.endswith(t) else ch.start,
                        ch.end, t, "NP"))
        if len(out) >= limit:
            break
    return out


def assign(parsed: Parsed, encoder=None, threshold: Optional[float] = None,
           margin: Optional[float] = None) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """(labels in order of first mention, spans with their label)."""
    cfg = resources.config()
    threshold = cfg["domain_similarity_threshold"] if threshold is None else threshold
    margin = cfg["domain_similarity_margin"] if margin is None else margin
    sup = _support()
    # "Commission of Economy and Information Technology" names a body, not a technology; an
    # "Industrial Biotechnology Innovation Centre" is a research body that works on its technology
    orgs = [(o.start, o.end) for o in parsed.orgs if not sup["research_body"].search(o.text)]
    spans = [d for d in parsed.domains if not any(a <= d.start < b for a, b in orgs)]
    weak = _weak_forms()
    if encoder is not None:
        cands = candidates(parsed, cfg["domain_max_candidates_per_doc"])
        if cands:
            proto = prototypes(encoder)
            sims = encoder.encode([c.text for c in cands]) @ proto.vectors.T
            for c, row in zip(cands, sims):
                best = int(row.argmax())
                label = proto.labels[best]
                others = [row[j] for j, lab in enumerate(proto.labels) if lab != label]
                # a paraphrase of a weak form ("industrial equipment" of "equipment
                # manufacturing") is as far from the domain as the weak form's other sense
                if row[best] >= threshold and row[best] - max(others) >= margin \
                        and proto.forms[best].lower() not in weak:
                    spans.append(Span(c.start, c.end, c.text, label))
    also = _co_labels()
    spans += [Span(s.start, s.end, s.text, extra) for s in list(spans)
              for extra in also.get(s.text.lower(), ()) if extra != s.label]
    hyphened = hyphen_forms(parsed.text, spans)
    spans += hyphened
    spans += acronyms(parsed.text, spans, orgs)
    spans.sort(key=lambda s: s.start)
    spans = supported(parsed, spans, set(hyphened))
    labels = tuple(dict.fromkeys(s.label for s in spans))
    return labels, tuple(spans)


@lru_cache(maxsize=1)
def _spaced_forms() -> dict:
    """{lower-cased surface form of two or more words: label}, for their hyphenated spelling."""
    out = {}
    for label, entry in resources.load("taxonomy.json")["domains"].items():
        for f in (label, *entry["surface"]):
            if " " in f and "-" not in f and f == f.lower() and not any(c.isdigit() for c in f):
                out.setdefault(f, label)
    return out


_HYPHENED = re.compile(r"\b[A-Za-z]+(?:-[A-Za-z]+)+\b")


def hyphen_forms(text: str, spans: list[Span]) -> list[Span]:
    """A surface form of several words written as one hyphenated compound ("an electric-vehicle
    maker", "a data-analytics firm").  Such a compound modifies another noun, so it is weak."""
    forms, out = _spaced_forms(), []
    for m in _HYPHENED.finditer(text):
        label = forms.get(m.group().lower().replace("-", " "))
        if label and not any(s.start < m.end() and m.start() < s.end for s in spans):
            out.append(Span(m.start(), m.end(), m.group(), label))
    return out


_ACRONYM = re.compile(r"\s*\(([A-Z]{2,6})s?\)")


def acronyms(text: str, spans: list[Span], orgs: list) -> list[Span]:
    """An acronym defined in brackets right after a domain's form ("electric vehicles (EVs)")
    names the domain wherever the text uses it again ("EV makers", "1.3m EVs")."""
    defined: dict = {}
    for s in spans:
        m = _ACRONYM.match(text, s.end)
        if m and m.group(1).lower() != s.text.lower():
            defined.setdefault(m.group(1), s.label)
    out = []
    for acr, label in defined.items():
        for m in re.finditer(r"\b" + acr + r"s?\b", text):
            if not any(a <= m.start() < b for a, b in orgs) and \
                    not any(s.start < m.end() and m.start() < s.end for s in spans):
                out.append(Span(m.start(), m.end(), m.group(), label))
    return out


def _sentence_bounds(parsed: Parsed) -> list[tuple[int, int]]:
    toks = parsed.tokens
    return [(toks[a].start, toks[b - 1].end) for a, b in parsed.sents if b > a]


def _on_heading(text: str, span: Span, max_words: int) -> bool:
    """Is SPAN on a short line without closing punctuation (a title or a heading)?"""
    a = text.rfind("\n", 0, span.start) + 1
    b = text.find("\n", span.end)
    line = text[a:len(text) if b < 0 else b].strip()
    return len(line.split()) <= max_words and not line.endswith((".", ",", ";", ":", "!", "?"))


def supported(parsed: Parsed, spans: list[Span], weak_spans=frozenset()) -> list[Span]:
    """Drop the mentions of every domain the document names only by weak forms (or WEAK_SPANS),
    unless one of them is on a heading, or in a sentence that lists technologies beside another
    domain, or the weak forms come back often (the taxonomy's 'support' settings)."""
    sup, weak = _support(), _weak_forms()
    is_weak = [weak.get(s.text.lower()) == s.label or s in weak_spans for s in spans]
    strong = {s.label for s, w in zip(spans, is_weak) if not w}
    bounds = _sentence_bounds(parsed)

    def sentence(s: Span) -> tuple[int, int]:
        return next(((a, b) for a, b in bounds if a <= s.start < b), (s.start, s.end))

    keep = set(strong)
    for label in {s.label for s in spans} - strong:
        mine = [s for s in spans if s.label == label]
        if len(mine) >= sup["weak_repeats"]:
            keep.add(label)
            continue
        for s in mine:
            a, b = sentence(s)
            listed = sup["listing_cue"].search(parsed.text[a:b]) and any(
                o.label != label and a <= o.start < b for o in spans)
            if listed or _on_heading(parsed.text, s, sup["heading_max_words"]):
                keep.add(label)
                break
    return [s for s in spans if s.label in keep]
