"""Alignment of metrics across documents, on phrasings from other places and plans."""
import pytest

import json

from conftest import ROOT
from policytrace.align import align_keys, catalogue, catalogue_index, indicator_class, reduce, unit_class


def same(mapping, a, b):
    return mapping[a]["series"] == mapping[b]["series"]


def test_measure_synonyms_and_shares():
    p = reduce("basic research funds share of R&D expenditure")
    q = reduce("basic research expenditure share of R&D spending")
    assert (p.num, p.den) == (q.num, q.den)
    assert reduce("high-tech industry revenue share of GDP").measures == {"revenue"}


def test_unit_classes():
    assert unit_class("percent") == "percent" and unit_class("CNY") == "CNY" != unit_class("USD")
    assert unit_class("per 10,000 people") != unit_class("per 10,000 employed persons")
    assert unit_class("GW") == unit_class("MW") == "power" != unit_class("GWh")
    assert indicator_class("TWD") == "currency" and indicator_class("USD per kWh") == "currency per kWh"


def test_same_measure_aligns_different_measures_stay_apart(encoder):
    rd = ("R&D expenditure share of GDP", "percent", "Shenzhen")
    rd2 = ("R&D spending share of GDP", "percent", "Shenzhen")
    basic = ("basic research expenditure share of R&D expenditure", "percent", "Shenzhen")
    basic2 = ("basic research funds share of R&D funds", "percent", "Shenzhen")
    rev = ("high-tech industry revenue share of GDP", "percent", "Shenzhen")
    av = ("high-tech enterprises added value share of GDP", "percent", "Shenzhen")
    spend = ("R&D expenditure", "CNY", "Shenzhen")
    spend_usd = ("R&D expenditure", "USD", "Shenzhen")
    contracts = ("technology contracts turnover", "CNY", "Shenzhen")
    contracts2 = ("technology-driven contracts turnover", "CNY", "Shenzhen")
    av_cny = ("high-tech industry added value", "CNY", "Shenzhen")
    other_city = ("R&D expenditure share of GDP", "percent", "Hangzhou")
    keys = [rd, rd2, basic, basic2, rev, av, spend, spend_usd, contracts, contracts2, av_cny, other_city]
    m = align_keys(keys, encoder)
    assert same(m, rd, rd2) and same(m, basic, basic2) and same(m, contracts, contracts2)
    assert not same(m, spend, spend_usd)  # never across currencies
    for a, b in [(rd, basic), (rev, av), (rd, spend), (contracts, av_cny), (contracts, spend),
                 (rd, other_city), (rev, rd)]:
        assert not same(m, a, b), (a, b)


def test_ids_are_stable_and_order_free(encoder):
    keys = [("GDP growth", "percent", "Seoul"), ("economic growth", "percent", "Seoul"),
            ("urban jobs", "count", "Seoul"), ("urban jobs created", "count", "Seoul"),
            ("new urban jobs", "count", "Seoul")]
    a = align_keys(keys, encoder)
    b = align_keys(list(reversed(keys)), encoder)
    assert a == b
    assert same(a, keys[0], keys[1]) and a[keys[0]]["indicator_code"] == "NY.GDP.MKTP.KD.ZG"
    assert same(a, keys[2], keys[3])
    assert not same(a, keys[2], keys[4])  # new jobs (a flow) are not the jobs there are


def test_catalogue_is_complete_and_coded():
    cat = catalogue()
    assert len(cat) >= 100 and len({i.id for i in cat}) == len(cat)
    coded = [i for i in cat if i.code]
    assert len(coded) >= 50
    by_id = {i.id: i for i in cat}
    assert by_id["rd_expenditure_gdp"].code == "GB.XPD.RSDV.GD.ZS"
    assert dict(by_id["rd_expenditure_gdp"].codes)["sdg"] == "9.5.1"
    assert by_id["renewable_share_final_energy"].code == "EG.FEC.RNEW.ZS"
    for i in cat:
        assert i.forms and i.unit_class and i.name


