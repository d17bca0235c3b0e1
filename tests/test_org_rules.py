"""The examples of models/rules/orgs.json on the real model: an example's "orgs" are what its
rule's source finds alone (tests/test_rule_examples.py runs the same examples through the rule
engine without spaCy); and the golden cases of tests/data/orgs_*.jsonl, one mechanism each,
through the whole parse (tests/test_components.py runs tests/data/orgs.jsonl the same way)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policytrace import orgs as orgs_mod, rules


def _cases():
    for r in rules.load("orgs").rules:
        for i, ex in enumerate(r.examples):
            if not isinstance(ex, str) and "orgs" in ex:
                yield pytest.param(r.id, ex, id=f"{r.id}:{i}")


def test_every_source_is_a_rule_and_has_an_org_example():
    rs = rules.load("orgs")
    finder = orgs_mod.OrgFinder(orgs_mod.lexicon())
    ids = [r.id for r in rs.rules]
    assert sorted(i for i in ids if i.startswith("org.")) == sorted(finder._sources)
    assert all(i.startswith(("org.", "publisher.")) for i in ids)
    with_orgs = {rid for rid, _ in ((p.values[0], p.values[1]) for p in _cases())}
    assert with_orgs == set(ids) - {"publisher.dateline", "publisher.domain"}  # those two show a "value"


@pytest.mark.parametrize("rule_id,example", list(_cases()))
def test_org_rule_example_on_the_model(nlp, rule_id, example):
    from policytrace.nlp import parse_text
    lexicon = orgs_mod.lexicon()
    if rule_id.startswith("org."):
        got = [sp.text for sp in orgs_mod.OrgFinder(lexicon).source(rule_id, nlp(example["text"]))]
    else:
        ents = list(parse_text(nlp, example["text"]).ents)
        got = [o.text for o in orgs_mod.publishers(example["text"], ents, lexicon, only={rule_id})]
    for name in example["orgs"]:
        assert name in got, (rule_id, name, got)


def test_a_lexicon_of_its_own_feeds_the_rules_macros(tmp_path, monkeypatch):
    """policytrace_orgs's ``lexicon``: the rule file's word-list macros read that file."""
    import json
    from policytrace import resources
    real = resources.models_dir()
    (tmp_path / "rules").mkdir()
    for p in real.glob("*.json"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    for p in (real / "rules").glob("*.json"):
        (tmp_path / "rules" / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    d = json.loads((real / "orgs.json").read_text(encoding="utf-8"))
    d["known_org_phrases"].append("Quillon Trust")
    (tmp_path / "my_orgs.json").write_text(json.dumps(d), encoding="utf-8")
    monkeypatch.setattr(resources, "models_dir", lambda: tmp_path)
    resources.load.cache_clear()
    try:
        mine = orgs_mod.lexicon.__wrapped__("my_orgs.json")["rules"]
        assert mine.rule("org.known_name").regex.search("funds of the Quillon Trust")
        assert not rules.load("orgs").rule("org.known_name").regex.search("funds of the Quillon Trust")
    finally:
        resources.load.cache_clear()


def _golden():
    for path in sorted((Path(__file__).parent / "data").glob("orgs_*.jsonl")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                yield pytest.param(json.loads(line), id=f"{path.stem}:{i}")


def test_there_are_golden_org_cases():
    assert len(list(_golden())) >= 20


@pytest.mark.parametrize("case", list(_golden()))
def test_org_golden_case(nlp, case):
    """'expected' are among the document's organisations, 'absent' are not."""
    from policytrace.nlp import parse_text
    got = [o.text for o in parse_text(nlp, case["text"]).orgs]
    for name in case["expected"]:
        assert name in got, (name, got)
    for name in case["absent"]:
        assert name not in got, (name, got)
