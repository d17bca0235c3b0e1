"""Evolution views over an extraction output: series timelines, milestones by plan, revisions
between plans (and targets against the latest achievement), and domains over time.

Pure functions from the targets and documents tables to pandas DataFrames; `write` puts them
next to the extraction output as CSV.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pandas as pd

from . import resources, rules
from .align import _singular, base_factor, spell_out
from .errors import PolicytraceError
from .records import SCHEMA_VERSION, Document, Target

VIEW_FILES = {
    "series_timeline": "series_timeline.csv",
    "milestones_by_plan": "milestones_by_plan.csv",
    "revisions": "revisions.csv",
    "domains_over_time": "domains_over_time.csv",
}

# at what ratio two values count as the same goal ("about 6%" restated as "6%")
SAME_VALUE_TOLERANCE = 0.005

def load(out_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(targets, documents) of an extraction output folder; refused if its files are not the
    complete set of one run (a run was killed while renaming them into place)."""
    out = Path(out_dir)
    from .batch import check_manifest
    check_manifest(out)
    try:
        targets = pd.read_json(out / "targets.jsonl", lines=True, dtype=False)
        with open(out / "documents.jsonl", encoding="utf-8") as f:
            docs = pd.DataFrame([json.loads(x) for x in f if x.strip()])
    except (FileNotFoundError, ValueError) as e:
        raise PolicytraceError(f"{out} is not an extraction output (targets.jsonl, documents.jsonl): {e}") from e
    if targets.empty:
        targets = pd.DataFrame(columns=Target.columns())
    if docs.empty:  # a run over no readable document: empty views, an empty report
        docs = pd.DataFrame(columns=[f.name for f in fields(Document)])
    return targets, docs


def document_dates(docs: pd.DataFrame) -> pd.DataFrame:
    """doc, date, date_inferred: the publication date as stated, else the year inferred at
    extraction (``published_year``), else the latest year the text mentions before the first
    horizon it sets (a plan is written before its goals) -- a year, never a made-up full date."""
    rows = []
    for _, d in docs.iterrows():
        date, inferred = d.get("published"), False
        if not isinstance(date, str) or not date:
            # an inferred date is a year, never rendered as a full date
            year = d.get("published_year")
            if year is None or (isinstance(year, float) and pd.isna(year)):
                years = [y for y in (d.get("years_mentioned") or [])]
                horizon = [y for y in (d.get("years") or [])]
                before = [y for y in years if not horizon or y < min(horizon)]
                year = max(before) if before else None
            date = str(int(year)) if year is not None else None
            inferred = date is not None
        rows.append({"doc": d["doc"], "date": date, "date_inferred": inferred,
                     "title": d.get("title"), "subject": d.get("subject"),
                     "text_key": text_key(d.get("text"))})
    return pd.DataFrame(rows, columns=["doc", "date", "date_inferred", "title", "subject", "text_key"])


def text_key(text) -> Optional[str]:
    """A hash of a document's normalised words: two renditions of one text (TXT and PDF, or a
    re-post) share it, so a document is never compared with a copy of itself."""
    if not isinstance(text, str) or not text.strip():
        return None
    words = rules.load("align")["alnum_token"].findall(text.lower())
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]