def test_climate_series_and_their_codes():
    """The climate series users join on: the codes are the standard ones where a series exists;
    a reduction has none of its own and names the level it is computed from; a base-year and a
    BAU reduction are two indicators; a milestone's year is a class no record unit has."""
    d = json.loads((ROOT / "models/indicators.json").read_text(encoding="utf-8"))
    by_id = {i.id: i for i in catalogue()}
    ghg = by_id["ghg_emissions"]
    assert ghg.code == "EN.GHG.ALL.MT.CE.AR5"
    assert dict(ghg.codes) == {"wdi": "EN.GHG.ALL.MT.CE.AR5", "wdi_previous": "EN.ATM.GHGT.KT.CE", "sdg": "13.2.2",
                               "unfccc": "Total GHG emissions without LULUCF", "cait": "All GHG, Total excluding LUCF"}
    assert by_id["renewable_share_electricity"].code == "EG.ELC.RNEW.ZS"
    assert dict(by_id["renewable_share_final_energy"].codes)["sdg"] == "7.2.1"
    raw = {i["id"]: i for i in d["indicators"]}
    for rid in ("ghg_reduction", "ghg_reduction_bau", "methane_reduction"):
        assert by_id[rid].unit_class == "percent" and by_id[rid].code is None
    for rid in ("ghg_reduction", "ghg_reduction_bau"):
        assert raw[rid]["measured_on"] == "ghg_emissions"
    assert all(i["measured_on"] in raw for i in d["indicators"] if "measured_on" in i)
    # the unit class of an indicator is the class of the records it is meant for
    assert indicator_class("Mt CO2e") == ghg.unit_class
    assert indicator_class("t CO2e per capita") == by_id["co2_per_capita"].unit_class
    for rid in ("net_zero_year", "coal_phaseout_year"):
        assert by_id[rid].unit_class == "calendar year"
    assert all(indicator_class(u) != "calendar year" for u in ("year", "years", "a", "yr"))


def test_every_code_scheme_is_declared(monkeypatch):
    from policytrace import resources
    from policytrace.align import catalogue as cat
    from policytrace.errors import ResourceError
    d = json.loads((ROOT / "models/indicators.json").read_text(encoding="utf-8"))
    assert set(d["code_order"]) <= set(d["code_schemes"])
    d["indicators"][0]["codes"]["wdii"] = "X"
    real = resources.load
    monkeypatch.setattr(resources, "load", lambda name: d if name == "indicators.json" else real(name))
    cat.cache_clear()
    try:
        with pytest.raises(ResourceError, match="wdii"):
            cat()
    finally:
        monkeypatch.undo()
        cat.cache_clear()


def test_bau_and_base_year_reductions_are_two_series(encoder):
    bau = ("emissions reduction below business-as-usual", "percent", "Kenya")
    base = ("reduction of greenhouse gas emissions compared with 1990", "percent", "Kenya")
    methane = ("methane emissions reduction", "percent", "Kenya")
    m = align_keys([bau, base, methane], encoder)
    assert [m[k]["indicator"] for k in (bau, base, methane)] == ["ghg_reduction_bau", "ghg_reduction", "methane_reduction"]
    assert not same(m, bau, base) and not same(m, base, methane)


INDICATOR_CASES = [json.loads(x) for x in (ROOT / "tests/data/indicators.jsonl").read_text().splitlines() if x.strip()]


@pytest.mark.parametrize("case", INDICATOR_CASES, ids=[c["text"][:40] for c in INDICATOR_CASES])
def test_indicator_mapping(case, encoder):
    index = catalogue_index(encoder)
    ind = index.best(reduce(case["text"]), encoder.encode([case["text"]])[0], indicator_class(case["unit"]))
    assert (ind.id if ind else None) == case["expected"]


