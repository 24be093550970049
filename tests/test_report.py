"""`sgkg report`: a static site of the last good build, every row from a stored query.

The pages are written from the query fixture (tests/data/queries and valid/); the charts are checked
against plotly's own schema and against the rows of the queries they draw; the folder is written as a
build is (refused where it would replace anything else, replaced in one step); and the site is opened
in a real headless browser, from file:// and from `sgkg serve`, where every page loads without a
console error, every chart draws marks, the timeline keeps the chronology's order with vague dates as
spans, and no request leaves the machine."""
from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from pathlib import Path

import pytest
import requests
from browsing import chromium, console_errors, requested, wait

from kg_build import queries
from kg_build.cli import main
from kg_build.problems import SgkgError
from kg_build.publish import serve
from kg_build.queries.values import PartialDate
from kg_build.report import data, site
from kg_build.store import open_store

GAMMA = "https://w3id.org/sgkg/id/review/fixturebury-2017-child-f"  # tests/data/queries/fixture-gamma.yaml


@pytest.fixture(scope="module")
def report(fixture_build):
    out = fixture_build.parent / "report"
    site.write(fixture_build, out)
    return out


@pytest.fixture(scope="module")
def store(fixture_build):
    return open_store(fixture_build / "store")


# -- how events are drawn ---------------------------------------------------------------------------

def test_a_day_is_a_point_a_month_year_or_period_a_span_and_no_date_undated():
    assert data.when(dt.date(2015, 11, 4), None) == ("point", dt.date(2015, 11, 4), None)
    assert data.when(PartialDate(2015), None) == ("span", dt.date(2015, 1, 1), dt.date(2016, 1, 1))
    assert data.when(PartialDate(2016, 12), None) == ("span", dt.date(2016, 12, 1), dt.date(2017, 1, 1))
    assert data.when(PartialDate(2015, 11), PartialDate(2016, 1)) == ("span", dt.date(2015, 11, 1), dt.date(2016, 2, 1))
    assert data.when(dt.date(2019, 1, 5), dt.date(2019, 1, 7)) == ("span", dt.date(2019, 1, 5), dt.date(2019, 1, 8))
    assert data.when(None, PartialDate(2016)) == ("undated", None, None)


def test_unordered_drops_only_the_final_order_by():
    q = queries.get("evidence/list-evidence")
    plain = queries.unordered(q)
    assert "ORDER BY" in q.text and "ORDER BY" not in plain.text and not plain.ordered
    assert plain.text.rstrip().endswith("}")
    limited = queries.from_text("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5")
    assert queries.unordered(limited) is limited  # the rows depend on the order: kept


def test_the_rows_of_a_query_are_the_same_with_or_without_its_order(store):
    for name in data.REVIEW_QUERIES.values():
        q = queries.get(name)
        ordered = sorted(map(tuple, queries.select_local(q, store).values()), key=str)
        assert ordered == sorted(map(tuple, queries.select_local(queries.unordered(q), store).values()), key=str), name


# -- what the pages hold ----------------------------------------------------------------------------

def test_the_report_has_an_index_a_dashboard_a_page_a_review_and_its_scripts(report, store):
    listed = {str(r["review"]) for r in queries.select_local(queries.get("cases/list-reviews"), store).records()}
    manifest = json.loads((report / "report.json").read_text())
    assert manifest["reviews"] == len(listed) == 7
    assert sorted(p.name for p in (report / "reviews").iterdir()) == sorted(data.local_id(i) + ".html" for i in listed)
    for name in ("index.html", "dashboard.html", "assets/plotly.min.js", "assets/report.js", "assets/report.css"):
        assert (report / name).stat().st_size > 0
    # nothing outside the folder: no URL with a scheme in a script or style reference
    for page in report.rglob("*.html"):
        text = page.read_text()
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), page


