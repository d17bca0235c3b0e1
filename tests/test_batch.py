"""The batch over a store: incremental runs, a run killed at any moment and resumed, worker
limits, the lock and the manifest.  These start worker processes that load the real models."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

from conftest import ROOT
from policytrace import batch
from policytrace.errors import OutputError
from policytrace.pool import Limits

CITIES = ["Lisbon", "Porto", "Madrid", "Seville", "Lyon", "Nantes", "Turin", "Genoa", "Ghent", "Utrecht",
          "Aarhus", "Malmo", "Tampere", "Gdansk", "Brno", "Graz", "Split", "Cork", "Leeds", "Bergen"]
OUTPUTS = ["targets.jsonl", "documents.jsonl", "errors.jsonl", "targets.csv"]


def write_docs(folder, n, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        city = CITIES[i % len(CITIES)]
        (folder / f"plan_{i:03d}.txt").write_text(
            f"{city} climate plan {2020 + i % 5}\n\n"
            f"{city} will install {100 + 7 * i} MW of solar capacity by 2030. "
            f"Renewables reached {10 + i % 40}% of electricity in 2022. "
            f"The city will plant {1000 + 13 * i} trees by 2027.\n", encoding="utf-8")


def cli(*args, timeout=600, **kw):
    return subprocess.run([sys.executable, "-c", "from policytrace.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout, **kw)


def same_outputs(a, b):
    for name in OUTPUTS:
        assert (a / name).read_text(encoding="utf-8") == (b / name).read_text(encoding="utf-8"), name
    pd.testing.assert_frame_equal(pd.read_parquet(a / "targets.parquet"), pd.read_parquet(b / "targets.parquet"))


def test_incremental_run_parses_only_new_files(tmp_path):
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 50)
    first = batch.run([docs], out, workers=2, use_encoder=False)
    assert (first.processed, first.reused, first.documents) == (50, 0, 50)
    write_docs(docs, 3, start=50)
    (docs / "plan_007.txt").unlink()
    seen = []
    second = batch.run([docs], out, workers=2, use_encoder=False, on_result=lambda r: seen.append(r.path))
    assert second.processed == 3 and second.reused == 49 and second.documents == 52
    assert sorted(os.path.basename(p) for p in seen) == ["plan_050.txt", "plan_051.txt", "plan_052.txt"]
    assert [os.path.basename(p) for p in second.removed] == ["plan_007.txt"]
    docs_out = [json.loads(x)["doc"] for x in (out / "documents.jsonl").read_text().splitlines()]
    assert "plan_007" not in docs_out and "plan_052" in docs_out and len(docs_out) == 52
    third = batch.run([docs], out, workers=2, use_encoder=False)
    assert third.processed == 0 and third.documents == 52  # nothing changed: outputs stand


def test_killed_run_resumes_to_the_same_output(tmp_path):
    docs = tmp_path / "docs"
    write_docs(docs, 48)  # ~5 s of work: far more than one poll of the store, even on a busy machine
    ref = tmp_path / "ref"
    assert cli("extract", str(docs), "--out", str(ref), "--workers", "1", "--no-encoder", "-q").returncode == 0
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", "from policytrace.cli import main; main()", "extract", str(docs),
                             "--out", str(out), "--workers", "1", "--no-encoder", "-q"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = out / ".policytrace" / "store.sqlite"
    deadline = time.time() + 300
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    stored = con.execute("SELECT count(*) FROM docs").fetchone()[0]
            except sqlite3.Error:
                pass
        if stored >= 6:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its worker, mid-run
    proc.wait()
    res = cli("extract", str(docs), "--out", str(out), "--workers", "1", "--no-encoder")
    assert res.returncode == 0, res.stderr
    todo = int(res.stderr.split(" to process")[0].split()[-1])
    assert 0 < todo <= 48 - 6, res.stderr  # the stored results were kept
    same_outputs(out, ref)
    assert not list(out.glob(".*.tmp")) and not list(out.glob("*.tmp"))
    with sqlite3.connect(out / ".policytrace" / "store.sqlite") as con:
        assert con.execute("SELECT count(*), count(DISTINCT path) FROM docs").fetchone() == (48, 48)


def test_mixed_outputs_are_refused_and_repaired(tmp_path):
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 4)
    batch.run([docs], out, workers=1, use_encoder=False)
    good = (out / "targets.jsonl").read_text()
    (out / "targets.jsonl").write_text(good.splitlines()[0] + "\n")  # as if killed between renames
    from policytrace import compare
    with pytest.raises(OutputError, match="interrupted run"):
        compare.load(out)
    again = batch.run([docs], out, workers=1, use_encoder=False)
    assert again.processed == 0 and (out / "targets.jsonl").read_text() == good
    compare.load(out)


def test_second_run_into_the_same_folder_fails_fast(tmp_path):
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 1)
    out.mkdir()
    lock = batch._Lock(batch.prepare_out(out))
    try:
        # fails at once rather than waiting for the lock (the subprocess limit bounds "at once"
        # generously: the command's start-up is under 2 s here, idle)
        res = cli("extract", str(docs), "--out", str(out), "-q", timeout=120)
        assert res.returncode != 0 and "lock is held" in res.stderr
    finally:
        lock.release()


def test_a_hanging_document_costs_only_itself(tmp_path):
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 3)
    # 40k numbers in one sentence take ~25 s on an idle core here; a short plan takes ~0.1 s.  A
    # 5 s limit is 5x under the one and 50x over the others, so a loaded machine changes nothing
    (docs / "numbers.txt").write_text("Values: " + ", ".join(str(i) for i in range(40000)) + ".\n")
    s = batch.run([docs], out, workers=1, use_encoder=False, limits=Limits(timeout=5))
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert s.documents == 3 and [e["reason"] for e in errors] == ["timeout after 5 s"]


def test_one_worker_writes_what_two_wrote(tmp_path, monkeypatch):
    """The committed demo output was written by `make demo` with one worker per core."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    batch.run(["corpus"], out, workers=1)
    same_outputs(out, ROOT / "extracted")


