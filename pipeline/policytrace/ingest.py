"""Reading files into text: the one place pdfplumber, pypdfium2, trafilatura and python-docx
objects exist.  :func:`read` returns a :class:`~policytrace.records.Document` or raises :class:`IngestError` with a
reason a person can act on.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

from . import resources, rules
from .errors import IngestError, UnsupportedFormat
from .normalize import nfkc
from .records import Document, Table
from .rules import lexicon

TEXT_EXT = {".txt", ".md", ".text"}
HTML_EXT = {".html", ".htm", ".xhtml"}
PDF_EXT = {".pdf"}
DOCX_EXT = {".docx"}
SUPPORTED = TEXT_EXT | HTML_EXT | PDF_EXT | DOCX_EXT
SIDECAR_SUFFIX = ".meta.json"


# ------------------------------------------------------------------ discovery


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and files below folders named, in a stable order; hidden files and
    sidecars are skipped.  A path that does not exist is yielded so that it becomes an error."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                # anything but a folder is yielded: a FIFO, a device link or a symlink loop
                # becomes an error line instead of vanishing
                if not f.is_dir() and not any(part.startswith(".") for part in rel.parts) \
                        and not f.name.endswith(SIDECAR_SUFFIX):
                    yield f
        else:
            yield p


def display(path: str | Path) -> str:
    """A path as text every output can hold: bytes that are not UTF-8 in a file name are
    written as \\xNN escapes (they would make JSON, CSV and SQLite fail)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def doc_id(path: Path) -> str:
    return display(Path(path).stem)


# ------------------------------------------------------------------ dates

_P = rules.load("ingest")
_MONTHS = lexicon.table("quantities.json", "months")
_DATE_PATTERNS = ((_P["date_ymd"], "ymd"), (_P["date_mdy"], "mdy"), (_P["date_dmy"], "dmy"), (_P["date_cjk"], "ymd"))
_DATE_LINE_CUES = _P["date_line_cue"]
_log = logging.getLogger(__name__)


def _mk_date(y, m, d) -> Optional[str]:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(s: str) -> Optional[str]:
    """The first full calendar date in S, as ISO."""
    best = None
    for rx, order in _DATE_PATTERNS:
        m = rx.search(s)
        if not m or (best and best[0] <= m.start()):
            continue
        g = m.groups()
        if order == "ymd":
            iso = _mk_date(g[0], g[1], g[2])
        elif order == "mdy":
            iso = _mk_date(g[2], _MONTHS[g[0].lower().rstrip(".")], g[1])
        else:
            iso = _mk_date(g[2], _MONTHS[g[1].lower().rstrip(".")], g[0])
        if iso:
            best = (m.start(), iso)
    return best[1] if best else None


