"""One self-contained HTML report of an extraction output: a chart per series, milestones by
plan, a domain-by-document heat map, revisions, and every document's text with its extracted
spans highlighted and linked to their records.

Everything is inline (styles, script, SVG); a Content-Security-Policy forbids any request.
The page is the Jinja2 template templates/report.html with autoescaping on: documents are
untrusted input, and no piece of text, title or name reaches the page unescaped.  This module
computes what the template shows (chart geometry, rows) as plain data.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from . import compare
from .align import base_factor
from .errors import OutputError


def fmt_value(v, unit: Optional[str]) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    if unit in ("percent", "percentage points"):
        return f"{v:g}%" if unit == "percent" else f"{v:g} pp"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:g} {word} {unit or ''}".strip()
    return f"{v:,.10g} {'' if unit == 'count' else unit or ''}".strip()


def short_value(v: float, unit: Optional[str]) -> str:
    """Axis labels: 3 significant digits, K/M/B/T suffixes; the unit is in the chart title."""
    if unit in ("percent", "percentage points"):
        return f"{v:.3g}%"
    for size, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= size:
            return f"{v / size:.3g}{suf}"
    return f"{v:.3g}"


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","Hiragino Sans",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
main{padding:8px 28px 40px}section{overflow-x:auto;background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e6e9ed;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f2f5}.num{text-align:right;white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(420px,100%),1fr));gap:14px}
.stats{display:flex;flex-wrap:wrap;gap:8px}.stat{border:1px solid #dde2e8;border-radius:4px;padding:4px 10px;min-width:88px}
.stat b{display:block;font-size:20px}.stat span{font-size:12px;color:#6b7785}
.chart-legend span{margin-right:10px;font-size:11px;white-space:nowrap}.chart-legend i{display:inline-block;width:10px;height:10px;margin-right:3px;border-radius:2px}
.scroll{overflow-x:auto}.inferred{font-style:italic;color:#8a5a00}q{color:#44505c}td.quotes{min-width:220px;font-size:12px}td.rules code{font-size:11px;color:#44505c;white-space:nowrap}
@media (max-width:600px){main{padding:4px 8px 30px}header{padding:10px 12px}section{padding:10px}}
.chart{border:1px solid #e6e9ed;border-radius:4px;padding:6px}.chart h3{margin:2px 0 4px}
.legend span{margin-right:14px;font-size:12px}.ach{fill:#2a9d8f}.tgt{fill:#fff;stroke:#e76f51;stroke-width:2}
.doctext{white-space:pre-wrap;font:13px/1.5 Georgia,serif;background:#fbfbfc;border:1px solid #eee;padding:10px;max-height:420px;overflow:auto}
mark.hl{background:#ffe08a;padding:0 1px}mark.hl.milestone{background:#cde7ff}mark.org{background:#e3d7ff}mark.dom{background:#d4f5dc}
mark a{color:inherit;text-decoration:none}tr.focus{outline:2px solid #e76f51}
.heat td.c{width:34px;text-align:center}.histories{display:flex;flex-wrap:wrap;gap:14px;margin-bottom:14px}
table.horizon-table{width:auto;max-width:100%}table.horizon-table th{max-width:13em;font-size:12px;font-weight:500}table.horizon-table caption{text-align:left;font-weight:600;padding:2px 0 4px}
table.horizon-table td.empty{color:#b5bcc4}table.horizon-table td small{display:block;color:#6b7785;font-size:11px}
.verdict{font-weight:600}.muted{color:#6b7785}
"""

SCRIPT = """
'use strict';
document.addEventListener('click', function (ev) {
  var a = ev.target.closest ? ev.target.closest('a[data-rec]') : null;
  if (!a) { return; }
  var row = document.getElementById(a.getAttribute('data-rec'));
  if (!row) { return; }
  document.querySelectorAll('tr.focus').forEach(function (r) { r.classList.remove('focus'); });
  row.classList.add('focus');
});
"""


