"""`policytrace extract` as a batch over a growing store: lock the output folder, find the inputs
(never the output folder itself), refuse what is not a regular file of a sane size, process
only new or changed files in worker processes, keep each result in the store as it arrives, and
write the output files from the store as one set with a manifest last.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import export, ingest, resources, rules
from .errors import OutputError
from .pool import Limits, WorkerPool, default_workers
from .records import SCHEMA_VERSION, DocError, DocResult
from .store import STATE_DIR, Store, file_key

MANIFEST = "manifest.json"
# failures that say more about the moment than the file: tried again on the next run
_TRANSIENT = rules.load("ingest")["transient_error"]


@dataclass
class Summary:
    files: int = 0
    processed: int = 0
    reused: int = 0
    removed: list[str] = field(default_factory=list)
    documents: int = 0
    records: int = 0
    errors: int = 0
    store_reset: bool = False
    seconds: float = 0.0
    inside_out: int = 0  # input files skipped because they lie inside the output folder


class _Lock:
    """An exclusive lock on OUT: a second run into the same folder fails at once."""

    def __init__(self, out: Path):
        import fcntl
        self.path = out / STATE_DIR / "lock"
        try:
            self.f = open(self.path, "a+")
        except OSError as e:
            raise OutputError(f"cannot write to output folder {out}: {e.strerror or e}") from e
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            self.f.close()
            raise OutputError(f"another policytrace run is writing to {out} (its lock is held); "
                              "wait for it or choose another --out") from e

    def release(self) -> None:
        self.f.close()


def read_manifest(out: Path) -> Optional[dict]:
    """OUT's manifest (None when there is none); an OutputError when the file is not one that
    policytrace wrote (another tool's manifest.json, or a damaged one), so that a folder of
    someone else's is never taken for an output nor written into."""
    m = out / MANIFEST
    try:
        text = m.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise OutputError(f"{out} is not a policytrace output: cannot read its {MANIFEST} ({e})") from e
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise OutputError(f"{out} is not a policytrace output: its {MANIFEST} was not written by policytrace")
    return data


def prepare_out(out_dir: str | Path) -> Path:
    """The output folder, created if missing, refused with a clear reason if it cannot be."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.is_dir():
        read_manifest(out)  # another tool's folder is refused before anything is written into it
    try:
        (out / STATE_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out}: {e.strerror or e}") from e
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"output folder {out} is not writable")
    return out


def _clean_temp(out: Path) -> None:
    """Temp files a killed run left behind (only the names policytrace itself makes)."""
    names = export.TARGET_FILES + (MANIFEST, "targets.spool.jsonl")
    for p in out.glob(".*.tmp"):
        if any(p.name.startswith(f".{n}.") for n in names):
            try:
                p.unlink()
            except OSError:
                pass


def discover(paths: Iterable[str | Path], out: Path, skipped: Optional[list] = None) -> list[Path]:
    """Input files in a stable order, without anything inside OUT (the tool's own output); those
    left out are appended to SKIPPED when given."""
    out_r = out.resolve()
    files = []
    for p in ingest.iter_paths(paths):
        try:
            rp = p.resolve()
        except (OSError, RuntimeError):  # a symlink loop: left for the key check to name
            files.append(p)
            continue
        if rp == out_r or out_r in rp.parents:
            if skipped is not None:
                skipped.append(p)
            continue
        files.append(p)
    return files


def run(paths: Iterable[str | Path], out_dir: str | Path, workers: int = 0, limits: Limits = Limits(),
        use_encoder: bool = True, on_result: Optional[Callable[[DocResult], None]] = None,
        series: Optional[Callable] = None, on_plan: Optional[Callable[[Summary, int], None]] = None,
        formats: Iterable[str] = export.FORMATS, spacy_model: Optional[str] = None,
        on_status: Optional[Callable[[str], None]] = None, scheduler: Optional[str] = None) -> Summary:
    """Extract PATHS into OUT_DIR incrementally; see the module docstring.  ON_STATUS hears what
    the run is waiting for (models loading, alignment, writing) for a status line.  SCHEDULER
    ("tcp://HOST:PORT" or "local:N") runs the per-document work on Dask instead of the local
    worker pool; the store, the alignment and the outputs are the same."""
    t0 = time.perf_counter()
    out = prepare_out(out_dir)
    lock = _Lock(out)
    opts = _Options(workers, limits, use_encoder, on_result, series, on_plan, tuple(sorted({"jsonl", *formats})),
                    spacy_model, on_status or (lambda msg: None), scheduler)
    try:
        _clean_temp(out)
        store = Store(out)
        try:
            return _run(paths, out, store, opts, t0)
        finally:
            store.close()
    finally:
        lock.release()


@dataclass(frozen=True)
class _Options:
    workers: int
    limits: Limits
    use_encoder: bool
    on_result: Optional[Callable]
    series: Optional[Callable]
    on_plan: Optional[Callable]
    formats: tuple[str, ...]
    spacy_model: Optional[str]
    status: Callable[[str], None]
    scheduler: Optional[str] = None


def _run(paths, out, store, o: _Options, t0) -> Summary:
    s = Summary(store_reset=store.reset)
    inside: list[Path] = []
    files = discover(paths, out, inside)
    s.files, s.inside_out = len(files), len(inside)
    max_bytes = resources.config()["max_document_chars"] * 4
    # the store and the outputs know a file by its displayable path (see ingest.display)
    keys: dict[str, tuple[Optional[str], Optional[str]]] = {ingest.display(p): file_key(p, max_bytes) for p in files}
    real = {ingest.display(p): str(p) for p in files}
    known = store.known()
    s.removed = sorted(p for p in known if p not in keys or keys[p][0] is None)
    store.drop(s.removed)
    todo = [p for p, (sha, _) in keys.items() if sha is not None and known.get(p) != sha]
    s.reused = sum(1 for p, (sha, _) in keys.items() if sha is not None and known.get(p) == sha)
    if o.on_plan:
        o.on_plan(s, len(todo))
    inputs = hashlib.sha256(json.dumps([sorted((p, k[0] or k[1]) for p, k in keys.items()), o.formats])
                            .encode()).hexdigest()
    if not todo and not s.removed and not store.reset and _manifest_inputs(out) == inputs:
        # nothing changed since the outputs on disk were written: they stand
        s.documents, s.records, s.errors = _counts(out)
        s.seconds = time.perf_counter() - t0
        return s
    try:
        (out / MANIFEST).unlink()  # the set on disk is about to change
    except FileNotFoundError:
        pass
    transient: dict[str, DocResult] = {}
    if todo:
        if o.scheduler:
            from .cluster import DaskPool
            o.status(f"starting the Dask workers ({o.scheduler}); each loads the models on its first document")
            pool_cm = DaskPool(o.scheduler, use_encoder=o.use_encoder, spacy_model=o.spacy_model)
        else:
            o.status(f"loading the models in {min(o.workers or default_workers(), len(todo))} worker(s)")
            pool_cm = WorkerPool(o.workers, o.limits, use_encoder=o.use_encoder, spacy_model=o.spacy_model)
        with pool_cm as pool:
            for idx, res, vectors in pool.map([real[p] for p in todo]):
                path = todo[idx]
                if res.error and _TRANSIENT.match(res.error.reason):
                    transient[path] = res  # reported now, tried again next run
                else:
                    store.put(path, keys[path][0], res, vectors)
                s.processed += 1
                if o.on_result:
                    o.on_result(res)

    def final() -> Iterator[DocResult]:
        for p in files:
            key = ingest.display(p)
            sha, why = keys[key]
            if sha is None:
                yield DocResult(path=key, error=DocError(key, ingest.doc_id(p), why, "ingest"))
                continue
            got = next(store.results([key]), None)
            yield got if got is not None else transient[key]

    series = o.series or partial(_series, known=store.vectors)

    def aligning(rows):
        o.status(f"aligning series over the store ({len(rows)} records)")
        return series(rows)

    o.status("writing the outputs")
    for res in export.write(unique_ids(final()), out, series=aligning, formats=o.formats):
        if res.error:
            s.errors += 1
        else:
            s.documents += 1
            s.records += len(res.targets)
    write_manifest(out, inputs, s)
    s.seconds = time.perf_counter() - t0
    return s


def _manifest_inputs(out: Path) -> Optional[str]:
    """The inputs digest of the outputs on disk, if they are one run's complete set."""
    try:
        check_manifest(out, required=True)
        return read_manifest(out).get("inputs")
    except (OutputError, OSError, ValueError):
        return None


def _counts(out: Path) -> tuple[int, int, int]:
    m = read_manifest(out) or {}
    return m.get("documents", 0), m.get("records", 0), m.get("errors", 0)


def unique_ids(results: Iterable[DocResult]) -> Iterator[DocResult]:
    """One document per id: the first good document keeps it; a later good one with the same id
    (same stem, or a sidecar's "doc") becomes an error.  A failed file never takes an id, so it
    cannot take a good document down with it."""
    seen: dict[str, str] = {}
    for r in results:
        if r.document is not None:
            d = r.document.doc
            if d in seen:
                r = DocResult(path=r.path, error=DocError(
                    r.path, d, f"duplicate document id {d!r} (also {seen[d]})", "ingest"))
            else:
                seen[d] = r.path
        yield r


def _series(rows, known=None):
    """Alignment over the whole store, in this (the parent) process.  The workers embedded each
    document's phrases and the catalogue ships its vectors, so the model loads here only for a
    text no lookup knows (results stored by --no-encoder workers)."""
    from .align import align_records
    from .encoder import load_encoder
    if not rows:
        return []
    return align_records(rows, load_encoder(), known)


def write_manifest(out: Path, inputs: str, s: Summary) -> None:
    """Written last: the output files of one run and their hashes.  A folder without it, or
    whose files do not match it, holds an interrupted run's outputs."""
    files = {}
    for name in export.TARGET_FILES:
        p = out / name
        if p.exists():
            h = hashlib.sha256()
            with open(p, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
            files[name] = h.hexdigest()
    with export.atomic_open(out / MANIFEST) as f:
        json.dump({"schema_version": SCHEMA_VERSION, "files": files, "inputs": inputs,
                   "documents": s.documents, "records": s.records, "errors": s.errors}, f, indent=1)


def check_manifest(out: Path, required: bool = False) -> None:
    """Raise if OUT's files are not the complete set of one run."""
    manifest = read_manifest(out)
    if manifest is None:
        if required:
            raise OutputError(f"{out} has no {MANIFEST}")
        return  # written by an older version, or a folder assembled by hand
    want = manifest["files"]
    for name, digest in want.items():
        p = out / name
        h = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
        if h != digest:
            raise OutputError(f"{out} holds the outputs of an interrupted run ({name} does not match "
                              f"{MANIFEST}); run `policytrace extract` again")


__all__ = ["run", "Summary", "Limits", "unique_ids", "check_manifest", "read_manifest", "discover", "prepare_out"]
