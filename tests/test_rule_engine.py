"""What the rule engine offers code that reads a text left to right (the quantity layer): one rule
asked at a position, word lists that code derives from models/, and alternations whose spaces
are matched as written."""
from policytrace import rules
from test_rule_examples import _load_from

rules.wordlist("test.units")(lambda: ["per cent", "pct", "%"])


@rules.guard("test.notAfterDollar")
def _not_after_dollar(m, ctx, **args):
    return not ctx.text[:m.start()].endswith("$")


FILE = {"module": "policytrace.rules.engine",
        "macros": {"exact": {"words": "test.units", "spaces": "one"}, "any": {"words": "test.units"}},
        "rules": [{"id": "x.exact", "pattern": r"\d+\s*(?:%exact)", "examples": ["5 per cent"]},
                  {"id": "x.any", "pattern": r"\d+\s*(?:%any)", "examples": ["5 per  cent"]},
                  {"id": "x.num", "pattern": r"\d+", "guards": ["test.notAfterDollar"], "examples": ["5"]}]}


def test_word_list_macro_and_its_spaces(tmp_path, monkeypatch):
    rs = _load_from(tmp_path, monkeypatch, FILE)
    assert rs.search("x.exact", "a 5 per cent rise").text == "5 per cent"
    assert rs.search("x.exact", "a 5 per\ncent rise") is None  # a space in a word is one space
    assert rs.search("x.any", "a 5 per\ncent rise").text == "5 per\ncent"  # the default: any run


def test_one_rule_at_a_position_like_re(tmp_path, monkeypatch):
    rs = _load_from(tmp_path, monkeypatch, FILE)
    h = rs.match("x.exact", "up 5% and 7 pct", 10)
    assert (h.rule, h.start, h.end, h.text) == ("x.exact", 10, 15, "7 pct")
    assert rs.match("x.exact", "up 5% and 7 pct", 9) is None  # anchored, as re.Pattern.match
    assert rs.match("x.exact", "up 5% and 7 pct", 10, 13) is None  # ENDPOS as in re
    assert rs.fullmatch("x.exact", "5%").text == "5%" and rs.fullmatch("x.exact", "5% up") is None
    assert rs.search("x.num", "$5 or 6") is None  # the guard refuses the leftmost match: no other is tried
    assert rs.match("x.num", "$5 or 6", 6).text == "6"
    assert [h.text for h in rs.hits("$5 or 6", only={"x.num"})] == ["6"]


def test_unknown_word_list_or_spaces_is_an_error(tmp_path, monkeypatch):
    import pytest
    from policytrace.errors import ResourceError
    for macro, message in (({"words": "no.such.list"}, "unknown word list 'no.such.list'"),
                           ({"words": "test.units", "spaces": "some"}, "unknown spaces 'some'")):
        data = {"module": "policytrace.rules.engine", "macros": {"m": macro},
                "rules": [{"id": "x", "pattern": "%m", "examples": ["pct"]}]}
        with pytest.raises(ResourceError) as e:
            _load_from(tmp_path, monkeypatch, data)
        assert "models/rules/bad.json" in str(e.value) and message in str(e.value)
