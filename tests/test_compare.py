"""Evolution views on records built by hand: every verdict and the quotes it rests on."""
import pandas as pd

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
    v = compare.views(TARGETS, DOCS)["revisions"]
    s1 = v[(v["series"] == "S1") & ~v["verdict"].str.startswith("target")]
    assert list(s1["verdict"]) == ["new", "raised", "raised", "lowered"]
    raised = s1[s1["verdict"] == "raised"].iloc[0]
    assert (raised["from_quote"], raised["to_quote"]) == ("R&D 3.7% by 2015", "R&D 3.8% by 2020")
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
    assert rd.loc["raised", "from_value"] == 3.8 and rd.loc["raised", "to_value"] == 4.5
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