def _with_dates(targets: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    cols = ["doc", "date", "date_inferred"] + [c for c in ("title", "text_key") if c in dates.columns]
    t = targets.merge(dates[cols], on="doc", how="left")
    # an inferred date is a year (the latest the text reports on, or its file name's): the text is
    # no earlier than the dated texts of that year that it may report on, so it sorts after them
    t["_order"] = pd.Series([("9999" if not isinstance(d, str) else f"{d}-99" if pd.notna(inf) and bool(inf) and len(d) == 4
                              else d) for d, inf in zip(t["date"], t["date_inferred"])], index=t.index, dtype=object)
    if "unit" in t.columns and "value" in t.columns:
        t["_base"] = [_base(v, u) for v, u in zip(t["value"], t["unit"])]
    for c in ("indicator", "indicator_code", "title"):
        if c not in t.columns:
            t[c] = None
    return t


def _base(value, unit) -> Optional[float]:
    """A value in its dimension's base unit ("742 MW" and "30 GW" compare); others as they are."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value) * base_factor(unit)


def series_timeline(targets: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    cols = ["id", "series", "series_name", "indicator", "indicator_code", "subject", "date", "date_inferred",
            "doc", "title", "kind", "value", "value_max", "comparator", "unit", "year", "period", "quote",
            "start", "end"]
    t = _with_dates(targets[targets["series"].notna()], dates)
    if t.empty:
        return pd.DataFrame(columns=cols)
    t = t.sort_values(["series_name", "series", "_order", "doc", "start"], kind="stable")
    return t[cols].reset_index(drop=True)


def milestones_by_plan(targets: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    """For each document, the horizon years it targets and its goal statements."""
    cols = ["id", "date", "date_inferred", "doc", "title", "horizons", "year", "kind", "statement", "value",
            "unit", "comparator", "start", "end"]
    t = _with_dates(targets[targets["kind"].isin(["milestone", "target"])], dates)
    if t.empty:
        return pd.DataFrame(columns=cols)
    horizons = t.dropna(subset=["year"]).groupby("doc")["year"].apply(
        lambda s: " ".join(str(int(y)) for y in sorted(set(s))))
    t["horizons"] = t["doc"].map(horizons).fillna("")
    t["statement"] = t.apply(lambda r: r["quote"] if r["kind"] == "milestone" else r["metric"], axis=1)
    t = t.sort_values(["_order", "doc", "year", "start"], kind="stable", na_position="last")
    return t[cols].reset_index(drop=True)


def _against(r) -> tuple:
    """(baseline, base year) a goal is stated against; (None, None) when the text says neither."""
    base = r.get("base_year")
    base = None if base is None or pd.isna(base) else int(base)
    line = r.get("baseline")
    line = None if line is None or (isinstance(line, float) and pd.isna(line)) else line
    return ("base year" if base is not None else line, base)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_VALUE_TOLERANCE * max(abs(a), abs(b), 1e-9)


def _met(target: dict, ach_value: float) -> bool:
    v, comp = target["value"], target["comparator"]
    lower_is_better = comp in ("below", "at most", "decline")
    if comp == "about":
        return abs(ach_value - v) <= 0.05 * abs(v) or ach_value >= v
    if lower_is_better:
        return ach_value <= v if comp != "below" else ach_value < v
    if comp == "exceed":
        return ach_value > v
    return ach_value >= v


def _streams(t: pd.DataFrame) -> pd.DataFrame:
    """T with what a goal is stated against, and its stream: a conditional pledge and an
    unconditional one are two goals, never one revised."""
    for c in ("base_year", "baseline", "conditional", "value_max", "goal"):  # outputs written before schema 1.1
        if c not in t.columns:
            t = t.assign(**{c: None})
    return t.assign(_stream=[v is True or v == 1.0 for v in t["conditional"]])


def goal_history(targets: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    """Every plan's numeric goal per series, subject, stream and horizon: the statements
    revisions compares (a document's last one per horizon, copies left out), so the whole
    history of a goal can be read at once, not only its changes."""
    cols = ["series", "series_name", "subject", "conditional", "horizon", "doc", "title", "date",
            "date_inferred", "id", "value", "value_max", "unit", "comparator", "base_year", "baseline", "quote"]
    goals = targets[targets["series"].notna() & (targets["kind"] == "target")] if len(targets) else targets
    if goals.empty:
        return pd.DataFrame(columns=cols)
    t = _streams(_with_dates(goals, dates)).sort_values(["_order", "doc", "year", "start"], kind="stable")
    rows = []
    for (_, subject, stream), g in t.groupby(["series", "subject", "_stream"], dropna=False, sort=True):
        for plan in _plans(g):
            for h in sorted(plan, key=_horizon_order):
                r = plan[h]
                rows.append({**{c: r.get(c) for c in cols}, "subject": subject, "conditional": bool(stream),
                             "horizon": h, "base_year": _against(r)[1]})
    return _integers(pd.DataFrame(rows, columns=cols))


def revisions(targets: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    """How each series' goal changed from plan to plan, horizon by horizon (see _horizon_rows),
    and targets against the latest achievement.  Every verdict carries the two statements it
    rests on; ``horizon``, ``conditional`` and ``base_year`` say which goal a row is about."""
    cols = ["series", "series_name", "indicator", "indicator_code", "subject", "verdict",
            "from_id", "from_doc", "from_title", "from_date", "from_date_inferred", "from_value", "from_unit",
            "from_year", "from_quote", "to_id", "to_doc", "to_title", "to_date", "to_date_inferred", "to_value",
            "to_unit", "to_year", "to_quote", "gap", "gap_unit", "unit", "horizon", "conditional", "base_year"]
    numeric = targets[targets["series"].notna() & (targets["kind"] != "milestone")]
    parts = [f for f in (numeric, _milestone_series(targets)) if len(f)]
    t = _with_dates(pd.concat(parts, ignore_index=True) if parts else numeric, dates)
    rows = []
    plans = _with_dates(targets[targets["kind"] == "target"], dates)
    plan_docs = plans.drop_duplicates("doc")[["doc", "date", "_order", "subject"]]
    # the goals each document sets: a later version of a plan restates at least two of them
    goals = t[t["kind"] == "target"]
    series_by_doc = goals.groupby("doc")["series"].agg(set).to_dict() if len(goals) else {}
    keys = dict(zip(dates["doc"], dates["text_key"])) if "text_key" in dates.columns else {}
    t = _streams(t)
    if "_key" not in t.columns:
        t = t.assign(_key=None)
    milestone = t["kind"] == "milestone"
    # numeric series first, then the milestones, each in series order
    groups = [grp for part in (t[~milestone], t[milestone])
              for grp in part.groupby(["series", "subject", "_stream"], dropna=False, sort=True)]
    for (sid, subject, stream), g in groups:
        tg = g[g["kind"].isin(["target", "milestone"])].sort_values(["_order", "doc", "year", "start"],
                                                                    kind="stable")
        name = (tg if len(tg) else g)["series_name"].iloc[0]  # a milestone's first statement names it
        unit = g["unit"].iloc[0]
        base = {"series": sid, "series_name": name, "subject": subject, "unit": unit,
                "indicator": g["indicator"].iloc[0], "indicator_code": g["indicator_code"].iloc[0],
                "conditional": bool(stream)}
        # one goal per document: the latest horizon it sets for this series
        per_doc = [grp.sort_values(["year", "start"], na_position="first").iloc[-1]
                   for _, grp in tg.groupby("doc", sort=False)]
        per_doc.sort(key=lambda r: (r["_order"], r["doc"]))
        dated = [r for r in per_doc if pd.notna(r["date"])]
        if dated and per_doc[0]["kind"] == "milestone":
            # an undated text has no place before or after the others: with no figure to compare,
            # its year alone would make a deadline move either way
            per_doc = dated
        prev = None
        if len(per_doc) and per_doc[0]["kind"] != "milestone":
            plans = _plans(tg)
            # a text with no date at all (none stated, none inferred) has no place before or
            # after the others: its goals are its own, compared with no plan's
            undated = [p for p in plans if pd.isna(next(iter(p.values()))["date"])]
            if len(undated) < len(plans):
                plans = [p for p in plans if pd.notna(next(iter(p.values()))["date"])]
                rows += [{**base, **r} for p in undated for r in _horizon_rows([p])]
            rows += [{**base, **r} for r in _horizon_rows(plans)]
            prev = plans[-1][max(plans[-1], key=_horizon_order)]
        else:
            for cur in per_doc:
                if prev is not None and _copies(prev, cur):
                    continue  # a rendition or re-post of the same text says nothing new
                if prev is None:
                    rows.append({**base, "verdict": "new", **_side("to", cur), **_about(cur)})
                else:  # a dated goal without a figure: only its year moves
                    rows.append({**base, "verdict": _by_year(prev, cur), **_side("from", prev),
                                 **_side("to", cur), **_about(cur)})
                prev = cur
        # a milestone known only by its words may come back reworded: its absence says nothing
        if prev is not None and (prev["kind"] != "milestone" or str(prev["_key"]).startswith("goal:")):
            rows += _dropped(base, prev, tg, plan_docs[plan_docs["subject"] == subject], series_by_doc, keys, dates)
        rows += _against_results(base, g, per_doc)
    return pd.DataFrame(rows, columns=cols)


def _dropped(base: dict, prev, tg: pd.DataFrame, plan_docs: pd.DataFrame, series_by_doc: dict, keys: dict,
             dates: pd.DataFrame) -> list[dict]:
    """The "dropped" row of a series whose last goal PREV no later version of its plan restates:
    a later plan of the subject (PLAN_DOCS) that restates at least two of PREV's document's
    other series; an unrelated later text says nothing."""
    later = plan_docs[(plan_docs["_order"] > prev["_order"]) & (~plan_docs["doc"].isin(tg["doc"]))]
    if pd.notna(prev["date"]):
        later = later[later["date"].notna()]  # a text with no date is not known to be later
    shared = series_by_doc.get(prev["doc"], set())
    later = later[[len(series_by_doc.get(d, set()) & shared) >= 2
                   and not _copies(prev, {"text_key": keys.get(d)}) for d in later["doc"]]]
    if not len(later):
        return []
    nxt = later.sort_values(["_order", "doc"]).iloc[0]
    title = dates.loc[dates["doc"] == nxt["doc"], "title"]
    return [{**base, "verdict": "dropped", **_side("from", prev), **_about(prev),
             "to_doc": nxt["doc"], "to_date": nxt["date"], "to_title": title.iloc[0] if len(title) else None}]


def _against_results(base: dict, g: pd.DataFrame, per_doc: list) -> list[dict]:
    """Every goal of PER_DOC against the latest achievement of the series G, in another document."""
    ach = g[g["kind"] == "achievement"].sort_values(["year", "_order", "start"], kind="stable",
                                                    na_position="first")
    if not len(ach):
        return []
    last, rows = ach.iloc[-1], []
    for tr in per_doc:
        if tr["doc"] == last["doc"] or _copies(tr, last):
            continue  # a document is not held against itself
        gap = float(f'{(last["_base"] - tr["_base"]) / base_factor(tr["unit"]):.12g}')
        if pd.notna(tr["year"]) and pd.notna(last["year"]) and last["year"] >= tr["year"]:
            verdict = "met" if _met(tr, float(last["value"])) else "missed"
        else:
            verdict = "pending"
        rows.append({**base, "verdict": f"target {verdict}", **_side("from", tr), **_side("to", last), **_about(tr),
                     "gap": gap, "gap_unit": "percentage points" if tr["unit"] in ("percent", "%") else tr["unit"]})
    return rows


def _horizon(r) -> Optional[int]:
    return None if pd.isna(r["year"]) else int(r["year"])


def _horizon_order(h) -> tuple:
    """Horizons in order, a goal that says no year first."""
    return (h is not None, h or 0)


def _plans(tg: pd.DataFrame) -> list[dict]:
    """One stream's plans in order, each {horizon: the statement it sets for it}; a document that
    restates a horizon keeps its last statement, and a copy of an earlier plan is left out."""
    plans, seen = [], set()
    for _, grp in tg.groupby("doc", sort=False):
        key = grp["text_key"].iloc[0] if "text_key" in grp.columns else None
        if isinstance(key, str) and key in seen:
            continue  # a rendition or re-post of the same text says nothing new
        seen.add(key)
        plans.append({_horizon(r): r for _, r in grp.sort_values("start", kind="stable").iterrows()})
    plans.sort(key=lambda p: (next(iter(p.values()))["_order"], next(iter(p.values()))["doc"]))
    return plans


def _comparable(a, b) -> bool:
    """Two statements are of one goal unless both say their base and the bases differ."""
    x, y = _against(a), _against(b)
    return x == y or x == (None, None) or y == (None, None)


def _ends(r) -> tuple:
    """A goal's range in base units; a single figure is a range of one value."""
    lo = r["_base"]
    hi = _base(r.get("value_max"), r["unit"]) if r.get("value_max") is not None else None
    return lo, (lo if hi is None or pd.isna(hi) else hi)


def _by_value(prev, cur) -> str:
    """Raised, lowered or unchanged between two statements of one horizon.  Ranges compare end by
    end: raised when neither end falls and one rises (26-28% to 27-32%, 28% to 28-30%), lowered
    the other way round; a range that widens or narrows on both sides is "range changed", since
    it is neither a higher nor a lower goal.  A figure not read says nothing: unchanged."""
    (a0, a1), (b0, b1) = _ends(prev), _ends(cur)
    if any(x is None or pd.isna(x) for x in (a0, a1, b0, b1)):
        return "unchanged"
    moves = {0 if _same(a, b) else (1 if b > a else -1) for a, b in ((a0, b0), (a1, b1))}
    if moves == {0}:
        return "unchanged"
    if -1 not in moves:
        return "raised"
    return "lowered" if 1 not in moves else "range changed"


def _restated(prev, cur, published: Optional[int]) -> bool:
    """Is CUR (a horizon new to its stream) PREV's goal with another deadline?  Only the same
    figure (or range) on the same base, or the same named goal, moves; and only a deadline the
    later plan could still move: one that had passed when it was written expired instead."""
    if not _comparable(prev, cur) or published is None or _horizon(prev) < published:
        return False
    goal_a, goal_b = prev.get("goal"), cur.get("goal")
    if isinstance(goal_a, str) and goal_a and goal_a == goal_b:
        return True
    return _by_value(prev, cur) == "unchanged" and prev["_base"] is not None and not pd.isna(prev["_base"])


def _horizon_rows(plans: list[dict]) -> list[dict]:
    """The verdicts of one numeric stream, plan to plan and horizon by horizon.  Each horizon's
    latest statement stands until a plan restates it: the same horizon is raised, lowered,
    unchanged (or "base changed" when the two say different bases); a horizon the stream had
    not set is "new" in its first plan, later "deadline moved" when it restates a standing goal
    the plan no longer sets for its old year (see _restated), else "new horizon" -- never a
    raise, however its figure compares (26-28% by 2025, then 50-52% by 2030).  A horizon a
    later plan leaves out is kept, not dropped: a plan adding 2035 need not restate 2025."""
    rows, standing = [], {}
    for plan in plans:
        first = next(iter(plan.values()))
        published = _year_of(first["date"])
        fresh = sorted((h for h in plan if h not in standing), key=_horizon_order)
        gone = [h for h in standing if h not in plan and h is not None]
        out = []
        for h in sorted((h for h in plan if h in standing), key=_horizon_order):
            old, cur = standing[h], plan[h]
            verdict = _by_value(old, cur) if _comparable(old, cur) else "base changed"
            out.append((h, {"verdict": verdict, **_side("from", old), **_side("to", cur), **_about(cur)}))
        moved = set()
        for h in fresh:
            cur = plan[h]
            undated = standing.get(None)
            if h is not None and undated is not None and None not in plan and None not in moved \
                    and _comparable(undated, cur) \
                    and _by_value(undated, cur) == "unchanged" and undated["_base"] is not None:
                # the goal stood with no year said, and the next plan gives the same figure a year
                out.append((h, {"verdict": "unchanged", **_side("from", undated), **_side("to", cur), **_about(cur)}))
                moved.add(None)
                continue
            cands = [g for g in gone if g not in moved and h is not None and _restated(standing[g], cur, published)]
            if cands:
                g = max(cands, key=lambda g: (standing[g]["_order"], -abs(g - h)))
                moved.add(g)
                out.append((h, {"verdict": "deadline moved", **_side("from", standing[g]), **_side("to", cur),
                                **_about(cur)}))
                continue
            if not standing:
                out.append((h, {"verdict": "new", **_side("to", cur), **_about(cur)}))
                continue
            # the standing goal nearest in time, on the same base, is shown beside it for context
            near = sorted((g for g in standing if _comparable(standing[g], cur)),
                          key=lambda g: (g is None or h is None, abs((g or 0) - (h or 0)), _horizon_order(g)))
            side = _side("from", standing[near[0]]) if near else {}
            out.append((h, {"verdict": "new horizon", **side, **_side("to", cur), **_about(cur)}))
        rows += [r for _, r in sorted(out, key=lambda x: _horizon_order(x[0]))]
        for g in moved:
            standing.pop(g, None)
        standing.update(plan)
    return rows


def _about(r) -> dict:
    """Which goal a row is about: its horizon and the base year it is stated against."""
    return {"horizon": _horizon(r), "base_year": _against(r)[1]}


def _year_of(date) -> Optional[int]:
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def _by_year(prev, cur) -> str:
    """The verdict between two statements of one goal: a year not said moves nothing."""
    return "unchanged" if cur["year"] == prev["year"] or pd.isna(cur["year"]) or pd.isna(prev["year"]) \
        else "deadline moved"


@lru_cache(maxsize=1)
def _instruments() -> re.Pattern:
    words = sorted(resources.load("cues.json")["milestone_instruments"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")


def milestone_key(goal, quote, year=None) -> Optional[str]:
    """What makes two dated milestones of one subject the same goal (models/cues.json).  One with
    an end-state label is its goal family (milestone_goal_families): "carbon neutral by 2050" and
    "net zero by 2045" are one pledge.  One whose own date (YEAR) a continuation verb governs
    (models/rules/statements.json programme-end) and that names one support instrument
    (milestone_instruments) is that instrument's end date ("continue the heat pump rebates until
    May 2023"); _milestone_series then keeps two such statements together only when they share a
    word that is no function word.  Otherwise only its words tell: the same words but for the
    date ("end the incentive by March 2022", "... by June 2023").  Any other wording is another
    milestone, since a deadline moved between two unrelated goals is worse than a revision
    missed."""
    c = resources.load("cues.json")
    if isinstance(goal, str) and goal:
        return "goal:" + c["milestone_goal_families"].get(goal, goal)
    if not isinstance(quote, str):
        return None
    low = quote.lower()
    ends = {int(m.group(1)) for m in rules.load("statements")["programme-end"].finditer(quote)}
    if year is not None and not pd.isna(year) and int(year) in ends:
        found = sorted({c["milestone_instruments"][m.group(0)] for m in _instruments().finditer(low)})
        if len(found) == 1:
            return "end:" + found[0]
    words = {w for w in rules.load("align")["alnum_token"].findall(low) if w not in _date_words()
             and not any(ch.isdigit() for ch in w)}
    return "words:" + " ".join(sorted(words)) if words else None


@lru_cache(maxsize=1)
def _date_words() -> frozenset:
    return frozenset(resources.load("cues.json")["milestone_date_words"])


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset:
    """ISO currency codes, lower case: an amount's currency says nothing of what it is for."""
    return frozenset(k.lower() for k in resources.load("currency_table.json")["currencies"])


@lru_cache(maxsize=1)
def _not_content() -> frozenset:
    """Function, date and instrument words and currency codes: none says what an instrument is for."""
    c = resources.load("cues.json")
    return _date_words() | frozenset(c["milestone_function_words"]) | frozenset(
        w for k in c["milestone_instruments"] for w in k.split()) | _currency_codes()


def _content_words(quote: str) -> frozenset:
    """A milestone statement's words that are no function, date or instrument word, singular, its
    acronyms spelt out: what the instrument is for ("heat pump", "cargo bike", "EV" as "electric
    vehicle")."""
    skip = _not_content()
    return frozenset(_singular(w) for w in rules.load("align")["alnum_token"].findall(spell_out(quote).lower())
                     if len(w) > 2 and w not in skip and not any(ch.isdigit() for ch in w))


def _end_groups(ms: pd.DataFrame) -> list[str]:
    """The keys of MS with each instrument end date ("end:") split into the statements of one
    subject that share a content word (union over pairs): 'EV rebates' and 'rebates for new EVs'
    are one instrument, 'fossil fuel subsidies' and 'heat pump rebates' are two."""
    keys = list(ms["_key"])
    groups: dict[tuple, list[int]] = {}
    for n, (k, subj) in enumerate(zip(keys, ms["subject"])):
        if k.startswith("end:"):
            groups.setdefault((subj, k), []).append(n)
    quotes = list(ms["quote"])
    for idx in groups.values():
        words = [_content_words(quotes[n]) for n in idx]
        root = list(range(len(idx)))

        def find(x):
            while root[x] != x:
                root[x] = root[root[x]]
                x = root[x]
            return x
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                if words[a] & words[b]:
                    root[find(a)] = find(b)
        for a, n in enumerate(idx):  # named by the words of the component's first quote, not by positions
            first = min(sorted(words[x]) for x in range(len(idx)) if find(x) == find(a))
            keys[n] = f"{keys[n]}|{' '.join(first)}"
    return keys


def _milestone_series(targets: pd.DataFrame) -> pd.DataFrame:
    """The dated milestones, each in a series of its subject and milestone_key, named by the goal
    family, else by each statement's metric (revisions uses the first)."""
    ms = targets[(targets["kind"] == "milestone") & targets["year"].notna()] if len(targets) else targets
    if ms.empty:
        return ms.iloc[0:0]
    goals = ms["goal"] if "goal" in ms.columns else [None] * len(ms)  # outputs written before goal
    ms = ms.assign(_key=[milestone_key(g, q, y) for g, q, y in zip(goals, ms["quote"], ms["year"])])
    ms = ms[ms["_key"].notna()]
    ms = ms.assign(_key=_end_groups(ms))
    return ms.assign(
        series=["M" + hashlib.sha1(f"{s}|{k}".encode()).hexdigest()[:10] for s, k in zip(ms["subject"], ms["_key"])],
        series_name=[k[len("goal:"):] if k.startswith("goal:") else f"{k[len('end:'):].split('|')[0]} end date" if k.startswith("end:")
                     else m if isinstance(m, str) and m.strip() else q
                     for k, m, q in zip(ms["_key"], ms["metric"], ms["quote"])])


def _copies(a, b) -> bool:
    ka, kb = a.get("text_key"), b.get("text_key")
    return isinstance(ka, str) and ka == kb


def _side(prefix: str, r) -> dict:
    return {f"{prefix}_id": r["id"], f"{prefix}_doc": r["doc"], f"{prefix}_date": r["date"], f"{prefix}_value": r["value"],
            f"{prefix}_year": None if pd.isna(r["year"]) else int(r["year"]),
            f"{prefix}_quote": r["quote"], f"{prefix}_unit": r["unit"],
            f"{prefix}_title": r.get("title"), f"{prefix}_date_inferred": bool(r.get("date_inferred"))}


def domains_over_time(docs: pd.DataFrame, dates: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for _, d in docs.iterrows():
        for dom in d.get("domains") or []:
            rows.append({"doc": d["doc"], "domain": dom})
    df = pd.DataFrame(rows, columns=["doc", "domain"]).merge(dates[["doc", "date", "date_inferred"]], on="doc",
                                                               how="left")
    df["_order"] = df["date"].fillna("9999")
    return df.sort_values(["_order", "doc", "domain"], kind="stable")[
        ["date", "date_inferred", "doc", "domain"]].reset_index(drop=True)


def views(targets: pd.DataFrame, docs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The evolution views.  TARGETS must be aligned (``policytrace.extract`` and
    ``policytrace extract`` align them); unaligned records would give empty series silently."""
    numeric = targets[(targets["kind"] != "milestone") & targets["value"].notna()] if len(targets) else targets
    if len(numeric) and ("series" not in targets.columns or targets["series"].isna().all()):
        raise PolicytraceError("compare.views needs aligned records: every record's `series` is empty "
                               "(use policytrace.extract(paths) with align=True, or the output of "
                               "`policytrace extract`)")
    dates = document_dates(docs)
    out = {
        "series_timeline": series_timeline(targets, dates),
        "milestones_by_plan": milestones_by_plan(targets, dates),
        "revisions": revisions(targets, dates),
        "domains_over_time": domains_over_time(docs, dates),
    }
    return {name: _integers(df) for name, df in out.items()}


_INT_COLUMNS = ("year", "from_year", "to_year", "start", "end", "horizon", "base_year")


def _integers(df: pd.DataFrame) -> pd.DataFrame:
    """Years and offsets stay integers next to blanks (a null made them floats: "2025.0")."""
    cols = [c for c in _INT_COLUMNS if c in df.columns]
    return df.astype({c: "Int64" for c in cols}) if cols else df


def write(out_dir: str | Path) -> dict[str, Path]:
    """Compute the views of an extraction output and write them beside it (atomically)."""
    from .export import write_frame
    targets, docs = load(out_dir)
    written = {}
    for name, df in views(targets, docs).items():
        path = Path(out_dir) / VIEW_FILES[name]
        write_frame(df.assign(schema_version=SCHEMA_VERSION)[["schema_version", *df.columns]], path)
        written[name] = path
    return written
