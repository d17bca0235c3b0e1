"""Evolution views on records built by hand: every verdict and the quotes it rests on."""
from pathlib import Path

import pandas as pd
import pytest

from policytrace import compare
from policytrace.records import Target


def rec(doc, kind, value, year, quote, series="S1", comparator="about", subject="Shanghai"):
    return Target(doc=doc, kind=kind, metric="R&D expenditure share of GDP", quote=quote, start=0,
                  end=len(quote), value=value, unit="percent", comparator=comparator, year=year,
                  subject=subject, series=series, series_name="R&D expenditure share of GDP").to_dict()


DOCS = pd.DataFrame([
    {"doc": "p2011", "published": "2011-06-01", "title": "12th plan", "subject": "Shanghai", "domains": ["big data"], "years": [2015]},
    {"doc": "p2016", "published": "2016-08-01", "title": "13th plan", "subject": "Shanghai", "domains": [], "years": [2020]},
    {"doc": "r2020", "published": "2021-03-01", "title": "report", "subject": "Shanghai", "domains": [], "years": []},
    {"doc": "p2021", "published": "2021-09-01", "title": "14th plan", "subject": "Shanghai", "domains": ["artificial intelligence"], "years": [2025]},
    {"doc": "p2023", "published": "2023-05-01", "title": "work plan", "subject": "Shanghai", "domains": [], "years": [2025]},
])
TARGETS = pd.DataFrame([
    rec("p2011", "target", 3.7, 2015, "R&D 3.7% by 2015"),
    rec("p2016", "target", 3.8, 2020, "R&D 3.8% by 2020"),
    rec("p2016", "target", 2.0, 2020, "patents", series="S2"),
    rec("p2016", "target", 9.0, 2020, "startups", series="S3"),
    rec("r2020", "achievement", 4.1, 2020, "R&D reached 4.1% in 2020", comparator="equal"),
    rec("p2021", "target", 4.5, 2025, "R&D 4.5% by 2025"),
    rec("p2021", "target", 9.5, 2025, "startups", series="S3"),
    rec("p2023", "target", 4.5, 2026, "R&D 4.5% by 2026"),
    rec("p2023", "target", 4.0, 2030, "R&D 4% by 2030"),
])


def test_revisions_verdicts_and_quotes():
    """Each plan sets the next horizon (2015, 2020, 2025): new horizons, never raises; 4.5% by
    2025 restated by 2026 before 2025 came is a deadline moved; 4% by 2030 is new, not lowered."""
    v = compare.views(TARGETS, DOCS)["revisions"]
    s1 = v[(v["series"] == "S1") & ~v["verdict"].str.startswith("target")]
    assert list(s1["verdict"]) == ["new", "new horizon", "new horizon", "deadline moved", "new horizon"]
    assert list(s1["horizon"]) == [2015, 2020, 2025, 2026, 2030]
    step = s1[s1["verdict"] == "new horizon"].iloc[0]
    assert (step["from_quote"], step["to_quote"]) == ("R&D 3.7% by 2015", "R&D 3.8% by 2020")
    moved = s1[s1["verdict"] == "deadline moved"].iloc[0]
    assert (moved["from_year"], moved["to_year"], moved["from_doc"]) == (2025, 2026, "p2021")
    dropped = v[(v["series"] == "S2") & (v["verdict"] == "dropped")]
    # p2021 restates two of p2016's series (S1, S3): a new version of the plan that drops S2
    assert list(dropped["from_doc"]) == ["p2016"] and list(dropped["to_doc"]) == ["p2021"]


def test_dropped_only_between_versions_of_one_plan():
    """A later document of the same place that shares fewer than two series is another text,
    not a new version: its silence about a series says nothing."""
    t = TARGETS[~((TARGETS["doc"] == "p2021") & (TARGETS["series"] == "S3"))]
    v = compare.views(t, DOCS)["revisions"]
    assert v[v["verdict"] == "dropped"].empty


