"""The query page of `sgkg serve` is the project's own: union default graph, prefixes, stored queries as
examples with their parameters, the dataset and its graphs; tested in a real headless browser (Debian's
Chromium through Selenium, with the system's chromedriver: nothing downloaded), in which no request
leaves 127.0.0.1."""
from __future__ import annotations

import json
import urllib.parse

import pytest
import requests
from browsing import chromium, console_errors, requested, wait

from kg_build.publish import serve

REVIEW = "https://w3id.org/sgkg/ontology#Review"
ASK_UNION = f"ASK {{ ?r a <{REVIEW}> }}"


@pytest.fixture(scope="module")
def server(data_build):
    with serve.start(data_build, workers=2) as s:
        yield s


def ask(endpoint: str, query: str) -> bool:
    r = requests.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=30)
    r.raise_for_status()
    return r.json()["boolean"]


def test_the_default_graph_is_the_union_unless_named_graphs_only(server, data_build):
    assert ask(server.endpoint, ASK_UNION)
    assert ask(server.endpoint, f"ASK {{ GRAPH ?g {{ ?r a <{REVIEW}> }} }}")
    with serve.start(data_build, workers=1, union=False) as named:
        assert not ask(named.endpoint, ASK_UNION)
        assert ask(named.endpoint, f"ASK {{ GRAPH ?g {{ ?r a <{REVIEW}> }} }}")


def test_the_page_is_the_projects_with_its_prefixes(server):
    base = server.endpoint.rsplit("/", 1)[0] + "/"
    page = requests.get(base, timeout=10).text
    assert "Safeguarding Review Knowledge Graph" in page and "Oxigraph server" not in page
    assert "PREFIX sg: <https://w3id.org/sgkg/ontology#>" in json.loads(
        page.split("Yasgui.Yasqe.defaults.value = ", 1)[1].split(";\n", 1)[0])
    assert 'autocompleters = ["variables"]' in page  # no prefix.cc, no LOV


def test_stored_queries_are_listed_and_bound_on_the_server(server):
    base = server.endpoint.rsplit("/", 1)[0] + "/"
    listed = requests.get(base + "stored-queries.json", timeout=10).json()
    names = {q["name"] for q in listed}
    assert "cases/list-reviews" in names and "cases/get-chronology" in names
    text = requests.get(base + "stored-query", params={"name": "get-chronology",
                        "p.review": "review:sscb-scr-baby-o"}, timeout=10).text
    assert "VALUES (?review) { (<https://w3id.org/sgkg/id/review/sscb-scr-baby-o>) }" in text
    bad = requests.get(base + "stored-query", params={"name": "get-chronology", "p.review": "not an iri"}, timeout=10)
    assert bad.status_code == 400 and "review" in bad.text
    assert requests.get(base + "stored-query", params={"name": "no-such"}, timeout=10).status_code == 400


@pytest.fixture(scope="module")
def browser():
    with chromium() as drv:
        yield drv


def test_in_a_browser_a_stored_query_runs_and_shows_rows_and_nothing_leaves_the_machine(server, browser):
    from selenium.webdriver.common.by import By

    base = server.endpoint.rsplit("/", 1)[0] + "/"
    browser.get(base)
    assert "Safeguarding Review Knowledge Graph" in browser.title
    wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#stored details.stored-query"))
    wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#graphs li"))
    assert "version" in browser.find_element(By.ID, "dataset").text
    # the preloaded query, over the union of the graphs, gives rows
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(lambda: browser.find_elements(By.CSS_SELECTOR, ".yasr tbody tr"))
    # a stored query with a parameter, opened from the list with its default filled in, gives rows
    item = browser.find_element(By.CSS_SELECTOR, 'details.stored-query[data-name="cases/list-reviews"]')
    item.find_element(By.TAG_NAME, "summary").click()
    tabs = len(browser.find_elements(By.CSS_SELECTOR, ".tabPanel"))
    item.find_element(By.TAG_NAME, "button").click()
    wait(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".tabPanel")) > tabs)
    active = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active")
    assert "#+ summary: Every review" in active.find_element(By.CSS_SELECTOR, ".CodeMirror").text
    active.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait(lambda: active.find_elements(By.CSS_SELECTOR, ".yasr tbody tr"))
    assert len(rows) >= 10
    urls = requested(browser)
    outside = [u for u in urls if urllib.parse.urlsplit(u).scheme in ("http", "https")
               and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]
    assert urls and not outside, outside
    assert not console_errors(browser)


def test_in_a_browser_a_stored_query_opens_with_its_parameter_filled_in(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.endpoint.rsplit("/", 1)[0] + "/")
    wait(lambda: browser.find_elements(By.CSS_SELECTOR, 'details.stored-query[data-name="cases/get-chronology"]'))
    item = browser.find_element(By.CSS_SELECTOR, 'details.stored-query[data-name="cases/get-chronology"]')
    item.find_element(By.TAG_NAME, "summary").click()
    field = item.find_element(By.CSS_SELECTOR, 'input[name="review"]')
    field.clear()
    field.send_keys("review:sscb-scr-baby-o")
    tabs = len(browser.find_elements(By.CSS_SELECTOR, ".tabPanel"))
    item.find_element(By.TAG_NAME, "button").click()
    wait(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".tabPanel")) > tabs)
    active = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active")
    active.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait(lambda: active.find_elements(By.CSS_SELECTOR, ".yasr tbody tr"))
    assert len(rows) >= 5  # Baby O's chronology
    text = browser.execute_script("return Array.from(document.querySelectorAll('.tabPanel.active .CodeMirror'))"
                                  ".map(e => e.CodeMirror.getValue()).join('')")
    assert "VALUES (?review) { (<https://w3id.org/sgkg/id/review/sscb-scr-baby-o>) }" in text


def test_the_dataset_description_names_the_endpoint_where_void_says_to_look(server):
    from rdflib import Graph, URIRef

    base = server.endpoint.rsplit("/", 1)[0] + "/"
    r = requests.get(base + ".well-known/void", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle", publicID=base + "export/void.ttl")
    dataset = URIRef("https://w3id.org/sgkg/id/dataset")
    assert g.value(dataset, URIRef("http://rdfs.org/ns/void#sparqlEndpoint")) == URIRef(server.endpoint)
