"""Reading every format, publication dates, and one clear error per bad input."""
import io
import json

import pytest

from conftest import ROOT
from policytrace import ingest
from policytrace.errors import IngestError, UnsupportedFormat

CORPUS = ROOT / "corpus"


@pytest.mark.parametrize("line,iso", [
    ("Date:2021-12-24 Source:China Daily", "2021-12-24"),
    ("Updated: Sep 18,2016 5:34 PM", "2016-09-18"),
    ("- Dec 23, 2020-", "2020-12-23"),
    ("2023-05-30 | UPSC", "2023-05-30"),
    ("China Daily| January 16, 2025", "2025-01-16"),
    ("23 November 2020", "2020-11-23"),
    ("Published 3 Sept. 2019 08:00", "2019-09-03"),
    ("发布时间：2021年7月5日", "2021-07-05"),
])
def test_header_dates(line, iso):
    assert ingest.header_date("Some headline for the story\n" + line + "\nBody text.") == iso


def test_no_date_in_body_only():
    text = "A headline about plans\n\n" + ("The fair was held from September 2 to 7 in the city. " * 20)
    assert ingest.header_date(text) is None


def test_txt_seed_reads_unchanged():
    raw = ingest.read(CORPUS / "001_83d582cd0ceeef92.txt")
    assert raw.text == (CORPUS / "001_83d582cd0ceeef92.txt").read_text(encoding="utf-8")
    assert raw.published == "2021-12-24" and raw.published_source == "text"


def test_html_main_text_and_meta_date():
    raw = ingest.read(CORPUS / "state-council-plan-2016.html")
    assert raw.format == "html" and raw.published == "2016-09-18"
    assert "By 2030, it will be an important force" in raw.text
    assert "Most read" not in raw.text and "Sitemap" not in raw.text


def test_pdf_text_and_target_table():
    raw = ingest.read(CORPUS / "beijing-guideline-2021.pdf")
    assert raw.format == "pdf" and raw.published == "2021-12-24"
    (table,) = raw.tables
    assert table.rows[0] == ("Indicator", "2020", "2025")
    assert all(sp is not None for sp in table.row_spans)


def test_docx_paragraphs_and_table():
    raw = ingest.read(CORPUS / "beijing-achievements-2020.docx")
    assert raw.format == "docx" and raw.published == "2020-12-23"
    assert raw.tables and raw.tables[0].rows[1][1] == "223.36"
    a, b = raw.tables[0].row_spans[1]
    assert raw.text[a:b] == "R&D expenditure (billion yuan) | 223.36"


def test_sidecar_overrides(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text("A plan headline here\nDate: 2020-01-01\nBody.", encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text(json.dumps({"published": "2021-05-06", "title": "T"}))
    raw = ingest.read(p)
    assert (raw.published, raw.published_source, raw.title) == ("2021-05-06", "sidecar", "T")
    assert [x.name for x in ingest.iter_paths([tmp_path])] == ["plan.txt"]


def _pdf_bytes(text=None, encrypt=False):
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 10, text)
    else:
        pdf.rect(10, 10, 50, 50, style="F")  # an image-like page with no text layer
    data = bytes(pdf.output())
    if encrypt:
        from pypdf import PdfReader, PdfWriter
        w = PdfWriter()
        w.append(PdfReader(io.BytesIO(data)))
        w.encrypt("secret")
        buf = io.BytesIO()
        w.write(buf)
        data = buf.getvalue()
    return data


BAD = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"  \n\n ", "empty file"),
    "junk.txt": (bytes(range(256)) * 8, "binary content"),
    "latin1.txt": ("Caf\xe9 plan for 2025".encode("latin-1"), "not valid UTF-8"),
    "corrupt.pdf": (b"%PDF-1.7\n1 0 obj <<>> garbage", "corrupt or unreadable PDF"),
    "notes.xyz": (b"hello", "unsupported file type"),
    "broken.docx": (b"PK\x03\x04 not really a zip", "not a valid DOCX"),
    "empty.html": (b"<html><body></body></html>", "no main text"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_inputs_raise_clear_errors(tmp_path, name):
    data, reason = BAD[name]
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(IngestError) as e:
        ingest.read(p)
    assert reason in e.value.reason
    assert name in str(e.value)


def test_unknown_extension_is_unsupported(tmp_path):
    p = tmp_path / "x.rtf"
    p.write_text("{\\rtf1}")
    with pytest.raises(UnsupportedFormat):
        ingest.read(p)


def test_encrypted_and_textless_pdfs(tmp_path):
    enc = tmp_path / "locked.pdf"
    enc.write_bytes(_pdf_bytes("R&D will reach 3% by 2025.", encrypt=True))
    with pytest.raises(IngestError, match="encrypted"):
        ingest.read(enc)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf_bytes(None))
    with pytest.raises(IngestError, match="no text layer"):
        ingest.read(scan)
    ok = tmp_path / "ok.pdf"
    ok.write_bytes(_pdf_bytes("R&D will reach 3% by 2025."))
    assert "3% by 2025" in ingest.read(ok).text


def test_text_is_nfkc_once_at_ingestion(tmp_path):
    p = tmp_path / "fullwidth.txt"
    p.write_text("目标：研发投入达到ＧＤＰ的６％。\nCapacity reaches 1\u202f200 MW and \u22125 °C is cold; ½ of 10 km² is planned.\n",
                 encoding="utf-8")
    d = ingest.read(p)
    assert "GDP的6%" in d.text and "1 200 MW" in d.text and "-5 °C" in d.text
    assert "1/2 of 10 km2" in d.text
