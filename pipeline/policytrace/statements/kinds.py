"""What a numeric statement is: a target, an achievement or a projection.

Decided on the syntactic path from the number up to the root of its sentence: the first word on
that path that settles it wins (a goal noun such as "target" or "loan", a modal such as "will", a
verb of aiming, allocating, forecasting or reporting a result, or the tense of a finite verb).
Verb and noun classes live in models/verbs.json; the README states the rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from .. import resources, rules
from ..records import Kind


@dataclass(frozen=True)
class Classes:
    modal_target: frozenset
    target_verbs: frozenset
    allocation_verbs: frozenset
    achievement_verbs: frozenset
    projection_verbs: frozenset
    forecaster_re: re.Pattern
    reporting_verbs: frozenset
    target_nouns: frozenset
    instrument_nouns: frozenset
    cumulative_re: re.Pattern
    counterfactual_re: re.Pattern
    copulas: frozenset
    possibility: frozenset
    forecastable: frozenset   # target verbs that read as a forecast when a forecaster speaks
    forecast_change: frozenset  # change verbs that, after a modal, do too
    announcement_verbs: frozenset  # allocation verbs that commit money without paying it out
    flow_nouns: frozenset  # instruments that name money flowing, spent once its year is past
    report_copulas: frozenset  # "stands at", "remains": a level reported
    revision_verbs: frozenset  # "revised its target to X": X is the goal
    inclusion_verbs: frozenset  # "this includes cutting fleet fuel by 35%": the tense settles nothing
    change_nouns: frozenset  # "45% reduction in landfill waste from 2016" standing alone: a goal
    course_nouns: frozenset  # "on track to halve waste": the infinitive is a goal


@lru_cache(maxsize=1)
def classes() -> Classes:
    v = resources.load("verbs.json")
    kr = rules.load("kinds")
    return Classes(
        modal_target=frozenset(v["modal_target"]), target_verbs=frozenset(v["target_verbs"]),
        allocation_verbs=frozenset(v["allocation_verbs"]),
        achievement_verbs=frozenset(v["achievement_verbs"]),
        projection_verbs=frozenset(v["projection_verbs"]),
        forecaster_re=kr["forecaster"].regex,
        reporting_verbs=frozenset(v["reporting_verbs"]),
        target_nouns=frozenset(v["target_nouns"]), instrument_nouns=frozenset(v["instrument_nouns"]),
        cumulative_re=kr["cumulative"].regex, counterfactual_re=kr["counterfactual"].regex,
        copulas=frozenset(v["copulas"]), possibility=frozenset(v["possibility_modals"]),
        forecastable=frozenset(v["forecastable_target_verbs"]),
        forecast_change=frozenset(v["forecast_change_verbs"]),
        announcement_verbs=frozenset(v["announcement_verbs"]), flow_nouns=frozenset(v["flow_nouns"]),
        report_copulas=frozenset(v["report_copulas"]),
        revision_verbs=frozenset(v["revision_verbs"]),
        inclusion_verbs=frozenset(v["inclusion_verbs"]),
        change_nouns=frozenset(v["change_nouns"]),
        course_nouns=frozenset(v["course_nouns"]),
    )


@rules.guard("clause-reports")
def _clause_reports(m: re.Match, ctx: rules.Context, **_) -> bool:
    """Does the number's clause (fact ``clause``) report a result ("rose", "has")?"""
    return rules.load("kinds")["reported-clause"].search(ctx["clause"]) is not None


@lru_cache(maxsize=1)
def _cue_rules() -> tuple:
    return tuple(r for r in rules.load("kinds").rules if "on" in r.args)


def cue(clause: str, sentence: str) -> tuple[Optional[str], str]:
    """(kind, rule id) of the first surface cue (models/rules/kinds.json, the rules with 'on')
    found in the number's clause or its sentence, or (None, "")."""
    texts = {"clause": clause.lower(), "sentence": sentence.lower()}
    facts = {"clause": texts["clause"]}
    for r in _cue_rules():
        h = next(rules.load("kinds").hits(texts[r.args["on"]], facts, only={r.id}), None)
        if h is not None:
            return r.args["kind"], r.id
    return None, ""


