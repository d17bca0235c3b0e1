"""The publication date, from where real inputs carry it: ISO dates of any precision, HTML
markup (meta names, JSON-LD, <time>), DOCX core properties, PDF metadata, a dateline.  Every
file is built here, in tmp_path; every sentence is invented.  A bad or imprecise date never
costs the document: the field is left out."""
import datetime as dt
import io
import json
import logging

import pytest

from policytrace import ingest, runner

BODY = ("The regional water board intends to line 340 kilometres of irrigation canals and to cut "
        "leakage losses to 12 percent by 2031, according to its new programme. ") * 4


@pytest.mark.parametrize("value,expected", [
    ("2021", ("2021", "year")),
    (2021, ("2021", "year")),
    ("2021-06", ("2021-06", "month")),
    ("2021-06-30", ("2021-06-30", "day")),
    ("2022-04-05T10:00:00+02:00", ("2022-04-05", "day")),
    ("2019-11-02 08:15:00Z", ("2019-11-02", "day")),
    ("30 June 2021", ("2021-06-30", "day")),
    ("2021-02-30", (None, None)),
    ("2021-13", (None, None)),
    ("next spring", (None, None)),
    (True, (None, None)),
    (None, (None, None)),
    (["2021"], (None, None)),
])
def test_stated_dates_of_any_precision(value, expected):
    assert ingest.stated_date(value) == expected


def _html(tmp_path, head, body_extra="", name="page.html"):
    page = (f"<html><head><title>Canal lining programme</title>{head}</head><body>"
            f"<nav>Tuesday, 4 March 2025 | Home | Contact</nav><article><h1>Canal lining programme</h1>"
            f"{body_extra}<p>{BODY}</p></article></body></html>")
    p = tmp_path / name
    p.write_text(page, encoding="utf-8")
    return ingest.read(p)


def test_html_article_published_time_beats_a_date_in_the_page_text(tmp_path):
    d = _html(tmp_path, '<meta property="article:published_time" content="2022-04-05T10:00:00+02:00">'
                        '<meta property="article:modified_time" content="2024-01-09T08:00:00Z">',
              "<p>Released 2 August 2021</p>")
    assert (d.published, d.published_source) == ("2022-04-05", "metadata")


def test_html_meta_name_date(tmp_path):
    d = _html(tmp_path, '<meta name="DC.date.issued" content="2019-11-02">')
    assert (d.published, d.published_source) == ("2019-11-02", "metadata")


def test_html_json_ld_date_published_in_a_graph(tmp_path):
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Water board"},
        {"@type": "NewsArticle", "headline": "Canal lining", "datePublished": "2020-08-14T09:00:00Z",
         "dateModified": "2023-01-01"}]}
    d = _html(tmp_path, f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert d.published == "2020-08-14"


def test_html_time_element(tmp_path):
    d = _html(tmp_path, "", '<p>Posted <time datetime="2018-03-09">9 March</time></p>')
    assert d.published == "2018-03-09"


def test_html_modification_date_alone_is_not_a_publication_date(tmp_path):
    p = tmp_path / "mod.html"
    p.write_text('<html><head><meta property="article:modified_time" content="2024-02-02"></head>'
                 f'<body><article><p>{BODY}</p></article></body></html>', encoding="utf-8")
    assert ingest.read(p).published is None


def test_html_bad_and_imprecise_meta_dates_are_left_out(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="policytrace.ingest"):
        d = _html(tmp_path, '<meta name="date" content="sometime soon"><meta name="pubdate" content="2021-06">'
                            '<script type="application/ld+json">{not json</script>',
                  "<p>Released 2 August 2021</p>")
    # the document is read; the date falls back on the page's own header lines
    assert d.text and d.published == "2021-08-02" and d.published_source == "text"
    assert "not a full date" in caplog.text and "JSON-LD" in caplog.text


def _docx(tmp_path, created=None, modified=None, author="Planning Unit", first="Canal lining programme"):
    import docx
    d = docx.Document()
    d.add_paragraph(first)
    d.add_paragraph(BODY)
    cp = d.core_properties
    cp.author = author
    if created:
        cp.created = created
    if modified:
        cp.modified = modified
    p = tmp_path / "plan.docx"
    d.save(p)
    return ingest.read(p)


def test_docx_created_core_property(tmp_path):
    d = _docx(tmp_path, created=dt.datetime(2021, 9, 14, 8, 0), modified=dt.datetime(2022, 2, 1, 8, 0))
    assert (d.published, d.published_source) == ("2021-09-14", "metadata")


def test_docx_modified_before_created_takes_the_earliest(tmp_path):
    d = _docx(tmp_path, created=dt.datetime(2023, 5, 2), modified=dt.datetime(2021, 7, 19))
    assert d.published == "2021-07-19"


def test_docx_template_stamp_is_not_a_date(tmp_path):
    d = _docx(tmp_path, author="python-docx")  # created and modified left as the blank template's
    assert d.published is None


def test_docx_text_date_beats_core_properties(tmp_path):
    d = _docx(tmp_path, created=dt.datetime(2021, 9, 14), first="Released 2 August 2021")
    assert (d.published, d.published_source) == ("2021-08-02", "text")


def _pdf(tmp_path, **info):
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, BODY)
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(bytes(pdf.output()))))
    w.add_metadata({f"/{k}": v for k, v in info.items()})
    p = tmp_path / "plan.pdf"
    with open(p, "wb") as f:
        w.write(f)
    return ingest.read(p)


