"""Benchmarks: full build by stage, one-review rebuild, peak memory, stored-query latency, export sizes,
and the same data through a naive rdflib pipeline for comparison.

    python benchmarks/bench.py --sizes 100 1000 [--naive-max 1000] [--repeat 10] [--out benchmarks/results]

Each size builds a synthetic corpus (benchmarks/generate.py, seed 1) in a fresh folder, in a child
process so that peak RSS is the build's own. Results go to benchmarks/results/<size>.json; the table
in docs/benchmarks.md is written from them (--write-docs).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
WORK = Path(os.environ.get("SGKG_BENCH_DIR", "/tmp/sgkg-bench"))


def corpus(n: int) -> Path:
    import generate

    src = WORK / f"corpus-{n}-v{generate.GENERATOR_VERSION}"  # a corpus of an older generator is not reused
    if not (src.exists() and len(list(src.glob("*.yaml"))) == n):
        shutil.rmtree(src, ignore_errors=True)
        generate.generate(n, 1, src)
    return src


def timed_sgkg(*args: str) -> tuple[dict, float, float]:
    """`sgkg ARGS --json` in a child process: its JSON summary, wall time (s) and peak RSS (MiB) of that
    child and its workers (os.wait4 gives the rusage of the one child waited for, not a maximum over
    all children so far, as RUSAGE_CHILDREN would)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "kg_build.cli", *args, "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    stdout, stderr = [], []
    import threading

    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()))
               for s, b in ((p.stdout, stdout), (p.stderr, stderr))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(p.pid, 0)
    for r in readers:
        r.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"sgkg {args[0]} failed: {stderr[0].decode()[-2000:]}")
    return json.loads(stdout[0]), round(wall, 2), round(usage.ru_maxrss / 1024, 1)


def timed_build(src: Path, out: Path, *extra: str) -> dict:
    """`sgkg build` of `src` into `out`: wall time, peak RSS and the build's own timings."""
    summary, wall, peak = timed_sgkg("build", str(src), "--out", str(out), *extra)
    return {"wall_s": wall, "peak_rss_mib": peak, "triples": summary["triples"],
            "rebuilt": summary["rebuilt"], "store_update": summary.get("store_update"),
            "timings": summary["timings"]}


def timed_report(out: Path, n: int) -> dict:
    """`sgkg report` of the build `out`: wall time, peak RSS, pages and the size of the site."""
    site = WORK / f"report-{n}"
    summary, wall, peak = timed_sgkg("report", "--build", str(out), "--out", str(site))
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    return {"wall_s": wall, "peak_rss_mib": peak, "pages": summary["pages"], "site_mib": round(size / 2**20, 1)}


def query_latency(store_dir: Path, repeat: int, budget_s: float = 30.0) -> dict:
    """Median and p95 of each stored query over `repeat` runs after one warm-up run, fewer when the
    runs of one query pass `budget_s` (the slow ones at 10,000 reviews); `runs` says how many."""
    from kg_build import queries
    from kg_build.store import open_store

    store = open_store(store_dir)
    first_review = next(iter(store.query(
        "SELECT ?r WHERE { GRAPH ?r { ?r a <https://w3id.org/sgkg/ontology#Review> } } "
        "ORDER BY ?r LIMIT 1")))["r"].value
    out = {}
    for q in queries.catalogue().values():
        params = {p.name: first_review for p in q.params if p.required}
        queries.run_local(q, store, params)  # warm
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            res = queries.run_local(q, store, params)
            times.append((time.perf_counter() - t) * 1000)
            if sum(times) > budget_s * 1000:
                break
        times.sort()
        out[q.name] = {"median_ms": round(statistics.median(times), 2),
                       "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
                       "rows": len(res.rows), "runs": len(times)}
    return out


