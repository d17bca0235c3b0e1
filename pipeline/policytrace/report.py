"""One self-contained HTML report of an extraction output: a chart per series, milestones by
plan, a domain-by-document heat map, revisions, and every document's text with its extracted
spans highlighted and linked to their records.

Everything is inline (styles, script, SVG); a Content-Security-Policy forbids any request.
Documents are untrusted input: every piece of text, title and name goes through ``esc``.
"""
from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from . import compare
from .align import base_factor


def esc(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return html.escape(str(x), quote=True)


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
.scroll{overflow-x:auto}.inferred{font-style:italic;color:#8a5a00}q{color:#44505c}td.quotes{min-width:220px;font-size:12px}
@media (max-width:600px){main{padding:4px 8px 30px}header{padding:10px 12px}section{padding:10px}}
.chart{border:1px solid #e6e9ed;border-radius:4px;padding:6px}.chart h3{margin:2px 0 4px}
.legend span{margin-right:14px;font-size:12px}.ach{fill:#2a9d8f}.tgt{fill:#fff;stroke:#e76f51;stroke-width:2}
.doctext{white-space:pre-wrap;font:13px/1.5 Georgia,serif;background:#fbfbfc;border:1px solid #eee;padding:10px;max-height:420px;overflow:auto}
mark.hl{background:#ffe08a;padding:0 1px}mark.hl.milestone{background:#cde7ff}mark.org{background:#e3d7ff}mark.dom{background:#d4f5dc}
mark a{color:inherit;text-decoration:none}tr.focus{outline:2px solid #e76f51}
.heat td.c{width:34px;text-align:center}.verdict{font-weight:600}.muted{color:#6b7785}
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


def _chart(sid: str, name: str, rows: pd.DataFrame, rec_ids: dict) -> str:
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
        return ""
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

    parts = [f'<svg class="series-chart" role="img" aria-label="{esc(name)}" viewBox="0 0 {w} {h}" width="100%">',
             f'<line x1="{pad_l}" y1="{h - pad_b}" x2="{w - pad_r}" y2="{h - pad_b}" stroke="#999"/>',
             f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{h - pad_b}" stroke="#999"/>']
    step = max(1, math.ceil((y1 - y0) / 8))
    for y in range(y0, y1 + 1, step):
        parts.append(f'<text class="xtick" x="{sx(y):.1f}" y="{h - pad_b + 14}" font-size="10" text-anchor="middle">{y}</text>')
    for v in ticks:
        parts.append(f'<line x1="{pad_l}" y1="{sy(v):.1f}" x2="{w - pad_r}" y2="{sy(v):.1f}" stroke="#eee"/>'
                     f'<text class="ytick" x="{pad_l - 4}" y="{sy(v) + 3:.1f}" font-size="9" text-anchor="end">'
                     f'{esc(short_value(v, disp_unit))}</text>')
    parts.append(f'<text x="{(pad_l + w - pad_r) / 2:.0f}" y="{h - 6}" font-size="9" text-anchor="middle" '
                 f'fill="#6b7785">year published (targets) · year described (achievements)</text>')
    horizons = sorted({int(r["year"]) for _, _, r in pts_t if pd.notna(r["year"])})
    colour = {hz: PALETTE[i % len(PALETTE)] for i, hz in enumerate(horizons)}
    # one line per horizon across plans
    for hz in horizons:
        line = sorted((y, v) for y, v, r in pts_t if pd.notna(r["year"]) and int(r["year"]) == hz)
        if len(line) > 1:
            d = " ".join(f"{'M' if i == 0 else 'L'}{sx(y):.1f},{sy(v):.1f}" for i, (y, v) in enumerate(line))
            parts.append(f'<path class="horizon-line" data-horizon="{hz}" d="{d}" fill="none" '
                         f'stroke="{colour[hz]}" stroke-width="1.5" stroke-dasharray="4 3"/>')
    # one line per plan: its targets at its publication year
    n_plan = -1
    for doc, grp in sorted(((d, [p for p in pts_t if p[2]["doc"] == d]) for d in {p[2]["doc"] for p in pts_t}),
                           key=lambda x: (x[1][0][0], x[0])):
        y = grp[0][0]
        r0 = grp[0][2]
        title = r0.get("title") if isinstance(r0.get("title"), str) else doc
        lo = min(p[1] for p in grp)
        n_plan += 1  # plan labels take turns on rows above the plot, so they do not overprint
        right = sx(y) > 0.62 * w
        lx, anchor = (sx(y) - 4, "end") if right else (sx(y) + 4, "start")
        parts.append(f'<g class="plan" data-doc="{esc(doc)}"><title>{esc(title)}</title>'
                     f'<line class="plan-line" x1="{sx(y):.1f}" y1="{sy(lo) + 8:.1f}" x2="{sx(y):.1f}" '
                     f'y2="{12 + 9 * (n_plan % rows_lab):.1f}" stroke="#b0b8c1" stroke-width="2" stroke-dasharray="1 2"/>'
                     f'<text class="plan-label" x="{lx:.1f}" y="{9 + 9 * (n_plan % rows_lab):.1f}" '
                     f'font-size="8" text-anchor="{anchor}" fill="#44505c">{esc(_short(title, 26))}{"*" if _flag(r0.get("date_inferred")) else ""}</text>')
        for _, v, r in grp:
            rid = rec_ids.get(r["_rid"], "")
            hz = int(r["year"]) if pd.notna(r["year"]) else None
            label = (f'target {fmt_value(r["value"], r["unit"])} ({r["comparator"]}) by {hz or "no year"}, '
                     f'set by {title} ({r.get("date")})')
            x, yy = sx(y), sy(v)
            parts.append(f'<a href="#{rid}" data-rec="{rid}"><path class="tgt" style="stroke:{colour.get(hz, "#555")}" '
                         f'd="M{x:.1f},{yy - 6:.1f} L{x + 6:.1f},{yy:.1f} L{x:.1f},{yy + 6:.1f} L{x - 6:.1f},{yy:.1f} Z">'
                         f'<title>{esc(label)}</title></path></a>')
        parts.append("</g>")
    pts_a.sort(key=lambda p: p[0])
    if len(pts_a) > 1:
        d = " ".join(f"{'M' if i == 0 else 'L'}{sx(y):.1f},{sy(v):.1f}" for i, (y, v, _) in enumerate(pts_a))
        parts.append(f'<path class="achievement-line" d="{d}" fill="none" stroke="{ACH_COLOUR}" stroke-width="2"/>')
    for y, v, r in pts_a:
        rid = rec_ids.get(r["_rid"], "")
        label = f'achieved {fmt_value(r["value"], r["unit"])} in {y}, reported by {r.get("title") or r["doc"]}'
        parts.append(f'<a href="#{rid}" data-rec="{rid}"><circle class="ach" cx="{sx(y):.1f}" cy="{sy(v):.1f}" r="4.5">'
                     f'<title>{esc(label)}</title></circle></a>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{colour[hz]}"></i>target for {hz}</span>' for hz in horizons)
    if pts_a:
        legend += f'<span><i style="background:{ACH_COLOUR}"></i>achieved</span>'
    code = rows["indicator_code"].iloc[0] if "indicator_code" in rows.columns else None
    code_html = f' · <code>{esc(code)}</code>' if isinstance(code, str) else ""
    return (f'<div class="chart" id="chart-{esc(sid)}"><h3>{esc(name)} <span class="muted">'
            f'({esc(rows["subject"].iloc[0])}, {esc(disp_unit)}{code_html})</span></h3>' + "".join(parts)
            + f'<div class="legend chart-legend">{legend}</div></div>')


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _doc_html(title, doc) -> str:
    """A document by its title (cut to one line, in full on hover), else its id."""
    if isinstance(doc, float) or doc is None:
        return ""
    name = title if isinstance(title, str) and title.strip() else doc
    return f'<span title="{esc(name)} [{esc(doc)}]">{esc(_short(" ".join(name.split()), 70))}</span>'


def _flag(x) -> bool:
    """A true boolean, whether Python's or numpy's (NaN and None are not)."""
    return isinstance(x, (bool, np.bool_)) and bool(x)


def _date_html(date, inferred) -> str:
    if not isinstance(date, str) or not date:
        return '<span class="muted">undated</span>'
    if _flag(inferred):
        return f'<span class="inferred" title="year inferred from the text">≈{esc(date)} (inferred)</span>'
    return esc(date)


def _summary(rev: pd.DataFrame, numeric: pd.DataFrame) -> str:
    verdicts = rev["verdict"].value_counts().to_dict() if len(rev) else {}
    plans = numeric[numeric["kind"] == "target"]["doc"].nunique()
    reports = numeric[numeric["kind"] == "achievement"]["doc"].nunique()
    cells = [("series", numeric["series"].nunique()),
             ("with a standard indicator", numeric.dropna(subset=["indicator"])["series"].nunique()
              if "indicator" in numeric.columns else 0),
             ("documents setting targets", plans), ("documents reporting values", reports),
             ("raised", verdicts.get("raised", 0)), ("lowered", verdicts.get("lowered", 0)),
             ("deadline moved", verdicts.get("deadline moved", 0)), ("unchanged", verdicts.get("unchanged", 0)),
             ("new", verdicts.get("new", 0)), ("dropped", verdicts.get("dropped", 0)),
             ("targets met", verdicts.get("target met", 0)), ("targets missed", verdicts.get("target missed", 0)),
             ("targets pending", verdicts.get("target pending", 0))]
    return "".join(f'<div class="stat" data-stat="{esc(k)}"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
                   for k, v in cells)


def _milestone_timeline(ms: pd.DataFrame, dates: pd.DataFrame) -> str:
    plans = ms.drop_duplicates("doc")
    years = [int(y) for y in ms["year"].dropna()]
    if not years:
        return "<p class='muted'>No dated goals.</p>"
    y0, y1 = min(years) - 1, max(years) + 1
    w, row_h, left = 900, 26, 250
    h = 30 + row_h * len(plans)

    def sx(y):
        return left + (y - y0) / (y1 - y0) * (w - left - 20)

    parts = [f'<svg id="milestone-timeline" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="milestones by plan">']
    for y in range(y0, y1 + 1):
        parts.append(f'<line x1="{sx(y):.1f}" y1="14" x2="{sx(y):.1f}" y2="{h}" stroke="#eee"/>'
                     f'<text x="{sx(y):.1f}" y="11" font-size="10" text-anchor="middle">{y}</text>')
    for i, (_, p) in enumerate(plans.iterrows()):
        yy = 30 + i * row_h
        label = f'{p["date"] or "undated"} {p["doc"]}'
        parts.append(f'<text x="4" y="{yy + 4}" font-size="11">{esc(label[:42])}</text>')
        for _, m in ms[ms["doc"] == p["doc"]].iterrows():
            if pd.isna(m["year"]):
                continue
            cls = "ach" if m["kind"] == "milestone" else "tgt"
            parts.append(f'<circle class="{cls}" cx="{sx(int(m["year"])):.1f}" cy="{yy}" r="6">'
                         f'<title>{esc(str(int(m["year"])) + ": " + str(m["statement"]))}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _heatmap(dom: pd.DataFrame, docs: pd.DataFrame, dates: pd.DataFrame) -> str:
    order = dates.assign(_o=dates["date"].fillna("9999")).sort_values(["_o", "doc"])["doc"].tolist()
    labels = sorted(dom["domain"].unique())
    counts = {}
    for _, d in docs.iterrows():
        for s in d.get("domain_spans") or []:
            counts[(d["doc"], s["label"])] = counts.get((d["doc"], s["label"]), 0) + 1
    head = "".join(f'<th title="{esc(d)}">{esc(str(i + 1))}</th>' for i, d in enumerate(order))
    rows = []
    for lab in labels:
        cells = []
        for d in order:
            n = counts.get((d, lab), 0)
            if n == 0 and not ((dom["doc"] == d) & (dom["domain"] == lab)).any():
                cells.append('<td class="c"></td>')
                continue
            alpha = min(1.0, 0.25 + 0.25 * max(n, 1))
            cells.append(f'<td class="c" style="background:rgba(42,157,143,{alpha:.2f})" '
                         f'title="{esc(lab)} in {esc(d)}: {n}">{n or ""}</td>')
        rows.append(f"<tr><th>{esc(lab)}</th>{''.join(cells)}</tr>")
    key = "".join(f"<li>{i + 1}: {esc(d)} ({esc(dates.set_index('doc')['date'].get(d) or 'undated')})</li>"
                  for i, d in enumerate(order))
    return (f'<table class="heat" id="domain-heatmap"><tr><th>domain</th>{head}</tr>{"".join(rows)}</table>'
            f'<ol class="muted" style="columns:2;list-style:none;padding:0">{key}</ol>')


def _highlighted(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escape TEXT and wrap non-overlapping spans (start, end, css class, record anchor)."""
    out, pos = [], 0
    for s, e, cls, rid in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if s < pos or e <= s or e > len(text):
            continue
        out.append(esc(text[pos:s]))
        inner = esc(text[s:e])
        if rid:
            inner = f'<a href="#{rid}" data-rec="{rid}">{inner}</a>'
        out.append(f'<mark class="{cls}" id="span-{rid or cls + str(s)}">{inner}</mark>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def render(out_dir: str | Path) -> str:
    targets, docs = compare.load(out_dir)
    v = compare.views(targets, docs)
    dates = compare.document_dates(docs)
    t = targets.reset_index(drop=True).copy()
    t["_rid"] = range(len(t))
    rec_ids = {i: f"rec-{i}" for i in t["_rid"]}
    t = t.merge(dates[["doc", "date", "date_inferred", "title"]], on="doc", how="left")

    charts = []
    numeric = t[t["series"].notna()].copy()
    for c in ("indicator", "indicator_code"):
        if c not in numeric.columns:
            numeric[c] = None
    numeric["_base"] = [float(v) * base_factor(u) for v, u in zip(numeric["value"], numeric["unit"])]
    sizes = numeric.groupby("series")["doc"].nunique().sort_values(ascending=False, kind="stable")
    for sid in sizes.index:
        rows = numeric[numeric["series"] == sid]
        charts.append(_chart(sid, rows["series_name"].iloc[0], rows, rec_ids))

    rev_rows = []
    for _, r in v["revisions"].iterrows():
        code = r.get("indicator_code")
        rev_rows.append(
            f'<tr><td>{esc(r["series_name"])}{"<br><code>" + esc(code) + "</code>" if isinstance(code, str) else ""}'
            f'<br><span class="muted">{esc(r["subject"])}</span></td>'
            f'<td class="verdict">{esc(r["verdict"])}</td>'
            f'<td>{_doc_html(r["from_title"], r["from_doc"])}<br>{_date_html(r["from_date"], r["from_date_inferred"])}</td>'
            f'<td class="num">{esc(fmt_value(r["from_value"], r["from_unit"]))}'
            f'{" by " + esc(int(r["from_year"])) if pd.notna(r["from_year"]) else ""}</td>'
            f'<td>{_doc_html(r["to_title"], r["to_doc"])}<br>{_date_html(r["to_date"], r["to_date_inferred"])}</td>'
            f'<td class="num">{esc(fmt_value(r["to_value"], r["to_unit"]))}'
            f'{" (" + esc(int(r["to_year"])) + ")" if pd.notna(r["to_year"]) else ""}</td>'
            f'<td class="num">{esc(fmt_value(r["gap"], "percentage points" if r["gap_unit"] == "percentage points" else r["gap_unit"]) if pd.notna(r["gap"]) else "")}</td>'
            f'<td class="quotes">{"<br>".join(f"<q>{esc(q)}</q>" for q in (r["from_quote"], r["to_quote"]) if isinstance(q, str) and q)}</td></tr>')

    ms = v["milestones_by_plan"]
    ms_rows = "".join(
        f'<tr><td>{esc(r["date"])}</td><td>{esc(r["doc"])}</td><td>{esc(r["horizons"])}</td>'
        f'<td>{esc("" if pd.isna(r["year"]) else int(r["year"]))}</td><td>{esc(r["kind"])}</td>'
        f'<td>{esc(r["statement"])}</td></tr>' for _, r in ms.iterrows())

    doc_sections = []
    for _, d in docs.assign(_o=docs["doc"].map(dates.set_index("doc")["date"]).fillna("9999")) \
            .sort_values(["_o", "doc"]).iterrows():
        recs = t[t["doc"] == d["doc"]]
        spans = []
        for _, r in recs.iterrows():
            rid = rec_ids[r["_rid"]]
            if r["kind"] == "milestone" or pd.isna(r.get("value_start")):
                spans.append((int(r["start"]), int(r["end"]), f"hl {esc(r['kind'])}", rid))
            else:
                spans.append((int(r["value_start"]), int(r["value_end"]), f"hl {esc(r['kind'])}", rid))
        for s in d.get("org_spans") or []:
            spans.append((s["start"], s["end"], "org", ""))
        for s in d.get("domain_spans") or []:
            spans.append((s["start"], s["end"], "dom", ""))
        rec_rows = "".join(
            f'<tr id="{rec_ids[r["_rid"]]}"><td><a href="#span-{rec_ids[r["_rid"]]}">{esc(r["kind"])}</a></td>'
            f'<td>{esc(r["metric"])}</td><td class="num">{esc(fmt_value(r["value"], r["unit"]))}</td>'
            f'<td>{esc(r["comparator"])}</td><td>{esc("" if pd.isna(r["year"]) else int(r["year"]))}</td>'
            f'<td>{esc(r["quote"])}</td></tr>' for _, r in recs.iterrows())
        doc_sections.append(
            f'<section class="document" id="doc-{esc(d["doc"])}"><h3>{esc(d.get("title") or d["doc"])}</h3>'
            f'<p class="muted">{esc(d["doc"])} · {esc(d.get("format"))} · published {esc(d.get("published") or "unknown")}'
            f' · organisations: {esc(", ".join(d.get("orgs") or []))}</p>'
            f'<div class="doctext">{_highlighted(d.get("text") or "", spans)}</div>'
            f'<table><tr><th>kind</th><th>metric</th><th>value</th><th>comparator</th><th>year</th><th>quote</th></tr>'
            f'{rec_rows}</table></section>')

    title = f"policytrace report: {Path(out_dir).name}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{CSS}</style></head>
<body><header><h1>{esc(title)}</h1><div>{len(docs)} documents · {len(targets)} records ·
{numeric["series"].nunique()} series</div></header><main>
<section id="summary"><h2>Summary</h2><div class="stats">{_summary(v["revisions"], numeric)}</div>
<p class="muted">Dates marked ≈ … (inferred) are years read from the text, not stated publication dates.</p></section>
<section id="series"><h2>How goals evolved</h2>
<p class="legend"><span><svg width="14" height="14"><path class="tgt" d="M7,1 L13,7 L7,13 L1,7 Z"/></svg> a plan's target, at the year the plan was published (grey line: one plan; dashed colour: one horizon across plans)</span>
<span><svg width="12" height="12"><circle class="ach" cx="6" cy="6" r="5"/></svg> achievement, at the year it describes</span></p>
<div class="charts">{"".join(charts)}</div></section>
<section id="revisions"><h2>How goals changed</h2><div class="scroll"><table id="revisions-table"><tr><th>series</th><th>verdict</th><th>from document</th><th>from value</th><th>to document</th><th>to value</th><th>gap</th><th>quotes</th></tr>
{"".join(rev_rows)}</table></div></section>
<section id="milestones"><h2>Milestones by plan</h2>{_milestone_timeline(ms, dates)}
<table><tr><th>date</th><th>document</th><th>horizons</th><th>year</th><th>kind</th><th>goal</th></tr>{ms_rows}</table></section>
<section id="domains"><h2>Technology domains by document</h2>{_heatmap(v["domains_over_time"], docs, dates)}</section>
<section id="documents"><h2>Documents</h2>{"".join(doc_sections)}</section>
</main><script>{SCRIPT}</script></body></html>
"""


def write(out_dir: str | Path, html_path: str | Path) -> Path:
    from .export import atomic_open
    page = render(out_dir)
    with atomic_open(html_path) as f:
        f.write(page)
    return Path(html_path)
