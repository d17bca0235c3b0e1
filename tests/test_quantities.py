"""The quantity layer on general English text, and each known quantulum3 failure."""
import pytest

from conftest import load_cases
from policytrace.quantities import has_number, local_currencies, parse

CASES = load_cases("quantities.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_golden(case):
    got = parse(case["text"], 0, local_currencies(case.get("country")))
    assert len(got) == len(case["expected"]), [q.to_dict() for q in got]
    for q, exp in zip(got, case["expected"]):
        for key, val in exp.items():
            assert getattr(q, key) == val, (key, q.to_dict())


def test_offsets_point_at_the_text():
    text = "Output will exceed 1.2 trillion yuan and reach about 6%."
    for q in parse(text):
        assert text[q.start:q.end] == q.text


def test_offset_argument_shifts_positions():
    assert parse("up to 5%", offset=100)[0].start == 106


def test_years_are_not_quantities():
    assert parse("In 2019 and by 2025 the plan for 2021-2025 holds.") == []


def test_bracketed_amount_is_positive_and_marked_as_conversion():
    qs = parse("It reached 630 billion yuan ($98.6 billion).")
    assert [q.value for q in qs] == [630e9, 98.6e9]
    assert qs[1].conversion_of == 0 and qs[0].conversion_of is None


def test_rmb_is_currency_not_megabyte():
    q = parse("RMB1 trillion")[0]
    assert (q.value, q.unit) == (1e12, "CNY")


def test_ordinals_are_not_fractions():
    assert parse("It ranks fifth, the 13th plan, and the 2nd phase.") == []


def test_qualifiers_are_kept():
    comps = [q.comparator for q in parse("about 5%, more than 7%, at least 3%, under 2%, up to 9%")]
    assert comps == ["about", "exceed", "at least", "below", "at most"]


def test_per_10000_stays_with_its_number():
    (q,) = parse("144 invention patents per 10,000 people")
    assert q.value == 144 and q.unit == "per 10,000 people"


def test_a_change_start_is_in_the_rate_its_end_states():
    """'from 3m to 5m a year': both ends are yearly amounts, so a base and its target share a
    unit (and a series); a plain change keeps its units."""
    a, b = parse("The board raised bursaries from £3m to £5m per year.")
    assert a.unit == b.unit == "GBP per year" and "rate.fromTo" in a.rules
    c, d = parse("Output went from 5 GW to 6 GW.")
    assert c.unit == d.unit == "GW" and "rate.fromTo" not in c.rules
    e, f = parse("It paid £3m in 2020 and £5m per year later.")
    assert e.unit == "GBP"


def test_has_number_prefilter():
    assert has_number("five percent") and has_number("6%")
    assert not has_number("No numbers here at all.")


def test_cli_quantities(tmp_path):
    from click.testing import CliRunner

    from policytrace.cli import main
    res = CliRunner().invoke(main, ["quantities"], input="about 6% of GDP\nnothing here\n")
    assert res.exit_code == 0
    lines = res.output.strip().split("\n")
    import json
    first = json.loads(lines[0])
    assert first[0]["value"] == 6 and first[0]["comparator"] == "about"
    assert set(first[0]) >= {"value", "value_max", "unit", "comparator", "start", "end"}
    assert json.loads(lines[1]) == []


def test_shipped_unit_table_matches_installed_quantulum3():
    import json
    import sys
    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "tools"))
    from make_unit_table import compute
    shipped = json.loads((ROOT / "models" / "unit_table.json").read_text(encoding="utf-8"))
    shipped.pop("_about")
    assert shipped == compute()


def test_shipped_currency_table_matches_installed_babel():
    import json
    import sys
    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "tools"))
    from make_currency_table import compute
    shipped = json.loads((ROOT / "models" / "currency_table.json").read_text(encoding="utf-8"))
    assert shipped["currencies"] == compute()


