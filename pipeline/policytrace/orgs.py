"""Organisations: the finder behind the ``policytrace_orgs`` component, and the checks that need
the whole document (``refine_orgs``).

Where names come from is ``models/rules/orgs.json``: its ``org.*`` rules are the finder's
sources, run in file order over one parsed paragraph (capitalised blocks and their chains,
'Source:' lines, agents of publication verbs, '<place> government', known names, the NER's ORG
entities, companies), its ``publisher.*`` rules the document's publishers (datelines, the line
under the headline, domains named as a source), and its patterns the checks a candidate must
pass.  The word lists are ``models/orgs.json`` (or the component's ``lexicon``).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator, Optional

from spacy.tokens import Doc
from spacy.util import filter_spans

from . import resources, rules
from .places import lookup as lookup_place
from .records import Span
from .rules import lexicon as lexicons

DEFAULT_LEXICON = "orgs.json"
_NOT_NAME_ENTS = ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")
_PLACE_ENTS = ("GPE", "LOC", "NORP")
_NOT_ORG = ("not_org_hub", "not_org_index", "not_org_scope")
_FUNCTION_POS = ("DET", "ADP", "ADV", "CCONJ", "SCONJ", "PRON", "AUX", "PART", "INTJ", "VERB")


# ------------------------------------------------------------------ the lexicon

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


@lru_cache(maxsize=4)
def lexicon(name: str = DEFAULT_LEXICON) -> dict:
    """The word lists of models/NAME as sets, with ``rules``: models/rules/orgs.json compiled
    with its word-list macros read from NAME."""
    d = resources.load(name)
    known = list(d["known_orgs"]) + list(d["known_org_phrases"])
    lx = {
        "org_heads": frozenset(d["org_heads"]),
        "qualified": {h: (d["head_qualifiers"][q]["otherwise"], frozenset(d["head_qualifiers"][q]["words"]))
                      for h, q in d["qualified_heads"].items()},
        "complement_preps": frozenset(d["complement_preps"]),
        "place_heads": frozenset(d["place_heads"]),
        "event_heads": frozenset(d["event_heads"]),
        "person_titles": frozenset(t.lower() for t in d["person_titles"]),
        "connectors": frozenset(d["connectors"]),
        "links": frozenset(d["chain_links"]),
        "pub_verbs": frozenset(_inflections(d["publication_verbs"])),
        "gov_levels": frozenset(d["government_levels"]),
        "known": frozenset(k.lower() for k in known if not k.isupper()),
        "known_exact": frozenset(known),
        "not_org_terms": frozenset(d["not_org_terms"]),
        "business_verbs": frozenset(d["business_verbs"]),
        "publisher_words": int(d["publisher_line_max_words"]),
        "tails": frozenset(d["name_tails"]),
        "inner": frozenset(d["inner_org_words"]),
        "generic": frozenset(d["generic_name_words"]),
        "company_suffixes": frozenset(d["company_suffixes"]),
        "unit_heads": frozenset(d["unit_heads"]),
        "speech": frozenset(d["speech_verbs"]),
        "honorifics": frozenset(d["honorifics"]),
        "portfolio_titles": frozenset(d["portfolio_titles"]),
        "place_preps": frozenset(d["place_preps"]),
        "lower_org_nouns": frozenset(d["lower_case_org_nouns"]),
        "months": frozenset(m.capitalize() for m in lexicons.words("quantities.json", "months")),
        "rules": rules.load("orgs") if name == DEFAULT_LEXICON else rules.load("orgs", ((DEFAULT_LEXICON, name),)),
    }
    lx.update({k: frozenset(v) for k, v in d["name_words"].items()})
    return lx


# ------------------------------------------------------------------ guards and actions

@rules.action("org.name")
def _name(m: re.Match, ctx: rules.Context, **_) -> str:
    """The candidate a text rule found: its group 'name'."""
    return m.group("name")


@rules.guard("org.name-starts")
def _name_starts(m: re.Match, ctx: rules.Context, prefixes=(), **_) -> bool:
    """Does the group 'name' start with one of PREFIXES (lower-cased; a web address)?"""
    return m.group("name").strip().lower().startswith(tuple(prefixes))


@rules.guard("org.name-has")
def _name_has(m: re.Match, ctx: rules.Context, words=(), **_) -> bool:
    """Does the group 'name' contain one of WORDS (an author list: 'et al')?"""
    return any(w in m.group("name") for w in words)


@rules.guard("publisher.cited")
def _cited(m: re.Match, ctx: rules.Context, **_) -> bool:
    """Is the match named as a source (pattern domain_cue just before it) or inside an ORG
    entity (fact ``ents``)?"""
    before = ctx.text[max(0, m.start() - 40):m.start()].lower()
    return bool(rules.load("orgs")["domain_cue"].search(before)) or any(
        e.label == "ORG" and e.start <= m.start() < e.end for e in ctx.get("ents", ()))


# ------------------------------------------------------------------ capitalised names

class NameGrammar:
    """What makes a run of capitalised words a name, and what kind of name it is: the blocks
    of capitalised words of a sentence (joined by the joiners of names, across one line break,
    through a comma list), the head of a block, and its kind (org, title, event, place, other)."""

    def __init__(self, lexicon: dict):
        self.lx = lexicon
        self.rs = lexicon["rules"]
        self.named: set = set()  # the left parts split_and found to be names of their own

    def is_cap(self, t) -> bool:
        s = t.text
        if s in self.lx["months"] or t.ent_type_ in _NOT_NAME_ENTS:
            return False
        return bool(s) and (s[0].isupper() or (s[0].isdigit() and any(c.isupper() for c in s))
                            or ("&" in s and len(s) > 1)) and not t.is_punct

    def blocks(self, sent) -> list[tuple[int, int]]:
        """Runs of capitalised words with internal connectors, as token ranges [s, e)."""
        toks = list(sent)
        blocks = []
        i = 0
        while i < len(toks):
            if not self.is_cap(toks[i]):
                i += 1
                continue
            j = self.block_end(toks, i)
            blocks.append((toks[i].i, toks[j - 1].i + 1))
            i = j
        return blocks

    def block_end(self, toks, i) -> int:
        """Where the block of capitalised words starting at toks[i] ends (exclusive)."""
        lx = self.lx
        j = i + 1
        while j < len(toks):
            t = toks[j]
            if self.is_cap(t):
                j += 1
                continue
            if t.is_space and t.text.count("\n") <= 1 and j + 1 < len(toks) and \
                    (self.is_cap(toks[j + 1]) or toks[j + 1].lower_ in lx["line_bridges"]):
                j += 1
                continue
            if t.text == "," and self.comma_list(toks, j) and any(
                    x.lower_ in lx["list_preps"] for x in toks[max(0, i - 2):j]):
                j += 1  # "Department for Science, Innovation and Technology"
                continue
            if t.text == "," and j + 1 < len(toks) and toks[j + 1].lower_ == "and" and \
                    j + 2 < len(toks) and self.is_cap(toks[j + 2]) and any(
                    x.lower_ in lx["list_preps"] for x in toks[max(0, i - 2):j]) and \
                    any(x.text == "," for x in toks[i:j]):
                j += 2  # the Oxford comma of the same list
                continue
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is not None and nxt.is_space and nxt.text.count("\n") <= 1 and j + 2 < len(toks):
                nxt = toks[j + 2] if self.is_cap(toks[j + 2]) else nxt
                skip = 3 if self.is_cap(nxt) else 2
            else:
                skip = 2
            if t.text in lx["joiners"] and nxt is not None and self.is_cap(nxt):
                if t.text in lx["possessives"] and (toks[j - 1].ent_type_ == "GPE" and j - 1 == i
                                                    or toks[j - 1].text in lx["org_heads"]):
                    break  # "Beijing's Ministry", "WIPO Organization's Index": possessive ends a name
                j += skip
                continue
            break
        return j

    def comma_list(self, toks, j) -> bool:
        """Does ', Cap(, Cap)* and Cap' follow position j (a comma) inside a name?"""
        k = j
        while k < len(toks) and toks[k].text == ",":
            k += 1
            if k < len(toks) and toks[k].lower_ == "and" and k > j + 1:
                return k + 1 < len(toks) and self.is_cap(toks[k + 1])  # the Oxford comma
            if k >= len(toks) or not self.is_cap(toks[k]):
                return False
            while k < len(toks) and self.is_cap(toks[k]):
                k += 1
        if k < len(toks) and toks[k].text == "," and k + 1 < len(toks) and toks[k + 1].lower_ == "and":
            k += 1  # "Ministry of Economy, Trade, and Industry"
        return k + 1 < len(toks) and toks[k].lower_ == "and" and self.is_cap(toks[k + 1])

    def head(self, doc, s, e) -> int:
        for k in range(s, e):
            if doc[k].lower_ in self.lx["head_breaks"]:
                return k - 1
        while e - 1 > s and self.rs["head_numeral"].search(doc[e - 1].text):
            e -= 1  # "Parameter II", "Vision 2030"
        return e - 1

    def classify(self, doc, s, e, chained: bool = False) -> str:
        lx = self.lx
        words = [t.text for t in doc[s:e]]
        text = doc[s:e].text
        if text.lower() in lx["person_titles"] or " ".join(words[-2:]).lower() in lx["person_titles"] \
                and len(words) <= 3:
            return "title"
        h = doc[self.head(doc, s, e)].text
        if h in lx["event_heads"]:
            return "event"
        if h in lx["place_heads"]:
            return "place"
        hi = self.head(doc, s, e)
        pre = [t.text for t in doc[s:hi + 1]]
        if h in lx["qualified"]:
            otherwise, qualifiers = lx["qualified"][h]
            complement = hi + 2 < e and doc[hi + 1].lower_ in lx["complement_preps"]
            return "org" if complement or any(w in qualifiers for w in pre[:-1]) else otherwise
        if text.lower() in lx["known"] or text in lx["known_exact"]:
            return "org"
        if len(words) < 2 and not chained:
            return "other"  # "Statistics show", "Government" alone
        if h in lx["org_heads"]:
            return "org"
        head_tok = doc[self.head(doc, s, e)]
        if any(w in lx["inner"] for w in pre[:-1]) and (
                h in lx["tails"] or head_tok.ent_type_ in _PLACE_ENTS):
            return "org"  # "Microsoft Research Asia", "China Daily International Edition"
        return "other"

    def place_tail(self, doc, s, e) -> int:
        """Where a name ends before 'on'/'in' and a place or person the NER tells ('Marine
        Energy Centre on Orkney'): the name without it."""
        for k in range(s + 1, e - 1):
            if doc[k].lower_ not in self.lx["head_breaks"]:
                continue
            ner_end = k - s > 1 and doc[k].lower_ in self.lx["place_preps"] and doc[s].ent_type_ == "ORG" \
                and doc[k - 1].ent_type_ == "ORG" and doc[k].ent_iob_ != "I"
            if ner_end or all(t.ent_type_ in _PLACE_ENTS + ("PERSON",) for t in doc[k + 1:e]):
                return k  # the NER's name ends there, too
        return e

    def split_and(self, doc, s, e) -> list[tuple[int, int]]:
        """'Springer Nature and Tsinghua University' are two organisations; so are the parts of
        'Ministry of Industry and Information Technology and Fudan University', and of 'Ford and
        General Motors' (the left part, a bare name, goes into ``named``: an organisation)."""
        p = s - 1
        while p >= 0 and doc[p].lower_ == "the":
            p -= 1
        two_places = s + 1 < e and doc[s + 1].lower_ == "and" and lookup_place(doc[s].text) is not None
        complement = p >= 0 and doc[p].lower_ in self.lx["links"] and not two_places  # "Perth and Kinross"
        for k in range(e - 2, s, -1):
            if doc[k].lower_ in ("and", "&"):
                left, right = (s, k), (k + 1, e)
                nxt = doc[k + 1]
                listed = complement and nxt.text not in self.lx["generic"] and nxt.ent_iob_ != "I"
                if doc[k].text != "&" and self.classify(doc, *right) == "org" and (
                        listed or self.classify(doc, *left) == "org"):
                    return self.split_and(doc, s, k) + [right]
                if self.classify(doc, *right) == "org" and self.bare_name(doc, s, k, e):
                    self.named.add(left)
                    return [left, right]
        return [(s, e)]

    def bare_name(self, doc, s, k, e) -> bool:
        """Is doc[s:k], before 'and' or '&' (doc[k]), a name of its own: proper nouns, not a
        place, no word of a body's subject ('Ford and General Motors', 'Halden Labs & Norvik
        University'; not 'Oil and Gas Centre', 'Perth and Kinross Council')?  Before 'and' it
        is one word, as longer names join their parts with 'and' too ('Power and Lighting')."""
        toks = doc[s:k]
        if doc[k].text != "&" and (len(toks) != 1 or doc[k + 1].ent_iob_ == "I"):
            return False  # the NER sees one name
        if doc[e - 1].text in self.lx["company_suffixes"]:
            return False  # "Johnson & Johnson Inc": the suffix is the whole name's
        return all(t.pos_ == "PROPN" and t.text not in self.lx["generic"] for t in toks) and not all(
            t.ent_type_ in _PLACE_ENTS or lookup_place(t.text) is not None for t in toks)


# ------------------------------------------------------------------ the finder

class OrgFinder:
    """Organisations as clean spans: capitalised names whose head makes them an organisation,
    publishers in 'Source:' lines and 'released by X' agents, and '<place> government'; each
    source is a rule of models/rules/orgs.json."""

    def __init__(self, lexicon: dict):
        self.lx = lexicon
        self.rs = lexicon["rules"]
        self.names = NameGrammar(lexicon)
        self._sources: dict[str, Callable] = {
            "org.chain": self._chains, "org.source_line": self._source_line, "org.agent": self._agents,
            "org.government": self._government, "org.known_entity": self._known_entities,
            "org.known_word": self._known_word, "org.known_name": self._known_name,
            "org.entity": self._entities, "org.company": self._companies,
            "org.apposition": self._named_candidate, "org.citation": self._named_candidate,
            "org.kind_before": self._named_candidate, "org.listed": self._listed,
        }

    def find(self, doc: Doc) -> list:
        """Every source's spans (rules in file order), cleaned."""
        blocks = [(sent, self.names.blocks(sent)) for sent in doc.sents]
        text = doc.text  # spaCy builds it from the tokens at every access: once per paragraph
        found: list = []
        for r in self.rs.rules:
            if r.id.startswith("org."):
                found.extend(self._run(r.id, doc, text, found, blocks))
        return self._clean(doc, found)

    def source(self, rule_id: str, doc: Doc) -> list:
        """The spans of one source alone, uncleaned (what a rule's examples show)."""
        return self._run(rule_id, doc, doc.text, [], [(sent, self.names.blocks(sent)) for sent in doc.sents])

    def _run(self, rule_id: str, doc: Doc, text: str, found: list, blocks: list) -> list:
        fn = self._sources[rule_id]
        return [sp for h in self.rs.hits(text, only={rule_id}) for sp in fn(doc, h, found, blocks)]

    # -- the sources: fn(doc, hit, found, blocks) -> spans
    def _chains(self, doc, hit, found, blocks):
        """org.chain: each sentence's blocks, split at 'and', chained by links."""
        out = []
        self.names.named.clear()
        for _sent, sent_blocks in blocks:
            parts = []
            for s, e in sent_blocks:
                while s < e and doc[s].lower_ in self.lx["articles"]:
                    s += 1
                if s < e:
                    parts.extend(self.names.split_and(doc, s, e))
            out.extend(self._chain(doc, parts))
        return out

    def _chain(self, doc, blocks) -> list:
        out = []
        k = 0
        while k < len(blocks):
            s, e = blocks[k]
            chain_end, m = self._links(doc, blocks, k)
            kind = "org" if (s, e) in self.names.named else self.names.classify(doc, s, e, chained=m > k)
            if kind == "title":
                k += 1
                continue
            if kind == "org":
                out.append(doc[s:chain_end if m > k else self.names.place_tail(doc, s, e)])
                k = m + 1
                continue
            if kind == "other" and m > k and all(t.ent_type_ == "PERSON" for t in doc[s:e]):
                k += 1  # "Jane Roe of the Norvik Centre for Law": a person of an organisation
                continue
            if kind in ("event", "place", "other") and m > k:
                k = m + 1  # "Forum of X Base", "Construction of X Center": X is part of a name
                continue
            k += 1
        return out

    def _whole(self, doc, s, e) -> bool:
        """Is doc[s:e] an organisation of its own, not a unit of the one 'at' it ('School of
        Policy at Norvik University'; orgs.json unit_heads)?"""
        return self.names.classify(doc, s, e) == "org" and \
            doc[self.names.head(doc, s, e)].text not in self.lx["unit_heads"]

    def _links(self, doc, blocks, k) -> tuple[int, int]:
        """Follow "of (the) X", "at X" links from block K: (end of the chain, its last block)."""
        lx = self.lx
        chain_end, m = blocks[k][1], k
        while m + 1 < len(blocks):
            ns, ne = blocks[m + 1]
            gap = [t.lower_ for t in doc[chain_end:ns]]
            if gap and gap[0] in lx["weak_links"] and self._whole(doc, *blocks[k]):
                break  # "Centre for Law at Norvik University": two organisations
            if gap and gap[0] in lx["links"] and all(g == "the" for g in gap[1:]) and \
                    (gap[0] not in lx["weak_links"] or self.names.classify(doc, ns, ne) == "org"):
                chain_end, m = ne, m + 1
            else:
                break
        return chain_end, m

    def _source_line(self, doc, hit, found, blocks):
        """org.source_line: the name after 'Source:'."""
        sp = doc.char_span(*hit.match.span("name"), alignment_mode="contract")
        if sp is not None and len(sp) <= self.rs.rule(hit.rule).args["max_tokens"]:
            yield sp

    def _government(self, doc, hit, found, blocks):
        """org.government: 'government' or 'parliament' with the place (and level) before it, a
        place's code in capitals or a leader's name ('the Roe government'); or 'government of'
        and the place."""
        sp = doc.char_span(hit.start, hit.end)
        if sp is None:
            return
        tok = sp[0]
        s = tok.i
        if s > 0 and doc[s - 1].lower_ in self.lx["gov_levels"]:
            s -= 1
        prev = doc[s - 1] if s > 0 else None
        if tok.i + 1 < len(doc) and doc[tok.i + 1].text[:1].isupper():
            return  # "the World Government Summit": 'government' is not the head
        if prev is not None and (prev.ent_type_ in ("GPE", "NORP", "PERSON") or self._place_code(prev)
                                 or self._leader(doc, prev)):
            g = s - 1
            while g > 0 and doc[g].ent_iob_ == "I":
                g -= 1
            yield doc[g:tok.i + 1]  # "the Norvik government", "the NRV government"
        elif tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "of" and doc[tok.i + 2].ent_type_ == "GPE":
            g = tok.i + 2
            while g + 1 < len(doc) and doc[g + 1].ent_iob_ == "I":
                g += 1
            yield doc[tok.i:g + 1]  # "the government of Norvik"

    def _leader(self, doc, tok) -> bool:
        """'the Roe government': a proper noun between 'the' and 'government' is its leader."""
        after_the = tok.i > 0 and doc[tok.i - 1].lower_ == "the"
        return after_the and tok.pos_ == "PROPN" and tok.text[:1].isupper() and \
            tok.text not in self.lx["not_org_terms"] and tok.text not in self.lx["generic"]

    def _place_code(self, tok) -> bool:
        """A short code in capitals before 'government' names a place ('the NRV government')."""
        return tok.text.isupper() and tok.text.isalpha() and 2 <= len(tok.text) <= 4 and \
            tok.text not in self.lx["not_org_terms"] and tok.text not in self.lx["known_exact"]

    def _named_candidate(self, doc, hit, found, blocks):
        """org.apposition, org.citation, org.kind_before: the group 'name' of a text rule, after
        the small words and a description ('Norway-based'), split at 'and'/'&' like a block;
        not of the rule's not_kinds, and one word only when it is not a plain capitalised word
        where the rule says so (a cited author: 'Roe, 2021')."""
        sp = doc.char_span(*hit.match.span("name"), alignment_mode="contract")
        if sp is None:
            return
        while len(sp) and sp[0].pos_ in _FUNCTION_POS:
            sp = sp[1:]  # "Meanwhile Tellmark, a firm": the name starts after the small words
        ends = [t.i for t in sp[:-1] if t.lower_ in self.lx["prefix_ends"]]
        if ends:
            sp = doc[ends[-1] + 1:sp.end]  # "Norway-based Tellmark"
        if not len(sp) or lookup_place(sp.text) is not None:
            return  # the gazetteer, not the NER: it calls many a firm a people or a place
        args = self.rs.rule(hit.rule).args
        for s, e in self.names.split_and(doc, sp.start, sp.end):
            part = doc[s:e]
            if part.text in self.lx["not_org_terms"]:
                continue  # "business R&D"
            if self.names.classify(doc, s, e, chained=True) in args["not_kinds"]:
                continue
            if args.get("single_word") == "not_title_case" and len(part.text.split()) == 1 and all(
                    w[1:].islower() for w in part.text.split("-")):
                continue  # "(Roe, 2021)", "(Al-Halden, 2024)": an author's surname
            yield part

    def _listed(self, doc, hit, found, blocks):
        """org.listed: each name of the list (split at commas, 'and', '&'), a name of its own."""
        sp = doc.char_span(*hit.match.span("name"), alignment_mode="contract")
        if sp is None:
            return
        start = sp.start
        for t in list(sp) + [None]:
            if t is None or t.text == "," or t.lower_ in ("and", "&"):
                end = t.i if t is not None else sp.end
                if end > start and lookup_place(doc[start:end].text) is None and self.names.classify(
                        doc, start, end, chained=True) not in self.rs.rule(hit.rule).args["not_kinds"]:
                    yield doc[start:end]
                start = end + 1

    def _known_entities(self, doc, hit, found, blocks):
        """org.known_entity: ORG entities that are known organisations."""
        for ent in doc.ents:
            t = ent.text.strip()
            if ent.label_ == "ORG" and (t.lower() in self.lx["known"] or t in self.lx["known_exact"]):
                yield ent

    def _known_word(self, doc, hit, found, blocks):
        """org.known_word: a known one-word name the NER or its context supports."""
        sp = doc.char_span(hit.start, hit.end)
        if sp is None or len(sp) != 1:
            return
        tok = sp[0]
        if tok.ent_type_ in ("ORG", "NORP") or (tok.i and doc[tok.i - 1].lower_ == "the") or tok.text.isupper():
            yield sp

    def _known_name(self, doc, hit, found, blocks):
        """org.known_name: a known name of several words."""
        sp = doc.char_span(hit.start, hit.end, alignment_mode="expand")
        if sp is not None:
            yield sp

    def _agents(self, doc, hit, found, blocks):
        """org.agent: the agents of publication verbs ('released by X')."""
        lx = self.lx
        for tok in doc:
            if tok.dep_ != "agent" or tok.head.lower_ not in lx["pub_verbs"]:
                continue
            for pobj in [c for c in tok.children if c.dep_ == "pobj"]:
                for noun in [pobj] + [c for c in pobj.conjuncts]:
                    sp = self._agent_span(doc, noun)
                    if sp is not None:
                        yield sp

    def _agent_span(self, doc, noun):
        lx = self.lx
        if noun.ent_type_ in ("GPE", "DATE", "CARDINAL"):
            return None
        excl = {c.i for c in noun.children if c.dep_ in ("conj", "cc", "punct", "appos", "relcl", "acl")}
        idx = sorted(i for i in [t.i for t in noun.subtree]
                     if not any(i in {x.i for x in doc[j].subtree} for j in excl))
        if not idx:
            return None
        sp = doc[idx[0]:idx[-1] + 1]
        while len(sp) and sp[0].lower_ in lx["articles"]:
            sp = sp[1:]
        if not len(sp) or len(sp) > 14:
            return None
        if sp.root.ent_type_ == "PERSON" and sp.text.lower() not in lx["known"] and \
                not any(t.text in lx["org_heads"] for t in sp):
            return None  # people publish too; a person's name is not an organisation
        if sp[0].text[0].isupper() or sp.root.lower_ in lx["lower_org_nouns"]:
            return sp
        return None

    def _companies(self, doc, hit, found, blocks):
        """org.company: a one-word proper name as the subject of a business verb ("Petronas
        achieved ...", "Rapidus plans ..."): a company, whatever label the NER gave it."""
        lx = self.lx
        from spacy.attrs import DEP, TAG
        arr = doc.to_array([DEP, TAG])
        subj = {doc.vocab.strings["nsubj"], doc.vocab.strings["nsubjpass"]}
        nnp = doc.vocab.strings["NNP"]
        titles = {t.lower().rstrip(".") for t in lx["person_titles"]}
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
            if prev is not None and prev.text.lower().rstrip(".") in titles:
                continue
            yield doc[tok.i:tok.i + 1]

    # -- spaCy's NER, kept where it names a body rather than a term, a policy or a person
    def _entities(self, doc, hit, found, blocks):
        """org.entity: the NER's ORG entities that no source before found."""
        raw = [b for _sent, sent_blocks in blocks for b in sent_blocks]
        taken = [(sp.start_char, sp.end_char) for sp in found]
        out = []
        for ent in doc.ents:
            if ent.label_ != "ORG":
                continue
            sp = self._trim_entity(ent)
            if sp is None or self._taken(sp, taken):
                continue
            if self._entity_ok(doc, sp, raw):
                out.append(sp)
        return out

    def _trim_entity(self, ent):
        lx = self.lx
        sp = ent
        while len(sp) and (sp[0].lower_ in lx["articles"] or sp[0].is_punct):
            sp = sp[1:]
        while len(sp) and (sp[-1].text in lx["edge_marks"] or sp[-1].is_punct or sp[-1].is_space
                           or sp[-1].lower_ in lx["dangling"]):
            sp = sp[:-1]
        if not len(sp) or any(t.text in lx["possessives"] or t.text in (",", ";") for t in sp[1:-1]):
            return None  # a list or a possessive chain
        return sp

    @staticmethod
    def _taken(sp, taken) -> bool:
        """Already found; only "Siemens" -> "Siemens Energy" may extend a name."""
        over = [(a, b) for a, b in taken if a < sp.end_char and sp.start_char < b]
        return bool(over) and not (len(over) == 1 and over[0][0] == sp.start_char and over[0][1] < sp.end_char
                                   and not any(t.lower_ in ("and", "&") for t in sp))

    def _entity_ok(self, doc, sp, blocks) -> bool:
        lx = self.lx
        nxt = doc[sp.end] if sp.end < len(doc) else None
        if len(sp) == 1 and not sp.text.isupper() and nxt is not None and nxt.pos_ == "NOUN" \
                and nxt.text.islower():
            return False  # "Unicorn enterprises": a modifier, not a name
        if len(sp) == 1 and (sp[0].pos_ == "ADJ" and not sp.text.isupper() or nxt is not None and nxt.text == "-"):
            return False  # "rated “Insufficient”", "the NRVX-transport scheme": not a name
        if nxt is not None and nxt.text in lx["portfolio_titles"]:
            return False  # "Federal Energy Minister Jane Roe": a minister's portfolio
        name = " ".join(sp.text.split())
        words = name.split()
        if "\n" in sp.text or "(" in name or not name[:1].isupper() and not name[:1].isdigit():
            return False
        if name in lx["not_org_terms"] or name.rstrip("s") in lx["not_org_terms"]:
            return False
        if self._is_place_name(sp):
            return False
        if self._enclosing_kind(doc, sp, blocks) in ("event", "place"):
            return False  # part of a longer name: "Zhejiang Scientific [and ... Index 2024]"
        if self.names.classify(doc, sp.start, sp.end, chained=True) in ("event", "place", "title"):
            return False
        prev_t = doc[sp.start - 1] if sp.start else None
        if len(words) == 1 and ((prev_t is not None and prev_t.text.lower() in lx["person_titles"])
                                or (nxt is not None and nxt.lower_ in lx["speech"])):
            return False  # "Minister Wang", "Hong said": a person
        if self._in_caps_line(doc, sp) and name not in lx["known_exact"]:
            return False  # "WE ASPIRE TO ...": a shouted heading, not an acronym
        if self._in_title_line(doc, sp) and not name.isupper() and name not in lx["known_exact"] \
                and name.lower() not in lx["known"]:
            return False  # headline title case makes every phrase look like a name
        return True

    def _is_place_name(self, sp) -> bool:
        whole = lookup_place(sp.text.replace("-", " "))
        if whole is not None:
            return whole.kind != "supranational"  # the EU is also a body
        return all(t.ent_type_ in _PLACE_ENTS or
                   ((p := lookup_place(t.text)) is not None and p.kind != "supranational")
                   for t in sp if not t.is_punct)

    def _enclosing_kind(self, doc, sp, blocks) -> str:
        for s, e in blocks:
            if s <= sp.start and sp.end <= e and (s, e) != (sp.start, sp.end):
                while s < e and doc[s].lower_ in self.lx["articles"]:
                    s += 1
                return self.names.classify(doc, s, e, chained=True)
        return ""

    def _line(self, doc, sp) -> str:
        text = doc.text
        a = text.rfind("\n", 0, sp.start_char) + 1
        b = text.find("\n", sp.end_char)
        return text[a:b if b >= 0 else len(text)]

    def _in_caps_line(self, doc, sp) -> bool:
        return bool(self.rs["caps_line"].match(self._line(doc, sp)))

    def _in_title_line(self, doc, sp) -> bool:
        line = self._line(doc, sp)
        words = [w for w in self.rs["title_word"].findall(line) if len(w) > 3]
        if len(words) < 3 or line.rstrip().endswith("."):
            return False
        caps = sum(1 for w in words if w[0].isupper())
        return caps / len(words) > 0.75

    # -- the spans every source found, trimmed and checked
    def _clean(self, doc, spans):
        quotes = [(m.start(), m.end()) for m in self.rs["quoted"].finditer(doc.text)]
        keep = []
        for sp in spans:
            sp = self._trim(doc, sp)
            if sp is not None and self._clean_ok(doc, sp, quotes):
                keep.append(sp)
        return filter_spans(keep)

    def _trim(self, doc, sp):
        """Possessives, punctuation and newlines off the edges; a span is cut at a line that
        ends a sentence or a paragraph."""
        while len(sp) and (sp[-1].text in self.lx["edge_marks"] or sp[-1].is_punct or sp[-1].is_space):
            sp = sp[:-1]
        while len(sp) and (sp[0].is_punct or sp[0].is_space or sp[0].lower_ == "the"):
            sp = sp[1:]
        if not len(sp):
            return None
        nl = sp.text.find("\n")
        if nl >= 0 and ("\n\n" in sp.text or sp.text[:nl].rstrip()[-1:] in ".:!?"):
            cut = doc.char_span(sp.start_char, sp.start_char + nl, alignment_mode="contract")
            if cut is None or not len(cut):
                return None
            sp = cut
        return sp

    def _clean_ok(self, doc, sp, quotes) -> bool:
        lx = self.lx
        name = " ".join(sp.text.split())
        first = self.rs["of_at"].split(name)[0]
        if any(self.rs[p].search(first) for p in _NOT_ORG):
            return False
        if len(sp) == 1 and name in lx["generic"] and name not in lx["known_exact"]:
            return False  # "Energy" left over from "Secretary of Energy"
        if sp.start > 0 and doc[sp.start - 1].lower_ in ("a", "an") and name.lower() not in lx["known"] \
                and name not in lx["known_exact"] and not any(t.text in lx["org_heads"] for t in sp):
            return False
        inside = [q for q in quotes if q[0] < sp.start_char < q[1]]
        if inside and not (inside[0][0] + 1 >= sp.start_char - 4 and sp.end_char >= inside[0][1] - 2):
            return False
        if inside and not any(t.text in lx["org_heads"] for t in sp) and name not in lx["known_exact"] \
                and name.lower() not in lx["known"]:
            return False  # rated “Insufficient”, the “Green Valley” initiative: a label in quotes
        return True


# ------------------------------------------------------------------ the whole document

def refine_orgs(text: str, orgs: list, ents: list, lexicon: dict) -> list:
    """Checks that need the whole document, not one paragraph: an acronym the text spells out
    (the full name counts, or nothing when it names a policy); a person's name; a capitalised
    phrase that also occurs in lower case (a term); plus publisher lines and datelines."""
    rs = lexicon["rules"]
    defined: dict = {}
    for m in rs["acronym_definition"].finditer(text):
        defined.setdefault(m.group(2), m.group(1))
    persons = {w.lower() for e in ents if e.label == "PERSON" and len(e.text.split()) > 1
               for w in e.text.split() if w[:1].isupper()}
    from .quantities import lexicon as qlexicon
    surnames = {m.group(1).lower() for p in ("honorific_name", "cited_surname") for m in rs[p].finditer(text)}
    doc_facts = {"text": text, "defined": defined, "persons": persons, "qlx": qlexicon(), "lower_seen": {},
                 "surnames": surnames}
    keep = [s for s in (_refined(o, doc_facts, lexicon) for o in orgs) if s is not None]
    keep.extend(publishers(text, ents, lexicon))
    initials = {_initials(o.text, rs) for o in keep if len(o.text.split()) > 1}
    programmes = {_initials(m.group(0), rs) for m in rs["programme_name"].finditer(text)}
    out, seen = [], {}
    formal = tuple(defined.values())
    for o in sorted(keep, key=lambda o: o.start):
        key = _org_key(o.text, rs)
        if o.text.isupper() and (o.text in initials or o.text in programmes and not _known(o.text, lexicon)):
            continue  # "NU" beside "Norvik University": one body, named in full; "TAP": a programme
        if key and key not in seen:
            seen[key] = len(out)
            out.append(o)
        elif key and _formal(o.text, formal) and not _formal(out[seen[key]].text, formal):
            out[seen[key]] = o  # the spelling the text gives an acronym is its formal name
    return out


def _refined(o: Span, f: dict, lexicon: dict) -> Optional[Span]:
    """One paragraph's organisation checked against the document (F: its facts), or None."""
    rs, text, defined = lexicon["rules"], f["text"], f["defined"]
    name = o.text.strip("/ ")
    cut = list(rs["sentence_end_inside"].finditer(name))
    if cut:
        name = name[cut[-1].end():]  # "5G. The Ministry of ...": a sentence ends inside
    words = name.split()
    exact = name in lexicon["known_exact"] or name.lower() in lexicon["known"] or bool(
        rs["kind_apposition"].match(text[o.end:o.end + 80])  # "Tellmark, a Norvik firm"
        or rs["kind_before_name"].search(text[max(0, o.start - 60):o.start]))  # "developer Tellmark"
    if name.isupper() and name in defined and not exact:
        return None  # "MOEA" after "Ministry of Economic Affairs (MOEA)"
    if _names_policy(name, defined, lexicon["not_org_terms"]):
        return None  # "Viability Gap Funding (VGF)": a policy instrument
    if not exact and all(w.lower() in f["persons"] for w in words) and not any(
            w in lexicon["org_heads"] for w in words):
        return None  # "Boswell", "SENATOR RON BOSWELL" minus the title
    if not exact and len(words) <= 2 and rs["person_apposition"].match(text[o.end:o.end + 60]):
        return None  # "Amonrat Kaewpradap, a committee member"
    surname = len(words) <= 3 and words[-1].lower() in f["surnames"] and not any(
        w in lexicon["org_heads"] for w in words)
    if not exact and (words[0] in lexicon["honorifics"] or surname):
        return None  # "Mr Roe", and "Jane Roe" where "Mr Roe" is written too
    if not exact and rs["not_org_shape"].search(name):
        return None  # "jroe@norvik.org", "VX9s", "USD 12bn"
    if name.isupper() and len(name) == 3 and _is_currency_code(name):
        return None
    if not exact and len(words) > 1 and name.isupper() and not any(w in lexicon["org_heads"] for w in words):
        return None  # "NATIONAL ENERGY" out of a shouted heading
    if not exact and name.lower() in _technology_terms():
        return None  # "Hydropower will provide ...": a technology opening a sentence
    qlx = f["qlx"]
    if name in qlx.units or name.lower() in qlx.cur_before or name.lower() in qlx.cur_after:
        return None  # "GW", "USD", "AED"
    if not exact and (len(words) > 1 or not name.isupper()) and _occurs(text, name.lower(), f["lower_seen"]):
        return None  # "battery energy storage systems" is written in lower case too: a term
    name = rs["credit_prefix"].sub("", name)  # "Photo/NRVX": a picture credit names its agency
    m = rs["place_possessive"].match(name)
    if m and lookup_place(m.group(1)) is not None:
        name = name[m.end():]  # "India’s Economic Times"
    return Span(o.start, o.end, name, o.label)


def _formal(name: str, defined_names: tuple) -> bool:
    """Is NAME the end of a name the text defines an acronym for ('the Norvik Agency (NA)')?"""
    return any(full.endswith(name) for full in defined_names)


def _org_key(name: str, rs) -> str:
    """What two spellings of one organisation share: the name's letters and digits, or the
    country of a national government ('government of Norway' is the 'Norwegian government')."""
    m = rs["national_government"].match(name)
    place = lookup_place(m.group("of") or m.group("adj")) if m else None
    if place is not None and place.kind == "country":
        return "government:" + place.country
    return rs["non_alnum"].sub("", name.lower())


def _initials(name: str, rs) -> str:
    """The acronym of a name of several words: its words' first letters (of each part of a
    hyphenated word: 'Agence France-Presse' is AFP), small words skipped."""
    words = name.replace("-", " ").split()
    return "".join(w[0] for w in words if not rs["acronym_small_word"].match(w)).upper()


def _known(name: str, lexicon: dict) -> bool:
    return name in lexicon["known_exact"] or name.lower() in lexicon["known"]


def _names_policy(name: str, defined: dict, not_terms: frozenset) -> bool:
    """Is NAME the spelled-out form of an acronym that names a policy, not a body?"""
    acr = next((a for a, full in defined.items() if full.endswith(name) and len(name) > 8), None)
    return acr is not None and (acr in not_terms or acr.rstrip("s") in not_terms)


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


# ------------------------------------------------------------------ publishers

def publishers(text: str, ents: list, lexicon: dict, only: Optional[set] = None) -> list:
    """The document's publishers, rule by rule (the ``publisher.*`` rules in file order): a
    dateline's wire service ("BEIJING, Feb. 7, 2025 /PRNewswire/ --"), a short capitalised line
    under the headline ("Clean Energy Wire") and a source named by its domain."""
    out: list = []
    for r in lexicon["rules"].rules:
        if r.id.startswith("publisher.") and (only is None or r.id in only):
            fn = _publisher_lines if r.id == "publisher.line" else _named
            out.extend(fn(text, ents, lexicon, r))
    return out


def _named(text: str, ents: list, lexicon: dict, r: rules.Rule) -> Iterator[Span]:
    """A text rule's candidates (group 'name'), in its first ``within`` characters."""
    window = text[:r.args["within"]] if "within" in r.args else text
    for h in lexicon["rules"].hits(window, {"ents": ents}, only={r.id}):
        yield Span(h.match.start("name"), h.match.end("name"), h.value, "ORG")


def _publisher_lines(text: str, ents: list, lexicon: dict, r: rules.Rule) -> Iterator[Span]:
    """publisher.line: a short capitalised line directly under the headline."""
    if next(lexicon["rules"].hits(text, only={r.id}), None) is None:
        return
    pos = 0
    nonblank = 0
    for line in text[:r.args["within"]].split("\n")[:r.args["lines"]]:
        s_ = line.strip()
        start = text.find(s_, pos) if s_ else pos
        pos = start + len(s_)
        if not s_:
            continue
        nonblank += 1
        if nonblank > 1 and _publisher_line(text, start, s_, ents, lexicon):
            yield Span(start, start + len(s_), s_, "ORG")


def _publisher_line(text: str, start: int, s_: str, ents: list, lexicon: dict) -> bool:
    words = s_.split()
    prev = text[:start].strip().split("\n")[-1].strip() if start else ""
    if not (1 <= len(words) <= lexicon["publisher_words"]):
        return False
    if not all(w[0].isupper() or w.lower() in lexicon["publisher_line_small"] for w in words):
        return False
    if lexicon["rules"]["publisher_line_reject"].search(s_) or len(prev.split()) < 4 or prev.endswith((".", ":")):
        return False  # directly under a headline
    if words[-1] in lexicon["event_heads"]:
        return False  # "Targets and Policies": a section heading
    return not any(e.label in ("PERSON", "GPE", "DATE") and start <= e.start < start + len(s_) for e in ents)
