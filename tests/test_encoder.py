"""The encoder: a text's vector is a function of the text alone, and the shipped vectors are
current and equal to fresh ones."""
import sys
from pathlib import Path

import numpy as np
import pytest

from policytrace import resources
from policytrace.encoder import VECTORS_FILE, Encoder, shipped_vectors

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

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


def test_shipped_vectors_are_current_and_exact(bare):
    from make_vectors import texts
    want = texts()
    shipped = shipped_vectors(resources.config()["encoder_package"])
    assert sorted(shipped) == want, f"run tests/fixtures/make_vectors.py to refresh models/{VECTORS_FILE}"
    sample = want[::max(1, len(want) // 40)]
    assert np.array_equal(np.vstack([shipped[t] for t in sample]), bare.compute(sample))


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
