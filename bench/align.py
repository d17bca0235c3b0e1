"""Time to align synthetic records on one core, from 10k to 100k records (phrases, then with
their claims).

    python bench/align.py [--sizes 10000,20000,50000,100000]

Every distinct phrase is also mapped against the indicator catalogue (models/indicators.json).
Records are drawn (with a fixed seed) from 300 places x 5 unit classes x metric phrases built
from measures, objects and paraphrases ("R&D spending" / "R&D expenditure", "share of GDP"),
the way plans and reports of many cities would state them.  Alignment clusters the distinct
(metric, unit, subject) triples, so time follows the distinct phrases more than the records.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pipeline"))

OBJECTS = ["R&D", "basic research", "high-tech industry", "digital economy", "technology contracts",
           "new energy vehicles", "software industry", "biomedicine industry", "AI industry",
           "integrated circuit industry", "venture capital", "university research", "green buildings",
           "public transport", "broadband", "5G base stations", "data centres", "patents",
           "startups", "foreign direct investment", "exports of high-tech products", "tourism",
           "manufacturing", "services trade", "renewable power", "forest cover", "urban jobs",
           "vocational training", "hospital beds", "elderly care places"]
MEASURES = [["expenditure", "spending", "investment", "funds"], ["revenue", "sales", "income"],
            ["added value", "value added"], ["turnover"], ["output"], ["capacity"], ["growth", "growth rate"],
            ["number", "count"], ["employment", "jobs"]]
SHARES = ["", " share of GDP", " share of regional GDP", " share of total output"]
UNITS = ["percent", "CNY", "USD", "count", "per 10,000 people"]


def synthetic(n: int, n_places: int = 300, seed: int = 7):
    rnd = random.Random(seed)
    places = [f"City{i:03d}" for i in range(n_places)]
    out = []
    for _ in range(n):
        obj = rnd.choice(OBJECTS)
        meas = rnd.choice(MEASURES)
        unit = rnd.choice(UNITS)
        share = rnd.choice(SHARES) if unit == "percent" else ""
        metric = f"{obj} {rnd.choice(meas)}{share}"
        out.append((metric, unit, rnd.choice(places)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,20000,50000,100000")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)
    from policytrace.align import align_keys
    from policytrace.encoder import load_encoder
    enc = load_encoder()
    enc.encode(["warm up"])
    from policytrace.align import catalogue_index
    t = time.perf_counter()
    catalogue_index(enc)
    print(f"indicator catalogue embedded once per process: {time.perf_counter() - t:.2f} s "
          "(included in the first alignment below only if not already built)")
    for n_places in (300, 3):
        print(f"\n{n_places} places (blocks = places x unit classes)")
        print("records  distinct-triples  series  with-indicator  seconds  records/s")
        prev = None
        for n in [int(x) for x in args.sizes.split(",")]:
            recs = synthetic(n, n_places)
            t = time.perf_counter()
            mapping = align_keys(recs, enc)
            secs = time.perf_counter() - t
            n_series = len({v["series"] for v in mapping.values()})
            n_ind = sum(v["indicator"] is not None for v in mapping.values())
            growth = f"  (x{secs / prev[1]:.2f} time for x{n / prev[0]:.1f} records)" if prev else ""
            print(f"{n:7d}  {len(mapping):16d}  {n_series:6d}  {n_ind:14d}  {secs:7.2f}  {n / secs:9.0f}{growth}")
            prev = (n, secs)
        print(f"time to align {n} synthetic records on one core ({n_places} places): {secs:.2f} s (target < 60 s)")
    claims(enc, [int(x) for x in args.sizes.split(",")])


def claims(enc, sizes) -> None:
    """align_records over records with clauses: the phrase pass plus the claim pass.  The
    workers embed each record's claim as they extract it and the parent looks the vectors up;
    random unit vectors stand in for them here, so this times the parent's work (lookup, block
    similarities, merges), not the embedding."""
    import numpy as np
    from policytrace.align import align_records, claim_text
    print("\nrecords with claims (300 places): phrase pass + claim pass")
    print("records  seconds  records/s")
    rng = np.random.default_rng(7)
    for n in sizes:
        rows = []
        for i, (metric, unit, subject) in enumerate(synthetic(n, 300)):
            quote = f"By 2030 {subject} will raise {metric} to 12.5 in plan {i % 97}"
            a = quote.index("12.5")
            rows.append({"doc": f"d{i % 4000}", "kind": "target", "metric": metric if i % 5 else None,
                         "unit": unit, "subject": subject, "value": 12.5, "year": 2030, "quote": quote,
                         "start": 0, "value_start": a, "value_end": a + 4})
        texts = {claim_text(r) for r in rows}
        vecs = rng.standard_normal((len(texts), 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        table = dict(zip(sorted(texts), vecs))
        t = time.perf_counter()
        align_records(rows, enc, known=lambda ts: {x: table[x] for x in ts if x in table})
        secs = time.perf_counter() - t
        print(f"{n:7d}  {secs:7.2f}  {n / secs:9.0f}")


if __name__ == "__main__":
    main()
