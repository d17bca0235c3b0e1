"""Speed of the quantity layer against quantulum3 on the same sentences.

    python bench/quantities.py [--sentences FILE] [--repeat 5]

Sentences: the public quantity benchmarks beside the checkout (../shared/dev/quantities/*.json)
plus the sample documents' sentences, or one sentence a line from --sentences.  Prints, on one
core: sentences/s of policytrace.quantities.parse once loaded, of quantulum3's parser.parse, the
ratio, the wall time `policytrace quantities` needs to answer its first sentence (start-up, no
spaCy), and sentences/s through the command itself (stdin to stdout, JSON included).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pipeline"))


def default_sentences() -> list[str]:
    out = []
    for p in sorted((ROOT.parent / "shared" / "dev" / "quantities").glob("*.json")):
        out += [" ".join(x["text"].split()) for x in json.loads(p.read_text(encoding="utf-8"))]
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out += [" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if len(s.split()) > 3]
    return out


def rate(fn, sentences, repeat) -> float:
    t = time.perf_counter()
    for _ in range(repeat):
        for s in sentences:
            fn(s)
    return repeat * len(sentences) / (time.perf_counter() - t)


def cli_rate(sentences: list[str], repeat: int) -> float:
    """Sentences/s through `policytrace quantities` itself (stdin to stdout), start-up included."""
    cmd = [sys.executable, "-c", "from policytrace.cli import main; main()", "quantities"]
    data = "\n".join(sentences * repeat) + "\n"
    t = time.perf_counter()
    out = subprocess.run(cmd, input=data, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    dt = time.perf_counter() - t
    assert out.count("\n") == len(sentences) * repeat
    return len(sentences) * repeat / dt


def startup(sentence: str) -> float:
    cmd = [sys.executable, "-c", "from policytrace.cli import main; main()", "quantities"]
    t = time.perf_counter()
    subprocess.run(cmd, input=sentence + "\n", capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    sents = (a.sentences.read_text(encoding="utf-8").splitlines() if a.sentences else default_sentences())
    sents = [s for s in sents if s.strip()]
    from policytrace import quantities
    t = time.perf_counter()
    quantities.parse("warm-up: 5 km and $3 billion")
    load = time.perf_counter() - t
    ours = rate(quantities.parse, sents, a.repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        from quantulum3 import parser
        parser.parse("warm-up: 5 km and $3 billion")
        qload = time.perf_counter() - t

        def q3(s):
            try:
                parser.parse(s)
            except Exception:  # quantulum3 raises on some inputs; the time still counts
                pass
        theirs = rate(q3, sents, max(1, a.repeat // 5))
    start = min(startup(sents[0]) for _ in range(3))
    piped = cli_rate(sents, max(a.repeat, 10))
    print(f"sentences: {len(sents)} (x{a.repeat})")
    print(f"policytrace quantities.parse: {ours:8.0f} sentences/s   (lexicon load {load:.2f} s)")
    print(f"quantulum3 parser.parse:      {theirs:8.0f} sentences/s   (load {qload:.2f} s)")
    print(f"ratio:                        {ours / theirs:8.1f}x")
    print(f"`policytrace quantities` start-up to first answer: {start:.2f} s")
    print(f"`policytrace quantities` stdin to stdout:          {piped:8.0f} sentences/s "
          f"({len(sents) * max(a.repeat, 10)} sentences, start-up included)")


if __name__ == "__main__":
    main()
