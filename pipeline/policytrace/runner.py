"""Running the stages over many inputs: one document at a time, errors contained per document."""
from __future__ import annotations

import math
import threading
import time
from functools import lru_cache
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import domains as domains_stage
from . import ingest, nlp, statements as targets_stage
from .time import expressions as timeexpr
from .errors import IngestError, PolicytraceError
from .records import DocError, DocResult, Document, align_row, alignable, in_alignment


_MEMO_TEXTS = 20000  # ~30 MB of phrase vectors per process


class Extractor:
    """Holds the loaded models; build one per process and reuse it."""

    def __init__(self, use_encoder: bool = True, spacy_model: Optional[str] = None,
                 threads: Optional[int] = None):
        from . import resources
        self.cfg = resources.config()
        self.nlp = nlp.load_nlp(spacy_model)
        from .quantities import lexicon
        lexicon()
        self._encoder = None
        self._memo: dict[str, bytes] = {}  # phrase vectors this process has embedded
        if use_encoder:
            from .encoder import load_encoder
            self._encoder = load_encoder()  # cheap: the weights load on the first unknown text
            if threads:
                # a pool worker: one compute thread, the weights loaded before the first document
                import torch
                torch.set_num_threads(threads)
                self._encoder.load()
            else:
                # torch and MiniLM take seconds to import and load: do it on the second core
                # while spaCy parses the first document
                threading.Thread(target=self._encoder.load, name="policytrace-encoder", daemon=True).start()

    @property
    def encoder(self):
        return self._encoder

    def alignment_vectors(self, res: DocResult) -> dict[str, bytes]:
        """The vectors alignment will need for RES's records, embedded here (in a worker, in
        parallel) so the parent only looks them up; float32 bytes by text."""
        if self._encoder is None or not res.targets:
            return {}
        from .align import alignment_texts, claims_of, phrase_of
        rows = [t.to_dict() for t in res.targets]
        texts = alignment_texts(phrase_of(d) for d in rows if alignable(d))
        texts = sorted(set(texts) | set(claims_of(rows).values()))
        memo = self._memo
        if len(memo) + len(texts) > _MEMO_TEXTS:
            memo.clear()  # a bound, not an eviction policy: phrases repeat within a batch mostly
        fresh = [t for t in texts if t not in memo]
        memo.update(zip(fresh, (v.tobytes() for v in self._encoder.encode(fresh))))
        return {t: memo[t] for t in texts}

    def process_raw(self, raw: Document) -> DocResult:
        parsed = nlp.parse_text(self.nlp, raw.text, self.cfg["pipe_batch_size"])
        subject = targets_stage.main_subject(parsed)
        # no stated date: the latest year the text reports on, never a number or a horizon; the
        # year the file's name states when it is not before that and no goal's (name_dated)
        ref = None if raw.published else targets_stage.reference_year(raw.text)
        recs = self._records(raw, parsed, subject, ref)
        named = None if raw.published else name_dated(raw.path, raw.text, ref, _goal_years(recs))
        if named is not None and named != ref:
            # relative dates ("this year", "over the next three years") from the name's year
            recs = self._records(raw, parsed, subject, named)
        labels, dspans = domains_stage.assign(parsed, self.encoder)
        orgs, org_spans, seen = [], [], set()
        for o in parsed.orgs:
            key = " ".join(o.text.lower().replace("’", "'").split())
            org_spans.append(o)
            if key not in seen:
                seen.add(key)
                orgs.append(o.text)
        horizon = sorted(_goal_years(recs))
        if raw.published:
            pub_year, inferred, source = int(raw.published[:4]), False, raw.published_source
        elif named is not None:
            pub_year, inferred, source = named, True, "inferred: file name"
        else:
            pub_year = ref
            inferred, source = pub_year is not None, ("inferred: latest year reported" if pub_year else None)
        document = replace(
            raw, published_year=pub_year, date_inferred=inferred, published_source=source,
            orgs=tuple(orgs), org_spans=tuple(org_spans), domains=labels, domain_spans=dspans,
            years=tuple(horizon), years_mentioned=tuple(sorted(set(timeexpr.bare_years(raw.text)))),
            subject=subject, tables=())
        return DocResult(path=raw.path, document=document, targets=tuple(recs))

    def _records(self, raw: Document, parsed, subject, ref: Optional[int]) -> list:
        return [r for r in targets_stage.extract(raw.doc, raw.text, parsed, raw.published, raw.tables, subject, ref)
                if _finite(r)]

    def series(self, rows):
        """Alignment of records across documents: ROWS (``align_row`` dicts) -> their series
        fields, in order (``align.align_records``)."""
        from .align import align_records
        from .encoder import load_encoder
        return align_records(rows, self._encoder or load_encoder())

    def process_path(self, path: Path) -> DocResult:
        """Never raises for a bad input: the reason is returned as the result's error."""
        doc = ingest.doc_id(path)
        try:
            raw = ingest.read(path)
        except IngestError as e:
            return DocResult(path=ingest.display(path), error=DocError(ingest.display(path), doc, e.reason, "ingest"))
        try:
            return self.process_raw(raw)
        except PolicytraceError as e:
            return DocResult(path=raw.path, error=DocError(raw.path, raw.doc, str(e), "extract"))
        except Exception as e:  # one bad document must not end the batch
            return DocResult(path=raw.path, error=DocError(
                raw.path, raw.doc, f"internal error: {type(e).__name__}: {e}", "extract"))

    def run(self, paths: Iterable[str | Path],
            on_result: Optional[Callable[[DocResult], None]] = None) -> Iterator[DocResult]:
        seen: dict[str, str] = {}
        for p in ingest.iter_paths(paths):
            doc = ingest.doc_id(p)
            if doc in seen:
                res = DocResult(path=ingest.display(p), error=DocError(
                    ingest.display(p), doc, f"duplicate document id {doc!r} (also {seen[doc]})", "ingest"))
            else:
                seen[doc] = ingest.display(p)
                res = self.process_path(p)
            if on_result:
                on_result(res)
            yield res