def naive(src: Path, repeat_queries: int = 1) -> dict:
    """The same corpus through rdflib only: Dataset, whole-graph pyshacl, rdflib SPARQL and serialisers."""
    import pyshacl
    from rdflib import (
        Dataset,
        Graph,
        Literal,  # noqa: F401
        URIRef,
    )

    from kg_build import queries
    from kg_build.annotations import reader as annotation
    from kg_build.model import ontology
    from kg_build.rdf import mapping

    t0 = time.perf_counter()
    mapped = [mapping.map_review(annotation.load_review(p)) for p in sorted(src.glob("*.yaml"))]
    t1 = time.perf_counter()
    ds = Dataset()
    for m in mapped:
        g = ds.graph(m.iri)
        for t in m.graph:
            g.add(t)
    vg = ds.graph(URIRef("https://w3id.org/sgkg/vocab"))
    for t in ontology.load_vocabularies():
        vg.add(t)
    og = ds.graph(URIRef("https://w3id.org/sgkg/ontology"))
    for t in ontology.load_ontology():
        og.add(t)
    t2 = time.perf_counter()
    union = Graph()
    for m in mapped:
        for t in m.graph:
            union.add(t)
    conforms, _, _ = pyshacl.validate(union, shacl_graph=ontology.load_shapes(),
                                      ont_graph=ontology.load_ontology() + ontology.load_vocabularies(),
                                      inference="none")
    t3 = time.perf_counter()
    q_times = {}
    first_review = str(mapped[0].iri)
    for q in queries.catalogue().values():
        params = {p.name: first_review for p in q.params if p.required}
        t = time.perf_counter()
        queries.run_rdflib(q, ds, params)
        q_times[q.name] = round((time.perf_counter() - t) * 1000, 1)
    t4 = time.perf_counter()
    trig = ds.serialize(format="trig")
    t5 = time.perf_counter()
    return {"map_s": round(t1 - t0, 2), "store_s": round(t2 - t1, 2), "validate_s": round(t3 - t2, 2),
            "queries_s": round(t4 - t3, 2), "export_trig_s": round(t5 - t4, 2), "query_ms": q_times,
            "trig_bytes": len(trig)}