PALETTE = ("#e76f51", "#457b9d", "#8e44ad", "#d4a017", "#c0392b", "#16a085", "#7f8c8d", "#2c3e50")
ACH_COLOUR = "#2a9d8f"


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round axis ticks (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _year_of(date) -> Optional[int]:
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def _blank(x):
    """What the page prints for a value: nothing for None and NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return x


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True,
                      undefined=StrictUndefined, finalize=_blank, keep_trailing_newline=True)
    env.filters["shorten"] = _short
    env.filters["flag"] = _flag
    return env


def _template():
    return _env().get_template("report.html")


def _f(x: float) -> str:
    return f"{x:.1f}"


def _target_point(x: float, yy: float, r, rec_ids: dict, colour: dict, title: str) -> dict:
    """One plan's target on the chart: a diamond in its horizon's colour, with its label."""
    hz = int(r["year"]) if pd.notna(r["year"]) else None
    return {"rid": rec_ids.get(r["_rid"], ""), "colour": colour.get(hz, "#555"),
            "d": f"M{x:.1f},{yy - 6:.1f} L{x + 6:.1f},{yy:.1f} L{x:.1f},{yy + 6:.1f} L{x - 6:.1f},{yy:.1f} Z",
            "label": f'target {fmt_value(r["value"], r["unit"])} ({r["comparator"]}) by '
                     f'{hz or "no year"}, set by {title} ({r.get("date")})'}


def _chart_data(sid: str, name: str, rows: pd.DataFrame, rec_ids: dict) -> Optional[dict]:
    """How a series' goals evolved: each plan's targets stand at the year the plan was published
    (a vertical line per plan, labelled with its title), the targets for one horizon are joined
    across plans in the horizon's colour, and achievements form their own line at the years they
    describe.  Four plans that each set "6% by 2025" are four points, not one."""
    # drawn in the unit most of its records use ("GW" rather than "MW"); values compared in base units
    disp_unit = rows["unit"].mode().iloc[0]
    factor = base_factor(disp_unit)
    tg = rows[(rows["kind"] == "target") & rows["value"].notna()]
    ach = rows[(rows["kind"] == "achievement") & rows["value"].notna()]
    pts_t = [(y, float(r["_base"]) / factor, r) for _, r in tg.iterrows()
             if (y := _year_of(r.get("date"))) is not None]
    pts_a = [(int(r["year"]) if pd.notna(r["year"]) else _year_of(r.get("date")), float(r["_base"]) / factor, r)
             for _, r in ach.iterrows()]
    pts_a = [p for p in pts_a if p[0] is not None]
    if not pts_t and not pts_a:
        return None
    n_docs = len({r["doc"] for _, r in tg.iterrows()})
    rows_lab = max(1, min(n_docs, 5))
    w, h, pad_l, pad_r, pad_t, pad_b = 420, 210 + 9 * rows_lab, 46, 14, 12 + 9 * rows_lab, 40
    years = [p[0] for p in pts_t + pts_a]
    vals = [p[1] for p in pts_t + pts_a]
    y0, y1 = min(years) - 1, max(years) + 1
    ticks = nice_ticks(min(0.0, min(vals)), max(vals))
    v0, v1 = ticks[0], ticks[-1]

    def sx(y):
        return pad_l + (y - y0) / (y1 - y0) * (w - pad_l - pad_r)

    def sy(v):
        return h - pad_b - (v - v0) / ((v1 - v0) or 1.0) * (h - pad_t - pad_b)

    def path(points):
        return " ".join(f"{'M' if i == 0 else 'L'}{sx(y):.1f},{sy(v):.1f}" for i, (y, v) in enumerate(points))

    step = max(1, math.ceil((y1 - y0) / 8))
    horizons = sorted({int(r["year"]) for _, _, r in pts_t if pd.notna(r["year"])})
    colour = {hz: PALETTE[i % len(PALETTE)] for i, hz in enumerate(horizons)}
    horizon_lines = []
    for hz in horizons:  # one line per horizon across plans
        line = sorted((y, v) for y, v, r in pts_t if pd.notna(r["year"]) and int(r["year"]) == hz)
        if len(line) > 1:
            horizon_lines.append((hz, path(line), colour[hz]))
    plans = []
    for n_plan, (doc, grp) in enumerate(sorted(((d, [p for p in pts_t if p[2]["doc"] == d])
                                                 for d in {p[2]["doc"] for p in pts_t}),
                                                key=lambda x: (x[1][0][0], x[0]))):
        # one line per plan, its targets at its publication year; labels take turns on rows
        # above the plot so they do not overprint
        y = grp[0][0]
        r0 = grp[0][2]
        title = r0.get("title") if isinstance(r0.get("title"), str) else doc
        lo = min(p[1] for p in grp)
        right = sx(y) > 0.62 * w
        lx, anchor = (sx(y) - 4, "end") if right else (sx(y) + 4, "start")
        points = [_target_point(sx(y), sy(v), r, rec_ids, colour, title) for _, v, r in grp]
        plans.append({"doc": doc, "title": title, "x": _f(sx(y)), "y1": _f(sy(lo) + 8),
                      "y2": _f(12 + 9 * (n_plan % rows_lab)), "lx": _f(lx), "ly": _f(9 + 9 * (n_plan % rows_lab)),
                      "anchor": anchor, "label": _short(title, 26) + ("*" if _flag(r0.get("date_inferred")) else ""),
                      "points": points})
    pts_a.sort(key=lambda p: p[0])
    legend = [(colour[hz], f"target for {hz}") for hz in horizons] + ([(ACH_COLOUR, "achieved")] if pts_a else [])
    code = rows["indicator_code"].iloc[0] if "indicator_code" in rows.columns else None
    return {"sid": sid, "name": name, "subject": rows["subject"].iloc[0], "unit": disp_unit,
            "code": code if isinstance(code, str) else None, "w": w, "h": h, "pad_l": pad_l, "pad_t": pad_t,
            "base": h - pad_b, "right": w - pad_r, "mid": f"{(pad_l + w - pad_r) / 2:.0f}",
            "xticks": [(_f(sx(y)), y) for y in range(y0, y1 + 1, step)],
            "yticks": [(_f(sy(v)), _f(sy(v) + 3), short_value(v, disp_unit)) for v in ticks],
            "horizon_lines": horizon_lines, "plans": plans,
            "ach_line": path([(y, v) for y, v, _ in pts_a]) if len(pts_a) > 1 else None,
            "ach_colour": ACH_COLOUR,
            "ach_points": [{"rid": rec_ids.get(r["_rid"], ""), "cx": _f(sx(y)), "cy": _f(sy(v)),
                            "label": f'achieved {fmt_value(r["value"], r["unit"])} in {y}, reported by '
                                     f'{r.get("title") or r["doc"]}'} for y, v, r in pts_a],
            "legend": legend}


def _chart(sid: str, name: str, rows: pd.DataFrame, rec_ids: dict) -> str:
    """One series' chart as HTML (SVG), or "" when nothing in it has a year."""
    data = _chart_data(sid, name, rows, rec_ids)
    return str(_env().get_template("report_parts.html").module.chart(data)) if data else ""


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _flag(x) -> bool:
    """A true boolean, whether Python's or numpy's (NaN and None are not)."""
    return isinstance(x, (bool, np.bool_)) and bool(x)


def _stats(rev: pd.DataFrame, numeric: pd.DataFrame) -> list[tuple[str, int]]:
    verdicts = rev["verdict"].value_counts().to_dict() if len(rev) else {}
    plans = numeric[numeric["kind"] == "target"]["doc"].nunique()
    reports = numeric[numeric["kind"] == "achievement"]["doc"].nunique()
    return [("series", numeric["series"].nunique()),
            ("with a standard indicator", numeric.dropna(subset=["indicator"])["series"].nunique()
             if "indicator" in numeric.columns else 0),
            ("documents setting targets", plans), ("documents reporting values", reports),
            ("raised", verdicts.get("raised", 0)), ("lowered", verdicts.get("lowered", 0)),
            ("deadline moved", verdicts.get("deadline moved", 0)), ("unchanged", verdicts.get("unchanged", 0)),
            ("new", verdicts.get("new", 0)), ("new horizon", verdicts.get("new horizon", 0)),
            ("base changed", verdicts.get("base changed", 0)), ("dropped", verdicts.get("dropped", 0)),
            ("targets met", verdicts.get("target met", 0)), ("targets missed", verdicts.get("target missed", 0)),
            ("targets pending", verdicts.get("target pending", 0))]


def fmt_range(v, v_max, unit: Optional[str]) -> str:
    """A goal's figure, a range as "26–28%" (the unit said once when both ends share it)."""
    if v_max is None or (isinstance(v_max, float) and math.isnan(v_max)) or v_max == v:
        return fmt_value(v, unit)
    (lo, lo_rest), (hi, hi_rest) = (_NUMBER.match(fmt_value(x, unit)).groups() for x in (v, v_max))
    return f"{lo}–{hi}{hi_rest}" if lo_rest == hi_rest else f"{lo}{lo_rest}–{hi}{hi_rest}"


_NUMBER = re.compile(r"(-?[\d.,]*)(.*)", re.S)


def horizon_tables(history: pd.DataFrame, revisions: pd.DataFrame) -> list[dict]:
    """Per series, subject and stream that two plans or more state: its horizons (rows) by plans
    (columns, in order), each cell the figure that plan sets for that year and the verdict the
    revisions give it.  The revisions list changes; this shows the whole history at once."""
    verdict = {}
    for _, r in revisions.dropna(subset=["to_id"]).iterrows():
        if not str(r["verdict"]).startswith("target"):
            verdict.setdefault(r["to_id"], r["verdict"])
    tables = []
    for (sid, subject, cond), g in history.groupby(["series", "subject", "conditional"], sort=False):
        docs = list(dict.fromkeys(g["doc"]))
        if len(docs) < 2:
            continue
        plans = [g[g["doc"] == d].iloc[0] for d in docs]
        horizons = sorted({_int(h) for h in g["horizon"]}, key=lambda h: (h is not None, h or 0))
        rows = []
        for h in horizons:
            cells = []
            for d in docs:
                hit = g[(g["doc"] == d) & ((g["horizon"].isna()) if h is None else (g["horizon"] == h))]
                r = hit.iloc[0] if len(hit) else None
                cells.append(None if r is None else {
                    "value": fmt_range(r["value"], r["value_max"], r["unit"]), "verdict": verdict.get(r["id"], ""),
                    "quote": r["quote"], "base": _int(r["base_year"])})
            rows.append({"horizon": h, "cells": cells})
        tables.append({"sid": sid, "name": g["series_name"].iloc[0], "subject": subject, "conditional": bool(cond),
                       "plans": [{"doc": p["doc"], "title": p["title"], "date": p["date"],
                                  "inferred": p["date_inferred"]} for p in plans],
                       "rows": rows})
    return tables


def _timeline(ms: pd.DataFrame) -> Optional[dict]:
    plans = ms.drop_duplicates("doc")
    years = [int(y) for y in ms["year"].dropna()]
    if not years:
        return None
    y0, y1 = min(years) - 1, max(years) + 1
    w, row_h, left = 900, 26, 250
    h = 30 + row_h * len(plans)

    def sx(y):
        return left + (y - y0) / (y1 - y0) * (w - left - 20)

    rows = []
    for i, (_, p) in enumerate(plans.iterrows()):
        dots = [{"cls": "ach" if m["kind"] == "milestone" else "tgt", "x": _f(sx(int(m["year"]))),
                 "label": f'{int(m["year"])}: {m["statement"]}'}
                for _, m in ms[ms["doc"] == p["doc"]].iterrows() if not pd.isna(m["year"])]
        rows.append({"y": 30 + i * row_h, "label": f'{p["date"] or "undated"} {p["doc"]}'[:42], "dots": dots})
    return {"w": w, "h": h, "years": [(_f(sx(y)), y) for y in range(y0, y1 + 1)], "rows": rows}


def _heat(dom: pd.DataFrame, docs: pd.DataFrame, dates: pd.DataFrame) -> dict:
    order = dates.assign(_o=dates["date"].fillna("9999")).sort_values(["_o", "doc"])["doc"].tolist()
    counts: dict = {}
    for _, d in docs.iterrows():
        for s in d.get("domain_spans") or []:
            counts[(d["doc"], s["label"])] = counts.get((d["doc"], s["label"]), 0) + 1
    present = set(zip(dom["doc"], dom["domain"]))
    rows = []
    for lab in sorted(dom["domain"].unique()):
        cells = []
        for d in order:
            n = counts.get((d, lab), 0)
            cells.append(None if n == 0 and (d, lab) not in present else
                         {"doc": d, "n": n, "alpha": f"{min(1.0, 0.25 + 0.25 * max(n, 1)):.2f}"})
        rows.append((lab, cells))
    date_of = dates.set_index("doc")["date"]
    return {"docs": order, "rows": rows, "key": [(d, date_of.get(d)) for d in order]}


def _pieces(text: str, spans: list[tuple[int, int, str, str]]) -> list[tuple[str, Optional[dict]]]:
    """TEXT cut into (piece, mark) around non-overlapping spans (start, end, css class, record
    anchor); the template escapes every piece."""
    out, pos = [], 0
    for s, e, cls, rid in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if s < pos or e <= s or e > len(text):
            continue
        out.append((text[pos:s], None))
        out.append((text[s:e], {"cls": cls, "rid": rid, "id": rid or f"{cls}{s}"}))
        pos = e
    out.append((text[pos:], None))
    return out


def _rules(x) -> list[str]:
    """A record's rule ids (none for output written before records carried them)."""
    return [str(r) for r in x] if isinstance(x, (list, tuple)) else []


def _int(x) -> Optional[int]:
    return None if x is None or pd.isna(x) else int(x)


def render(out_dir: str | Path) -> str:
    targets, docs = compare.load(out_dir)
    v = compare.views(targets, docs)
    dates = compare.document_dates(docs)
    t = targets.reset_index(drop=True).copy()
    t["_rid"] = range(len(t))
    rec_ids = {i: f"rec-{i}" for i in t["_rid"]}
    t = t.merge(dates[["doc", "date", "date_inferred", "title"]], on="doc", how="left")

    numeric = t[t["series"].notna()].copy()
    for c in ("indicator", "indicator_code"):
        if c not in numeric.columns:
            numeric[c] = None
    numeric["_base"] = [float(x) * base_factor(u) for x, u in zip(numeric["value"], numeric["unit"])]
    sizes = numeric.groupby("series")["doc"].nunique().sort_values(ascending=False, kind="stable")
    by_series = dict(tuple(numeric.groupby("series", sort=False)))
    charts = [c for sid in sizes.index
              if (c := _chart_data(sid, by_series[sid]["series_name"].iloc[0], by_series[sid], rec_ids))]

    revisions = []
    for _, r in v["revisions"].iterrows():
        code = r.get("indicator_code")
        gap_unit = "percentage points" if r["gap_unit"] == "percentage points" else r["gap_unit"]
        revisions.append({
            "series_name": r["series_name"], "code": code if isinstance(code, str) else None,
            "subject": r["subject"], "verdict": r["verdict"],
            "from_title": r["from_title"], "from_doc": r["from_doc"], "from_date": r["from_date"],
            "from_date_inferred": r["from_date_inferred"], "from_value": fmt_value(r["from_value"], r["from_unit"]),
            "from_year": _int(r["from_year"]),
            "to_title": r["to_title"], "to_doc": r["to_doc"], "to_date": r["to_date"],
            "to_date_inferred": r["to_date_inferred"], "to_value": fmt_value(r["to_value"], r["to_unit"]),
            "to_year": _int(r["to_year"]),
            "gap": fmt_value(r["gap"], gap_unit) if pd.notna(r["gap"]) else "",
            "quotes": [q for q in (r["from_quote"], r["to_quote"]) if isinstance(q, str) and q]})

    history = horizon_tables(compare.goal_history(targets, dates), v["revisions"])

    ms = v["milestones_by_plan"]
    milestones = [{"date": r["date"], "doc": r["doc"], "horizons": r["horizons"], "year": _int(r["year"]),
                   "kind": r["kind"], "statement": r["statement"]} for _, r in ms.iterrows()]

    documents = []
    for _, d in docs.assign(_o=docs["doc"].map(dates.set_index("doc")["date"]).fillna("9999")) \
            .sort_values(["_o", "doc"]).iterrows():
        recs = t[t["doc"] == d["doc"]]
        spans = []
        for _, r in recs.iterrows():
            rid = rec_ids[r["_rid"]]
            if r["kind"] == "milestone" or pd.isna(r.get("value_start")):
                spans.append((int(r["start"]), int(r["end"]), f"hl {r['kind']}", rid))
            else:
                spans.append((int(r["value_start"]), int(r["value_end"]), f"hl {r['kind']}", rid))
        spans += [(s["start"], s["end"], "org", "") for s in d.get("org_spans") or []]
        spans += [(s["start"], s["end"], "dom", "") for s in d.get("domain_spans") or []]
        documents.append({
            "doc": d["doc"], "title": d.get("title") or d["doc"], "format": d.get("format"),
            "published": d.get("published") or "unknown", "orgs": ", ".join(d.get("orgs") or []),
            "pieces": _pieces(d.get("text") or "", spans),
            "records": [{"rid": rec_ids[r["_rid"]], "kind": r["kind"], "metric": r["metric"],
                         "value": fmt_value(r["value"], r["unit"]), "comparator": r["comparator"],
                         "year": _int(r["year"]), "quote": r["quote"], "rules": _rules(r.get("rules"))}
                        for _, r in recs.iterrows()]})

    return _template().render(
        title=f"policytrace report: {Path(out_dir).name}", css=CSS, script=SCRIPT, n_docs=len(docs),
        n_records=len(targets), n_series=numeric["series"].nunique(), stats=_stats(v["revisions"], numeric),
        charts=charts, revisions=revisions, history=history, timeline=_timeline(ms), milestones=milestones,
        heat=_heat(v["domains_over_time"], docs, dates), documents=documents)


def write(out_dir: str | Path, html_path: str | Path) -> Path:
    """Render OUT_DIR's report into HTML_PATH, creating its folder if missing."""
    from .export import atomic_open
    page = render(out_dir)
    try:
        Path(html_path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the folder of {html_path}: {e.strerror or e}") from e
    with atomic_open(html_path) as f:
        f.write(page)
    return Path(html_path)
