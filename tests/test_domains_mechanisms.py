"""Golden cases for the document-level domain mechanisms (tests/data/domains_*.jsonl, our own
invented sentences): each case lists the domains the document must have ("expected") and those
it must not have ("absent"), run through the real pipeline (spaCy + MiniLM).

- domains_support.jsonl: a domain named only by weak forms (a surface form with a common sense
  outside the domain: automation, software, an aircraft, a smart city, government data, ...)
  needs support: a heading, a sentence listing it beside another domain, or repeated mention;
  a MiniLM paraphrase of a weak form does not count.
- domains_bodies.jsonl: a domain named inside an organisation's name counts when the body is a
  research or innovation centre, institute or laboratory (it works on the technology), not when
  it is a ministry, department, agency, commission or company named for it.
- domains_spellings.jsonl: a form of several words written as one hyphenated compound
  ("electric-vehicle maker") is that form, but weak (it modifies another noun); an acronym
  defined in brackets right after a form ("battery electric vehicles (BEVs)") names the same
  domain where it is used again.  "spans" lists (text, label) mentions that must be found."""
from __future__ import annotations

import pytest
from conftest import load_cases, run_case


FILES = ("domains_support.jsonl", "domains_bodies.jsonl", "domains_spellings.jsonl")


def _cases():
    for name in FILES:
        for case in load_cases(name):
            yield pytest.param(case, id=f"{name.split('.')[0]}:{case['id']}")


@pytest.mark.parametrize("case", list(_cases()))
def test_domain_case(extractor, case):
    doc = run_case(extractor, case).document
    got = doc.domains
    spans = {(s.text, s.label) for s in doc.domain_spans}
    for text, label in case.get("spans", ()):
        assert (text, label) in spans, (text, label, sorted(spans))
    for label in case["expected"]:
        assert label in got, (label, got)
    for label in case["absent"]:
        assert label not in got, (label, got)