def test_no_row_compares_a_text_with_a_copy_of_itself():
    docs = DOCS.assign(text=["a", "b", "c", "same words", "Same  words!"])
    t = pd.concat([TARGETS, pd.DataFrame([rec("p2021", "target", 2.0, 2025, "patents", series="S2"),
                                          rec("p2023", "target", 2.5, 2025, "patents", series="S2")])])
    v = compare.views(t, docs)["revisions"]
    s2 = v[(v["series"] == "S2") & ~v["verdict"].str.startswith("target")]
    assert "p2023" not in set(s2["to_doc"])  # p2023 is a re-post of p2021's text


def test_deadline_moved_and_unchanged():
    t = TARGETS[TARGETS["doc"] != "p2023"].copy()
    t = pd.concat([t, pd.DataFrame([rec("p2023", "target", 4.5, 2027, "R&D 4.5% by 2027")])])
    v = compare.views(t, DOCS)["revisions"]
    assert v[v["to_doc"] == "p2023"]["verdict"].iloc[0] == "deadline moved"


def test_targets_against_latest_achievement():
    v = compare.views(TARGETS, DOCS)["revisions"]
    t = v[v["verdict"].str.startswith("target")].set_index("from_quote")
    assert t.loc["R&D 3.8% by 2020", "verdict"] == "target met"
    assert t.loc["R&D 4.5% by 2025", "verdict"] == "target pending"
    assert round(t.loc["R&D 4.5% by 2025", "gap"], 6) == -0.4
    assert t.loc["R&D 4.5% by 2025", "to_quote"] == "R&D reached 4.1% in 2020"


def test_timeline_milestones_domains():
    views = compare.views(TARGETS, DOCS)
    tl = views["series_timeline"]
    assert list(tl[tl["series"] == "S1"]["doc"]) == ["p2011", "p2016", "r2020", "p2021", "p2023", "p2023"]
    ms = views["milestones_by_plan"]
    assert dict(zip(ms["doc"], ms["horizons"]))["p2023"] == "2026 2030"
    dom = views["domains_over_time"]
    assert list(dom["domain"]) == ["big data", "artificial intelligence"]


def test_undated_plan_gets_an_inferred_date():
    docs = pd.DataFrame([{"doc": "x", "published": None, "years_mentioned": [2021, 2025, 2035], "years": [2025, 2035]}])
    d = compare.document_dates(docs).iloc[0]
    assert d["date"] == "2021" and d["date_inferred"]  # a year, never a made-up 1 January


def test_evolution_end_to_end_from_texts(tmp_path, extractor):
    """Two Shanghai plans and a statistics bulletin: the story comes out of the records."""
    from conftest import DATA
    from policytrace import export
    out = tmp_path / "out"
    for _ in export.write(extractor.run([DATA / "shanghai"]), out, series=extractor.series):
        pass
    targets, docs = compare.load(out)
    rev = compare.views(targets, docs)["revisions"]
    rd = rev[rev["indicator_code"] == "GB.XPD.RSDV.GD.ZS"].set_index("verdict")
    assert rd["series_name"].iloc[0] == "R&D expenditure (% of GDP)"
    # 3.8% by 2020, then about 4.5% by 2025: the later plan sets a new horizon, it raises nothing
    assert "raised" not in rd.index
    assert rd.loc["new horizon", "from_value"] == 3.8 and rd.loc["new horizon", "to_value"] == 4.5
    assert (rd.loc["new horizon", "from_year"], rd.loc["new horizon", "horizon"]) == (2020, 2025)
    assert "R&D intensity reached 4.1 percent" in rd.loc["target met", "to_quote"]
    contracts = rev[rev["to_value"] == 158.3e9]
    assert list(contracts["verdict"]) == ["target met"]
    # the 2021 plan restates two series of the 2016 plan (R&D, patents per 10,000 people): it is
    # the next version of the plan, and the contract-turnover goal it no longer sets is dropped
    dropped = rev[rev["verdict"] == "dropped"]
    assert list(dropped["series_name"]) == ["Technology contract turnover"]
    assert dropped.iloc[0]["from_doc"] == "plan-2016" and dropped.iloc[0]["to_doc"] == "plan-2021"
    assert dropped.iloc[0]["to_title"].startswith("Shanghai releases 14th Five-Year Plan")


