"""Documents per second on Dask (a LocalCluster of 1 and of 2 workers) next to the local run, in
one run over the same inputs:

    python bench/dask.py [DIR] [--copies K]

DIR defaults to the public development set (../shared/dev/docs); its files are copied K times
(default 4) under new names into a temporary folder, so there are enough documents for the
start-up of the workers not to dominate.  Each run writes into a fresh output folder, so every
file is processed.  Prints documents, words, seconds, documents/s and words/s per run, and the
estimate for one million 3,000-word releases.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# this file is named dask.py: its folder must not shadow the dask package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "pipeline"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "dev" / "docs"))
    ap.add_argument("--copies", type=int, default=4)
    args = ap.parse_args()
    from policytrace import batch, ingest
    src = Path(args.dir)
    files = [p for p in sorted(src.rglob("*")) if p.is_file() and p.suffix.lower() in ingest.SUPPORTED]
    if not files:
        raise SystemExit(f"no documents in {src}")
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        for k in range(args.copies):
            for p in files:
                shutil.copyfile(p, docs / f"{p.stem}__{k}{p.suffix}")
        words = None
        rows = []
        for label, kw in (("local pool, 2 workers", {"workers": 2}),
                          ("Dask LocalCluster, 1 worker", {"scheduler": "local:1"}),
                          ("Dask LocalCluster, 2 workers", {"scheduler": "local:2"})):
            out = Path(tmp) / f"out{len(rows)}"
            stamps: list[float] = []
            t = time.perf_counter()
            s = batch.run([docs], out, on_result=lambda r: stamps.append(time.perf_counter()), **kw)
            end = time.perf_counter()
            if words is None:
                import json
                words = sum(json.loads(x)["n_words"] for x in (out / "documents.jsonl").read_text().splitlines())
            rows.append((label, s.documents, end - t, stamps[0] - t, (len(stamps) - 1) / (stamps[-1] - stamps[0]),
                         end - stamps[-1]))
    print(f"{len(files)} files x {args.copies} copies = {rows[0][1]} documents, {words:,} words "
          f"({words / rows[0][1]:.0f} per document)")
    print(f"{'run':30s} {'seconds':>8s} {'docs/s':>7s} {'words/s':>8s} {'first result s':>15s} "
          f"{'steady docs/s':>14s} {'tail s':>7s}")
    for label, n, secs, first, steady, tail in rows:
        print(f"{label:30s} {secs:8.1f} {n / secs:7.2f} {words / secs:8.0f} {first:15.1f} {steady:14.2f} {tail:7.1f}")
    per_doc_words = words / rows[0][1]
    one = rows[1][4] * per_doc_words   # steady words/s of one Dask worker
    two = rows[2][4] * per_doc_words
    print(f"\nsteady state: one Dask worker {one:,.0f} words/s, two {two:,.0f} words/s (x{two / one:.2f} on 2 cores "
          f"shared with the scheduler and the client)")
    total = 1_000_000 * 3000
    for n in (1, 2, 16, 64, 256):
        rate = one * n  # one worker per core, no sharing: the cluster case
        print(f"1M releases of 3,000 words on {n:3d} worker cores: {total / rate / 3600:8.1f} hours of extraction")


if __name__ == "__main__":
    main()