@dataclass(frozen=True)
class Verdict:
    kind: Optional[str]   # None: the path did not settle it
    cue: str = ""         # the word that settled it
    tense: str = ""       # past | present | future | "" for the deciding verb
    instrument: str = ""  # the fund, loan or programme the figure sizes ("" for none)
    rule: str = ""        # the id of the rule that decided it (models/rules/kinds.json)


_REPORTED = frozenset({"kind.past-tense", "kind.perfect-tense", "kind.instrument-spent", "kind.cumulative-perfect"})


def decide(tokens: Sequence, children: dict, k: int, sentence: str, money: bool = False,
           span: tuple[int, int] = (0, 0), verb_figure: bool = False) -> Verdict:
    """Walk from token K (the number) to the root.  TOKENS are nlp.Tok tuples (i, text, ..., tag,
    dep, head); CHILDREN maps a token index to its dependents.  A present tense only settles the
    kind when nothing above it does ("will ensure that 25% are women" is a target); a figure
    sizing a fund or programme is a commitment unless a past verb reports it spent.  A sentence
    that opens with a goal's label ("2030 Target: 30% less CO2") states goals: its figures are
    targets unless a past or perfect verb reports one as reached."""
    v = _walk(tokens, children, k, sentence, money, span, verb_figure)
    if v.kind != Kind.TARGET.value and v.rule not in _REPORTED and _goal_label(sentence):
        return Verdict(Kind.TARGET.value, _goal_label(sentence), rule="kind.goal-label")
    return v


@lru_cache(maxsize=64)
def _goal_label(sentence: str) -> str:
    """The goal noun of a label opening the sentence ("Interim target:", "2030 goals:"), or ""."""
    m = rules.load("kinds")["goal-label"].search(sentence)
    return m.group(1).lower() if m else ""


