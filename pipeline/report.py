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

import pandas as pd

from . import compare


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
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
main{padding:8px 28px 40px}section{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #e6e9ed;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f2f5}.num{text-align:right;white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px}
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


def _chart(sid: str, name: str, rows: pd.DataFrame, rec_ids: dict) -> str:
    """Values over time: achievements filled at the year they describe, targets hollow at their
    target year (labelled with the target year and the document)."""
    pts = []
    for _, r in rows.iterrows():
        year = r["year"] if pd.notna(r["year"]) else None
        if year is None and isinstance(r.get("date"), str):
            year = int(r["date"][:4])
        if year is None or pd.isna(r["value"]):
            continue
        pts.append((int(year), float(r["value"]), r))
    w, h, pad = 420, 190, 38
    if not pts:
        return ""
    years = [p[0] for p in pts]
    vals = [p[1] for p in pts]
    y0, y1 = min(years) - 1, max(years) + 1
    v0, v1 = min(0.0, min(vals)), max(vals) * 1.15 or 1.0

    def sx(y):
        return pad + (y - y0) / (y1 - y0) * (w - 2 * pad)

    def sy(v):
        return h - pad + 10 - (v - v0) / (v1 - v0) * (h - 2 * pad)

    unit = rows["unit"].iloc[0]
    parts = [f'<svg class="series-chart" role="img" aria-label="{esc(name)}" viewBox="0 0 {w} {h}" width="100%">',
             f'<line x1="{pad}" y1="{h - pad + 10}" x2="{w - pad}" y2="{h - pad + 10}" stroke="#999"/>',
             f'<line x1="{pad}" y1="20" x2="{pad}" y2="{h - pad + 10}" stroke="#999"/>']
    step = max(1, (y1 - y0) // 8)
    for y in range(y0, y1 + 1, step):
        parts.append(f'<text x="{sx(y):.1f}" y="{h - pad + 24}" font-size="10" text-anchor="middle">{y}</text>')
    for frac in (0, 0.5, 1):
        v = v0 + frac * (v1 - v0)
        parts.append(f'<text x="{pad - 4}" y="{sy(v) + 3:.1f}" font-size="9" text-anchor="end">{esc(short_value(v, unit))}</text>')
    ach = sorted((p for p in pts if p[2]["kind"] == "achievement"), key=lambda p: p[0])
    if len(ach) > 1:
        d = " ".join(f"{'M' if i == 0 else 'L'}{sx(y):.1f},{sy(v):.1f}" for i, (y, v, _) in enumerate(ach))
        parts.append(f'<path d="{d}" fill="none" stroke="#2a9d8f" stroke-width="1.5"/>')
    for y, v, r in pts:
        rid = rec_ids.get(r["_rid"], "")
        label = f'{r["kind"]} {fmt_value(v, unit)} ({r["comparator"]}) for {y}, {r["doc"]}'
        if r["kind"] == "achievement":
            shape = f'<circle class="ach" cx="{sx(y):.1f}" cy="{sy(v):.1f}" r="5"><title>{esc(label)}</title></circle>'
        else:
            x, yy = sx(y), sy(v)
            shape = (f'<path class="tgt" d="M{x:.1f},{yy - 7:.1f} L{x + 7:.1f},{yy:.1f} L{x:.1f},{yy + 7:.1f} '
                     f'L{x - 7:.1f},{yy:.1f} Z"><title>{esc(label)}</title></path>'
                     f'<text x="{x + 9:.1f}" y="{yy - 6:.1f}" font-size="9" fill="#e76f51">{y}</text>')
        parts.append(f'<a href="#{rid}" data-rec="{rid}">{shape}</a>')
    parts.append("</svg>")
    return (f'<div class="chart" id="chart-{esc(sid)}"><h3>{esc(name)} <span class="muted">'
            f'({esc(rows["subject"].iloc[0])}, {esc(unit)})</span></h3>' + "".join(parts) + "</div>")


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
    t = t.merge(dates[["doc", "date"]], on="doc", how="left")

    charts = []
    numeric = t[t["series"].notna()]
    sizes = numeric.groupby("series")["doc"].nunique().sort_values(ascending=False)
    for sid in sizes.index:
        rows = numeric[numeric["series"] == sid]
        charts.append(_chart(sid, rows["series_name"].iloc[0], rows, rec_ids))

    rev_rows = []
    for _, r in v["revisions"].iterrows():
        rev_rows.append(
            f'<tr><td>{esc(r["series_name"])}</td><td class="verdict">{esc(r["verdict"])}</td>'
            f'<td>{esc(r["from_doc"])} {esc(r["from_date"])}<br><q>{esc(r["from_quote"])}</q></td>'
            f'<td>{esc(r["to_doc"])} {esc(r["to_date"])}<br><q>{esc(r["to_quote"])}</q></td>'
            f'<td class="num">{esc(fmt_value(r["gap"], r["unit"]) if pd.notna(r["gap"]) else "")}</td></tr>')

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
<section id="series"><h2>Series over time</h2>
<p class="legend"><span><svg width="12" height="12"><circle class="ach" cx="6" cy="6" r="5"/></svg> achievement (at the year it describes)</span>
<span><svg width="14" height="14"><path class="tgt" d="M7,1 L13,7 L7,13 L1,7 Z"/></svg> target (at its target year)</span></p>
<div class="charts">{"".join(charts)}</div></section>
<section id="revisions"><h2>How goals changed</h2><table><tr><th>series</th><th>verdict</th><th>from</th><th>to</th><th>gap</th></tr>
{"".join(rev_rows)}</table></section>
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