def _pledge(doc, value, year, quote, **against):
    d = rec(doc, "target", value, year, quote, comparator="equal", subject="Valdoria")
    d.update(metric="GHG emissions", series_name="GHG emissions", **against)
    return d


PLEDGE_DOCS = pd.DataFrame([
    {"doc": "ndc1", "published": "2016-04-01", "title": "first NDC", "subject": "Valdoria", "domains": [], "years": [2030]},
    {"doc": "ndc2", "published": "2021-07-15", "title": "updated NDC", "subject": "Valdoria", "domains": [], "years": [2030]},
    {"doc": "ndc3", "published": "2024-09-20", "title": "second update", "subject": "Valdoria", "domains": [], "years": [2030]},
])


def test_a_change_of_base_is_no_raise_and_conditional_goals_stand_apart():
    t = pd.DataFrame([
        _pledge("ndc1", 20.0, 2030, "20% below BAU by 2030", baseline="BAU", conditional=False),
        _pledge("ndc2", 28.0, 2030, "28% below BAU by 2030", baseline="BAU", conditional=False),
        _pledge("ndc3", 30.0, 2030, "30% below 2019 levels by 2030", baseline="base year", base_year=2019,
                conditional=False),
        _pledge("ndc3", 45.0, 2030, "45% below 2019 levels by 2030, conditional on finance",
                baseline="base year", base_year=2019, conditional=True),
    ])
    v = compare.views(t, PLEDGE_DOCS)["revisions"]
    v = v[~v["verdict"].str.startswith("target")]
    unconditional = v[v["to_value"] != 45.0]
    assert list(unconditional["verdict"]) == ["new", "raised", "base changed"]
    conditional = v[v["to_value"] == 45.0]
    assert list(conditional["verdict"]) == ["new"] and conditional["from_doc"].isna().all()


def test_a_base_said_in_one_version_only_still_compares():
    """'20% by 2030' then '28% below BAU by 2030': the first did not say its base, so the two
    are read as one goal, raised."""
    t = pd.DataFrame([_pledge("ndc1", 20.0, 2030, "20% by 2030"),
                      _pledge("ndc2", 28.0, 2030, "28% below BAU by 2030", baseline="BAU")])
    v = compare.views(t, PLEDGE_DOCS)["revisions"]
    assert list(v[~v["verdict"].str.startswith("target")]["verdict"]) == ["new", "raised"]


def _milestone(doc, year, quote, goal=None, subject="Norrland", metric=None, conditional=None):
    return Target(doc=doc, kind="milestone", metric=metric or quote, quote=quote, start=0, end=len(quote),
                  year=year, goal=goal, subject=subject, conditional=conditional).to_dict()


def _goal(doc, value, series, subject="Norrland"):
    """A numeric goal, so that two documents read as versions of one plan (see dropped)."""
    d = rec(doc, "target", value, 2030, f"goal {series} at {value}", series=series, subject=subject)
    d.update(metric=f"measure {series}", series_name=f"measure {series}")
    return d


STRATEGY_DOCS = pd.DataFrame([
    {"doc": "s2019", "published": "2019-02-11", "title": "climate strategy", "subject": "Norrland", "domains": [], "years": [2050]},
    {"doc": "s2022", "published": "2022-10-03", "title": "strategy review", "subject": "Norrland", "domains": [], "years": [2045]},
    {"doc": "s2025", "published": "2025-05-19", "title": "second review", "subject": "Norrland", "domains": [], "years": [2045]},
])


def _milestone_rows(t, docs=STRATEGY_DOCS):
    v = compare.views(pd.DataFrame(t), docs)["revisions"]
    return v[v["from_value"].isna() & v["to_value"].isna()]


