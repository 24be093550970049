"""The package installs: a wheel built from the repository, installed in a fresh virtual environment
outside the checkout, finds its ontology, vocabularies, shapes and queries as package data, and
builds data/ into exports byte-identical to those of the editable install."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).parent.parent
EXPORTS = ("dataset.nq", "dataset.trig", "graph.ttl", "graph.jsonld", "void.ttl")


def test_a_wheel_installed_elsewhere_builds_the_same_exports(tmp_path, data_build):
    source = tmp_path / "source"  # the files of the checkout that git does not ignore
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels),
                    str(source)], check=True, capture_output=True)
    (wheel,) = wheels.glob("sgkg-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("SGKG_HOME", "PYTHONPATH")}
    where = subprocess.run([str(python), "-c", "import kg_build, kg_build.resources as r; "
                            "print(kg_build.__file__); print(r.ontology_dir()); print(r.queries_dir())"],
                           cwd=elsewhere, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert all(str(env_dir) in w for w in where), where  # the installed copy, not the checkout
    out = tmp_path / "build"
    r = subprocess.run([str(env_dir / "bin" / "sgkg"), "build", str(ROOT / "data"), "--out", str(out), "-q"],
                       cwd=elsewhere, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in EXPORTS:
        assert (out / "export" / name).read_bytes() == (data_build / "export" / name).read_bytes(), name
    listed = subprocess.run([str(env_dir / "bin" / "sgkg"), "query", "list", "--json"], cwd=elsewhere, env=env,
                            check=True, capture_output=True, text=True).stdout
    assert len(listed) > 1000 and "cases/list-reviews" in listed
    # the report's templates and scripts ship too: the installed copy writes the same pages
    site = tmp_path / "report"
    r = subprocess.run([str(env_dir / "bin" / "sgkg"), "report", "--build", str(out), "--out", str(site), "-q"],
                       cwd=elsewhere, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert {p.relative_to(site).as_posix() for p in site.rglob("*.js")} == {"assets/plotly.min.js",
                                                                            "assets/report.js"}
    assert len(list((site / "reviews").glob("*.html"))) == len(list((ROOT / "data" / "reviews").glob("*.yaml")))
