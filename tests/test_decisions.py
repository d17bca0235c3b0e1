"""A decision (a choice code makes over the parse, named in a rule file's `decisions`) is as
real as a rule: each example sentence, extracted with the real models, gives a record whose
`rules` list the decision's id."""
from __future__ import annotations

import pytest

from policytrace import rules
from policytrace.records import Document


def _cases():
    for name in rules.rule_files():
        for d in rules.load(name).decisions.values():
            for i, ex in enumerate(d.examples):
                yield pytest.param(d.id, ex, id=f"{name}:{d.id}:{i}")


@pytest.mark.parametrize("decision_id,example", list(_cases()))
def test_decision_example(extractor, decision_id, example):
    ex = {"text": example} if isinstance(example, str) else example
    raw = Document(doc="x", path="x", format="text", text=ex["text"], sha256="",
                   published=ex.get("published", "2024-01-01"))
    recs = extractor.process_raw(raw).targets
    assert any(decision_id in r.rules for r in recs), [(r.kind, r.value, r.metric, r.rules) for r in recs]


def test_decisions_carry_their_place_in_code():
    """`where` names a function that exists, so a reader can go from an id to its code."""
    import importlib
    for name in rules.rule_files():
        for d in rules.load(name).decisions.values():
            mod, _, fn = d.where.rpartition(".")
            assert hasattr(importlib.import_module(mod), fn), f"{name}: {d.id}: no {d.where}"