def test_an_end_state_goal_renamed_is_one_milestone_moved():
    """'Carbon neutral by 2050', then 'net zero by 2045', then net zero again by 2045: one goal
    whose deadline moved, then held."""
    t = [_milestone("s2019", 2050, "Norrland aims to be carbon neutral by 2050", goal="carbon neutral"),
         _milestone("s2022", 2045, "The region will reach net zero emissions by 2045", goal="net zero"),
         _milestone("s2025", 2045, "Norrland stays on course for climate neutrality in 2045", goal="climate neutral")]
    v = _milestone_rows(t)
    assert list(v["verdict"]) == ["new", "deadline moved", "unchanged"]
    moved = v.iloc[1]
    assert (moved["from_year"], moved["to_year"]) == (2050, 2045)
    assert moved["from_quote"] == "Norrland aims to be carbon neutral by 2050"
    assert moved["series_name"] == "net zero" and moved["subject"] == "Norrland"
    assert compare.views(pd.DataFrame(t), STRATEGY_DOCS)["revisions"]["series"].nunique() == 1


def test_a_milestone_new_in_a_later_plan_and_one_dropped_from_it():
    """The later review restates two of the strategy's numeric goals (so it is a new version) and
    leaves out its net-zero year; a carbon-negative goal only the review sets is new, never the
    net-zero goal moved."""
    t = [_goal("s2019", 10.0, "A"), _goal("s2019", 20.0, "B"),
         _goal("s2022", 12.0, "A"), _goal("s2022", 20.0, "B"),
         _milestone("s2019", 2050, "Norrland aims to be carbon neutral by 2050", goal="carbon neutral"),
         _milestone("s2022", 2060, "Norrland will be carbon negative by 2060", goal="carbon negative")]
    v = _milestone_rows(t)
    rows = {(r["series_name"], r["verdict"]): r for _, r in v.iterrows()}
    assert set(rows) == {("net zero", "new"), ("net zero", "dropped"), ("carbon negative", "new")}
    dropped = rows[("net zero", "dropped")]
    assert (dropped["from_doc"], dropped["to_doc"], dropped["from_year"]) == ("s2019", "s2022", 2050)
    assert rows[("carbon negative", "new")]["to_doc"] == "s2022"


def test_milestones_never_cross_subjects_copies_or_conditionality():
    docs = STRATEGY_DOCS.assign(text=["first words", "later words", "Later  words."])
    t = [_milestone("s2019", 2050, "Norrland aims to be carbon neutral by 2050", goal="carbon neutral"),
         _milestone("s2022", 2045, "Norrland will reach net zero by 2045", goal="net zero"),
         _milestone("s2022", 2040, "With outside finance, Norrland could reach net zero by 2040", goal="net zero",
                    conditional=True),
         _milestone("s2022", 2035, "Sudmark will be net zero by 2035", goal="net zero", subject="Sudmark"),
         _milestone("s2025", 2045, "Norrland will reach net zero by 2045", goal="net zero")]
    v = _milestone_rows(t, docs)
    by = {(r["subject"], r["to_quote"]): r["verdict"] for _, r in v.iterrows()}
    assert by == {("Norrland", "Norrland aims to be carbon neutral by 2050"): "new",
                  ("Norrland", "Norrland will reach net zero by 2045"): "deadline moved",
                  ("Norrland", "With outside finance, Norrland could reach net zero by 2040"): "new",
                  ("Sudmark", "Sudmark will be net zero by 2035"): "new"}
    assert "s2025" not in set(v["to_doc"])  # s2025 is a copy of s2022's text