def rebuilds(src: Path, out: Path, n: int) -> dict:
    """One review changed, rebuilt: with the exports; then without them (--no-export) right after a
    build with exports (which deletes the old exports); then again without, as in an edit loop."""
    f = sorted(src.glob("*.yaml"))[n // 2]
    original = f.read_bytes()
    res = {}
    try:
        f.write_bytes(original + b"# edited for the one-review rebuild benchmark\n")
        res["rebuild_one"] = timed_build(src, out)
        res["exports"] = {p.name: p.stat().st_size for p in sorted((out / "export").iterdir())}
        f.write_bytes(original + b"# edited again, for the rebuild without exports\n")
        res["rebuild_one_no_export"] = timed_build(src, out, "--no-export")
        f.write_bytes(original + b"# edited a third time, rebuilt without exports after one without\n")
        res["rebuild_one_no_export_again"] = timed_build(src, out, "--no-export")
    finally:
        f.write_bytes(original)
    return res


def run_size(n: int, repeat: int, naive_max: int, naive_timeout: float = 900, partial: Path | None = None) -> dict:
    src = corpus(n)
    out = WORK / f"build-{n}"
    shutil.rmtree(out, ignore_errors=True)
    res = {"size": n, "full": timed_build(src, out), **rebuilds(src, out, n)}
    if partial is not None:  # the builds are kept even if the query runs are stopped
        partial.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    res["report"] = timed_report(out, n)
    res["queries"] = query_latency(out / "store", repeat)
    if n <= naive_max:
        res["naive"] = naive_in_child(src, naive_timeout)
    return res


def naive_in_child(src: Path, timeout: float) -> dict:
    """Run the naive pipeline in a child process, stopped after `timeout` seconds (reported as such)."""
    try:
        r = subprocess.run([sys.executable, str(Path(__file__)), "--naive-only", str(src)], capture_output=True,
                           text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"did_not_finish_s": timeout}
    if r.returncode != 0:
        return {"error": r.stderr[-500:]}
    return json.loads(r.stdout)


def machine() -> dict:
    return {"date": date.today().isoformat(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def table(results: list[dict]) -> str:
    rows = ["| reviews | triples | full build (s) | load+map+validate+QC, wall (s) | store (s) | export (s) | "
            "one review changed: rebuild (s) | "
            "same, --no-export: after a build with exports / after one without (s) | "
            "peak RSS (MiB) | queries with median ≤ 50 ms | slowest median (ms) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        t = r["full"]["timings"]
        medians = [v["median_ms"] for v in r["queries"].values()]
        rows.append(f"| {r['size']:,} | {r['full']['triples']:,} | {r['full']['wall_s']} | "
                    f"{t.get('map_validate_wall', 0):.1f} | "
                    f"{t.get('store', 0):.1f} | {t.get('export', 0):.1f} | {r['rebuild_one']['wall_s']} | "
                    f"{r.get('rebuild_one_no_export', {}).get('wall_s', '–')} / "
                    f"{r.get('rebuild_one_no_export_again', {}).get('wall_s', '–')} | "
                    f"{r['full']['peak_rss_mib']:,.0f} | "
                    f"{sum(m <= 50 for m in medians)} of {len(medians)} | {max(medians):,.0f} |")
    naive_rows = ["| reviews | naive rdflib store (s) | naive pyshacl whole graph (s) | sgkg validate, CPU (s) | "
                  "naive queries, all (s) | naive TriG (s) | sgkg export (s) |",
                  "|---|---|---|---|---|---|---|"]
    for r in results:
        if "naive" in r and "did_not_finish_s" in r["naive"]:
            naive_rows.append(f"| {r['size']} | did not finish in {r['naive']['did_not_finish_s']:.0f} s | | | | | |")
        elif "naive" in r and "error" not in r["naive"]:
            n, t = r["naive"], r["full"]["timings"]
            naive_rows.append(f"| {r['size']} | {n['store_s']} | {n['validate_s']} | {t.get('validate_cpu', 0):.1f} | "
                              f"{n['queries_s']} | {n['export_trig_s']} | {t.get('export', 0):.1f} |")
    return "\n".join(rows) + "\n\n" + "\n".join(naive_rows) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100])
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--naive-max", type=int, default=100,
                    help="largest size to run the naive pipeline on (at 1,000 it needs more than 15 minutes)")
    ap.add_argument("--naive-timeout", type=float, default=900, help="seconds before the naive run is stopped")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--naive-only", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--report-only", action="store_true",
                    help="measure `sgkg report` again on each size's build (built first if it is not there), "
                         "keeping the rest of the size's results file")
    ap.add_argument("--builds-only", action="store_true",
                    help="measure the full build and the rebuilds again, keeping the query and naive results "
                         "of the size's results file (for a change to the build that leaves its output as it was)")
    args = ap.parse_args()
    if args.naive_only:
        print(json.dumps(naive(args.naive_only)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        for n in args.sizes:
            path = args.out / f"{n}.json"
            r = json.loads(path.read_text()) if path.exists() else {"size": n}
            out = WORK / f"build-{n}"
            if not (out / "manifest.json").exists():
                timed_build(corpus(n), out)
            r["report"] = {**timed_report(out, n), "machine": machine()}
            path.write_text(json.dumps(r, indent=2, sort_keys=True) + "\n")
            print(n, r["report"], flush=True)
        return 0
    if args.builds_only:
        for n in args.sizes:
            path = args.out / f"{n}.json"
            r = json.loads(path.read_text())
            src, out = corpus(n), WORK / f"build-{n}"
            shutil.rmtree(out, ignore_errors=True)
            r.update({"full": timed_build(src, out), **rebuilds(src, out, n), "machine": machine()})
            r["queries_from"] = "an earlier run on the same triples (builds measured again with --builds-only)"
            path.write_text(json.dumps(r, indent=2, sort_keys=True) + "\n")
            print(n, r["full"]["wall_s"], {k: r[k]["wall_s"] for k in r if k.startswith("rebuild")}, flush=True)
        return 0
    results = []
    for n in args.sizes:
        r = run_size(n, args.repeat, args.naive_max, args.naive_timeout, args.out / f"{n}.partial.json")
        r["machine"] = machine()
        (args.out / f"{n}.json").write_text(json.dumps(r, indent=2, sort_keys=True) + "\n")
        (args.out / f"{n}.partial.json").unlink(missing_ok=True)
        results.append(r)
        print(f"{n} reviews: full build {r['full']['wall_s']} s, one review {r['rebuild_one']['wall_s']} s, "
              f"peak {r['full']['peak_rss_mib']} MiB", flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
