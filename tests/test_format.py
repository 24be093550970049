"""The annotation format is data (ontology/format.yaml, ADR 0008): a data engineer adds a coded key
with a new vocabulary by editing data files only, and the loader, the mapping and the JSON Schema
follow, with no Python change."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).parent.parent
SGKG = Path(sys.executable).with_name("sgkg")
MINIMAL = (Path(__file__).parent / "data" / "valid" / "minimal-review.yaml").read_text()

VOCABULARY = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix vocab: <https://w3id.org/sgkg/vocab/> .
@prefix setting: <https://w3id.org/sgkg/vocab/event-setting/> .
vocab:event-setting a skos:ConceptScheme ; skos:prefLabel "Event setting"@en ;
    skos:definition "Where an event took place."@en ; skos:hasTopConcept setting:home , setting:hospital .
setting:home a skos:Concept ; skos:inScheme vocab:event-setting ; skos:topConceptOf vocab:event-setting ;
    skos:notation "home" ; skos:prefLabel "Home"@en ; skos:definition "The child's home."@en .
setting:hospital a skos:Concept ; skos:inScheme vocab:event-setting ; skos:topConceptOf vocab:event-setting ;
    skos:notation "hospital" ; skos:prefLabel "Hospital"@en ; skos:definition "A hospital."@en .
"""
PROPERTY = """
sg:eventSetting a owl:ObjectProperty ;
    rdfs:label "event setting"@en ;
    skos:definition "Where an event took place, from the event-setting vocabulary."@en ;
    rdfs:domain sg:Event ;
    rdfs:range skos:Concept ;
    sg:valueScheme <https://w3id.org/sgkg/vocab/event-setting> .
"""
KEY = "      setting: {kind: code, property: sg:eventSetting, doc: where the event took place}\n"


def test_a_coded_key_with_a_new_vocabulary_needs_data_files_only(tmp_path):
    home = tmp_path / "home"  # a copy of the ontology and queries, extended as a data engineer would
    shutil.copytree(ROOT / "ontology", home / "ontology")
    shutil.copytree(ROOT / "queries", home / "queries")
    (home / "ontology" / "vocab" / "event-setting.ttl").write_text(VOCABULARY)
    with open(home / "ontology" / "sgkg.ttl", "a") as f:
        f.write(PROPERTY)
    fmt = home / "ontology" / "format.yaml"
    text = fmt.read_text()
    anchor = "      observed: {kind: codes, property: sg:observedConcern}\n"
    assert anchor in text
    fmt.write_text(text.replace(anchor, anchor + KEY))
    env = {**os.environ, "SGKG_HOME": str(home)}

    good = tmp_path / "good" / "review.yaml"
    good.parent.mkdir()
    good.write_text(MINIMAL.replace("observed: [bruising]}", "observed: [bruising], setting: hospital}"))
    out = tmp_path / "build"
    r = subprocess.run([str(SGKG), "build", str(good.parent), "--out", str(out), "--json"], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    store = ox.Store.read_only(str(out / "store"))
    event = ox.NamedNode("https://w3id.org/sgkg/id/review/testshire-2021-baby-b/event/e1")
    values = [q.object for q in store.quads_for_pattern(
        event, ox.NamedNode("https://w3id.org/sgkg/ontology#eventSetting"), None)]
    assert values == [ox.NamedNode("https://w3id.org/sgkg/vocab/event-setting/hospital")]

    bad = tmp_path / "bad" / "review.yaml"
    bad.parent.mkdir()
    bad.write_text(good.read_text().replace("setting: hospital", "setting: hotel"))
    r = subprocess.run([str(SGKG), "validate", str(bad), "--json"], env=env, capture_output=True, text=True)
    assert r.returncode == 2, r.stdout
    (problem,) = json.loads(r.stdout)["problems"]
    line = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if "setting: hotel" in row)
    assert (problem["line"], problem["rule"]) == (line, "unknown-code")
    assert "'hotel' is not a code of the event-setting vocabulary" in problem["message"]
    assert "closest codes: home, hospital" in problem["hint"] or "hospital" in problem["hint"]

    schema = subprocess.run([sys.executable, "-c", "from kg_build.devtools import jsonschema_gen; "
                             "print(jsonschema_gen.render())"], env=env, capture_output=True, text=True, check=True)
    event_keys = json.loads(schema.stdout)["properties"]["events"]["items"]["properties"]
    assert event_keys["setting"]["enum"] == ["home", "hospital"]