def test_the_index_lists_every_review_with_its_counts_from_the_stored_query(report, store):
    html = (report / "index.html").read_text()
    counts = queries.select_local(queries.get("cases/count-elements-by-review"), store).records()
    for row in counts:
        name = data.local_id(str(row["review"]))
        cells = re.search(rf'<a href="reviews/{re.escape(name)}\.html">.*?</tr>', html, re.S)
        assert cells, name
        numbers = re.findall(r'<td class="num">(\d+)</td>', cells.group(0))
        assert numbers == [str(row["events"]), str(row["missedOpportunities"]), str(row["findings"])]
    assert "E06000901" in html  # Fixtureshire's GSS code, in the area list


def _figures(page: Path) -> dict[str, dict]:
    return {m.group(1): json.loads(m.group(2).replace("<\\/", "</")) for m in re.finditer(
        r'<script type="application/json" id="figure-([a-z-]+)">(.*?)</script>', page.read_text(), re.S)}


def test_every_figure_is_valid_for_plotly(report):
    import plotly.graph_objects as go

    pages = [report / "dashboard.html", *sorted((report / "reviews").iterdir())]
    seen = 0
    for page in pages:
        for figure in _figures(page).values():
            go.Figure(figure)  # raises on a property plotly does not know or a value of the wrong type
            seen += 1
    assert seen >= 7 + 5


def test_each_chart_draws_the_rows_of_its_stored_query(report, store):
    figures = _figures(report / "dashboard.html")
    assert set(figures) == {"missed", "pairs", "trio", "outcomes", "sharing", "systemic", "themes"}
    html = (report / "dashboard.html").read_text()
    for query in ("missed-opportunities/count-by-type-and-agency-type", "risk-factors/count-risk-factor-pairs",
                  "risk-factors/find-toxic-trio-cases", "cases/count-outcomes-by-age-band",
                  "information-sharing/count-sharing-failures-by-pair", "systems/list-systemic-factors",
                  "systems/find-recurring-themes"):
        assert f"sgkg query run {query}" in html  # the query named under its chart
    rows = queries.select_local(queries.get("missed-opportunities/count-by-type-and-agency-type"), store).records()
    z = figures["missed"]["data"][0]["z"]
    assert sum(v or 0 for line in z for v in line) == sum(r["missedOpportunities"] for r in rows)
    totals = [r for r in queries.select_local(
        queries.get("information-sharing/count-sharing-failures-by-pair"), store).records() if r["case"] is None]
    assert sum(figures["sharing"]["data"][0]["link"]["value"]) == sum(r["failures"] for r in totals)
    trio = queries.select_local(queries.get("risk-factors/find-toxic-trio-cases"), store).records()
    assert sum(figures["trio"]["data"][0]["x"]) == len(trio) > 0
    themes = {r["themeLabel"]: r["reviews"] for r in queries.select_local(
        queries.get("systems/find-recurring-themes"), store).records()}
    bar = figures["themes"]["data"][0]
    assert dict(zip(bar["y"], bar["x"])) == themes


def test_a_review_page_holds_its_timeline_knowledge_claims_and_what_was_not_stated(report):
    page = report / "reviews" / (data.local_id(GAMMA) + ".html")
    html = page.read_text()
    timeline = _figures(page)["timeline"]
    spans = [y for t in timeline["data"] if t["type"] == "bar" for y in t["y"]]
    points = [y for t in timeline["data"] if t["type"] == "scatter" for y in t["y"]]
    # e1 a year, e4 a period, e5 a month: spans; e2 and e3 days: points; e6 undated: not drawn
    assert sorted(s.split(".")[0] for s in spans) == ["1", "4", "5"]
    assert sorted(p.split(".")[0] for p in points) == ["2", "3"]
    assert timeline["layout"]["yaxis"]["categoryarray"][0].startswith("1. Change of school")
    order = re.findall(r'<li id="(event-e\d)" class="event (\w+)', html)
    assert order == [("event-e1", "span"), ("event-e2", "point"), ("event-e3", "point"), ("event-e4", "span"),
                     ("event-e5", "span"), ("event-e6", "undated")]
    assert "1 undated event is not drawn" in html
    assert 'href="#mo-mo2"' in html and "an event the source does not name" in html  # mo3: not_stated [events]
    assert "the diagnosis was not shared" in html  # an evidence phrase, with its source
    assert 'class="cell did-not-know"' in html or 'class="cell knew"' in html
    assert "What the sources do not state" in html and "time:hasTime" not in html