def test_a_series_never_spans_currencies_or_dimensions(encoder):
    keys = [("semiconductor industry production value", "TWD", "Taiwan"),
            ("semiconductor industry output value", "USD", "Taiwan"),
            ("offshore wind capacity", "GW", "Germany"), ("offshore wind capacity", "MW", "Germany"),
            ("offshore wind capacity", "GWh", "Germany")]
    m = align_keys(keys, encoder)
    assert m[keys[0]]["indicator"] == m[keys[1]]["indicator"] == "semiconductor_output"
    assert not same(m, keys[0], keys[1])
    assert same(m, keys[2], keys[3]) and not same(m, keys[2], keys[4])


def test_library_and_cli_give_the_same_series(extractor, tmp_path, monkeypatch):
    """policytrace.extract() aligns like `policytrace extract`; compare.views refuses unaligned input."""
    import json

    import pytest

    from conftest import ROOT
    from policytrace import compare, export
    from policytrace.errors import PolicytraceError
    from policytrace.runner import extract
    monkeypatch.chdir(ROOT)
    res = extract(["corpus"], extractor)
    lib = {(r["doc"], int(r["value_start"]), r["kind"]): (r["series"] if isinstance(r["series"], str) else None)
           for r in res.targets.to_dict("records") if r["kind"] != "milestone"}
    out = tmp_path / "out"
    for _ in export.write(extractor.run(["corpus"]), out, series=extractor.series):
        pass
    cli = {(r["doc"], r["value_start"], r["kind"]): r["series"]
           for r in map(json.loads, (out / "targets.jsonl").read_text(encoding="utf-8").splitlines())
           if r["kind"] != "milestone"}
    assert lib == cli and sum(v is not None for v in lib.values()) > 10
    views = compare.views(res.targets, res.documents)
    assert len(views["series_timeline"]) > 0
    raw = extract(["corpus"], extractor, align=False)
    with pytest.raises(PolicytraceError, match="aligned"):
        compare.views(raw.targets, raw.documents)


def _row(doc, quote, figure, unit, metric=None, subject="Tarvenia", year=2030, start=0):
    """A record as alignment reads it: its clause, where its figure stands, unit and metric."""
    a = quote.index(figure)
    return {"doc": doc, "kind": "target", "metric": metric, "unit": unit, "subject": subject, "value": 1.0,
            "year": year, "quote": quote, "start": start, "value_start": start + a, "value_end": start + a + len(figure)}


def test_claim_masks_the_figure_and_other_numbers():
    from policytrace.align import claim_text
    r = _row("a", "The council will plant 12,000 trees in 48 parks by 2030", "12,000", "count")
    assert claim_text(r) == "the council will plant x trees in # parks by #"
    assert claim_text({**r, "kind": "milestone"}) is None
    assert claim_text({**r, "value_start": 900, "value_end": 905}) is None  # a figure outside its quote


def test_a_record_with_no_metric_joins_the_series_its_claim_names(encoder):
    """The parse made no metric of the second plan's sentence; its clause says the same as the
    first plan's, so the record is in that series."""
    from policytrace.align import align_records
    rows = [_row("plan-2019", "The island will install 40 MW of rooftop solar on public schools by 2030",
                 "40 MW", "MW", metric="rooftop solar capacity on schools"),
            _row("plan-2023", "Rooftop solar on the island's public schools will reach 55 MW by 2030", "55 MW", "MW"),
            _row("plan-2023", "The island will also build 12 MW of wind turbines by 2030", "12 MW", "MW",
                 metric="wind turbines", start=200)]
    f = align_records(rows, encoder)
    assert f[1] is not None and f[1]["series"] == f[0]["series"]
    assert f[2]["series"] != f[0]["series"]


