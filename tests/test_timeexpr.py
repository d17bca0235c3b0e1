import pytest

from conftest import load_cases
from policytrace.time import expressions as timeexpr


def kinds(text, pub=None):
    return [(t.kind, t.year, t.period) for t in timeexpr.find(text, 0, pub)]


def test_five_year_plan_period():
    assert kinds("during the 14th Five-Year Plan period") == [("period", 2025, (2021, 2025))]
    assert kinds('the "13th Five-Year Plan"')[0][2] == (2016, 2020)


def test_explicit_short_ranges():
    assert kinds("(2021-25)") == [("period", 2025, (2021, 2025))]
    assert kinds("from 2016 to 2020")[0][2] == (2016, 2020)


def test_horizon_point_baseline():
    assert kinds("by 2030") == [("horizon", 2030, None)]
    assert kinds("in 2019") == [("point", 2019, None)]
    assert kinds("compared to 2016") == [("baseline", 2016, None)]


def test_relative_years_resolve_against_publication():
    assert kinds("Last year", 2020) == [("relative", 2019, None)]
    assert kinds("this year", 2021) == [("relative", 2021, None)]
    assert kinds("this year") == [("relative", None, None)]
    assert kinds("to date", 2021) == [("present", 2021, None)]
    assert kinds("In the same year")[0][0] == "same"


CASES = load_cases("time.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_golden(case):
    got = [[t.kind, t.year, list(t.period) if t.period else None]
           for t in timeexpr.find(case["text"], 0, case["published"])]
    assert got == case["expected"]


def test_a_year_never_comes_from_a_quantity():
    assert timeexpr.bare_years("It carries 2000 MW over 2,000 km, up from 1990 levels.") == [1990]


def test_each_expression_names_its_rule():
    """TimeExpr.rule is the id of the rule of models/rules/time.json that found it."""
    assert [t.rule for t in timeexpr.find("by 2030")] == ["time.horizon"]
    got = [(t.rule, t.text) for t in timeexpr.find(
        "In 2019 sales fell; two years later, by June 2025, the 14th Five-Year Plan set it.", 0, 2020)]
    assert got == [("time.point", "In 2019"), ("time.years_later", "two years later"),
                   ("time.month_year", "by June 2025"), ("time.five_year_plan", "the 14th Five-Year Plan")]
    ids = {r.id for r in timeexpr.rules.load("time").rules}
    assert all(t.rule in ids for t in timeexpr.find("Since 2015, over 2018-30, this year and to date", 0, 2021))


def test_a_spelled_ordinal_plan_is_its_period():
    """"the fourteenth Five-Year Plan" is the 14th plan's period (it used to raise IndexError)."""
    from policytrace.time import find
    [te] = find("Goals of the fourteenth Five-Year Plan are set.")
    assert (te.kind, te.year, te.period, te.rule) == ("period", 2025, (2021, 2025), "time.five_year_plan")


def test_zero_years_is_no_period():
    """Number words come from models/quantities.json, which has "zero": no inverted period."""
    assert kinds("over the next zero years", 2024) == []
    assert kinds("within zero years", 2024) == []
    assert kinds("over the next fifteen years", 2024) == [("period", 2039, (2025, 2039))]