def _walk(tokens: Sequence, children: dict, k: int, sentence: str, money: bool,
          span: tuple[int, int], verb_figure: bool) -> Verdict:
    """The path's verdict (see decide)."""
    c = classes()
    money_instrument = _instrument_of(tokens, children, k, c) if money else None
    forecaster, cumulative, supported = _sentence_flags(sentence)
    seen = set()
    n = tokens[k]
    weak: Optional[Verdict] = None
    instrument: Optional[str] = money_instrument
    infinitive = False
    prev = None  # the word the path came from
    steps = 0
    while steps < 14 and n.i not in seen:
        seen.add(n.i)
        steps += 1
        w = n.lower
        if span[0] <= n.start < span[1]:
            pass  # the quantity's own words ("2.2 trillion won") decide nothing
        elif n.i != k and n.pos in ("NOUN", "PROPN") and w in c.target_nouns and weak is None:
            if w not in c.instrument_nouns:
                return Verdict(Kind.TARGET.value, w, rule="kind.goal-noun")
            instrument = instrument or w
        # a figure said by a verb ("doubled", "will halve"): the verb's own tense decides
        if n.pos == "VERB" and n.lower in c.revision_verbs and prev is not None and prev.dep in ("prep", "conj") \
                and prev.lower == "to" and _revises_goal(tokens, children, n, c):  # "... to 50% and to 14%"
            return Verdict(Kind.TARGET.value, n.lower, rule="kind.goal-revised")
        if n.pos == "ADP" and n.dep == "prep" and n.lower in ("for", "of") and prev is not None \
                and prev.dep == "pobj" and weak is None and (goal := _goal_before(tokens, n, c)):
            return Verdict(Kind.TARGET.value, goal, rule="kind.goal-preposition")  # "targets for 100% renewable power"
        if n.pos in ("VERB", "AUX") and n.i != k and (verb_figure or not (span[0] <= n.start < span[1])):
            v = _verb(tokens, children, n, c, forecaster, cumulative, money or infinitive, supported)
            if v == "infinitive" and weak is None and (goal := _goal_before(tokens, _to_of(tokens, children, n), c)):
                return Verdict(Kind.TARGET.value, goal, rule="kind.goal-infinitive")
            if v == "infinitive":
                infinitive = True
            elif v is not None:
                if v.tense == "present" and v.kind == Kind.ACHIEVEMENT.value:
                    weak = weak or v
                elif instrument and v.kind == Kind.ACHIEVEMENT.value and v.tense == "present":
                    pass
                elif instrument and v.kind == Kind.ACHIEVEMENT.value:
                    return Verdict(Kind.ACHIEVEMENT.value, v.cue, v.tense, instrument, "kind.instrument-spent")
                elif weak is not None and v.kind == Kind.ACHIEVEMENT.value:
                    return weak
                elif v.rule == "kind.possibility-modal" and (above := _committed_above(tokens, children, n, c,
                                                                                       forecaster)):
                    return Verdict(Kind.TARGET.value, above, "future", instrument or v.instrument,
                                   "kind.possibility-committed")  # "commits to ensure the region can cut 30%"
                else:
                    return Verdict(v.kind, v.cue, v.tense, instrument or v.instrument, v.rule)
        if n.head == n.i:
            break
        prev, n = n, tokens[n.head]
    if instrument:
        return Verdict(Kind.TARGET.value, instrument, "", instrument, "kind.instrument")
    if weak is None and n.head == n.i and n.pos in ("VERB", "AUX") and sentence.lstrip().startswith("To ") \
            and any(tokens[x].text == "To" and tokens[x].dep == "aux" for x in children.get(n.i, ())):
        return Verdict(Kind.TARGET.value, n.lower, rule="kind.objective-infinitive")  # "To raise X to 75%"
    if n.head == n.i and not any(ch.isalpha() for ch in n.text):
        # "• Achieve 100% ...": the parser may make the bullet the root and the verb its child
        verb = next((tokens[x] for x in seen if tokens[x].head == n.i and tokens[x].tag == "VB"), None)
    else:
        verb = n if n.head == n.i and n.tag == "VB" else None
    opening = rules.load("kinds")["opening-word"].search(sentence) if verb is not None else None
    if opening and opening.group(1) == verb.text and not any(
            tokens[x].dep in ("nsubj", "nsubjpass", "aux", "auxpass") for x in children.get(verb.i, ())):
        return Verdict(Kind.TARGET.value, verb.lower, rule="kind.objective-imperative")  # "Reduce CO2 by 55%"
    if weak is None and n.head == n.i and n.i != k and n.pos in ("NOUN", "PROPN") and n.lower in c.change_nouns \
            and _verbless(tokens, children, n.i):
        return Verdict(Kind.TARGET.value, n.lower, rule="kind.objective-nominal")  # "45% less landfill waste"
    return weak or Verdict(None)


def _verbless(tokens, children, root: int) -> bool:
    """Has the sentence under ROOT no finite verb and no modal (a heading, a list item)?"""
    todo, seen = [root], set()
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        if tokens[i].tag in ("VBD", "VBZ", "VBP", "MD"):
            return False
        todo.extend(children.get(i, ()))
    return True


@lru_cache(maxsize=64)
def _sentence_flags(sentence: str) -> tuple[bool, bool, bool]:
    """Once per sentence, not once per figure in it: (a forecaster speaks, a cumulative total,
    the sentence names the outside support a conditional pledge depends on)."""
    c = classes()
    low_s = sentence.lower()
    return (bool(c.forecaster_re.search(low_s)), bool(c.cumulative_re.search(low_s)),
            rules.load("kinds")["conditional-support"].search(low_s) is not None)


def _revises_goal(tokens, children, n, c: Classes, need_to: bool = True) -> bool:
    """'cut its solar goal back to 2 GW': the verb's object is a goal (not a fund) and it has a
    'to' for the figure to hang on; 'it' or 'them' stands for the goal of the verb it is
    coordinated with ('revised the goal and raised it to 50%')."""
    kids = children.get(n.i, ())
    goal = any(tokens[x].dep in ("dobj", "nsubjpass") and tokens[x].lower in c.target_nouns
               and tokens[x].lower not in c.instrument_nouns for x in kids)
    if not goal and n.dep == "conj" and any(tokens[x].dep == "dobj" and tokens[x].lower in ("it", "them")
                                            for x in kids):
        # "revised its target and raised it to 50%"
        goal = _revises_goal(tokens, children, tokens[n.head], c, need_to=False)
    return goal and (not need_to or any(tokens[x].dep == "prep" and tokens[x].lower == "to" for x in kids))


