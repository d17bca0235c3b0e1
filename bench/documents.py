"""End-to-end speed of `policytrace extract` on a folder, with 1 and 2 workers.

    python bench/documents.py DIR [--workers 1,2] [--no-encoder]

For each worker count it runs the installed command into a fresh output folder (so every file
is processed) and prints pages, seconds, pages/s, the peak RSS of the largest process (the
parent or one worker) and of the whole process tree, sampled every 0.2 s from /proc.  Pages are
PDF pages; any other document counts as one page per 3,000 characters of its text.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "pipeline"))

from policytrace import pool  # noqa: E402  (the same /proc reading the worker pool uses)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def pages_of(documents: Path) -> int:
    import pypdfium2 as pdfium
    n = 0
    for line in documents.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["format"] == "pdf":
            n += len(pdfium.PdfDocument(d["path"]))
        else:
            n += max(1, round(len(d.get("text", "")) / 3000))
    return n


def run(folder: Path, workers: int, encoder: bool) -> dict:
    exe = Path(sys.executable).with_name("policytrace")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "policytrace.cli"]),
           "extract", str(folder), "--out", "", "--workers", str(workers), "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        cmd[cmd.index("")] = tmp
        if not encoder:
            cmd.append("--no-encoder")
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT)
        peak_proc = peak_tree = 0
        while proc.poll() is None:
            rss = [pool.rss(p) for p in _tree(proc.pid)]
            peak_proc, peak_tree = max(peak_proc, max(rss, default=0)), max(peak_tree, sum(rss))
            time.sleep(0.2)
        secs = time.perf_counter() - t
        if proc.returncode != 0:
            raise SystemExit(f"extract failed with exit code {proc.returncode}")
        out = Path(tmp)
        pages = pages_of(out / "documents.jsonl")
        docs = sum(1 for _ in open(out / "documents.jsonl"))
        errors = sum(1 for _ in open(out / "errors.jsonl"))
    return {"workers": workers, "documents": docs, "errors": errors, "pages": pages, "seconds": secs,
            "pages_per_s": pages / secs, "peak_rss_process_mb": peak_proc / 2**20, "peak_rss_tree_mb": peak_tree / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--no-encoder", action="store_true")
    a = ap.parse_args()
    for w in (int(x) for x in a.workers.split(",")):
        r = run(a.folder, w, not a.no_encoder)
        print(f"{a.folder}: {r['workers']} worker(s): {r['documents']} documents ({r['errors']} errors), "
              f"{r['pages']} pages in {r['seconds']:.1f} s = {r['pages_per_s']:.1f} pages/s; peak RSS "
              f"{r['peak_rss_process_mb']:.0f} MB per process, {r['peak_rss_tree_mb']:.0f} MB all processes")


if __name__ == "__main__":
    main()
