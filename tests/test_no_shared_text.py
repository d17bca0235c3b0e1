"""The repository holds no text of ../shared (dev, dev-b, the Net Zero Tracker quotes): rule
examples, golden cases and comments are invented, so a score on those sets stays a score on
text the rules were not written from.  (The five samples in corpus/ are the project's own.)"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
N = 7  # words in a run that counts as copied
_WORD = re.compile(r"[a-z0-9]+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    w = _WORD.findall(text.lower())
    return {tuple(w[i:i + N]) for i in range(len(w) - N + 1)}


def _shared_texts():
    for d in ("dev/docs", "dev-b/docs"):
        for p in sorted((SHARED / d).glob("*.txt")):
            yield p.name, p.read_text(encoding="utf-8", errors="replace")
    items = SHARED / "nzt" / "items.jsonl"
    if items.is_file():
        for i, line in enumerate(items.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                row = json.loads(line)
                yield f"nzt:{i}", " ".join(str(v) for v in row.values() if isinstance(v, str))


def _repo_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    for rel in out:
        if not rel or rel.startswith(("corpus/", "extracted/")) or not rel.endswith((".py", ".json", ".jsonl", ".md", ".txt", ".html")):
            continue
        p = ROOT / rel
        if p.is_file() and p.stat().st_size < 5_000_000:
            yield rel, p.read_text(encoding="utf-8", errors="replace")


@pytest.mark.skipif(not (SHARED / "dev").is_dir(), reason="../shared is not beside the checkout")
def test_no_run_of_shared_text_in_the_repository():
    index: dict[tuple[str, ...], str] = {}
    for name, text in _shared_texts():
        for s in _shingles(text):
            index.setdefault(s, name)
    found = []
    for rel, text in _repo_files():
        for s in _shingles(text):
            if s in index:
                found.append(f"{rel}: '{' '.join(s)}' (from {index[s]})")
                break
    assert not found, "text copied from ../shared:\n" + "\n".join(found)
