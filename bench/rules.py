"""Per-rule report across sets: how often each rule fired and how often the record it shaped
was right, per set, sorted by the largest drop from an earlier set to a later one.

    python bench/rules.py seeds=OUT_SEEDS:../shared/gold/seeds dev=OUT_DEV:../shared/gold/dev \
        dev-b=OUT_DEVB:../shared/gold/dev-b [--top 40] [--min-fired 3] [--csv rules.csv]

Give the sets the rules were written on first: a rule right on `dev` and wrong on `dev-b` is a
rule fitted to its examples, and the drop column shows it.  A record is *right* when it matches
a gold record the way `score.py` matches (value and unit class for numbers, year and quote
overlap for milestones) with the right kind and year; a record matched only to an optional
gold row is not counted; an unmatched record is wrong.  Rule ids come from the records'
`rules` field; where each lives from models/rules/ (rules, steps, decisions) and
models/metric_patterns.json ("dependency").  Matching uses the scorer of ../shared/eval/score.py (--score to point elsewhere).
"""
from __future__ import annotations

import argparse
import collections
import csv
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("policytrace_bench_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def verdicts(sc, out_dir: Path, gold_dir: Path):
    """(record, verdict) for every predicted record of a gold document: right | wrong | optional."""
    gold = sc.load_jsonl(gold_dir / "targets.jsonl")
    pred = sc.load_jsonl(out_dir / "targets.jsonl")
    docs = sorted({g["doc"] for g in sc.load_jsonl(gold_dir / "documents.jsonl")})
    for d in docs:
        for numeric in (True, False):
            if numeric:
                gd = [g for g in gold if g["doc"] == d and sc.is_numeric(g)]
                pd = [p for p in pred if p.get("doc") == d and sc.is_numeric(p)]
                ok = sc.value_match
            else:
                gd = [g for g in gold if g["doc"] == d and g["kind"] == "milestone"]
                pd = [p for p in pred if p.get("doc") == d and p.get("kind") == "milestone"]
                ok = lambda p, g: sc.year_ok(p, g) and sc.overlap(p.get("quote"), g.get("quote")) >= 0.5
            pairs = {id(p): g for p, g in sc.match(pd, gd, ok)}
            for p in pd:
                g = pairs.get(id(p))
                if g is None:
                    yield p, "wrong"
                elif g.get("optional"):
                    yield p, "optional"
                else:
                    yield p, "right" if p.get("kind") == g["kind"] and sc.year_ok(p, g) else "wrong"


def rule_files() -> dict[str, str]:
    out = {}
    for f in sorted((ROOT / "models" / "rules").glob("*.json")):
        if f.stem == "macros":
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        steps = [s for phase in data.get("steps", {}).values() for s in phase]
        for r in (*data.get("rules", ()), *steps, *data.get("decisions", ())):
            out.setdefault(r["id"], f.stem)
    mp = json.loads((ROOT / "models" / "metric_patterns.json").read_text(encoding="utf-8"))
    for group in mp["groups"].values():
        for p in group:
            out.setdefault(p["id"], "dependency")
    return out


def table(sets: list[tuple[str, Path, Path]], sc):
    """{rule: {set: [fired, right]}} over the counted records, and the per-set totals."""
    counts: dict[str, dict[str, list[int]]] = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))
    totals = {}
    for name, out_dir, gold_dir in sets:
        n = r = 0
        for rec, verdict in verdicts(sc, out_dir, gold_dir):
            if verdict == "optional":
                continue
            n += 1
            r += verdict == "right"
            for rid in dict.fromkeys(rec.get("rules") or ["(no rules)"]):
                c = counts[rid][name]
                c[0] += 1
                c[1] += verdict == "right"
        totals[name] = (n, r)
    return counts, totals


def drop(per_set: dict[str, list[int]], names: list[str], min_fired: int) -> float:
    """The largest fall in precision from an earlier set to a later one (sets where the rule
    fired at least MIN_FIRED times)."""
    prec = [per_set[n][1] / per_set[n][0] for n in names if per_set.get(n, [0])[0] >= min_fired]
    best = 0.0
    for i, a in enumerate(prec):
        for b in prec[i + 1:]:
            best = max(best, a - b)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Example: python bench/rules.py dev=out-dev:../shared/gold/dev "
                                        "dev-b=out-devb:../shared/gold/dev-b --top 15")
    ap.add_argument("sets", nargs="+", metavar="NAME=OUT_DIR:GOLD_DIR")
    ap.add_argument("--top", type=int, default=0, help="print only the first N rows")
    ap.add_argument("--min-fired", type=int, default=3,
                    help="a set counts towards a rule's drop when the rule fired there this often")
    ap.add_argument("--csv", type=Path, help="also write the full table as CSV")
    ap.add_argument("--score", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    a = ap.parse_args(argv)
    sets = []
    for spec in a.sets:
        name, sep, rest = spec.partition("=")
        out, sep2, gold = rest.rpartition(":")
        if not (sep and sep2 and name):
            ap.error(f"{spec!r}: expected NAME=OUT_DIR:GOLD_DIR")
        for p in (Path(out) / "targets.jsonl", Path(gold) / "targets.jsonl"):
            if not p.is_file():
                ap.error(f"{spec!r}: {p} not found")
        sets.append((name, Path(out), Path(gold)))
    if not a.score.is_file():
        ap.error(f"scorer not found: {a.score} (use --score)")
    sc = load_scorer(a.score)
    names = [s[0] for s in sets]
    counts, totals = table(sets, sc)
    where = rule_files()
    rows = sorted(counts, key=lambda rid: (-drop(counts[rid], names, a.min_fired),
                                           -sum(c[0] for c in counts[rid].values()), rid))
    head = f"{'rule':<34} {'file':<11}" + "".join(f" {n[:14]:>16}" for n in names) + f" {'drop':>6}"
    print(head)
    print(f"{'(all records)':<34} {'':<11}" + "".join(
        f" {totals[n][1]:>5}/{totals[n][0]:<5} {totals[n][1] / max(totals[n][0], 1):>4.2f}" for n in names))
    shown = rows[:a.top] if a.top else rows
    for rid in shown:
        cells = ""
        for n in names:
            f, r = counts[rid].get(n, [0, 0])
            cells += f" {r:>5}/{f:<5} {r / f:>4.2f}" if f else f" {'-':>16}"
        print(f"{rid[:34]:<34} {where.get(rid, '-')[:11]:<11}{cells} {drop(counts[rid], names, a.min_fired):>6.2f}")
    print(f"\n{len(rows)} rules fired; cells are right/fired and the share right; drop = the largest "
          f"fall in that share from an earlier set to a later one (sets with >= {a.min_fired} firings)")
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["rule", "file"] + [f"{n}_{k}" for n in names for k in ("fired", "right")] + ["drop"])
            for rid in rows:
                w.writerow([rid, where.get(rid, "")] + [x for n in names for x in counts[rid].get(n, [0, 0])]
                           + [f"{drop(counts[rid], names, a.min_fired):.3f}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
