"""Issue 21 item 5: the catalogue grows where users' series are (R&D and innovation, digital,
energy and climate, transport, industry, education, health).  Each area has metric phrases,
invented in the words a plan might use (not taken from ../shared), that must map to the intended
indicator, and near-misses that must not (a neighbouring series of the same unit class).  The
mapping is the pipeline's own: align_keys on a (metric, unit, subject) triple."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from policytrace.align import align_keys, catalogue, indicator_class

# tests/data/catalogue_growth.jsonl, a case a line: a metric phrase and record unit of an area
# that must map to the indicator "maps", or must not map to the neighbouring indicator "not"
CASES = [json.loads(x) for x in (ROOT / "tests/data/catalogue_growth.jsonl").read_text(encoding="utf-8").splitlines()
         if x.strip()]
AREAS = ("rd_innovation", "digital", "energy_climate", "transport", "industry", "education", "health")

# the record unit each indicator unit class is the class of: a class without a row here is unknown
UNIT_OF_CLASS = {
    "percent": "percent", "count": "count", "currency": "USD", "power": "GW", "energy": "TWh",
    "mass": "Mt", "length": "km", "data transfer rate": "Mbps", "mt co2e": "Mt CO2e",
    "t co2e per capita": "t CO2e per capita", "currency per kWh": "USD per kWh",
    "microgram per cubic metre": "microgram per cubic metre", "years": "years",
    "per 100 people": "per 100 people", "per 1,000 people": "per 1,000 people",
    "per 10,000 people": "per 10,000 people", "per 100,000 people": "per 100,000 people",
    "per million people": "per million people", "per 10,000 employees": "per 10,000 employees",
    "per 1,000 live births": "per 1,000 live births", "per 100,000 live births": "per 100,000 live births",
}
# a milestone's year: no record unit has this class (see indicators.json _about)
NO_RECORD_CLASS = {"calendar year"}


def _cases(kind):
    return [pytest.param(c["area"], c["metric"], c["unit"], c[kind], id=f"{c['area']}:{c['metric']}->{c[kind]}")
            for c in CASES if kind in c]


def _indicator(encoder, metric, unit):
    key = (metric, unit, "Tarvenia")
    return align_keys([key], encoder)[key]["indicator"]


def test_every_area_has_cases_and_the_cases_name_real_indicators():
    by_id = {i.id: i for i in catalogue()}
    assert all(c["area"] in AREAS and ("maps" in c) != ("not" in c) for c in CASES)
    for area in AREAS:
        for kind in ("maps", "not"):
            assert any(c["area"] == area and kind in c for c in CASES), (area, kind)
    for c in CASES:
        iid = c.get("maps") or c.get("not")
        assert iid in by_id, f"{c['area']}: {iid} is not in the catalogue"
        assert indicator_class(c["unit"]) == by_id[iid].unit_class, \
            f"{c['area']}: {c['metric']!r} in {c['unit']} is not of {iid}'s unit class"


@pytest.mark.parametrize("area,metric,unit,expected", _cases("maps"))
def test_phrase_maps_to_its_indicator(area, metric, unit, expected, encoder):
    assert _indicator(encoder, metric, unit) == expected


@pytest.mark.parametrize("area,metric,unit,unwanted", _cases("not"))
def test_near_miss_does_not_map_to_the_neighbour(area, metric, unit, unwanted, encoder):
    assert _indicator(encoder, metric, unit) != unwanted


def test_every_indicator_is_well_formed():
    d = json.loads((ROOT / "models/indicators.json").read_text(encoding="utf-8"))
    schemes = set(d["code_schemes"])
    ids = [i["id"] for i in d["indicators"]]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    bad = []
    for i in d["indicators"]:
        if len(i["forms"]) < 2:
            bad.append(f"{i['id']}: fewer than 2 forms")
        if len(set(i["forms"])) != len(i["forms"]):
            bad.append(f"{i['id']}: a form twice")
        if i["unit_class"] not in UNIT_OF_CLASS and i["unit_class"] not in NO_RECORD_CLASS:
            bad.append(f"{i['id']}: unknown unit class {i['unit_class']!r}")
        bad += [f"{i['id']}: code scheme {s!r} not in code_schemes" for s in i["codes"] if s not in schemes]
        bad += [f"{i['id']}: empty code for {s!r}" for s, c in i["codes"].items() if not str(c).strip()]
    assert not bad, "\n".join(bad)


def test_each_known_unit_class_is_the_class_of_its_record_unit():
    for cls, unit in UNIT_OF_CLASS.items():
        assert indicator_class(unit) == cls, (cls, unit)
    assert all(indicator_class(u) not in NO_RECORD_CLASS for u in UNIT_OF_CLASS.values())


def test_no_form_names_two_indicators_of_one_unit_class():
    seen: dict[tuple[str, str], str] = {}
    clash = []
    for i in catalogue():
        for f in i.forms:
            other = seen.setdefault((i.unit_class, f.lower()), i.id)
            if other != i.id:
                clash.append(f"{f!r}: {other} and {i.id}")
    assert not clash, "\n".join(clash)


def test_every_form_maps_to_its_own_indicator(encoder):
    """A form that another indicator's forms outrank would steal, or be stolen, as a record."""
    keys = {(f, UNIT_OF_CLASS[i.unit_class], "Tarvenia"): i.id
            for i in catalogue() if i.unit_class in UNIT_OF_CLASS for f in i.forms}
    got = align_keys(list(keys), encoder)
    wrong = [f"{k[0]!r} ({k[1]}): {want} -> {got[k]['indicator']}"
             for k, want in keys.items() if got[k]["indicator"] != want]
    assert not wrong, "\n".join(wrong)