def test_pdf_creation_date(tmp_path):
    d = _pdf(tmp_path, CreationDate="D:20200311093000+01'00'", ModDate="D:20200311093000+01'00'")
    assert (d.published, d.published_source) == ("2020-03-11", "metadata")


def test_pdf_resaved_file_takes_the_earliest_date(tmp_path):
    # re-exported: a new creation date, the original one kept as the modification date
    d = _pdf(tmp_path, CreationDate="D:20240105120000Z", ModDate="D:20190620101500Z")
    assert d.published == "2019-06-20"


def test_pdf_implausible_dates_are_left_out(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=400)).strftime("D:%Y%m%d000000Z")
    d = _pdf(tmp_path, CreationDate="D:19700101000000Z", ModDate=future)
    assert d.text and d.published is None


@pytest.mark.parametrize("opening,iso", [
    ("HALIFAX, Nova Scotia — May 21, 2022 — The province set out a plan to retrofit 6,000 homes by 2027 "
     "and to double the capacity of its heat-pump rebate programme within four years.", "2022-05-21"),
    ("QUITO, Ecuador, 14 April 2021 /Newswire/ -- The utility announced that it will add 450 megawatts "
     "of run-of-river hydropower to the national grid before the end of 2026, its chairman said.", "2021-04-14"),
    ("TALLINN – 3 October 2019 – The government approved a strategy under which every school in the "
     "country will be connected to gigabit broadband by 2024, the education ministry said.", "2019-10-03"),
])
def test_dateline_opening_a_long_paragraph(tmp_path, opening, iso):
    p = tmp_path / "wire.txt"
    p.write_text(opening + "\n\n" + BODY, encoding="utf-8")
    d = ingest.read(p)
    assert (d.published, d.published_source) == (iso, "text")


def test_dateline_without_a_year_gives_no_date(tmp_path, caplog):
    p = tmp_path / "wire.txt"
    p.write_text("LUSAKA, Feb. 9 (Agence) - The cabinet agreed to raise the share of solar power in the "
                 "grid to 30 percent by 2030 and to build two new transmission lines, a minister said.\n\n"
                 + BODY, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="policytrace.ingest"):
        d = ingest.read(p)
    assert d.published is None and "states no year" in caplog.text


def test_a_sentence_opening_with_a_date_is_not_a_dateline():
    text = ("Canal lining programme\n\nHowever, March 3, 2021 saw record withdrawals from the reservoir, "
            "and the board now expects demand to rise by a further 8 percent over the coming decade.\n")
    assert ingest.header_date(text) is None