def _goal_years(recs) -> set[int]:
    """The years a document's records set goals for (its horizons: targets and milestones)."""
    return {r.year for r in recs if r.year is not None and r.kind in ("target", "milestone")}


def name_dated(path: str, text: str, ref: Optional[int], goals: Iterable[int] = ()) -> Optional[int]:
    """The publication year of a document that states no date, read from its file name
    (``ingest.name_year``), or None.  The text wins over the name: its year is not taken when
    it is before REF, the latest past year the text reports (a text reporting 2019 results was
    not published in 2018), or before a base year the text measures against; nor when the text
    sets a goal for it: one of GOALS (its records' target and milestone years, read without the
    name's year), a deadline ("by 2030"), or a plan or goal named with it ("Vision 2030", "the
    2030 target") unless the text reports on that very year.  A name year that passes comes
    before REF: REF only bounds the publication year from below (a plan reports on the years
    before it), and a name that agrees with it says which year it is."""
    year = ingest.name_year(path)
    if year is None or (ref is not None and year < ref) or year in set(goals):
        return None
    for t in timeexpr.find(text):
        if t.year and ((t.kind == "baseline" and year < t.year) or (t.year == year and (
                t.kind == "horizon" or (t.kind == "named" and year != ref)))):
            return None
    return year


def _finite(t) -> bool:
    """Every output is JSON: a record whose number overflowed is not one."""
    return all(v is None or math.isfinite(v) for v in (t.value, t.value_max, t.alt_value))


@dataclass
class Extraction:
    """What :func:`policytrace.extract` returns: records and documents as pandas DataFrames."""

    results: list[DocResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def targets(self):
        import pandas as pd
        from .records import Target
        rows = [t.to_dict() for r in self.results for t in r.targets]
        return pd.DataFrame(rows, columns=Target.columns())

    @property
    def documents(self):
        import pandas as pd
        rows = [r.document.to_dict() for r in self.results if r.document]
        return pd.DataFrame(rows)

    @property
    def errors(self) -> list[DocError]:
        return [r.error for r in self.results if r.error]

    def __repr__(self) -> str:
        """A line a user can read at a prompt, never the texts (``print(res)``)."""
        docs = sum(1 for r in self.results if r.document)
        recs = sum(len(r.targets) for r in self.results)
        return (f"Extraction({docs} documents, {recs} records, {len(self.errors)} errors, "
                f"{self.seconds:.1f} s; .targets, .documents, .errors)")


def extract(paths: Iterable[str | Path] | str | Path, extractor: Optional[Extractor] = None,
            align: bool = True) -> Extraction:
    """Extract records from files and folders; bad files end up in ``.errors``, and a path that
    does not exist raises IngestError before any work.  Records are aligned into series exactly
    as `policytrace extract` aligns them (``align=False`` skips it)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    missing = [p for p in paths if not Path(p).exists()]
    if missing:  # a path the user named that is not there is a mistake, not a document that failed
        raise IngestError(missing[0], "no such file or folder" + (f" (and {len(missing) - 1} more)"
                                                                 if len(missing) > 1 else ""))
    ex = extractor or default_extractor()
    t0 = time.perf_counter()
    results = list(ex.run(paths))
    if align:
        results = align_results(results, ex.series)
    return Extraction(results, time.perf_counter() - t0)


def align_results(results: list[DocResult], series: Callable) -> list[DocResult]:
    """The same series the CLI writes, set on the records of in-memory results."""
    rows = [align_row(d) for r in results for t in r.targets if in_alignment(d := t.to_dict())]
    fields = iter(series(rows) if rows else [])
    out = []
    for r in results:
        if not r.targets:
            out.append(r)
            continue
        ts = []
        for t in r.targets:
            if rows and in_alignment(t.to_dict()):
                f = next(fields)
                if f:
                    t = replace(t, **f)
            ts.append(t)
        out.append(replace(r, targets=tuple(ts)))
    return out


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """One Extractor per process, created on first use."""
    return Extractor()
