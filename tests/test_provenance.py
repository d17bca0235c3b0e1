"""Every record says which rules made it: the `rules` field in every output format, the
explain command, the report's record table, and the per-rule report across sets."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from policytrace import explain, export, rules
from policytrace.cli import main
from policytrace.records import DocResult, Document, Target

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "extracted"
CORPUS_DOC = ROOT / "corpus" / "001_83d582cd0ceeef92.txt"


def _known_ids() -> set[str]:
    ids = set(explain.rule_index())  # rules, steps and decisions of every rule file
    mp = json.loads((ROOT / "models" / "metric_patterns.json").read_text(encoding="utf-8"))
    ids |= {p["id"] for group in mp["groups"].values() for p in group}
    return ids


def test_every_demo_record_names_known_rules():
    """extracted/ is regenerated with the field: no record without rules, no id that no rule
    file or dependency pattern defines."""
    known = _known_ids()
    recs = [json.loads(x) for x in (DEMO / "targets.jsonl").read_text(encoding="utf-8").splitlines() if x]
    assert recs
    for r in recs:
        assert r["rules"], f"record without rules: {r['quote'][:80]}"
        unknown = [x for x in r["rules"] if x not in known]
        assert not unknown, f"rule ids defined nowhere: {unknown}"


def test_rules_field_in_every_format_and_not_in_the_id(tmp_path):
    doc = Document(doc="d", path="d.txt", format="txt", text="Cut it by 2030.", sha256="0" * 64)
    t = Target(doc="d", kind="target", metric="emissions", quote="Cut it by 2030.", start=0, end=15,
               year=2030, rules=("statement.numeric", "time.horizon"))
    assert t.id == Target(**{**t.__dict__, "rules": ()}).id
    assert Target.from_dict(json.loads(json.dumps(t.to_dict()))) == t
    list(export.write([DocResult(path="d.txt", document=doc, targets=(t,))], tmp_path))
    line = json.loads((tmp_path / "targets.jsonl").read_text(encoding="utf-8"))
    assert line["rules"] == ["statement.numeric", "time.horizon"]
    assert pd.read_csv(tmp_path / "targets.csv")["rules"].tolist() == ["statement.numeric;time.horizon"]
    assert list(pd.read_parquet(tmp_path / "targets.parquet")["rules"].iloc[0]) == ["statement.numeric", "time.horizon"]


def test_explain_finds_each_rule_where_it_matched():
    """A surface rule is shown at its match in the record's sentence; an id no rule file holds
    (a code path, a dependency pattern) at the record's figure."""
    rid = next(r.id for r in rules.load("time").rules if r.regex.search("We will cut it by 2030."))
    text = "Intro. We will cut it by 2030. More."
    doc = Document(doc="d", path="d.txt", format="txt", text=text, sha256="0" * 64)
    t = Target(doc="d", kind="target", metric="it", quote="We will cut it by 2030.", start=7, end=30,
               value=1.0, value_start=15, value_end=17, year=2030, rules=("no-such-file-rule", rid))
    uses = explain.uses(doc, t)
    assert [u.rule for u in uses] == ["no-such-file-rule", rid]
    assert uses[0].file is None and (uses[0].start, uses[0].end, uses[0].how) == (15, 17, "figure")
    assert uses[1].file == "time" and "2030" in uses[1].text and 7 <= uses[1].start < uses[1].end <= 30
    out = explain.render(doc, [t])
    assert rid in out and "models/rules/time.json" in out


def test_explain_command_on_a_corpus_document(extractor, monkeypatch):
    import policytrace.runner as runner
    monkeypatch.setattr(runner, "Extractor", lambda **kw: extractor)
    res = CliRunner().invoke(main, ["explain", str(CORPUS_DOC)])
    assert res.exit_code == 0, res.output
    records = [ln for ln in res.output.splitlines() if ln.startswith("[")]
    assert len(records) >= 3
    blocks = res.output.split("\n\n")[1:]
    for b in blocks:  # every record is followed by at least one rule line with its span
        lines = b.splitlines()
        assert len(lines) >= 3 and all("-" in ln for ln in lines[2:]), b


def test_explain_refuses_an_unreadable_file(tmp_path, extractor, monkeypatch):
    import policytrace.runner as runner
    monkeypatch.setattr(runner, "Extractor", lambda **kw: extractor)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"\x00garbage")
    res = CliRunner().invoke(main, ["explain", str(bad)])
    assert res.exit_code == 1 and "bad.pdf" in res.output


def test_report_shows_a_records_rules():
    from policytrace import report
    page = report.render(DEMO)
    first = json.loads((DEMO / "targets.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert '<td class="rules">' in page and f"<code>{first['rules'][0]}</code>" in page


def _write(d: Path, name: str, rows: list[dict]):
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").is_file(), reason="../shared/eval/score.py not here")
def test_rule_report_sorts_by_drop(tmp_path):
    """Rule `fit` is right on the first set and wrong on the second: it heads the table with a
    drop of 1.00; rule `steady` is right on both."""
    def rec(doc, value, year, rules_):
        return {"doc": doc, "kind": "target", "value": value, "unit": "percent", "year": year,
                "quote": f"raise it to {value}% by {year}", "rules": rules_}
    for name, pred_year in (("a", 2030), ("b", 2031)):
        _write(tmp_path / name / "out", "targets.jsonl",
               [rec("d1", 30, pred_year, ["fit", "steady"]), rec("d1", 40, 2030, ["steady"])])
        _write(tmp_path / name / "gold", "targets.jsonl", [rec("d1", 30, 2030, []), rec("d1", 40, 2030, [])])
        _write(tmp_path / name / "gold", "documents.jsonl", [{"doc": "d1", "orgs": [], "domains": []}])
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "rules.py"),
                          f"a={tmp_path / 'a/out'}:{tmp_path / 'a/gold'}", f"b={tmp_path / 'b/out'}:{tmp_path / 'b/gold'}", "--min-fired", "1"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    rows = [ln.split() for ln in res.stdout.splitlines()[2:] if ln and not ln.startswith("(") and "rules fired" not in ln]
    assert rows[0][0] == "fit" and rows[0][-1] == "1.00", res.stdout
    assert rows[1][0] == "steady" and "2/2" in res.stdout.splitlines()[3] and rows[1][-1] == "0.50", res.stdout
