"""The output contract: every line of the committed demo output validates against the shipped
JSON Schema, ids are stable and the views refer to them, Parquet keeps integer and category
types, and the built wheel pins nothing exactly."""
import json
import subprocess
import sys
import zipfile

import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT
from policytrace.export import arrow_schema, json_schema
from policytrace.records import SCHEMA_VERSION, Document, DocError, Target

OUT = ROOT / "extracted"
FILES = {"target": "targets.jsonl", "document": "documents.jsonl", "error": "errors.jsonl"}


def lines(name):
    return [json.loads(x) for x in (OUT / name).read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("record", sorted(FILES))
def test_demo_output_validates(record):
    schema = json_schema(record)
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    rows = lines(FILES[record])
    for row in rows:
        errors = sorted(v.iter_errors(row), key=str)
        assert not errors, f"{FILES[record]}: {errors[0].message} at {list(errors[0].path)}"
    if record != "error":
        assert rows, f"{FILES[record]} is empty"


def test_schema_rejects_what_the_contract_forbids():
    v = Draft202012Validator(json_schema("target"))
    good = lines("targets.jsonl")[0]
    for bad in ({**good, "kind": "wish"}, {**good, "year": 2025.5}, {**good, "extra": 1},
                {k: x for k, x in good.items() if k != "id"}, {**good, "value": "6"}):
        assert list(v.iter_errors(bad)), bad


def test_schema_fields_are_the_records_fields():
    defs = json_schema()["$defs"]
    assert list(defs["target"]["properties"]) == Target.columns()
    doc = lines("documents.jsonl")[0]
    assert list(defs["document"]["properties"]) == list(doc)
    assert set(defs["error"]["properties"]) == set(DocError("p", "d", "r").to_dict())
    assert set(Document.from_dict(doc).to_dict()) == set(doc)
    assert json_schema()["schema_version"] == SCHEMA_VERSION


def test_ids_are_stable_unique_and_referenced():
    targets = lines("targets.jsonl")
    ids = [t["id"] for t in targets]
    assert len(set(ids)) == len(ids)
    assert all(Target.from_dict(t).id == t["id"] for t in targets)  # a function of the record
    timeline = pd.read_csv(OUT / "series_timeline.csv")
    assert len(timeline) and set(timeline["id"]) <= set(ids)
    revisions = pd.read_csv(OUT / "revisions.csv")
    referenced = set(revisions["from_id"].dropna()) | set(revisions["to_id"].dropna())
    assert referenced and referenced <= set(ids)
    # a view row joins back to its record
    row = timeline.iloc[0]
    rec = next(t for t in targets if t["id"] == row["id"])
    assert (rec["doc"], rec["start"], rec["quote"]) == (row["doc"], row["start"], row["quote"])
    for name in ("series_timeline.csv", "milestones_by_plan.csv", "revisions.csv", "domains_over_time.csv"):
        df = pd.read_csv(OUT / name)
        assert (df["schema_version"].astype(str) == SCHEMA_VERSION).all(), name
        assert any("date_inferred" in c for c in df.columns), name
    assert json.loads((OUT / "manifest.json").read_text())["schema_version"] == SCHEMA_VERSION


def test_parquet_keeps_types():
    t = pd.read_parquet(OUT / "targets.parquet")
    assert list(t.columns) == Target.columns()
    for col in ("year", "start", "end", "value_start", "value_end"):
        assert str(t[col].dtype) == "Int64", col
    assert t["value_start"].isna().any() and t["value_start"].notna().any()  # nulls beside integers
    for col in ("kind", "unit", "comparator", "source"):
        assert str(t[col].dtype) == "category", col
    d = pd.read_parquet(OUT / "documents.parquet")
    assert list(d["doc"]) == [x["doc"] for x in lines("documents.jsonl")]
    assert str(d["published_year"].dtype) == "Int64" and str(d["format"].dtype) == "category"
    assert str(d["date_inferred"].dtype) == "bool"
    assert arrow_schema("target").field("kind").type.value_type == "string"


def test_schema_command_prints_the_shipped_schema():
    from click.testing import CliRunner
    from policytrace.cli import main
    res = CliRunner().invoke(main, ["schema"])
    assert res.exit_code == 0 and json.loads(res.output) == json_schema()
    res = CliRunner().invoke(main, ["schema", "document"])
    assert json.loads(res.output)["title"] == "document"
    assert CliRunner().invoke(main, ["schema", "nope"]).exit_code == 2


def test_wheel_pins_nothing_exactly(tmp_path):
    """Dependencies are ranges; exact versions live in constraints.txt only."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("policytrace-*.whl")
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        names = z.namelist()
    requires = [x.split(":", 1)[1].split(";")[0].strip() for x in meta.splitlines() if x.startswith("Requires-Dist:")]
    assert requires and not [r for r in requires if "==" in r], requires
    assert "policytrace/__init__.py" in names and "policytrace/models/schema.json" in names
    assert "policytrace/models/vectors.npz" in names and not any(n.startswith("pipeline/") for n in names)


def test_years_in_views_are_integers():
    import csv
    for name in ("series_timeline.csv", "milestones_by_plan.csv", "revisions.csv"):
        with open(OUT / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for col, val in row.items():
                    if col.endswith("year") or col in ("start", "end"):
                        assert val == "" or val.isdigit(), (name, col, val)
