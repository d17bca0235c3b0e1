"""The HTML report in real headless Chromium: loads offline with no console errors and no
network request, has its charts and highlights, and shows hostile document text as text."""
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from policytrace import compare, export, report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "tests" / "artifacts"

HOSTILE = """<script>window.__pwned = 1</script> City plan <b>bold</b>
Date: 2022-05-01

By 2027, the city will raise R&D spending to 3.5% of GDP <img src=x onerror="window.__pwned=2">.
Last year R&D spending stood at 2.9% of GDP. "><svg onload=window.__pwned=3>
"""


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium and chromedriver are required: `make test` installs Debian's "
                    "chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1300,2000"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def _requests(driver):
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _load(driver, path):
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())
    return _requests(driver), [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_demo_report_offline_charts_highlights(browser):
    path = ROOT / "extracted" / "report.html"
    assert path.exists(), "make demo writes extracted/report.html"
    urls, errors = _load(browser, path)
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in urls), urls
    from selenium.webdriver.common.by import By
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.series-chart")) >= 5
    assert browser.find_elements(By.CSS_SELECTOR, "svg.series-chart .tgt")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.series-chart .ach")
    assert browser.find_elements(By.ID, "milestone-timeline")
    assert browser.find_elements(By.ID, "domain-heatmap")
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.hl a[data-rec]")
    assert len(marks) >= 20
    target = marks[0].get_attribute("data-rec")
    assert browser.find_element(By.ID, target).tag_name == "tr"
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "report.png"))


