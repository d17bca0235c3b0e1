"""Every rule and named pattern in models/rules/*.json carries examples; each runs here through
the engine alone (no spaCy), and a rule's hit must name the rule itself."""
from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from policytrace import resources, rules
from policytrace.errors import ResourceError
from policytrace.rules import engine


def _cases():
    for name in rules.rule_files():
        rs = rules.load(name)
        for r in rs.rules:
            for i, ex in enumerate(r.examples):
                yield pytest.param(name, r.id, ex, id=f"{name}:{r.id}:{i}")


def _pattern_cases():
    for name in rules.rule_files():
        rs = rules.load(name)
        for pid, p in rs.patterns.items():
            for i, ex in enumerate(p.examples):
                yield pytest.param(name, pid, ex, True, id=f"{name}:{pid}:{i}")
            for i, ex in enumerate(p.negatives):
                yield pytest.param(name, pid, ex, False, id=f"{name}:{pid}:not{i}")


def _norm(v):
    """A value as JSON would hold it (read-only mappings as objects, tuples as lists)."""
    return json.loads(json.dumps(v, default=lambda o: dict(o) if isinstance(o, Mapping) else list(o)))


def _step_cases():
    for name in rules.rule_files():
        for phase, steps in rules.load(name).steps.items():
            for s in steps:
                if s.regex is None:
                    continue  # a step that reads the parse: its sentences run in test_metrics
                for i, ex in enumerate(s.examples):
                    yield pytest.param(name, phase, s.id, ex, id=f"{name}:{phase}:{s.id}:{i}")


@pytest.mark.parametrize("name,phase,step_id,example", list(_step_cases()))
def test_step_example(name, phase, step_id, example):
    """A chain step's pattern finds its example window (matched at its start when anchored)."""
    ex = {"text": example} if isinstance(example, str) else example
    step = next(s for s in rules.load(name).steps[phase] if s.id == step_id)
    m = step.find(ex["text"].lower() if step.lower else ex["text"])
    assert m is not None, f"step {step_id} does not find its example {ex['text']!r}"
    if "match" in ex:
        assert m.group(0) == ex["match"]


@pytest.mark.parametrize("name,rule_id,example", list(_cases()))
def test_rule_example(name, rule_id, example):
    ex = {"text": example} if isinstance(example, str) else example
    rs = rules.load(name)
    hits = [h for h in rs.hits(ex["text"], ex.get("facts"), only={rule_id})]
    if ex.get("none"):
        assert not hits, f"{rule_id} must not fire on {ex['text']!r}: {[h.text for h in hits]}"
        return
    assert hits, f"{rule_id} does not fire on its example {ex['text']!r}"
    assert any(k in ex for k in ("match", "value", "orgs")), \
        f"{rule_id}: an example says what it must find ('match' or 'value'), not only a text"
    if "match" in ex:
        assert ex["match"] in [h.text for h in hits], [h.text for h in hits]
    if "value" in ex:
        chosen = [h for h in hits if "match" not in ex or h.text == ex["match"]]
        assert _norm(ex["value"]) in [_norm(h.value) for h in chosen], [h.value for h in chosen]


@pytest.mark.parametrize("name,pid,example,positive", list(_pattern_cases()))
def test_pattern_example(name, pid, example, positive):
    ex = {"text": example} if isinstance(example, str) else example
    m = rules.load(name)[pid].search(ex["text"])
    if not positive:
        assert m is None, f"pattern {pid} must not match {ex['text']!r} (found {m.group(0)!r})"
        return
    assert m is not None, f"pattern {pid} does not match its example {ex['text']!r}"
    if "match" in ex:
        assert m.group(0) == ex["match"]


def test_every_rule_file_loads_and_has_examples():
    names = rules.rule_files()
    assert names, "no rule files shipped"
    for name in names:
        rs = rules.load(name)
        assert rs.rules or rs.patterns, name
        assert all(r.examples for r in rs.rules)
        assert all(p.examples for p in rs.patterns.values())


def _load_from(tmp_path, monkeypatch, data):
    (tmp_path / "rules").mkdir(exist_ok=True)
    real = resources.models_dir()
    for p in (real / "rules").glob("macros.json"):
        (tmp_path / "rules" / p.name).write_text(p.read_text())
    for p in real.glob("*.json"):
        (tmp_path / p.name).write_text(p.read_text())
    (tmp_path / "rules" / "bad.json").write_text(json.dumps(data))
    monkeypatch.setattr(resources, "models_dir", lambda: tmp_path)
    resources.load.cache_clear()
    engine.load.cache_clear()
    engine.shared_macros.cache_clear()
    try:
        return engine.load("bad")
    finally:
        resources.load.cache_clear()
        engine.load.cache_clear()
        engine.shared_macros.cache_clear()