def test_workers_embed_every_phrase_alignment_needs(tmp_path):
    """The parent aligns from vectors the workers stored and the catalogue ships: it never
    needs the model for a document's phrases."""
    from policytrace.align import alignment_texts
    from policytrace.encoder import differing, load_encoder
    from policytrace.records import alignable
    from policytrace.store import Store
    docs, out = tmp_path / "docs", tmp_path / "out"
    write_docs(docs, 6)
    batch.run([docs], out, workers=2)
    recs = [json.loads(x) for x in (out / "targets.jsonl").read_text().splitlines()]
    texts = alignment_texts(r["metric"] for r in recs if alignable(r))
    assert texts
    store = Store(out)
    try:
        stored = store.vectors(texts)
    finally:
        store.close()
    missing = [t for t in texts if t not in stored and t not in load_encoder().shipped]
    assert not missing
    # the same vectors as this process computes, within the tolerance (a worker's threading
    # settings differ from this process's, and on some processors so does the rounding)
    assert stored and differing(stored, dict(zip(sorted(stored), load_encoder().compute(sorted(stored))))) == []


def test_a_rule_file_edit_invalidates_stored_results(tmp_path, monkeypatch):
    """The store's fingerprint covers models/rules/*.json (and the code in subpackages): a
    rerun after a rule edit must not reuse results the old rules made."""
    import shutil
    from policytrace import resources, store
    models = tmp_path / "models"
    shutil.copytree(resources.models_dir(), models)
    monkeypatch.setattr(resources, "models_dir", lambda: models)
    before = store.fingerprint()
    f = models / "rules" / "time.json"
    f.write_text(f.read_text(encoding="utf-8").replace('"_about": "', '"_about": "edited. ', 1), encoding="utf-8")
    assert store.fingerprint() != before