def test_a_milestone_without_a_label_is_known_by_its_words():
    """The same words but for the date are one milestone whose deadline moved; other words are
    another milestone (a false 'deadline moved' is worse than a revision missed), and a
    reworded milestone is never read as dropped."""
    t = [_goal("s2019", 10.0, "A"), _goal("s2019", 20.0, "B"),
         _goal("s2022", 12.0, "A"), _goal("s2022", 20.0, "B"),
         _milestone("s2019", 2023, "The heat pump grant will end by March 2023", metric="heat pump grant end"),
         _milestone("s2022", 2024, "The heat pump grant will end in June 2024", metric="heat pump grant end"),
         _milestone("s2019", 2026, "The ferry line to the islands will open by 2026", metric="ferry line open"),
         _milestone("s2022", 2027, "A new ferry terminal will open by 2027", metric="ferry terminal open")]
    v = _milestone_rows(t)
    grant = v[v["series_name"] == "heat pump grant end"]
    assert list(grant["verdict"]) == ["new", "deadline moved"]
    assert (grant.iloc[1]["from_year"], grant.iloc[1]["to_year"]) == (2023, 2024)
    ferry = v[v["series_name"].str.startswith("ferry")]
    assert list(ferry["verdict"]) == ["new", "new"]


def test_a_support_instrument_continued_to_a_new_date_is_its_end_date_moved():
    """A milestone whose own date a continuation verb governs and that names a support instrument
    is that instrument's end date, however each plan words it (models/cues.json
    milestone_instruments, pattern programme-end), when the two statements share a content word;
    two instruments of other kinds, two incentives for different things, a continued activity
    that is no instrument, and a second date of the sentence stay apart."""
    t = [_goal("s2019", 10.0, "A"), _goal("s2022", 12.0, "A"),
         _milestone("s2019", 2023, "Extra money will continue the heat pump rebates until May 2023"),
         _milestone("s2022", 2025, "Buyers of heat pumps have received purchase incentives since 2019 and the "
                                   "scheme will continue to run until May 2025"),
         _milestone("s2019", 2024, "Subsidies for diesel fishing boats will remain in place until 2024"),
         _milestone("s2022", 2027, "Cargo bike subsidies will stay available until 2027"),
         _milestone("s2019", 2026, "Loans for insulation will remain available until 2026"),
         _milestone("s2022", 2030, "The state will continue to mine lignite until 2030")]
    v = _milestone_rows(t)
    moved = v[v["verdict"] == "deadline moved"]
    assert len(moved) == 1, v[["verdict", "series_name", "from_year", "to_year"]]
    assert (moved.iloc[0]["from_year"], moved.iloc[0]["to_year"], moved.iloc[0]["series_name"]) == \
        (2023, 2025, "purchase incentive end date")
    assert compare.milestone_key(None, "Loans for insulation will remain available until 2026", 2026) == "end:loan"
    assert compare.milestone_key(None, "The state will continue to mine lignite until 2030", 2030).startswith("words:")
    both = "We will continue the EV rebate until 2024 and phase out petrol cars by 2035"
    assert compare.milestone_key(None, both, 2024) == "end:purchase incentive"
    assert compare.milestone_key(None, both, 2035).startswith("words:")


def test_an_instrument_named_by_its_acronym_in_one_plan_is_the_same_instrument():
    """'EV rebates' and 'rebates for plug-in electric vehicles' name what the rebate is for alike
    once the lexicon's acronyms are spelt out (models/align.json abbreviations)."""
    t = [_goal("s2019", 10.0, "A"), _goal("s2022", 12.0, "A"),
         _milestone("s2019", 2023, "Norrland will continue its EV rebates until June 2023"),
         _milestone("s2022", 2026, "Buyers of plug-in electric vehicles get a rebate, and the programme will "
                                   "continue until June 2026")]
    v = _milestone_rows(t)
    moved = v[v["verdict"] == "deadline moved"]
    assert [(r["from_year"], r["to_year"]) for _, r in moved.iterrows()] == [(2023, 2026)], v


def test_milestones_leave_numeric_revisions_as_they_were():
    base = compare.views(TARGETS, DOCS)["revisions"]
    t = pd.concat([TARGETS, pd.DataFrame([_milestone("p2021", 2025, "Shanghai will be carbon neutral by 2025",
                                                     goal="carbon neutral", subject="Shanghai")])])
    v = compare.views(t, DOCS)["revisions"]
    pd.testing.assert_frame_equal(v.iloc[:len(base)], base)
    assert list(v.iloc[len(base):]["verdict"]) == ["new"]