GOOD = {"id": "x.one", "pattern": r"\bone\b", "examples": ["one"]}


@pytest.mark.parametrize("data,message", [
    ({"rules": [GOOD]}, "missing key 'module'"),
    ({"module": "policytrace.rules.engine", "rules": [GOOD], "rulez": []}, "unknown key 'rulez'"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "exampels": []}]}, "unknown key 'exampels'"),
    ({"module": "policytrace.rules.engine", "rules": [{"id": "x", "pattern": "a"}]}, "missing key 'examples'"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "examples": []}]}, "at least one example"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "action": "nope"}]}, "unknown action 'nope'"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "guards": ["nope"]}]}, "unknown guard 'nope'"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "pattern": "%nope"}]}, "unknown macro %nope"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "flags": ["Q"]}]}, "unknown flag 'Q'"),
    ({"module": "policytrace.rules.engine", "rules": [GOOD, GOOD]}, "duplicate rule id 'x.one'"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "pattern": "("}]}, "bad pattern"),
    ({"module": "policytrace.rules.engine", "patterns": {"p": {"pattern": "a"}}}, "missing key 'examples'"),
    ({"module": "no.such.module", "rules": [GOOD]}, "cannot be imported"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "examples": "one"}]}, "a list of at least one example"),
    ({"module": "policytrace.rules.engine", "rules": [{**GOOD, "examples": [{"txt": "one"}]}]}, "unknown key 'txt'"),
    ({"module": "policytrace.rules.engine", "macros": ["x"], "rules": [GOOD]}, "'macros' is an object"),
    ({"module": "policytrace.statements.metric", "steps": {"find": [{"id": "s", "action": "metric.group", "examples": ["x"],
                                                          "windw": ["after", 9]}]}}, "unknown key 'windw'"),
    ({"module": "policytrace.statements.metric", "steps": {"find": [{"id": "s", "action": "nope", "examples": ["x"]}]}},
     "unknown action 'nope'"),
    ({"module": "policytrace.statements.metric", "steps": {"find": [{"id": "s", "action": "metric.group", "examples": ["x"],
                                                          "guards": ["nope"]}]}}, "unknown guard 'nope'"),
    ({"module": "policytrace.statements.metric", "steps": {"find": [{"id": "s", "action": "metric.group", "examples": ["x"],
                                                          "pattern": "x"}]}}, "needs a 'window'"),
    ({"module": "policytrace.statements.metric", "steps": {"find": [{"id": "s", "action": "metric.group", "examples": []}]}},
     "at least one example"),
])
def test_malformed_rule_file_names_file_and_key(tmp_path, monkeypatch, data, message):
    with pytest.raises(ResourceError) as e:
        _load_from(tmp_path, monkeypatch, data)
    assert "models/rules/bad.json" in str(e.value) and message in str(e.value)


def test_precedence_is_file_order(tmp_path, monkeypatch):
    """Two rules match the same words: the earlier rule in the file keeps them."""
    rs = _load_from(tmp_path, monkeypatch, {"module": "policytrace.rules.engine", "rules": [
        {"id": "long", "pattern": r"by %year", "examples": ["by 2030"]},
        {"id": "short", "pattern": r"%year", "examples": ["2030"]},
    ]})
    assert [(h.rule, h.text) for h in rs.run("cut it by 2030, not 2040")] == [("long", "by 2030"), ("short", "2040")]
    assert len(list(rs.hits("by 2030"))) == 2  # hits() keeps overlaps


def test_macros_come_from_one_home():
    """%month is built from models/quantities.json's months, %numberWord from its number words."""
    m = rules.shared_macros()
    assert "January" in m["month"] and "Sept" in m["month"]
    assert "twelve" in m["numberWord"]


def test_a_double_percent_is_a_literal_percent(tmp_path, monkeypatch):
    rs = _load_from(tmp_path, monkeypatch, {"module": "policytrace.rules.engine", "rules": [
        {"id": "pct", "pattern": r"\d+%%of", "examples": [{"text": "5%of it", "match": "5%of"}]}]})
    assert [h.text for h in rs.hits("a 5%of b")] == ["5%of"]
    with pytest.raises(ResourceError, match="no rule 'nope'"):
        list(rs.hits("x", only={"nope"}))
