"""The resumable store: every processed input's result in SQLite, keyed by path and content hash.

A run writes each document's result the moment it is done, in its own transaction, so a run
killed at any moment loses at most the documents in flight; the next run over the same --out
reuses every stored result whose file is unchanged, processes only new or changed files and
drops files that are gone.  A store written by another version of the code or of models/ is
emptied first (its results could differ).  Nothing here holds more than one result in memory.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .errors import OutputError
from .records import DocResult

STATE_DIR = ".policytrace"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    result TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (text TEXT PRIMARY KEY, vec BLOB NOT NULL);
"""


def fingerprint() -> str:
    """What a stored result depends on: the code and the knowledge files."""
    from . import __version__, resources
    h = hashlib.sha256(__version__.encode())
    pkg = Path(__file__).resolve().parent
    models = resources.models_dir()
    # every subfolder too: the rule files (models/rules/) and the stage packages' code
    knowledge = sorted(p for p in models.rglob("*") if p.suffix in (".json", ".jsonl", ".npz"))
    code = sorted(p for p in pkg.rglob("*.py") if models not in p.parents)
    for p in code + knowledge:
        h.update(p.relative_to(pkg if p in code else models).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:32]


class Store:
    """OUT/.policytrace/store.sqlite; one connection per process (the parent of the workers)."""

    def __init__(self, out_dir: str | Path, fp: Optional[str] = None):
        self.dir = Path(out_dir) / STATE_DIR
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.dir / "store.sqlite", isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise OutputError(f"cannot open the store in {self.dir}: {e}") from e
        self.reset = False
        fp = fp or fingerprint()
        row = self.db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        if row is None or row[0] != fp:
            self.reset = row is not None  # results of another code or models version
            with self.db:
                self.db.execute("DELETE FROM docs")
                self.db.execute("DELETE FROM vectors")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fp,))

    def close(self) -> None:
        self.db.close()

    def known(self) -> dict[str, str]:
        """path -> content hash of every stored result."""
        return dict(self.db.execute("SELECT path, sha256 FROM docs"))

    def put(self, path: str, sha256: str, result: DocResult,
            vectors: Optional[dict[str, bytes]] = None) -> None:
        """One document's result and its phrases' vectors, in one transaction.  A text's vector
        is a function of the text alone (see encoder), so the first one stored stands."""
        text = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)",
                            (path, sha256, text, time.time()))
            if vectors:
                self.db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", vectors.items())

    def vectors(self, texts: Iterable[str]) -> dict:
        """{text: float32 vector} for the TEXTS the store has a vector of."""
        import numpy as np
        texts = list(texts)
        out = {}
        for b in range(0, len(texts), 500):
            part = texts[b:b + 500]
            q = f"SELECT text, vec FROM vectors WHERE text IN ({','.join('?' * len(part))})"
            for t, v in self.db.execute(q, part):
                out[t] = np.frombuffer(v, dtype=np.float32)
        return out

    def drop(self, paths: Iterable[str]) -> int:
        n = 0
        with self.db:
            for p in paths:
                n += self.db.execute("DELETE FROM docs WHERE path = ?", (p,)).rowcount
        return n

    def results(self, paths: Iterable[str]) -> Iterator[DocResult]:
        """Stored results in the order of PATHS, one at a time."""
        for p in paths:
            row = self.db.execute("SELECT result FROM docs WHERE path = ?", (p,)).fetchone()
            if row is not None:
                yield DocResult.from_dict(json.loads(row[0]))


def file_key(path: Path, max_bytes: int) -> tuple[Optional[str], Optional[str]]:
    """(content hash, None) for a regular file no larger than MAX_BYTES, else (None, reason).
    Nothing but a regular file is ever opened: a FIFO, a device behind a symlink or a sparse
    giant is refused from its stat alone."""
    import stat
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, "no such file"
    except OSError as e:
        return None, f"cannot stat: {e.strerror or e}"
    if not stat.S_ISREG(st.st_mode):
        kind = ("a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return None, f"not a regular file ({kind})"
    if st.st_size > max_bytes:
        return None, f"file too large ({st.st_size} bytes > {max_bytes})"
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            read = 0
            while chunk := f.read(1 << 20):
                read += len(chunk)
                if read > max_bytes:
                    return None, f"file too large (more than {max_bytes} bytes)"
                h.update(chunk)
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    return h.hexdigest(), None