def test_every_cldr_currency_is_read_by_name_and_code():
    import json
    from conftest import ROOT
    table = json.loads((ROOT / "models" / "currency_table.json").read_text(encoding="utf-8"))["currencies"]
    banned = set(json.loads((ROOT / "models" / "currencies.json").read_text(encoding="utf-8"))["code_words"])
    for code, e in table.items():
        if not e["current"] or code in banned:
            continue
        got = parse(f"They paid 12.5 million {e['plural']} and {code} 3 billion.")
        assert [(q.value, q.unit) for q in got][-1] == (3e9, code), code
        assert got[0].value == 12.5e6 and got[0].unit_class == "currency", (code, got[0])


def test_cents_are_read_in_cents_and_compared_in_the_currency():
    from policytrace.quantities import in_major_unit
    q = parse("The levy will stay at 11.5 cent/kW and households pay $7.7 cents/kWh.")
    assert [(x.value, x.unit) for x in q] == [(11.5, "USD cent per kW"), (7.7, "USD cent per kWh")]
    assert [(in_major_unit(x).value, in_major_unit(x).unit) for x in q] == [(0.115, "USD per kW"), (0.077, "USD per kWh")]
    assert in_major_unit(parse("$5")[0]).value == 5


def test_unnormalised_text_keeps_offsets_into_the_original():
    text = "研发投入达到ＧＤＰ的６．５％， about ½ of ３，０００ km² and −5 °C"
    got = parse(text, offset=7)
    assert [(q.value, q.unit) for q in got] == [(6.5, "percent"), (0.5, "fraction"), (3000.0, "km2"), (-5.0, "°C")]
    for q in got:
        assert text[q.start - 7:q.end - 7] == q.text


def test_a_quantity_names_the_rules_that_read_it():
    """Quantity.rules: the ids of the rules of models/rules/numbers.json and quantities.json that
    read the number, its unit and its qualifier, in the order they applied."""
    (q,) = parse("at least 30%")
    assert q.rules == ("number.digits", "unit.percent", "comparator.before")
    (q,) = parse("Output fell 5%")
    assert q.rules == ("number.digits", "unit.percent", "decline.before")
    (q,) = parse("between 3 and 4 million")
    assert (q.value, q.value_max) == (3e6, 4e6) and q.rules == ("number.digits", "range.joiner", "magnitude.word")
    qs = parse("It reached 630 billion yuan ($98.6 billion).")
    assert qs[0].rules == ("number.digits", "magnitude.word", "currency.after")
    assert qs[1].rules == ("number.digits", "currency.before", "magnitude.word", "conversion.bracket")
    (q,) = parse("144 invention patents per 10,000 people")
    assert q.rules == ("number.digits", "rate.per")
    (q,) = parse("It will fund 2000 schools.")  # a year-like number before a plural noun is a count
    assert q.rules == ("number.digits", "year.pluralAfter")
    (q,) = parse("thirteen dollars and forty-five cents")
    assert q.value == 13.45 and q.rules == ("number.words", "currency.after", "number.minor", "unit.cents")


def test_every_quantity_names_rules_that_exist():
    from policytrace import rules
    known = {r.id for f in ("numbers", "quantities") for r in rules.load(f).rules}
    for case in CASES:
        for q in parse(case["text"], 0, local_currencies(case.get("country"))):
            assert q.rules, (case["text"], q)
            assert set(q.rules) <= known and len(set(q.rules)) == len(q.rules), (case["text"], q.rules)


def test_net_zero_alone_needs_no_quantity_parser():
    assert not has_number("Net zero emissions by mid-century.") and has_number("zero to five")


def test_the_quantity_layer_keeps_its_regexes_in_rule_files():
    """No regex written in the code of the quantity layer: they are rules and patterns of
    models/rules/numbers.json and quantities.json (alternations built from models/ by macros)."""
    import ast
    from conftest import ROOT
    calls = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
    for path in sorted((ROOT / "pipeline" / "policytrace" / "quantities").glob("*.py")):
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in calls \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
                assert False, f"{name}:{node.lineno}: re.{node.func.attr}"


def test_an_infinite_amount_is_dropped_not_raised():
    """"$1e999" overflows to infinity: it is no quantity, and the sentence's others survive."""
    qs = parse("It costs $1e999 in total, and 5% more.")
    assert [(q.value, q.unit) for q in qs] == [(5.0, "percent")]
