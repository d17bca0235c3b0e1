"""The encoder: a text's vector is a function of the text alone, the shipped vectors are current,
and nothing depends on a vector's last digits (which differ between processors)."""
import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

from policytrace import resources
from policytrace.encoder import DIM, TOLERANCE, VECTORS_FILE, Encoder, differing, shipped_vectors

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

PHRASES = ["renewable energy share", "R&D expenditure", "GDP", "installed capacity of offshore wind",
           "share of electric vehicles in new car sales", "a", "broadband coverage", "GDP per capita",
           "energy intensity", "research and development spending as a share of GDP"]


@pytest.fixture(scope="module")
def bare(encoder):
    """The process's model without any shipped vectors, so every row is computed."""
    enc = Encoder(encoder.package, batch=encoder.batch)
    enc._model = encoder.load()._model
    return enc


def test_a_vector_does_not_depend_on_its_batch(bare):
    alone = np.vstack([bare.compute([p]) for p in PHRASES])
    together = bare.compute(PHRASES)
    shuffled = bare.compute(list(reversed(PHRASES)))[::-1]
    # one process, one machine: the same to the last bit (a padded batch moves a vector ~1e-7)
    assert np.array_equal(alone, together)
    assert np.array_equal(together, shuffled)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_lookups_come_before_the_model(bare):
    calls = []
    fake = np.full(384, 0.5, dtype=np.float32)

    def known(texts):
        calls.append(list(texts))
        return {t: fake for t in texts if t == "GDP"}

    out = bare.encode(["GDP", "energy intensity", "GDP"], known)
    assert calls == [["GDP", "energy intensity"]]
    assert np.array_equal(out[0], fake) and np.array_equal(out[2], fake)
    assert np.array_equal(out[1], bare.compute(["energy intensity"])[0])


def test_the_model_loads_only_for_an_unknown_text():
    enc = Encoder("no_such_encoder_package", {"GDP": np.ones(384, dtype=np.float32)})
    assert enc.encode(["GDP"]).sum() == 384 and not enc.loaded
    from policytrace.errors import ResourceError
    with pytest.raises(ResourceError, match="not installed"):
        enc.encode(["something else"])


@pytest.fixture(scope="module")
def fresh(bare):
    """This machine's vectors of every text the shipped file must hold."""
    from make_vectors import texts
    return dict(zip(texts(), bare.compute(texts())))


def test_shipped_vectors_are_current(fresh):
    from make_vectors import check
    assert check(fresh=fresh) == [], f"run tools/make_vectors.py to refresh models/{VECTORS_FILE}"


def _rewrite(tmp_path, change):
    """A copy of the shipped vector file with CHANGE(texts, vectors) applied."""
    from policytrace import resources
    with np.load(resources.models_dir() / VECTORS_FILE, allow_pickle=False) as z:
        texts, vectors, enc = z["texts"].tolist(), z["vectors"].copy(), z["encoder"]
    change(texts, vectors)
    out = tmp_path / VECTORS_FILE
    np.savez(out, texts=np.array(texts), vectors=vectors, encoder=enc)
    return out