def test_claims_never_join_two_figures_of_one_sentence_and_year(encoder):
    """'EUR 3,000 for a new car and EUR 2,000 for a used car': the parse told them apart; however
    alike the clauses of the other document, the two stay two series."""
    q1 = "The grant is EUR 3,000 for a new electric car and EUR 2,000 for a used one in 2024"
    q2 = "The grant pays EUR 4,000 for a new electric car and EUR 2,500 for a used one in 2024"
    rows = [_row("a", q1, "EUR 3,000", "EUR", metric="grant per new car", year=2024),
            _row("a", q1, "EUR 2,000", "EUR", metric="grant per used car", year=2024),
            _row("b", q2, "EUR 4,000", "EUR", year=2024), _row("b", q2, "EUR 2,500", "EUR", year=2024)]
    from policytrace.align import align_records
    f = align_records(rows, encoder)
    assert f[0]["series"] != f[1]["series"]
    assert not (f[2] and f[3] and f[2]["series"] == f[3]["series"])


def test_a_list_that_one_phrase_named_is_aligned_by_its_claims(encoder):
    """'GBP 5,000 for a heat pump and GBP 1,500 for a smart meter': the parse read one phrase for
    the list, so the phrase tells neither figure; each goes by its own clause, and only the heat
    pump meets the other plan's heat pump grant."""
    from policytrace.align import align_records
    q = "The fund pays GBP 5,000 for a heat pump and GBP 1,500 for a smart meter in 2025"
    rows = [{**_row("a", q, "GBP 5,000", "GBP", metric="fund", year=2025), "value": 5000.0},
            {**_row("a", q, "GBP 1,500", "GBP", metric="fund", year=2025), "value": 1500.0},
            {**_row("b", "The fund pays GBP 5,000 for a heat pump in 2025", "GBP 5,000", "GBP", metric="fund",
                    year=2025), "value": 5000.0}]
    f = align_records(rows, encoder)
    assert f[0]["series"] == f[2]["series"]
    assert f[1] is None or f[1]["series"] != f[2]["series"]


def test_a_figure_passed_on_the_way_to_another_is_one_quantity(encoder):
    """'passed the 2 Mt mark to hit 2.3 Mt': no list, one measure; both keep the phrase's series."""
    from policytrace.align import align_records
    q = "Grain exports passed the 2 Mt mark to hit 2.3 Mt in 2022"
    rows = [{**_row("a", q, "2 Mt", "Mt", metric="grain exports", year=2022), "value": 2.0},
            {**_row("a", q, "2.3 Mt", "Mt", metric="grain exports", year=2022), "value": 2.3},
            {**_row("b", "Grain exports were 1.8 Mt in 2021", "1.8 Mt", "Mt", metric="grain exports", year=2021),
             "value": 1.8}]
    f = align_records(rows, encoder)
    assert f[0]["series"] == f[1]["series"] == f[2]["series"]


def test_a_restated_figure_joins_on_a_weaker_claim(encoder):
    """A plan's fund restated in the next version in other words: the equal amount is evidence the
    clauses need not repeat (claim_restated_threshold); another amount in the same words is not."""
    from policytrace.align import align_records
    a = {**_row("a", "- GBP 30 million for the Coastal Recovery Fund", "GBP 30 million", "GBP", year=None),
         "value": 3e7}
    b = {**_row("b", "the council backs seaside towns with the GBP 30 million Coastal Recovery Fund",
                "GBP 30 million", "GBP", year=None), "value": 3e7}
    f = align_records([a, b], encoder)
    assert f[0] is not None and f[0]["series"] == f[1]["series"]
    g = align_records([a, {**b, "value": 4.5e7}], encoder)
    assert g[0] is None or g[1] is None or g[0]["series"] != g[1]["series"]


def test_two_records_that_name_their_measures_need_the_full_claim_bar(encoder):
    """An equal round figure lowers the bar only for a record the phrases could not place: 'trees
    on 50% of its streets' and 'cut household waste by 50%' each name what they measure."""
    from policytrace.align import align_records
    a = {**_row("a", "The city will plant trees on 50% of its streets by 2030", "50%", "percent",
                metric="share of streets with trees"), "value": 50.0}
    b = {**_row("b", "The city will cut household waste by 50% by 2030", "50%", "percent",
                metric="household waste decline"), "value": 50.0}
    f = align_records([a, b], encoder)
    assert f[0] is None or f[1] is None or f[0]["series"] != f[1]["series"]


