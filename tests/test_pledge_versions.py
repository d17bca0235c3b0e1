"""Four versions of one country's pledge, written by a second author (tests/data/baselines/
pledges: a first pledge, an update that raises a percent and moves a year, a second update that
adds a conditional part and changes the base year, a third that adds a 2035 horizon beside the
2030 one and moves a capacity goal's year again), extracted and compared as a user would:
each pair in expected.json gets its verdict in revisions.csv.  Pairs the pipeline does not yet
get are listed in KNOWN with the reason (strict: a change that settles one must say so)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policytrace import compare, export

DATA = Path(__file__).resolve().parent / "data" / "baselines" / "pledges"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
VERDICT = {"moved": "deadline moved"}  # the author's word for revisions.csv's
KNOWN: dict = {}  # every pair is right on 2026-12-03


def _id(e):
    return f"{e['from']}>{e['to']}:{e['metric_hint']}"


@pytest.fixture(scope="module")
def revisions(extractor, tmp_path_factory):
    src = tmp_path_factory.mktemp("pledges")
    for f in DATA.glob("*.txt"):
        shutil.copy(f, src / f.name)
    out = tmp_path_factory.mktemp("pledges_out")
    for _ in export.write(extractor.run([src]), out, series=extractor.series):
        pass
    targets, docs = compare.load(out)
    rev = compare.views(targets, docs)["revisions"]
    return rev[~rev["verdict"].str.startswith("target")]


def _row(rev, e):
    """The revisions row for E: the pair of documents (or the new/dropped side) and the values."""
    verdict = VERDICT.get(e["verdict"], e["verdict"])
    rows = rev[rev["verdict"] == verdict]
    if verdict == "new":
        rows = rows[(rows["to_doc"] == e["to"])]
    elif verdict == "dropped":
        rows = rows[(rows["from_doc"] == e["from"]) & (rows["to_doc"] == e["to"])]
    else:
        rows = rows[(rows["from_doc"] == e["from"]) & (rows["to_doc"] == e["to"])]
    for side in ("from", "to"):
        if e.get(f"{side}_value") is not None:
            rows = rows[(rows[f"{side}_value"] - e[f"{side}_value"]).abs() < 1e-6]
        if e.get(f"{side}_year") is not None:
            rows = rows[rows[f"{side}_year"] == e[f"{side}_year"]]
    return rows


@pytest.mark.parametrize("e", [pytest.param(e, id=_id(e), marks=[pytest.mark.xfail(strict=True, reason=KNOWN[_id(e)])]
                                            if _id(e) in KNOWN else []) for e in EXPECTED])
def test_each_pair_gets_its_verdict(revisions, e):
    assert len(_row(revisions, e)) == 1, revisions[["verdict", "from_doc", "to_doc", "from_value", "to_value",
                                                    "from_year", "to_year", "series_name"]].to_string()


def test_no_verdict_compares_a_conditional_goal_with_an_unconditional_one(revisions):
    assert not ((revisions["from_value"] == 28.0) & (revisions["to_value"] == 45.0)).any()
    conditional = (revisions["from_value"] == 45.0) | (revisions["to_value"] == 45.0)
    assert not (conditional & revisions["verdict"].isin(["raised", "lowered", "base changed"])).any()


def test_one_country_is_one_subject_whatever_its_state_form(extractor):
    """'The Republic of Valdoria' (a place no gazetteer knows) and 'Valdoria' are one subject."""
    from policytrace.records import Document
    subjects = set()
    for f in sorted(DATA.glob("*.txt")):
        raw = Document(doc=f.stem, path=str(f), format="text", text=f.read_text(encoding="utf-8"), sha256="")
        subjects |= {r.subject for r in extractor.process_raw(raw).targets}
    assert subjects == {"Valdoria"}