def test_sidecar_full_date_still_wins(tmp_path):
    p = tmp_path / "plan.html"
    p.write_text('<html><head><meta name="date" content="2019-11-02"></head>'
                 f'<body><article><p>{BODY}</p></article></body></html>', encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text(json.dumps({"published": "2020-01-15"}), encoding="utf-8")
    d = ingest.read(p)
    assert (d.published, d.published_source) == ("2020-01-15", "sidecar")


# ------------------------------------------------------------------ a year in the file name
# Inferred, and only when the text states no date: guards keep a year that is not the
# publication year (a goal's year, a year before what the text reports, a file counter) out.

PLAN = ("Harbour electrification programme\n\n"
        "The port authority will connect every container berth to shore power and will replace its "
        "diesel cranes with electric ones by 2030. Ferry operators are to cut their emissions at berth "
        "by half within the programme.\n")


def _named(extractor, tmp_path, name, text=PLAN):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extractor.process_raw(ingest.read(p)).document


@pytest.mark.parametrize("name,year", [
    ("plan_2018.txt", 2018),
    ("eap2018_innovation.txt", 2018),
    ("2021-climate-strategy.pdf", 2021),
    ("harbour_2019_2019.txt", 2019),   # the same year twice is one year
    ("12018_plan.txt", None),          # part of a longer number
    ("plan_2016-2020.txt", None),      # two different years
    ("plan_1850.txt", None),           # before 1900
    ("draft_v2.txt", None),
])
def test_the_year_a_file_name_states(name, year):
    assert ingest.name_year(name) == year


def test_a_year_too_far_ahead_is_not_a_publication_year():
    assert ingest.name_year(f"plan_{dt.date.today().year + 1}.txt") == dt.date.today().year + 1
    assert ingest.name_year(f"plan_{dt.date.today().year + 2}.txt") is None


def test_only_the_name_counts_not_its_folders(tmp_path):
    (tmp_path / "2019").mkdir()
    assert ingest.name_year(tmp_path / "2019" / "harbour_plan.txt") is None


def test_a_number_that_counts_files_is_not_a_year(tmp_path):
    for n in ("0007", "1987"):
        (tmp_path / f"item-{n}-end.txt").write_text(PLAN, encoding="utf-8")
    assert ingest.name_year(tmp_path / "item-1987-end.txt") is None
    (tmp_path / "item-0007-end.txt").unlink()  # alone, the name's year is a year again
    assert ingest.name_year(tmp_path / "item-1987-end.txt") == 1987
    (tmp_path / "item-7-end.txt").write_text(PLAN, encoding="utf-8")  # a counter not padded
    assert ingest.name_year(tmp_path / "item-1987-end.txt") is None


def test_an_undated_text_takes_its_file_names_year(extractor, tmp_path):
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt")
    assert d.published is None
    assert (d.published_year, d.date_inferred, d.published_source) == (2018, True, "inferred: file name")


def test_a_stated_date_beats_the_file_name(extractor, tmp_path):
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt", "Published: 14 March 2021\n\n" + PLAN)
    assert (d.published, d.published_year, d.date_inferred, d.published_source) == ("2021-03-14", 2021, False, "text")


def test_a_sidecar_date_beats_the_file_name(extractor, tmp_path):
    (tmp_path / "harbour_plan_2018.meta.json").write_text(json.dumps({"published": "2020-06-01"}), encoding="utf-8")
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt")
    assert (d.published_year, d.date_inferred, d.published_source) == (2020, False, "sidecar")


def test_a_file_name_year_after_the_latest_year_reported_is_taken(extractor, tmp_path):
    text = PLAN + "In 2016 the port handled 1.2 million containers.\n"
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt", text)
    assert (d.published_year, d.published_source) == (2018, "inferred: file name")


def test_a_file_name_year_before_the_latest_year_reported_is_ignored(extractor, tmp_path):
    text = PLAN + "In 2019 the port handled 1.4 million containers and lost 300 hours to crane breakdowns.\n"
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt", text)
    assert (d.published_year, d.date_inferred, d.published_source) == (2019, True, "inferred: latest year reported")


def test_a_file_name_year_before_a_base_year_is_ignored(extractor, tmp_path):
    text = PLAN + "Berth emissions are to fall by 40 percent compared with 2020 levels.\n"
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt", text)
    assert d.published_source != "inferred: file name" and d.published_year != 2018


def test_a_deadline_year_in_the_file_name_is_not_the_publication_year(extractor, tmp_path):
    d = _named(extractor, tmp_path, "harbour_2025.txt", PLAN.replace("by 2030", "by 2025"))
    assert d.published_year != 2025 and d.published_source != "inferred: file name"


def test_a_deadline_in_the_words_is_enough_without_a_record():
    # the text's own deadline, whether or not a record was made of it
    text = "The consultation on the harbour's new berths stays open until 2025."
    assert runner.name_dated("harbour_2025.txt", text, None) is None
    assert runner.name_dated("harbour_2024.txt", text, None) == 2024


def test_a_plan_named_with_the_file_names_year_is_not_the_publication_year(extractor, tmp_path):
    text = ("Harbour Vision 2025\n\nHarbour Vision 2025 sets out how the port authority wants the "
            "waterfront to look and work, and who will be responsible for each part of it.\n")
    d = _named(extractor, tmp_path, "harbour_vision2025.txt", text)
    assert d.published_year is None and d.published_source is None


def test_a_target_year_among_the_records_is_not_the_publication_year(extractor, tmp_path):
    # no deadline word: "in 2025" in a sentence that looks ahead makes a target of its figure
    text = ("Harbour electrification programme\n\nIn 2025 the port authority will install 40 megawatts "
            "of shore power at its container berths.\n")
    d = _named(extractor, tmp_path, "harbour_2025.txt", text)
    assert 2025 in d.years and d.published_year != 2025 and d.published_source != "inferred: file name"


def test_this_year_is_read_from_the_file_names_year(extractor, tmp_path):
    # a goal dated from the name's own year ("this year") is no evidence against it
    text = PLAN + "The authority is providing a further 2 million euros this year to shore power suppliers.\n"
    d = _named(extractor, tmp_path, "harbour_plan_2018.txt", text)
    assert (d.published_year, d.published_source) == (2018, "inferred: file name")