def test_goal_words_are_not_the_measure():
    """'our ambitious target of doubling business R&D expenditure' measures business R&D expenditure."""
    from policytrace.align import reduce
    assert reduce("doubling business R&D expenditure ambitious target").num == reduce("business R&D expenditure").num


def test_where_a_share_comes_from_is_not_what_it_measures(encoder):
    """'60% of the power produced came from renewables' and '60% of the power is
    renewable' are one share: 'sources' and 'generated' are generic words (models/align.json)."""
    from policytrace.align import align_keys
    a, b = ("renewable sources share of generated electricity", "percent", "Peru"), ("renewable share of power", "percent", "Peru")
    keys = align_keys([a, b], encoder)
    assert keys[a]["series"] == keys[b]["series"] and keys[a]["indicator"] == "renewable_share_electricity"


def test_claims_keep_what_the_phrases_contrast(encoder):
    """Two series whose phrases name different things of one kind ('new' capacity is additions,
    not the stock) stay apart whatever their clauses share."""
    from policytrace.align import align_records
    rows = [_row("a", "Offshore wind capacity will reach 9 GW by 2030", "9 GW", "GW", metric="offshore wind capacity"),
            _row("b", "New offshore wind capacity will reach 9 GW by 2030", "9 GW", "GW", metric="new offshore wind capacity")]
    f = align_records(rows, encoder)
    assert f[0]["series"] != f[1]["series"]


def test_records_of_no_subject_never_meet_across_documents(encoder):
    """Two documents whose place is unknown may be about two countries: their figures are no
    series, however alike."""
    from policytrace.align import align_records
    rows = [_row("a", "Renewables will supply 60% of electricity by 2030", "60%", "percent",
                 metric="renewable share of electricity", subject=None),
            _row("b", "Renewables will supply 70% of electricity by 2030", "70%", "percent",
                 metric="renewable share of electricity", subject=None)]
    f = align_records(rows, encoder)
    assert f[0]["series"] != f[1]["series"]
    g = align_records([{**r, "subject": "Tarvenia"} for r in rows], encoder)
    assert g[0]["series"] == g[1]["series"]


def test_acronyms_and_long_forms_are_one_spelling():
    from policytrace.align import reduce
    assert reduce("greenhouse gas emissions").num == reduce("GHG emissions").num
    assert reduce("business expenditure on research and development").num == reduce("BERD").num
    assert reduce("new energy vehicle sales").num == reduce("NEV sales").num
    assert not any(reduce("greenhouse gas emissions").contrasts)  # not the fuel 'gas'


def test_a_power_unit_names_the_measure_a_phrase_leaves_out():
    from policytrace.align import phrase_of
    row = {"metric": "renewable energy", "unit": "GW"}
    assert phrase_of(row) == "renewable energy capacity"
    assert phrase_of({**row, "unit": "percent"}) == "renewable energy"
    assert phrase_of({**row, "metric": "power"}) == "power"  # one word says nothing more
    assert phrase_of({**row, "metric": "installed wind capacity"}) == "installed wind capacity"


def test_a_document_of_thousands_of_figures_aligns_by_phrases_alone(monkeypatch):
    """No worker embeds a sentence per number of a table dump: over claim_max_per_document
    claims, a document has none."""
    from policytrace import resources
    from policytrace.align import claims_of
    cfg = dict(resources.config())
    monkeypatch.setattr(resources, "config", lambda: {**cfg, "claim_max_per_document": 2})
    rows = [_row("big", f"Line {i}: 5 units", "5 units", "count", start=100 * i) for i in range(3)]
    rows.append(_row("small", "The plan funds 7 clinics", "7 clinics", "count"))
    assert set(claims_of(rows)) == {3}
