"""The metric layer: dependency patterns (models/metric_patterns.json) and the content-noun gate."""
import pytest
from spacy.matcher import DependencyMatcher

from conftest import load_cases
from policytrace import resources
from policytrace.rules import dependency as depmatch
from policytrace.records import Document
from policytrace.statements import content_metric

CASES = load_cases("metric_patterns.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_golden(extractor, case):
    raw = Document(doc="m", path="m", format="text", text=case["text"], sha256="",
                   published=case["published"])
    recs = [r for r in extractor.process_raw(raw).targets if r.value == case["value"]]
    assert recs, case
    assert recs[0].metric == case["metric"]


@pytest.mark.parametrize("phrase,expected", [
    ("why", None), ("we", None), ("includes", None), ("-", None), ("units", None),
    ("the number of", None), ("billion yuan", None), ("generating", None), ("wants", None),
    ("R&D expenditure", "R&D expenditure"), ("GDP", "GDP"), ("5G base stations", "5G base stations"),
    ("renewable share of electricity", "renewable share of electricity"), ("funding", "funding"),
])
def test_content_noun_gate(phrase, expected):
    assert content_metric(phrase) == expected


def test_every_pattern_compiles_and_names_what_it_takes():
    groups = depmatch.load_groups("metric_patterns.json")
    assert set(groups) == {"own_noun", "verb", "subject", "object", "of_head"}
    for rules in groups.values():
        for rule in rules:
            assert rule.take in {n.id for n in rule.nodes}, rule.id


def test_engine_agrees_with_spacys_dependency_matcher(nlp):
    """The same JSON run by spaCy's DependencyMatcher and by policytrace.rules.dependency binds the same
    tokens on a real parse."""
    import json
    d = json.loads((resources.models_dir() / "metric_patterns.json").read_text(encoding="utf-8"))
    lists = {k: list(v) for k, v in d["lists"].items()}
    doc = nlp("Kenya has an installed geothermal capacity of 950 MW, and Chile connected 73 new plants.")
    from policytrace.nlp import _adapt
    toks, sents, *_ = _adapt(doc, 0, 0)
    children = {}
    for t in toks:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t.i)
    sent = depmatch.Sentence(toks, 0, len(toks), children)
    compared = 0
    for group in ("own_noun", "of_head", "subject"):
        for spec in d["groups"][group]:
            pattern = [_to_spacy(n, lists) for n in spec["pattern"]]
            matcher = DependencyMatcher(nlp.vocab)
            matcher.add(spec["id"], [pattern])
            theirs = {(ids[0], ids[[n["RIGHT_ID"] for n in spec["pattern"]].index(spec["take"])])
                      for _, ids in matcher(doc)}
            rule = depmatch.compile_pattern(spec["pattern"], d["lists"])
            ours = set()
            for i in range(len(toks)):
                b = depmatch.match(rule, sent, i)
                if b is not None:
                    ours.add((i, b[spec["take"]]))
            # spaCy returns every binding; ours the first per anchor: each of ours is one of theirs
            assert ours <= theirs, (spec["id"], ours, theirs)
            assert {a for a, _ in ours} == {a for a, _ in theirs}, spec["id"]
            compared += len(ours)
    assert compared >= 3  # "73 plants", "capacity of 950 MW", the subjects

def _to_spacy(node, lists):
    attrs = {}
    for k, v in node.get("RIGHT_ATTRS", {}).items():
        if k == "_":
            continue
        if isinstance(v, dict):
            v = {op: (lists[x[1:]] if isinstance(x, str) and x.startswith("$") else x) for op, x in v.items()}
        attrs[k] = v
    out = {"RIGHT_ID": node["RIGHT_ID"], "RIGHT_ATTRS": attrs}
    if "LEFT_ID" in node:
        out["LEFT_ID"], out["REL_OP"] = node["LEFT_ID"], node["REL_OP"]
    return out


def test_engine_operators_on_a_hand_built_tree():
    from policytrace.nlp import Tok
    words = [("Output", "NOUN", "nsubj", 1), ("grew", "VERB", "ROOT", 1), ("5", "NUM", "nummod", 3),
             ("%", "NOUN", "dobj", 1)]
    toks = [Tok(i, w, i * 10, i * 10 + len(w), p, "", d, h, "", w.lower()) for i, (w, p, d, h) in enumerate(words)]
    ch = {1: [0, 3], 3: [2]}
    sent = depmatch.Sentence(toks, 0, 4, ch)
    assert sent.related(2, "<") == [3] and sent.related(2, "<<") == [3, 1]
    assert sent.related(1, ">>") == [0, 2, 3] and sent.related(0, "$++") == [3]
    assert sent.related(2, ".") == [3] and sent.related(2, ";") == [1]
    rule = depmatch.compile_pattern([
        {"RIGHT_ID": "n", "RIGHT_ATTRS": {"POS": "NUM"}},
        {"LEFT_ID": "n", "REL_OP": "<<", "RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB"}},
        {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": {"IN": ["nsubj"]}}}], {})
    assert depmatch.match(rule, sent, 2) == {"n": 2, "v": 1, "s": 0}
    assert depmatch.match(rule, sent, 0) is None
    with pytest.raises(ValueError):
        depmatch.compile_pattern([{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LEMMA": "x"}}], {})


def _parse_steps():
    """The metric steps of models/rules/metric.json that read the parse alone (no pattern):
    their examples are sentences."""
    from policytrace import rules
    for phase, steps in rules.load("metric").steps.items():
        for s in steps:
            if s.regex is None:
                for i, ex in enumerate(s.examples):
                    yield pytest.param(s.id, ex, id=f"{phase}:{s.id}:{i}")


@pytest.mark.parametrize("step_id,sentence", list(_parse_steps()))
def test_parse_step_example(extractor, step_id, sentence):
    """A dependency step's example sentence gives a record whose rules name the step."""
    raw = Document(doc="m", path="m", format="text", text=sentence, sha256="", published="2024-01-01")
    recs = extractor.process_raw(raw).targets
    assert any(step_id in r.rules for r in recs), [(r.metric, r.rules) for r in recs]


def test_a_referred_goal_is_measured_as_the_goal_it_names(extractor):
    """'meet the 30% goal' names a goal stated before: it measures what that goal measures, not
    the one who is confident of meeting it (statements.document._referred_goals)."""
    text = ("Ghana aims to cut emissions by 30% by 2030. Forest cover stood at 35% in 2020. "
            "The ministry is confident that new rules will let it meet the 30% goal.")
    raw = Document(doc="m", path="m", format="text", text=text, sha256="", published="2023-03-01")
    first, referred = [r for r in extractor.process_raw(raw).targets if r.value == 30.0]
    assert "year.referred-goal" in referred.rules
    assert (referred.metric, referred.year) == (first.metric, 2030)