# -- the folder -------------------------------------------------------------------------------------

def test_out_is_refused_unless_new_empty_or_a_previous_report(fixture_build, tmp_path):
    kept = tmp_path / "notes"
    kept.mkdir()
    (kept / "mine.txt").write_text("keep me")
    with pytest.raises(SgkgError, match="holds no report"):
        site.write(fixture_build, kept)
    assert (kept / "mine.txt").read_text() == "keep me"
    with pytest.raises(SgkgError, match="build folder"):
        site.write(fixture_build, fixture_build / "report")
    file = tmp_path / "a-file"
    file.write_text("x")
    with pytest.raises(SgkgError, match="not a folder"):
        site.write(fixture_build, file)


def test_a_new_report_replaces_the_old_whole_and_a_failure_leaves_it(fixture_build, tmp_path):
    out = tmp_path / "report"
    site.write(fixture_build, out)
    (out / "stale.html").write_text("from an older report")
    site.write(fixture_build, out)
    assert not (out / "stale.html").exists() and (out / "index.html").exists()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(SgkgError, match="no store"):
        site.write(tmp_path / "no-build", out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_the_command_writes_the_report_and_names_a_missing_build(fixture_build, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["report", "--build", str(fixture_build), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] and summary["reviews"] == 7 and (out / "index.html").exists()
    assert main(["report", "--build", str(tmp_path / "nothing"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nothing" in err and "sgkg build" in err


# -- in a browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    with chromium(1300, 1000) as drv:
        yield drv


MARKS = {"heatmap": ".hm image, .heatmaplayer image", "bar": ".bars .point path", "scatter": ".scatterlayer .point",
         "sankey": ".sankey-node"}


def _check_page(browser, url: str) -> None:
    """The page loads without a console error, and every chart on it has drawn marks of its kind."""
    browser.get(url)
    wait(lambda: browser.execute_script("return document.readyState") == "complete")
    charts_here = browser.find_elements("css selector", "[data-figure]")
    for div in charts_here:
        wait(lambda div=div: browser.execute_script("return !!arguments[0].querySelector('.main-svg')", div), 20)
        kinds = browser.execute_script("return arguments[0].data.map(t => t.type)", div)
        for kind in set(kinds):
            marks = div.find_elements("css selector", MARKS[kind])
            assert marks, f"{url}: no {kind} marks drawn in #{div.get_attribute('id')}"
    assert not console_errors(browser), url


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urllib.parse.urlsplit(u).scheme not in ("file", "data", "blob")
            and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]


def test_in_a_browser_from_file_every_page_loads_draws_its_charts_and_fetches_nothing(report, browser):
    requested(browser)  # the log so far
    pages = ["index.html", "dashboard.html"] + [f"reviews/{p.name}" for p in sorted((report / "reviews").iterdir())]
    for page in pages:
        _check_page(browser, (report / page).as_uri())
    urls = requested(browser)
    assert urls and not _outside(urls), _outside(urls)


def test_in_a_browser_the_timeline_shows_the_events_in_order_with_vague_dates_as_spans(report, browser):
    browser.get((report / "reviews" / (data.local_id(GAMMA) + ".html")).as_uri())
    chart = wait(lambda: browser.find_elements("css selector", "#timeline-chart .main-svg"))
    assert chart
    drawn = browser.execute_script("""
        const d = document.getElementById('timeline-chart');
        const ticks = Array.from(d.querySelectorAll('.ytick text'))  // the event labels, as drawn
            .map(t => [t.getBoundingClientRect().top, t.textContent]).sort((a, b) => a[0] - b[0]);
        return {rows: ticks.map(t => t[1]), bars: d.querySelectorAll('.bars .point path').length,
                points: d.querySelectorAll('.scatterlayer .point').length};""")
    assert [r.split(".")[0] for r in drawn["rows"]] == ["1", "2", "3", "4", "5"]  # top to bottom
    assert drawn["bars"] == 3 and drawn["points"] == 2  # a year, a period and a month; two days
    listed = browser.execute_script(
        "return Array.from(document.querySelectorAll('ol.events > li')).map(li => [li.id, li.dataset.kind])")
    assert listed == [["event-e1", "span"], ["event-e2", "point"], ["event-e3", "point"], ["event-e4", "span"],
                      ["event-e5", "span"], ["event-e6", "undated"]]
    undated = browser.find_element("css selector", "#event-e6 .badge.undated")
    assert undated.is_displayed() and undated.text == "undated"


def test_in_a_browser_the_index_sorts_and_filters(report, browser):
    browser.get((report / "index.html").as_uri())
    rows = wait(lambda: browser.find_elements("css selector", "#reviews tbody tr"))
    assert len(rows) == 7
    search = browser.find_element("css selector", "form.filters input[name=text]")
    search.send_keys("Fixturebury")
    shown = [r for r in browser.find_elements("css selector", "#reviews tbody tr") if r.is_displayed()]
    assert 0 < len(shown) < 7 and all("Fixturebury" in r.text for r in shown)
    assert f"{len(shown)} of 7 reviews shown" in browser.find_element("css selector", "form.filters output").text
    search.clear()
    search.send_keys(" ")  # an input event with no words: every row again
    header = browser.find_element("xpath", "//table[@id='reviews']//th[.//button[text()='Missed opportunities']]")
    header.find_element("css selector", "button").click()
    header.find_element("css selector", "button").click()  # descending
    assert header.get_attribute("aria-sort") == "descending"
    counts = [int(r.find_elements("css selector", "td")[7].text)
              for r in browser.find_elements("css selector", "#reviews tbody tr")]
    assert counts == sorted(counts, reverse=True)


# -- served -----------------------------------------------------------------------------------------

def test_serve_serves_the_report_of_its_build(fixture_build, report, browser):
    with serve.start(fixture_build, workers=1) as server:
        base = server.endpoint.rsplit("/", 1)[0]
        r = requests.get(base + "/report", allow_redirects=False, timeout=60)
        assert r.status_code == 301 and r.headers["Location"] == "/report/"
        index = requests.get(base + "/report/", timeout=60)
        assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
        assert index.content == (report / "index.html").read_bytes()  # the same pages as sgkg report writes
        js = requests.get(base + "/report/assets/plotly.min.js", timeout=30)
        assert js.headers["Content-Type"].startswith("text/javascript") and len(js.content) > 10**6
        missing = requests.get(base + "/report/nothing.html", timeout=30)
        assert missing.status_code == 404 and "/report/" in missing.text
        assert 'href="./report/"' in requests.get(base + "/", timeout=30).text  # the query page links to it
        requested(browser)
        for page in ("report/", "report/dashboard.html", f"report/reviews/{data.local_id(GAMMA)}.html"):
            _check_page(browser, f"{base}/{page}")
        urls = requested(browser)
        assert urls and not _outside(urls), _outside(urls)


def test_the_report_opens_without_javascript_as_tables(report):
    """Each chart has its data as a table beside it, and each review page lists every event."""
    html = (report / "dashboard.html").read_text()
    assert html.count('<details class="data-table">') == 7
    for page in (report / "reviews").iterdir():
        text = page.read_text()
        assert text.count('<li id="event-') == int(re.search(r"(\d+) events? ·", text).group(1)), page
