"""spaCy components: fast checks on a blank pipeline, then organisations on the real model."""
import pytest
import spacy

from conftest import load_cases

from policytrace import nlp as nlp_mod  # registers the factories


def test_domains_component_on_blank_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("policytrace_domains")
    doc = nlp("Work on superconducting quantum chips, AI and high-end chips; public security too.")
    labels = [(s.text, s.label_) for s in doc.spans["domains"]]
    assert ("superconducting quantum chips", "quantum technology") in labels
    assert ("AI", "artificial intelligence") in labels
    assert ("high-end chips", "integrated circuits") in labels
    assert not any(lab == "cybersecurity" for _, lab in labels)


def test_acronyms_match_case_sensitively():
    nlp = spacy.blank("en")
    nlp.add_pipe("policytrace_domains")
    assert not spacy.blank("en") is None
    doc = nlp("The ai of the matter")
    assert list(doc.spans["domains"]) == []


def test_sentence_component_splits_glued_sentences():
    nlp = nlp_mod.customize_tokenizer(spacy.blank("en"))
    nlp.add_pipe("policytrace_sentences")
    doc = nlp("It rose 6%.In the same year it fell.")
    (tok,) = [t for t in doc if t.text == "In"]
    assert tok.is_sent_start


def test_segments_keep_wrapped_lines_together():
    text = "A heading\n\nThis line is long enough to be a wrapped line of a paragraph, it goes on\nand ends here.\nShort line"
    segs = [s for _, s in nlp_mod.segments(text)]
    assert segs[0] == "A heading"
    assert "goes on\nand ends here." in segs[1]


def orgs(nlp, text):
    return [o.text for o in nlp_mod.parse_text(nlp, text).orgs]


def test_orgs_chains_titles_and_places(nlp):
    got = orgs(nlp, "Li Wei, Vice Mayor of the People's Government of Shanghai Municipality, said the "
                    "Ministry of Industry and Information Technology and Fudan University will open an "
                    "office in Lingang Special Area and Zhangjiang Science City.")
    assert "People's Government of Shanghai Municipality" in got
    assert "Ministry of Industry and Information Technology" in got
    assert "Fudan University" in got
    assert not any("Area" in o or "City" in o for o in got)


def test_orgs_events_documents_and_agents(nlp):
    got = orgs(nlp, 'The report was jointly released by Nikkei and Kyoto University at the Global '
                    'Tech Forum of Osaka Innovation Base. The Seoul city government said so.')
    assert "Kyoto University" in got and "Nikkei" in got
    assert "Seoul city government" in got
    assert not any("Forum" in o or "Innovation Base" in o for o in got)


def test_orgs_source_line(nlp):
    got = orgs(nlp, "Source: Ministry of Economy, Trade and Industry\n\nJapan plans more chips.")
    assert any(o.startswith("Ministry of Economy") for o in got)


def test_pos_component_maps_fine_tags():
    from spacy.tokens import Doc
    nlp = spacy.blank("en")
    pos = nlp.add_pipe("policytrace_pos")
    doc = Doc(nlp.vocab, words=["Output", "will", "exceed", "5", "%", "because", "it", "grew"],
              tags=["NN", "MD", "VB", "CD", "NN", "IN", "PRP", "VBD"],
              deps=["nsubj", "aux", "ROOT", "nummod", "dobj", "mark", "nsubj", "advcl"],
              heads=[2, 2, 2, 4, 2, 7, 7, 2])
    doc = pos(doc)
    assert [t.pos_ for t in doc] == ["NOUN", "AUX", "VERB", "NUM", "NOUN", "SCONJ", "PRON", "VERB"]


def test_orgs_with_comma_lists(nlp):
    got = orgs(nlp, "The Department for Science, Innovation and Technology and the Ministry of "
                    "Economy, Trade and Industry met officials from Beijing, Shanghai and Shenzhen.")
    assert "Department for Science, Innovation and Technology" in got
    assert "Ministry of Economy, Trade and Industry" in got
    assert not any("Shanghai" in o for o in got)


ORG_CASES = load_cases("orgs.jsonl")


@pytest.mark.parametrize("case", ORG_CASES, ids=[c["text"][:40] for c in ORG_CASES])
def test_orgs_golden(case):
    from policytrace.nlp import load_nlp, parse_text
    got = [o.text for o in parse_text(load_nlp(), case["text"]).orgs]
    for name in case["expected"]:
        assert name in got, (name, got)
    for name in case["absent"]:
        assert name not in got, (name, got)


@pytest.mark.parametrize("factory,needs", [("policytrace_orgs", "a tagger"), ("policytrace_pos", "a tagger")])
def test_missing_prerequisites_give_a_clear_error(factory, needs):
    from policytrace.errors import ComponentError
    blank = spacy.blank("en")
    blank.add_pipe(factory)
    with pytest.raises(ComponentError, match=f"{factory} needs {needs}.*before it in the pipeline"):
        blank("The Ministry of Science and Technology will fund 5G.")


def test_factories_declare_what_they_require_and_assign():
    meta = {name: spacy.Language.get_factory_meta(name) for name in
            ("policytrace_sentences", "policytrace_pos", "policytrace_orgs", "policytrace_domains")}
    assert meta["policytrace_orgs"].requires == ["doc.ents", "doc.sents", "token.tag", "token.dep"]
    assert meta["policytrace_orgs"].assigns == ["doc.spans"]
    assert meta["policytrace_pos"].assigns == ["token.pos"]
    assert meta["policytrace_sentences"].assigns == ["token.is_sent_start"]
    assert meta["policytrace_domains"].default_config == {"taxonomy": "taxonomy.json"}
    for m in meta.values():
        assert m.factory and (m.requires or m.assigns)


def test_readme_add_pipe_example_runs(capsys):
    """The README's example, run as written, on the real model."""
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- add_pipe example: tests/test_components.py runs this block -->", 1)[1]
    code = block.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md", "exec"), {})
    orgs, domains = capsys.readouterr().out.splitlines()
    assert "Ministry of Industry and Information Technology" in orgs
    assert "'5G networks'" in domains or "5G" in domains
    assert "artificial intelligence" in domains
    names = [n for n in README_FACTORIES if f"`{n}`" in readme]
    assert names == README_FACTORIES  # the README lists every factory


README_FACTORIES = ["policytrace_sentences", "policytrace_pos", "policytrace_orgs", "policytrace_domains"]