def stated_date(value) -> tuple[Optional[str], Optional[str]]:
    """A stated date of any ISO precision ("2021", "2021-06", "2021-06-30", a time after it, an
    integer year) or a full date in words, as (date, precision): precision is "day", "month" or
    "year"; (None, None) when VALUE is not a date."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None, None
    value = str(value)
    m = _P["iso_date"].match(value)
    if m:
        y, mo, d = m.groups()
        if d:
            iso = _mk_date(y, mo, d)
            return (iso, "day") if iso else (None, None)
        return (f"{y}-{mo}", "month") if mo else (y, "year")
    iso = parse_date(value[:200])
    return (iso, "day") if iso else (None, None)


def _line_date(ln: str) -> Optional[str]:
    if len(ln.split()) <= 15 or _DATE_LINE_CUES.match(ln):
        iso = parse_date(ln if len(ln) < 200 else ln[:200])
        if iso:
            return iso
    m = _P["dateline"].match(ln)
    if not m:
        return None
    iso = parse_date(m.group("date"))
    if iso is None:
        _log.warning("dateline %r states no year: no publication date is taken from it", m.group(0))
    return iso


def header_date(text: str, n_lines: int = 12) -> Optional[str]:
    """Publication date from the text's own header lines ("Date:2021-12-24",
    "Updated: Sep 18,2016 5:34 PM", "- Dec 23, 2020-", "China Daily| January 16, 2025"), or the
    dateline opening a paragraph ("HALIFAX, Nova Scotia — May 21, 2022 — The province ...");
    a dateline without its year ("LUSAKA, Feb. 9 (Agence) -") gives none."""
    for ln in [ln.strip() for ln in text.splitlines() if ln.strip()][:n_lines]:
        iso = _line_date(ln)
        if iso:
            return iso
    return None


def _year_like(digits: str) -> bool:
    return digits.isdigit() and 1900 <= int(digits) <= _dt.date.today().year + 1


@lru_cache(maxsize=64)
def _stems(folder: str, mtime_ns: int) -> frozenset[str]:
    """The names (stems) of the files in FOLDER, read once per change of the folder."""
    try:
        return frozenset(p.stem for p in Path(folder).iterdir())
    except OSError:
        return frozenset()


def _counts_files(path: Path, start: int, end: int) -> bool:
    """The digits at START:END of PATH's stem number the files, not a year: a file beside it has
    the same name with a number there that is no year ("doc-0007-end" or "doc-7-end" beside
    "doc-1987-end")."""
    stem = path.stem
    head, tail = stem[:start], stem[end:]
    try:
        mtime = path.parent.stat().st_mtime_ns
    except OSError:
        return False
    middles = (o[len(head):len(o) - len(tail)] for o in _stems(str(path.parent), mtime)
               if len(o) > len(head) + len(tail) and o.startswith(head) and o.endswith(tail))
    return any(m.isdigit() and not _year_like(m) for m in middles)


def name_year(path: str | Path) -> Optional[int]:
    """The one year a file's name states ("plan_2018.txt", "eap2018_innovation.txt",
    "2021-climate-strategy.pdf"; rule ``file_name_year``), from the name itself (not its
    folders), from 1900 to next year; None when the name states none, or two different ones
    ("plan_2016-2020.txt"), or when the number counts files ("item-1987" beside "item-0007").
    A candidate only: ``runner.name_dated`` decides whether it is the publication year."""
    path = Path(path)
    found = {m.group(1): m.span(1) for m in _P["file_name_year"].finditer(path.stem)}
    if len(found) != 1:
        return None
    digits, (start, end) = found.popitem()
    if not _year_like(digits) or _counts_files(path, start, end):
        return None
    return int(digits)


def _plausible(iso: Optional[str]) -> Optional[str]:
    """A date a file's metadata may hold: not before 1990 (a zeroed or epoch stamp) and not
    after today (a wrong clock)."""
    if iso and 1990 <= int(iso[:4]) and iso <= _dt.date.today().isoformat():
        return iso
    return None


def _pdf_date(s: Optional[str]) -> Optional[str]:
    m = _P["pdf_date"].match(s or "")
    return _mk_date(*m.groups()) if m else None


def _pdf_meta_date(meta: dict) -> Optional[str]:
    """The earliest plausible of the PDF's creation and modification dates.  A file re-saved or
    re-exported later may carry a new creation date with the old one lost, or a creation date
    after its modification date (a tool that rewrote one of the two): publication is never
    later than either, so the earliest is the one to trust."""
    dates = [_plausible(_pdf_date(meta.get(k))) for k in ("CreationDate", "ModDate")]
    dates = [d for d in dates if d]
    return min(dates) if dates else None


def _docx_meta_date(cp) -> Optional[str]:
    """The earliest plausible of the core properties' created and modified dates (as for PDF);
    none from a generator whose blank template stamps a fixed creation date."""
    if _P["docx_template_creator"].match(cp.author or "") and cp.created == cp.modified:
        return None
    dates = [_plausible(d.date().isoformat()) for d in (cp.created, cp.modified) if d]
    dates = [d for d in dates if d]
    return min(dates) if dates else None


def _ld_dates(node, depth: int = 0) -> Iterator[str]:
    """``datePublished`` values anywhere in a JSON-LD object (nested, in lists or @graph)."""
    if depth > 6:
        return
    if isinstance(node, list):
        for x in node:
            yield from _ld_dates(x, depth + 1)
    elif isinstance(node, dict):
        if isinstance(node.get("datePublished"), (str, int)):
            yield node["datePublished"]
        for v in node.values():
            if isinstance(v, (list, dict)):
                yield from _ld_dates(v, depth + 1)


def _html_published(data: bytes) -> Optional[str]:
    """The publication date the page's markup states, in this order: a <meta> name or property
    for it (``article:published_time``, ``date``, ``DC.date.issued`` ...), JSON-LD
    ``datePublished``, the first <time datetime>.  Values that are not full dates are skipped
    (a warning); a modification date is never read."""
    from lxml import etree
    from lxml import html as lhtml
    try:
        tree = lhtml.fromstring(data)
    except (ValueError, etree.ParserError, etree.XMLSyntaxError):
        return None
    found = [el.get("content") for el in tree.iter("meta")
             if _P["html_date_meta"].match((el.get("property") or el.get("name") or el.get("itemprop") or "").strip())]
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() == "application/ld+json":
            try:
                found.extend(_ld_dates(json.loads(el.text_content())))
            except ValueError:
                _log.warning("JSON-LD block is not valid JSON: its dates are not read")
    found.extend(el.get("datetime") for el in tree.iter("time"))
    for v in found:
        iso, precision = stated_date(v) if v else (None, None)
        if precision == "day":
            return iso
        if v:
            _log.warning("HTML date %r is not a full date: left out", v)
    return None


# ------------------------------------------------------------------ titles

_BOILER = _P["boiler"]


def guess_title(text: str) -> Optional[str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:8]
    for ln in lines:
        if len(ln.split()) >= 4 and len(ln) <= 250 and not _BOILER.search(ln) and not parse_date(ln):
            return ln
    return lines[0][:250] if lines else None


# ------------------------------------------------------------------ readers


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise IngestError(path, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(path, f"invalid UTF-16: {e.reason} at byte {e.start}") from e
    if b"\x00" in data[:8192]:
        raise IngestError(path, "binary content, not text (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(path, f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}") from e
    ctrl = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
    if ctrl > 0.05 * min(len(text), 8192):
        raise IngestError(path, "binary content, not text (control characters)")
    return text


def _norm(text: str) -> str:
    """Line ends unified and NFKC applied once, here, so every later offset, quote and rule sees
    ASCII digits, signs and spaces ("１２３", "½", "km²", "\u2212 5" as "123", "1/2", "km2", "-5")."""
    return nfkc(text.replace("\r\n", "\n").replace("\r", "\n"))[0]


def read_text(path: Path, data: bytes) -> dict:
    text = _norm(_decode(path, data))
    if not text.strip():
        raise IngestError(path, "empty file")
    return {"text": text}


def read_html(path: Path, data: bytes) -> dict:
    if not data.strip():
        raise IngestError(path, "empty file")
    import trafilatura
    try:
        res = trafilatura.bare_extraction(data, with_metadata=True, include_tables=True,
                                          include_comments=False, as_dict=True)
    except Exception as e:  # trafilatura raises many types on hostile markup
        raise IngestError(path, f"HTML could not be parsed: {e}") from e
    if not res or not (res.get("text") or "").strip():
        raise IngestError(path, "no main text found in HTML")
    text = _norm(res["text"])
    title = res.get("title")
    if title and not text.lstrip().startswith(title):
        text = title + "\n\n" + text  # keep the headline in the text it grounds
    return {"text": text, "title": title, "stated_date": _html_published(data)}


def _numbers_per_line(text: str) -> int:
    return sum(1 for ln in text.splitlines() if len(_P["number_token"].findall(ln)) >= 2)


def read_pdf(path: Path, data: bytes) -> dict:
    if not data.strip():
        raise IngestError(path, "empty file")
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise IngestError(path, "PDF is encrypted (password required)") from e
        raise IngestError(path, f"corrupt or unreadable PDF: {msg}") from e
    try:
        pages, ruled = [], []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            pages.append(_dehyphenate(_norm(tp.get_text_range())).strip("\n"))
            tp.close()
            ruled.append(_has_rules(page))
            page.close()
        meta = pdf.get_metadata_dict() or {}
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise IngestError(path, "PDF has no text layer (scanned image?): OCR is not supported")
    text = ""
    starts = []
    for p in pages:
        starts.append(len(text))
        text += p + "\n\n"
    text = text.rstrip("\n") + "\n"
    tables = _pdf_tables(path, data, pages, starts, text, ruled)
    return {"text": text, "title": (meta.get("Title") or None),
            "meta_date": _pdf_meta_date(meta), "tables": tables}


_SOFT_BREAK = _P["soft_break"]


def _dehyphenate(page: str) -> str:
    """"infor-\nmation" was one word broken by the layout: joined before sentences are cut
    (a capital after the break, "COVID-\n19" or "2021-\n2025" stay as they are)."""
    return _SOFT_BREAK.sub("", page)


def _has_rules(page, need: int = 4) -> bool:
    """Does the page draw lines or boxes (a ruled table's grid)?  Counted from pypdfium2's page
    objects, which costs microseconds; pdfplumber's table finder costs a second a page."""
    import pypdfium2.raw as pdfium_c
    n = 0
    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        n += 1
        if n >= need:
            return True
    return False


def _pdf_tables(path, data, pages, starts, text, ruled) -> tuple:
    """pdfplumber is slow, so it only looks at pages that draw a grid and whose text has
    table-like lines, and never at a page too full of characters to be a table."""
    limit = resources.config()["max_table_page_chars"]
    want = [i for i, p in enumerate(pages) if ruled[i] and _numbers_per_line(p) >= 2 and len(p) <= limit]
    if not want:
        return ()
    import io

    import pdfplumber
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in want:
                for rows in pdf.pages[i].extract_tables() or []:
                    rows = tuple(tuple(" ".join((c or "").split()) for c in r) for r in rows if r)
                    if len(rows) >= 2:
                        spans = tuple(_locate_row(text, r, starts[i]) for r in rows)
                        out.append(Table(rows=rows, row_spans=spans, page=i + 1))
    return tuple(out)


def _locate_row(text: str, row: tuple[str, ...], start: int) -> Optional[tuple[int, int]]:
    cells = [c for c in row if c]
    if not cells:
        return None
    i = text.find(cells[0], start)
    if i < 0:
        return None
    end = i + len(cells[0])
    for c in cells[1:]:
        j = text.find(c, end)
        if j < 0 or j - end > 200:
            break
        end = j + len(c)
    return (i, end)


def read_docx(path: Path, data: bytes) -> dict:
    if not data.strip():
        raise IngestError(path, "empty file")
    import io
    import zipfile

    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError) as e:
        raise IngestError(path, f"not a valid DOCX file: {e}") from e
    cap = resources.config()["max_document_chars"] * 20
    if size > cap:  # checked from the zip directory, before anything is inflated
        raise IngestError(path, f"DOCX expands to {size} bytes (limit {cap}): a zip bomb?")
    try:
        d = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise IngestError(path, f"not a valid DOCX file: {e}") from e
    except Exception as e:
        raise IngestError(path, f"DOCX could not be read: {e}") from e
    parts: list[str] = []
    pos = 0
    tables = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            t = _norm(Paragraph(child, d).text).strip()
            if t:
                parts.append(t + "\n\n")
                pos += len(t) + 2
        elif tag == "tbl":
            rows, spans = [], []
            for r in DocxTable(child, d).rows:
                cells = tuple(" ".join(_norm(c.text).split()) for c in r.cells)
                line = " | ".join(cells)
                rows.append(cells)
                spans.append((pos, pos + len(line)))
                parts.append(line + "\n")
                pos += len(line) + 1
            parts.append("\n")
            pos += 1
            if len(rows) >= 2:
                tables.append(Table(rows=tuple(rows), row_spans=tuple(spans)))
    text = "".join(parts)
    if not text.strip():
        raise IngestError(path, "DOCX contains no text")
    cp = d.core_properties
    return {"text": text, "title": cp.title or None, "meta_date": _docx_meta_date(cp), "tables": tuple(tables)}


