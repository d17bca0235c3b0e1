"""Documents processed in child processes: each worker loads the models once, reads and extracts
one document at a time under a wall-time and a memory limit, and is replaced when it hangs,
crashes or grows past the limit; that document alone becomes an error line.

Workers are started with the "spawn" method (no inherited threads or locks) and pinned to one
compute thread each (OpenMP, BLAS, torch), so N workers use N cores and never fight.  The
largest files start first; results come back as they are done, each with its input index, so
the caller can keep them at once (the batch stores each the moment it arrives and writes the
outputs in input order from the store, so they do not depend on the number of workers).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .records import DocError, DocResult

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "TOKENIZERS_PARALLELISM")


@dataclass(frozen=True)
class Limits:
    timeout: float = 300.0          # wall seconds per document
    memory: int = 2 << 30           # bytes a worker may grow by while reading one document
    startup: float = 600.0          # wall seconds to load the models


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _statm(pid, field: int) -> int:
    """A /proc/PID/statm field in bytes (0: total program size, 1: resident), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def rss(pid: int) -> int:
    """Resident bytes of PID (Linux /proc), 0 if unknown."""
    return _statm(pid, 1)


def _worker(conn, use_encoder: bool, spacy_model: Optional[str], memory: int) -> None:
    """A child: load the models, then answer (index, path) with (index, DocResult, vectors)
    until None; vectors are the document's alignment phrases embedded (see
    Extractor.alignment_vectors)."""
    for var in THREAD_VARS:
        os.environ[var] = "false" if var == "TOKENIZERS_PARALLELISM" else "1"
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    try:
        from .runner import Extractor
        ex = Extractor(use_encoder=use_encoder, spacy_model=spacy_model, threads=1)
        if use_encoder:
            ex.encoder  # load now, not inside the first document's time limit
    except Exception as e:  # a missing model: say so once instead of failing every document
        conn.send(("failed", f"{type(e).__name__}: {e}"))
        return
    try:
        import resource
        vm = _vm_size()
        if vm:
            resource.setrlimit(resource.RLIMIT_AS, (vm + memory, resource.RLIM_INFINITY))
    except (ImportError, ValueError, OSError):
        pass  # no address-space limit here; the parent's RSS watch still applies
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        idx, path = task
        from .ingest import display, doc_id
        try:
            res = ex.process_path(Path(path))
            conn.send((idx, res, ex.alignment_vectors(res)))
            continue
        except MemoryError:
            reason = "memory limit exceeded"
        except Exception as e:  # process_path contains its own errors; this is the last guard
            reason = f"internal error: {type(e).__name__}: {e}"
        conn.send((idx, DocResult(path=display(path), error=DocError(display(path), doc_id(Path(path)), reason,
                                                                    "extract")), {}))


def _vm_size() -> int:
    return _statm("self", 0)


class _Slot:
    def __init__(self, ctx, args):
        self.parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(child,) + args, daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.task: Optional[tuple[int, str]] = None
        self.since = time.monotonic()
        self.base_rss = 0

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError):
            pass
        self.proc.join(5)
        self.parent.close()


class WorkerPool:
    """``with WorkerPool(2) as pool: for idx, res, vectors in pool.map(paths): ...``"""

    def __init__(self, workers: int = 0, limits: Limits = Limits(), use_encoder: bool = True,
                 spacy_model: Optional[str] = None):
        self.n = workers or default_workers()
        self.limits = limits
        self.args = (use_encoder, spacy_model, limits.memory)
        self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.queue: list[tuple[int, str]] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        for s in self.slots:
            try:
                s.parent.send(None)
            except (OSError, BrokenPipeError):
                pass
        # a worker told to stop has nothing left to say; waiting for torch's teardown costs
        # about a second per run, so it gets a moment and is then killed
        for s in self.slots:
            s.proc.join(0.2)
            if s.proc.is_alive():
                s.kill()
        self.slots = []

    def _spawn(self) -> _Slot:
        return _Slot(self.ctx, self.args)

    def map(self, paths: Iterable[str]) -> Iterator[tuple[int, DocResult, dict[str, bytes]]]:
        """(index, result, alignment vectors) for every path, as each is done."""
        from multiprocessing.connection import wait
        todo = list(enumerate(paths))
        if not todo:
            return
        self.slots = [self._spawn() for _ in range(min(self.n, len(todo)))]
        # the largest files first (the longest-processing-time rule): a long document started
        # last would leave the other workers idle while it runs
        self.queue = queue = sorted(todo, key=lambda t: (file_size(t[1]), -t[0]))
        done: dict[int, tuple[DocResult, dict]] = {}
        left = len(todo)
        while left:
            for s in list(self.slots):
                if s.ready and s.task is None and queue:
                    s.task = queue.pop()
                    s.since = time.monotonic()
                    s.base_rss = rss(s.proc.pid)
                    s.parent.send(s.task)
            conns = [s.parent for s in self.slots]
            for conn in wait(conns, timeout=0.5):
                s = next(x for x in self.slots if x.parent is conn)
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    self._lost(s, done, "worker crashed (exit code {code})")
                    continue
                if msg[0] == "ready":
                    s.ready = True
                elif msg[0] == "failed":
                    for s2 in self.slots:
                        s2.kill()
                    from .errors import ResourceError
                    raise ResourceError(f"worker could not load the models: {msg[1]}")
                else:
                    idx, res, vecs = msg
                    done[idx] = (res, vecs)
                    s.task = None
            now = time.monotonic()
            for s in list(self.slots):
                if s.task is not None:
                    if now - s.since > self.limits.timeout:
                        self._lost(s, done, f"timeout after {self.limits.timeout:g} s")
                    elif rss(s.proc.pid) - s.base_rss > self.limits.memory:
                        self._lost(s, done, f"memory limit {_human(self.limits.memory)} exceeded")
                elif not s.ready and now - s.since > self.limits.startup:
                    raise TimeoutError(f"worker did not load the models in {self.limits.startup:g} s")
                elif not s.proc.is_alive() and not s.ready:
                    from .errors import ResourceError
                    raise ResourceError(f"worker exited while loading the models (exit code {s.proc.exitcode})")
            for idx in sorted(done):
                yield (idx, *done.pop(idx))
                left -= 1

    def _lost(self, s: _Slot, done: dict, reason: str) -> None:
        """The worker of S is gone or must go: its document becomes an error; a new worker
        takes its place."""
        code = s.proc.exitcode
        s.kill()
        if s.task is not None:
            idx, path = s.task
            from .ingest import display, doc_id
            done[idx] = (DocResult(path=display(path), error=DocError(
                display(path), doc_id(Path(path)), reason.format(code=code), "extract")), {})
        if self.queue:
            self.slots[self.slots.index(s)] = self._spawn()
        else:
            self.slots.remove(s)  # nothing left for a new worker to do


def file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _human(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"