def test_an_undated_text_moves_no_milestone():
    """Which of two versions came first is unknown when one is undated: no deadline moved
    either way (numeric goals still compare their values)."""
    docs = STRATEGY_DOCS.assign(published=[None, "2022-10-03", None])
    t = [_milestone("s2019", 2050, "Norrland aims to be carbon neutral by 2050", goal="carbon neutral"),
         _milestone("s2022", 2045, "The region will reach net zero emissions by 2045", goal="net zero")]
    v = _milestone_rows(t, docs)
    assert list(v["verdict"]) == ["new"] and list(v["to_doc"]) == ["s2022"]
    alone = _milestone_rows(t[:1], docs)  # a milestone only undated texts state is still new
    assert list(alone["verdict"]) == ["new"] and list(alone["to_doc"]) == ["s2019"]


def _share(doc, value, year, quote, value_max=None, **against):
    """A renewable-share goal of the invented region Ostmark; VALUE..VALUE_MAX when a range."""
    d = rec(doc, "target", value, year, quote, series="R", comparator="equal", subject="Ostmark")
    d.update(metric="renewable share of power", series_name="renewable share of power", value_max=value_max,
             **against)
    return d


PLAN_DOCS = pd.DataFrame([
    {"doc": "a", "published": "2015-03-01", "title": "plan A", "subject": "Ostmark", "domains": [], "years": []},
    {"doc": "b", "published": "2019-03-01", "title": "plan B", "subject": "Ostmark", "domains": [], "years": []},
    {"doc": "c", "published": "2023-03-01", "title": "plan C", "subject": "Ostmark", "domains": [], "years": []},
])


def _goal_rows(t, docs=PLAN_DOCS):
    v = compare.views(pd.DataFrame(t), docs)["revisions"]
    return v[~v["verdict"].str.startswith("target")].reset_index(drop=True)


def test_each_horizon_is_compared_with_itself():
    """'26-28% by 2025' then '50-52% by 2030' is a new horizon, not a raise from 28 to 52; the
    2025 goal the second plan leaves out still stands, and a third plan restating it compares
    with the first plan's figure."""
    v = _goal_rows([_share("a", 26.0, 2025, "26-28% by 2025", value_max=28.0),
                    _share("b", 50.0, 2030, "50-52% by 2030", value_max=52.0),
                    _share("c", 27.0, 2025, "27-29% by 2025", value_max=29.0),
                    _share("c", 50.0, 2030, "50-52% by 2030, reaffirmed", value_max=52.0)])
    got = [(r["verdict"], r["horizon"], r["from_doc"] if isinstance(r["from_doc"], str) else None, r["to_doc"])
           for _, r in v.iterrows()]
    assert got == [("new", 2025, None, "a"), ("new horizon", 2030, "a", "b"),
                   ("raised", 2025, "a", "c"), ("unchanged", 2030, "b", "c")]
    assert "dropped" not in set(v["verdict"]) and "raised" not in set(v[v["to_doc"] == "b"]["verdict"])


def test_ranges_compare_end_by_end():
    """Raised only when neither end falls; a range that widens or narrows on both sides is
    'range changed', neither higher nor lower."""
    def verdict(first, second):
        v = _goal_rows([_share("a", first[0], 2030, "first", value_max=first[1]),
                        _share("b", second[0], 2030, "second", value_max=second[1])])
        return v.iloc[1]["verdict"]
    assert verdict((26.0, 28.0), (27.0, 32.0)) == "raised"
    assert verdict((28.0, None), (28.0, 30.0)) == "raised"      # the range moves up
    assert verdict((28.0, None), (26.0, 28.0)) == "lowered"
    assert verdict((26.0, 28.0), (25.0, 30.0)) == "range changed"
    assert verdict((26.0, 28.0), (26.0, 28.0)) == "unchanged"
    assert verdict((30.0, None), (25.0, None)) == "lowered"