_READERS = {}
for _e in TEXT_EXT:
    _READERS[_e] = ("text", read_text)
for _e in HTML_EXT:
    _READERS[_e] = ("html", read_html)
_READERS[".pdf"] = ("pdf", read_pdf)
_READERS[".docx"] = ("docx", read_docx)


def _sidecar(path: Path) -> dict:
    side = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not side.is_file():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IngestError(path, f"sidecar {side.name} is not valid JSON: {e}") from e
    if not isinstance(meta, dict):
        raise IngestError(path, f"sidecar {side.name} must hold a JSON object")
    for key in ("doc", "title", "published"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise IngestError(path, f"sidecar {side.name}: {key!r} must be a string, not {meta[key]!r}")
    if meta.get("published"):
        iso = parse_date(meta["published"])
        if iso is None:
            raise IngestError(path, f"sidecar {side.name}: \"published\" {meta['published']!r} is not a "
                                    f"full date (write it as YYYY-MM-DD)")
        meta = {**meta, "published": iso}
    return meta


def _published(got: dict, text: str, meta: dict) -> tuple[Optional[str], Optional[str]]:
    """The publication date and where it was read: the sidecar; then the date the file's markup
    states for it (HTML); then the text's header lines or dateline; then the file's metadata
    (PDF and DOCX creation dates).  trafilatura's own date is not used: it falls back on the
    modification date when a page states no publication date.  A metadata value that is not a
    full date is a warning and is left out, never an error."""
    if meta.get("published"):
        return meta["published"], "sidecar"
    if got.get("stated_date"):
        return got["stated_date"], "metadata"
    iso = header_date(text, resources.config()["header_lines"])
    if iso:
        return iso, "text"
    if got.get("meta_date"):
        iso, precision = stated_date(got["meta_date"])
        if precision == "day":
            return iso, "metadata"
        _log.warning("metadata date %r is not a full date: left out", got["meta_date"])
    return None, None


def read(path: str | Path, max_bytes: Optional[int] = None) -> Document:
    """Read one file into a Document that the later stages fill in."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in _READERS:
        raise UnsupportedFormat(path, f"unsupported file type {ext or '(no extension)'!r}; "
                                      f"policytrace reads {', '.join(sorted(SUPPORTED))}")
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise IngestError(path, "no such file") from e
    except OSError as e:
        raise IngestError(path, f"cannot read: {e.strerror}") from e
    limit = max_bytes or resources.config()["max_document_chars"] * 4
    if len(data) > limit:
        raise IngestError(path, f"file too large ({len(data)} bytes > {limit})")
    fmt, reader = _READERS[ext]
    got = reader(path, data)
    text = got["text"]
    meta = _sidecar(path)
    published, source = _published(got, text, meta)
    title = meta.get("title") or got.get("title") or guess_title(text)
    return Document(doc=str(meta.get("doc") or doc_id(path)), path=display(path), format=fmt, text=text,
                    sha256=hashlib.sha256(data).hexdigest(), title=title, published=published,
                    published_source=source, n_words=len(text.split()),
                    tables=tuple(got.get("tables") or ()))