def _committed_above(tokens, children, n, c: Classes, forecaster: bool) -> str:
    """The verb of aiming or the modal of intent that governs the clause of a 'can' or 'could'
    (N): 'commits to ensure that the region can cut emissions by 30%' states what is pledged,
    not a possibility; "" for none (a forecaster speaking keeps it a possibility)."""
    seen = {n.i}
    while n.head != n.i and n.head not in seen and not forecaster:
        n = tokens[n.head]
        seen.add(n.i)
        if n.pos not in ("VERB", "AUX"):
            continue
        auxes = [tokens[x].lower for x in children.get(n.i, ()) if tokens[x].dep in ("aux", "auxpass")]
        if any(a in c.possibility for a in auxes):
            return ""
        modal = next((a for a in auxes if a in c.modal_target and a not in ("would", "could", "might")), "")
        if modal or n.lower in c.target_verbs:
            return modal or n.lower
    return ""


def _to_of(tokens, children, n):
    """The 'to' of infinitive N, or None."""
    return next((tokens[x] for x in children.get(n.i, ()) if tokens[x].dep == "aux" and tokens[x].lower == "to"), None)


def _goal_before(tokens, w, c: Classes) -> Optional[str]:
    """The goal that the function word W (an infinitive's 'to', a 'for' or 'of') directly follows:
    'beat its goal to cut water use by 20%', 'announced targets for 100% green power', 'on track
    to halve waste'.  What comes after it states that goal, wherever the parser hangs it (often
    on the sentence's main verb, whose tense would report a result).  Funds and plans are left to
    the instrument rules."""
    if w is None or w.i == 0:
        return None
    p = tokens[w.i - 1]
    if w.head == p.i or (w.dep == "aux" and tokens[w.head].head == p.i):
        return None  # hung on the goal noun itself: the goal-noun rule reads it
    if p.pos in ("NOUN", "PROPN") and p.lower in c.target_nouns and p.lower not in c.instrument_nouns:
        return p.lower
    if w.lower == "to" and p.lower in c.course_nouns and w.i >= 2 and tokens[w.i - 2].lower == "on":
        return "on " + p.lower
    return None


def _instrument_of(tokens, children, k: int, c: Classes) -> Optional[str]:
    """'$3 billion in funding', '$500 million of grants': the instrument a sum is given in."""
    head = tokens[k]
    for t in [head] + ([tokens[head.head]] if head.head != head.i else []):
        for p in children.get(t.i, ()):
            if tokens[p].dep == "prep" and tokens[p].lower in ("in", "of", "for"):
                for o in children.get(p, ()):
                    if tokens[o].dep != "pobj":
                        continue
                    # "£110m in grant support": the instrument may be the object's modifier
                    for w in [tokens[o]] + [tokens[x] for x in children.get(o, ()) if tokens[x].dep == "compound"]:
                        if w.lower in c.instrument_nouns:
                            return w.lower
    return None