def test_report_shows_how_goals_evolved(browser):
    """Per-plan lines at the year each plan was published, a summary, the revisions table with
    titles, dates and values; readable at 420 px."""
    from selenium.webdriver.common.by import By
    path = ROOT / "extracted" / "report.html"
    _load(browser, path)
    # one line per plan in a chart, labelled with the plan's title; horizons joined across plans
    plans = browser.find_elements(By.CSS_SELECTOR, "svg.series-chart g.plan")
    assert len(plans) >= 4
    assert browser.find_elements(By.CSS_SELECTOR, "svg.series-chart g.plan line.plan-line")
    labels = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "text.plan-label")]
    assert any(lab.strip() for lab in labels)
    assert browser.find_elements(By.CSS_SELECTOR, "svg.series-chart path.horizon-line")
    assert browser.find_elements(By.CSS_SELECTOR, ".chart-legend i")
    # round axis ticks
    ticks = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "text.ytick")]
    assert ticks and all(len(t.rstrip("%KMBT").replace(".", "")) <= 3 for t in ticks), ticks
    # the summary on top
    stats = {e.get_attribute("data-stat"): e.find_element(By.TAG_NAME, "b").text
             for e in browser.find_elements(By.CSS_SELECTOR, "#summary .stat")}
    for k in ("series", "raised", "lowered", "deadline moved", "new", "targets met", "targets missed"):
        assert k in stats and stats[k].isdigit(), (k, stats)
    assert int(stats["series"]) > 0
    # the revisions table and its columns
    head = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#revisions-table tr:first-child th")]
    assert head == ["series", "verdict", "from document", "from value", "to document", "to value", "gap", "quotes"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#revisions-table tr")[1:]
    assert rows and any(r.find_elements(By.TAG_NAME, "q") for r in rows)
    assert "GB.XPD.RSDV.GD.ZS" in browser.find_element(By.ID, "revisions-table").text
    assert browser.save_screenshot(str(ARTIFACTS / "report-summary.png"))
    browser.set_window_size(420, 1400)
    try:
        browser.get(path.resolve().as_uri())
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 440, width  # nothing forces a sideways scroll on a phone
        browser.execute_script("document.getElementById('series').scrollIntoView()")
        assert browser.save_screenshot(str(ARTIFACTS / "report-420px.png"))
    finally:
        browser.set_window_size(1300, 2000)


def test_hostile_document_is_shown_as_text(browser, tmp_path, extractor):
    src = tmp_path / "in"
    src.mkdir()
    (src / "evil<script>.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    for _ in export.write(extractor.run([src]), out, series=extractor.series):
        pass
    compare.write(out)
    page = report.write(out, tmp_path / "r.html")
    urls, errors = _load(browser, page)
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in urls), urls
    assert browser.execute_script("return window.__pwned") is None
    from selenium.webdriver.common.by import By
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>window.__pwned = 1</script>" in body
    assert 'onerror="window.__pwned=2"' in body
    assert browser.find_elements(By.CSS_SELECTOR, "img") == []
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-hostile.png"))


def test_round_ticks_and_a_series_drawn_in_its_usual_unit():
    import pandas as pd
    assert report.nice_ticks(0, 6.31) == [0, 2, 4, 6, 8]
    assert report.nice_ticks(0, 40) == [0, 10, 20, 30, 40]
    rows = pd.DataFrame([
        {"doc": "a", "kind": "target", "value": 30.0, "unit": "GW", "year": 2030, "date": "2023-01-01",
         "date_inferred": False, "title": "Plan A", "comparator": "equal", "_rid": 0, "subject": "X"},
        {"doc": "b", "kind": "target", "value": 40.0, "unit": "GW", "year": 2030, "date": "2025-01-01",
         "date_inferred": True, "title": "Plan B", "comparator": "equal", "_rid": 1, "subject": "X"},
        {"doc": "c", "kind": "achievement", "value": 742.0, "unit": "MW", "year": 2024, "date": "2025-02-01",
         "date_inferred": False, "title": "Report", "comparator": "equal", "_rid": 2, "subject": "X"}])
    rows["_base"] = [v * report.base_factor(u) for v, u in zip(rows["value"], rows["unit"])]
    svg = report._chart("S1", "Offshore wind capacity", rows, {0: "rec-0", 1: "rec-1", 2: "rec-2"})
    assert "(X, GW" in svg                      # the series' usual unit, not the first record's
    assert "achieved 742 MW in 2024" in svg     # the tooltip keeps the unit as written
    assert ">40<" in svg and "Plan B*" in svg   # 742 MW drawn as 0.742 GW; an inferred date marked


def test_each_series_shows_its_goals_by_horizon_and_plan(browser, tmp_path, extractor):
    """The four invented versions of Valdoria's pledge: the unconditional emissions goal is one
    table, its horizons (2030, 2035) down and the four plans across, each cell the figure that
    plan sets for that year; the 2035 goal only the last plan sets is a new horizon."""
    from selenium.webdriver.common.by import By
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for f in (ROOT / "tests" / "data" / "baselines" / "pledges").glob("*.txt"):
        shutil.copy(f, src / f.name)
    for _ in export.write(extractor.run([src]), out, series=extractor.series):
        pass
    page = report.write(out, tmp_path / "r.html")
    urls, errors = _load(browser, page)
    assert errors == [] and all(u.startswith(("file:", "data:", "about:")) for u in urls), urls
    tables = browser.find_elements(By.CSS_SELECTOR, "#revisions table.horizon-table")
    ghg = [t for t in tables if t.find_element(By.TAG_NAME, "caption").text.lower().startswith("greenhouse gas")
           and "conditional" not in t.find_element(By.TAG_NAME, "caption").text]
    assert len(ghg) == 1, [t.find_element(By.TAG_NAME, "caption").text for t in tables]
    rows = ghg[0].find_elements(By.TAG_NAME, "tr")
    head = [th.text for th in rows[0].find_elements(By.TAG_NAME, "th")]
    assert head[0] == "horizon" and len(head) == 5 and "2027-11-08" in head[4], head
    cells = {r.get_attribute("data-horizon"): [td.text.split("\n")[0] for td in r.find_elements(By.TAG_NAME, "td")]
             for r in rows[1:]}
    assert cells == {"2030": ["20%", "28%", "30%", "30%"], "2035": ["·", "·", "·", "55%"]}, cells
    new = ghg[0].find_element(By.CSS_SELECTOR, "tr[data-horizon='2035'] td[data-verdict]")
    assert new.get_attribute("data-verdict") == "new horizon"
    verdicts = [td.get_attribute("data-verdict")
                for td in ghg[0].find_elements(By.CSS_SELECTOR, "tr[data-horizon='2030'] td")]
    assert verdicts == ["new", "raised", "base changed", "unchanged"]
    # the demo's report has such tables too, and a phone still needs no sideways scroll (test above)
    _load(browser, ROOT / "extracted" / "report.html")
    assert browser.find_elements(By.CSS_SELECTOR, "#revisions table.horizon-table")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-horizons.png"))