def test_a_numeric_goal_restated_with_another_year_is_a_deadline_moved():
    """The same figure for a later year, set before the old year came, moves the deadline; a
    different figure, a deadline that had already passed, or another base is a new horizon."""
    moved = _goal_rows([_share("a", 40.0, 2025, "40% by 2025"), _share("b", 40.0, 2028, "40% by 2028")])
    assert list(moved["verdict"]) == ["new", "deadline moved"]
    assert (moved.iloc[1]["from_year"], moved.iloc[1]["to_year"], moved.iloc[1]["horizon"]) == (2025, 2028, 2028)
    other = _goal_rows([_share("a", 40.0, 2025, "40% by 2025"), _share("b", 45.0, 2028, "45% by 2028")])
    assert list(other["verdict"]) == ["new", "new horizon"]
    expired = _goal_rows([_share("a", 40.0, 2017, "40% by 2017"), _share("b", 40.0, 2022, "40% by 2022")])
    assert list(expired["verdict"]) == ["new", "new horizon"]  # plan B was written after 2017
    rebased = _goal_rows([_share("a", 40.0, 2025, "40% below BAU by 2025", baseline="BAU"),
                          _share("b", 40.0, 2028, "40% below 2010 by 2028", baseline="base year", base_year=2010)])
    assert list(rebased["verdict"]) == ["new", "new horizon"] and rebased.iloc[1]["from_doc"] != "a"


def test_a_moved_deadline_leaves_the_old_horizon_and_others_stay():
    """After 40% by 2025 moves to 2028, a later 2025 figure is a horizon set anew, and the plan's
    2035 goal is a new horizon beside it."""
    v = _goal_rows([_share("a", 40.0, 2025, "40% by 2025"),
                    _share("b", 40.0, 2028, "40% by 2028"), _share("b", 60.0, 2035, "60% by 2035"),
                    _share("c", 42.0, 2028, "42% by 2028"), _share("c", 60.0, 2035, "60% by 2035 still")])
    assert list(zip(v["verdict"], v["horizon"])) == [
        ("new", 2025), ("deadline moved", 2028), ("new horizon", 2035), ("raised", 2028), ("unchanged", 2035)]


def test_a_change_of_base_on_one_horizon_and_the_new_columns():
    v = _goal_rows([_share("a", 20.0, 2030, "20% below BAU by 2030", baseline="BAU", conditional=False),
                    _share("b", 30.0, 2030, "30% below 2019 by 2030", baseline="base year", base_year=2019,
                           conditional=False),
                    _share("b", 45.0, 2030, "45% below 2019 by 2030 with support", baseline="base year",
                           base_year=2019, conditional=True),
                    _share("c", 35.0, 2030, "35% below 2019 by 2030", baseline="base year", base_year=2019)])
    got = [(r["verdict"], r["conditional"], None if pd.isna(r["base_year"]) else r["base_year"])
           for _, r in v.iterrows()]
    assert got == [("new", False, None), ("base changed", False, 2019), ("raised", False, 2019),
                   ("new", True, 2019)]
    assert str(v["horizon"].dtype) == "Int64" and str(v["base_year"].dtype) == "Int64"


def test_goal_history_lists_every_plan_and_horizon():
    h = compare.goal_history(pd.DataFrame([_share("a", 26.0, 2025, "26-28% by 2025", value_max=28.0),
                                           _share("b", 50.0, 2030, "50-52% by 2030", value_max=52.0)]),
                             compare.document_dates(PLAN_DOCS))
    assert list(zip(h["doc"], h["horizon"], h["value"], h["value_max"])) == [("a", 2025, 26.0, 28.0),
                                                                             ("b", 2030, 50.0, 52.0)]
    assert set(h["series"]) == {"R"} and not h["conditional"].any()


SHARED = Path(__file__).resolve().parents[2] / "shared"
VERDICTS = {"new", "new horizon", "raised", "lowered", "range changed", "unchanged", "deadline moved",
            "base changed", "dropped", "target met", "target missed", "target pending"}