def test_a_catalogue_form_changed_without_rebuilding_is_caught(bare, fresh, monkeypatch):
    """The issue's case: one surface form of the catalogue edited, models/vectors.npz left as it
    was: the check names the new form (no vector) and the old one (no longer wanted)."""
    from policytrace import align
    from policytrace.domains import prototype_forms
    forms = align.catalogue_forms()
    old = next(f for f in forms[len(forms) // 2:] if f not in prototype_forms()[1])
    new = old + " of the region"
    monkeypatch.setattr(align, "catalogue_forms", lambda: sorted({*forms, new} - {old}))
    from make_vectors import check
    assert check(fresh={**fresh, new: bare.compute([new])[0]}) == sorted([old, new])


def test_a_stale_vector_is_caught_and_rounding_is_not(bare, fresh, tmp_path):
    """A row that still holds the vector of an older wording of its text fails the check, by
    the tolerance alone (the names are right); another machine's rounding (every element moved
    by a tenth of the tolerance) passes; rows that do not pair up with names fail whole."""
    from make_vectors import check
    form = sorted(fresh)[len(fresh) // 2]

    def old_vector(ts, vs):
        vs[ts.index(form)] = bare.compute([form + " of the region"])[0]

    def rounded(ts, vs):
        vs += np.random.default_rng(0).uniform(-TOLERANCE / 10, TOLERANCE / 10, vs.shape).astype(vs.dtype)

    def duplicated(ts, vs):
        ts[0] = ts[1]

    assert check(_rewrite(tmp_path, old_vector), fresh) == [form]
    assert check(_rewrite(tmp_path, rounded), fresh) == []
    assert len(check(_rewrite(tmp_path, duplicated), fresh)) == len(fresh)


def test_differing_names_missing_extra_and_moved_texts():
    v = np.zeros(DIM, dtype=np.float32)
    w = v.copy()
    w[7] = 2 * TOLERANCE
    a = {"same": v, "moved": v, "only in a": v, "rounded": v + TOLERANCE / 2}
    b = {"same": v, "moved": w, "only in b": v, "rounded": v}
    assert differing(a, b) == ["moved", "only in a", "only in b"]
    assert differing({"nan": v + np.nan}, {"nan": v}) == ["nan"]
    assert differing({"cut": v[:100]}, {"cut": v}) == ["cut"]


def _jitter(text: str, size: float) -> np.ndarray:
    """A fixed pseudo-random move of up to SIZE per element, different for every text."""
    seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).uniform(-size, size, DIM).astype(np.float32)


class _OtherMachine(Encoder):
    """The encoder as another processor runs it: every vector, shipped or computed, off by up to
    SIZE in every element."""

    def __init__(self, bare, shipped, size):
        super().__init__(bare.package, {t: v + _jitter(t, size) for t, v in shipped.items()}, batch=bare.batch)
        self._model, self.size, self.calls = bare._model, size, 0

    def compute(self, texts):
        self.calls += 1
        out = super().compute(texts)
        return out + np.vstack([_jitter(t, self.size) for t in texts]) if len(texts) else out


def _write(extractor, src, out):
    from policytrace import export
    for _ in export.write(extractor.run([src]), out, series=extractor.series, formats=("jsonl",)):
        pass
    return [(out / n).read_text(encoding="utf-8") for n in ("targets.jsonl", "documents.jsonl")]


@pytest.mark.parametrize("src,size", [("corpus", TOLERANCE), ("../shared/dev/docs", TOLERANCE), ("corpus", 0.2)],
                         ids=["demo", "dev", "control: a real change"])
def test_records_do_not_depend_on_a_vectors_last_digits(src, size, extractor, bare, tmp_path, monkeypatch):
    """Records, series and domains are the same when every vector moves by the tolerance: what
    another machine computes gives the committed demo output, and the same dev-set records.
    The control moves vectors 20,000 times as far and must change the demo's records, so the
    moved vectors are shown to reach alignment and domains."""
    from conftest import ROOT
    monkeypatch.chdir(ROOT)
    if not Path(src).is_dir():
        pytest.skip(f"{src} is not here")
    want = [(ROOT / "extracted" / n).read_text(encoding="utf-8") for n in ("targets.jsonl", "documents.jsonl")] \
        if src == "corpus" else _write(extractor, src, tmp_path / "here")
    other = _OtherMachine(bare, extractor.encoder.shipped, size)
    monkeypatch.setattr(extractor, "_encoder", other)
    got = _write(extractor, src, tmp_path / "there")
    assert other.calls  # the documents' own phrases were embedded by the moved encoder
    assert (got == want) == (size == TOLERANCE)


def test_shipped_vectors_are_ignored_for_another_encoder():
    assert shipped_vectors("some_other_encoder") == {}


def test_vectors_match_transformers_bert(bare):
    """The hand-written forward pass is BERT: transformers' own BertModel and tokenizer give the
    same token ids and (to float rounding) the same mean-pooled, normalised vectors."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from policytrace.encoder import model_path
    path = model_path(bare.package)
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    ours = bare.compute(PHRASES)
    for i, text in enumerate(PHRASES):
        enc = tok([text], truncation=True, max_length=128, return_tensors="pt")
        assert enc["input_ids"][0].tolist() == bare.load()._model.tokenizer.encode(text).ids
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state
        ref = torch.nn.functional.normalize(hidden.mean(1), p=2, dim=1)[0].numpy()
        assert np.abs(ours[i] - ref).max() < 1e-5, text


def test_vectors_match_sentence_transformers(bare):
    """The model as its publisher runs it (sentence-transformers reads the wheel's modules.json:
    BERT, mean pooling, normalisation) gives the same vectors."""
    from sentence_transformers import SentenceTransformer
    from policytrace.encoder import model_path
    st = SentenceTransformer(model_path(bare.package), device="cpu")
    ref = st.encode(PHRASES, batch_size=4, convert_to_numpy=True)
    assert np.abs(bare.compute(PHRASES) - ref).max() < 1e-5


def test_alignment_vectors_survive_the_memo_bound(extractor, monkeypatch):
    """A phrase embedded before the per-process memo is emptied is embedded again, not lost."""
    from policytrace import runner
    from policytrace.records import DocResult, Target

    def result(*metrics):
        return DocResult(path="x", targets=tuple(Target(doc="x", kind="target", metric=m, quote=m, start=0, end=1,
                                                        value=1.0, unit="percent") for m in metrics))

    monkeypatch.setattr(extractor, "_memo", {})
    monkeypatch.setattr(runner, "_MEMO_TEXTS", 1)
    first = extractor.alignment_vectors(result("energy intensity"))
    second = extractor.alignment_vectors(result("energy intensity", "broadband coverage"))
    assert first["energy intensity"] == second["energy intensity"]
    assert "broadband coverage" in second
