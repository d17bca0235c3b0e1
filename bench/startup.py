"""Start-up of the installed command, the way a user meets it (min and median of N runs):

    python bench/startup.py [--runs 5]

- `policytrace --help`
- `policytrace quantities` on one line from stdin
- `policytrace extract` of one short text into a fresh folder (so it is processed, not reused):
  worker start, spaCy and MiniLM loaded, extraction, alignment, outputs written

Targets (issue 10): < 0.5 s, < 1.5 s and < 5 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHORT = ("Lisbon climate plan, published 2024-03-01.\n\n"
         "The city will install 250 MW of solar capacity by 2030 and cut emissions by 55% from 2005 levels. "
         "Renewables reached 38% of electricity in 2023.\n")
LINE = "Sales rose 12% to $4.5 billion in 2023, ahead of the 3.2% forecast.\n"
TARGETS = {"--help": 0.5, "quantities": 1.5, "extract": 5.0}


def exe() -> list[str]:
    cmd = Path(sys.executable).with_name("policytrace")
    if not cmd.exists():
        raise SystemExit("policytrace is not installed in this interpreter's environment (make install)")
    return [str(cmd)]


def timed(cmd: list[str], stdin: str | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, input=stdin, text=True, check=True, capture_output=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base = exe()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "lisbon_plan.txt"
        doc.write_text(SHORT, encoding="utf-8")
        results["--help"] = [timed(base + ["--help"]) for _ in range(args.runs)]
        results["quantities"] = [timed(base + ["quantities"], LINE) for _ in range(args.runs)]
        results["extract"] = [timed(base + ["extract", str(doc), "--out", str(Path(tmp) / f"out{i}"), "-q"])
                              for i in range(args.runs)]
    print(f"{'command':12s} {'min s':>7s} {'median s':>9s}  target")
    for name, secs in results.items():
        ok = "ok" if min(secs) < TARGETS[name] else "MISSED"
        print(f"{name:12s} {min(secs):7.2f} {statistics.median(secs):9.2f}  < {TARGETS[name]} s {ok}")


if __name__ == "__main__":
    main()