@pytest.fixture(scope="module")
def real_chains(extractor, tmp_path_factory):
    """The dev and dev-b releases extracted once each (with a re-post of one release under
    another name) and compared: {set: (targets, documents, revisions)}."""
    import shutil
    from policytrace import export
    out = {}
    for name in ("dev", "dev-b"):
        docs = SHARED / name / "docs"
        if not docs.is_dir():
            pytest.skip(f"{docs} is absent")
        src = tmp_path_factory.mktemp(f"{name}_in")
        for f in docs.iterdir():
            shutil.copy(f, src / f.name)
        first = sorted(docs.glob("*.txt"))[0]
        shutil.copy(first, src / ("zz_copy_of_" + first.name))
        dst = tmp_path_factory.mktemp(f"{name}_out")
        for _ in export.write(extractor.run([src]), dst, series=extractor.series):
            pass
        targets, documents = compare.load(dst)
        out[name] = (targets, documents, compare.views(targets, documents)["revisions"])
    return out


def _conditional(r) -> bool:
    return r["conditional"] is True or r["conditional"] == 1.0


@pytest.mark.parametrize("name", ["dev", "dev-b"])
def test_real_revisions_compare_like_with_like(real_chains, name):
    """On real releases no row compares two subjects, a conditional goal with an unconditional
    one, two bases (but to say 'base changed'), two horizons (but to say the deadline moved or a
    horizon is new), or a document with itself or a copy of itself."""
    targets, documents, rev = real_chains[name]
    assert set(rev["verdict"]) <= VERDICTS
    by_id = targets.set_index("id")
    keys = dict(zip(documents["doc"], (compare.text_key(t) for t in documents["text"])))
    pairs = rev.dropna(subset=["from_id", "to_id"])
    pairs = pairs[~pairs["verdict"].str.startswith("target")]
    assert len(pairs), name
    for _, r in pairs.iterrows():
        a, b = by_id.loc[r["from_id"]], by_id.loc[r["to_id"]]
        what = (r["verdict"], r["from_quote"], r["to_quote"])
        assert a["subject"] == b["subject"] == r["subject"], what
        assert _conditional(a) == _conditional(b) == bool(r["conditional"]), what
        if r["verdict"] != "base changed":
            assert compare._comparable(a, b), what
        if r["verdict"] not in ("deadline moved", "new horizon"):
            assert pd.isna(r["from_year"]) or pd.isna(r["to_year"]) or r["from_year"] == r["to_year"], what
        assert r["from_doc"] != r["to_doc"] and keys[r["from_doc"]] != keys[r["to_doc"]], what
    assert any(d.startswith("zz_copy_of_") for d in targets["doc"])


def test_a_figure_that_said_no_year_and_then_says_one_is_unchanged():
    """'a 40% share' (no year), then '40% by 2030': the goal's figure is unchanged, not a new
    horizon; a different figure with a year is still a new horizon."""
    v = _goal_rows([_share("a", 40.0, None, "a 40% share of power"), _share("b", 40.0, 2030, "40% by 2030"),
                    _share("c", 45.0, 2035, "45% by 2035")])
    got = [(r["verdict"], None if pd.isna(r["horizon"]) else r["horizon"], r["to_doc"]) for _, r in v.iterrows()]
    assert got == [("new", None, "a"), ("unchanged", 2030, "b"), ("new horizon", 2035, "c")]


def test_an_inferred_year_comes_after_the_dated_texts_of_that_year():
    """A text dated only by the latest year it reports on was written no earlier than the texts
    of that year it may report on: it is compared after them."""
    docs = pd.DataFrame([
        {"doc": "review", "published": None, "published_year": 2019, "date_inferred": True, "title": "review",
         "subject": "Ostmark", "domains": [], "years": []},
        {"doc": "plan", "published": "2019-03-01", "title": "plan", "subject": "Ostmark", "domains": [], "years": []},
    ])
    v = _goal_rows([_share("review", 55.0, 2030, "55% by 2030"), _share("plan", 50.0, 2030, "50% by 2030")], docs)
    got = [(r["verdict"], r["to_doc"]) for _, r in v.iterrows()]
    assert got == [("new", "plan"), ("raised", "review")]