def _verb(tokens, children, n, c: Classes, forecaster: bool, cumulative: bool, money: bool,
          supported: bool = False):
    auxes = [tokens[x] for x in children.get(n.i, ()) if tokens[x].dep in ("aux", "auxpass")]
    aux_words = [a.lower for a in auxes]
    w = n.lower
    if "to" in aux_words and not any(a.tag == "MD" for a in auxes):
        # an infinitive says nothing by itself ("to reach"); its governor does ("aims to reach")
        return _cue_only(w, c, forecaster, True) or "infinitive"
    if any(a in c.possibility for a in aux_words) and not any(a in c.modal_target for a in aux_words):
        if supported:  # "with international support, X could cut 30%": a conditional pledge
            return Verdict(Kind.TARGET.value, next(a for a in aux_words if a in c.possibility), "conditional",
                           rule="kind.conditional-pledge")
        return Verdict(Kind.PROJECTION.value, next(a for a in aux_words if a in c.possibility), "possible",
                       rule="kind.possibility-modal")
    modal = next((a for a in aux_words if a in c.modal_target), None)
    if modal:
        if modal in ("would", "could", "might") and "have" in aux_words:
            return Verdict(Kind.PROJECTION.value, modal, "conditional", rule="kind.conditional-modal")
        if forecaster and w in c.projection_verbs | c.forecast_change:
            return Verdict(Kind.PROJECTION.value, modal, "future", rule="kind.forecast-modal")
        return Verdict(Kind.TARGET.value, modal, "future", w if w in c.allocation_verbs and money else "",
                       "kind.target-modal")
    perfect = any(a in ("has", "have", "had", "'ve") for a in aux_words) and n.tag in ("VBN", "VBD")
    cue = _cue_only(w, c, forecaster, money)
    if cue is not None:
        if cue.kind == Kind.TARGET.value and w in c.allocation_verbs and w not in c.announcement_verbs \
                and cumulative and perfect:
            return Verdict(Kind.ACHIEVEMENT.value, w, "perfect", rule="kind.cumulative-perfect")  # "so far it has contributed"
        return cue
    if w in c.inclusion_verbs and n.tag in ("VBZ", "VBP") and not perfect and not (
            n.i + 1 < len(tokens) and tokens[n.i + 1].text == ":"):
        # what something consists of or leads to: a goal as subject makes a target, otherwise its
        # tense says nothing; the words above it, the sentence's cues or the figure's date decide
        # (a list's head, "targets include:", leaves its items to the list rules)
        subj = [tokens[x] for x in children.get(n.i, ()) if tokens[x].dep in ("nsubj", "nsubjpass")]
        if subj and subj[0].lower in c.target_nouns and subj[0].lower not in c.instrument_nouns:
            return Verdict(Kind.TARGET.value, subj[0].lower, "present", rule="kind.goal-subject")
        return None
    if w in c.copulas or n.tag in ("VBZ", "VBP"):
        if w in c.copulas and any(tokens[x].dep in ("xcomp", "ccomp") and any(
                tokens[y].lower == "to" and tokens[y].dep == "aux" for y in children.get(x, ()))
                for x in children.get(n.i, ())):
            return Verdict(Kind.TARGET.value, w, "present", rule="kind.is-to")  # "the plan is to cut 30%"
        subj = [tokens[x] for x in children.get(n.i, ()) if tokens[x].dep in ("nsubj", "nsubjpass")]
        if w in c.copulas and subj and subj[0].lower in c.target_nouns and not (
                subj[0].lower in c.instrument_nouns and w in c.report_copulas):  # "the fund now stands at"
            return Verdict(Kind.TARGET.value, subj[0].lower, "present", rule="kind.goal-subject")
        attr = [tokens[x] for x in children.get(n.i, ()) if tokens[x].dep == "attr"]
        if w in c.copulas and w not in c.report_copulas and attr and attr[0].lower in c.target_nouns \
                and attr[0].lower not in c.instrument_nouns and not any(
                    tokens[x].dep == "expl" for x in children.get(n.i, ())):  # "these are our goals for 2035: cut ..."
            return Verdict(Kind.TARGET.value, attr[0].lower, "present", rule="kind.goal-subject")
    if perfect:
        return Verdict(Kind.ACHIEVEMENT.value, w, "perfect", rule="kind.perfect-tense")
    if n.tag == "VBD":
        return Verdict(Kind.ACHIEVEMENT.value, w, "past", rule="kind.past-tense")
    if n.tag in ("VBZ", "VBP"):
        return Verdict(Kind.ACHIEVEMENT.value, w, "present", rule="kind.present-tense")
    return None  # a participle or gerund: its governor decides


def _cue_only(w: str, c: Classes, forecaster: bool, money: bool) -> Optional[Verdict]:
    if w in c.projection_verbs:
        return Verdict(Kind.PROJECTION.value, w, rule="kind.projection-verb")
    if w in c.target_verbs:
        if w in c.forecastable and forecaster:
            return Verdict(Kind.PROJECTION.value, w, rule="kind.forecast-verb")
        return Verdict(Kind.TARGET.value, w, rule="kind.target-verb")
    if w in c.allocation_verbs and money:
        # money allocated is a commitment; capacity "allocated" in tenders is a result
        return Verdict(Kind.TARGET.value, w, rule="kind.allocation-verb")
    return None
