"""The build: annotation files → validated named graphs → embedded store and exports, atomically.

Incremental: a review whose file, ontology, vocabularies, shapes and tool version are unchanged is
taken from build/cache/ without mapping or validating it again. Atomic: everything is written to a
staging folder beside the output and put in place only when the whole build succeeded, so a failed
build leaves the previous store and exports untouched. Source files are only ever read.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import URIRef

from . import __version__, annotation, iris, mapping, ontology, paths, rdfio, validation
from .atomic import atomic_write_text, replace_dir
from .export import describe_dataset, write_exports
from .problems import InputError, Problem
from .store import DATASET_GRAPH, ONTOLOGY_GRAPH, VOCAB_GRAPH, create_store, open_store

MANIFEST = "manifest.json"


@dataclass
class ReviewBuild:
    review_id: str
    file: str
    key: str
    nquads: str
    problems: list[Problem]
    cached: bool = False
    triples: int = 0
    load_problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildResult:
    out: Path
    reviews: list[ReviewBuild]
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    strict: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by stage

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not (self.problems if self.strict else self.violations)

    def summary(self) -> dict:
        return {
            "ok": self.ok, "written": self.written, "out": str(self.out),
            "reviews": len(self.reviews), "rebuilt": sum(not r.cached for r in self.reviews),
            "triples": sum(r.triples for r in self.reviews),
            "violations": len(self.violations), "warnings": len(self.warnings),
            "problems": [p.as_dict() for p in self.problems],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def fingerprint() -> str:
    """What every review's build depends on besides its own file: ontology, vocabularies, shapes, tool."""
    h = hashlib.sha256(__version__.encode())
    for f in [paths.ontology_file(), *paths.vocab_files(), *paths.shapes_files(), paths.context_file()]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for module in ("annotation", "mapping", "schema", "iris", "validation"):
        h.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return h.hexdigest()


def review_key(path: Path, common: str) -> str:
    return hashlib.sha256(common.encode() + path.read_bytes()).hexdigest()


def _origin_of(focus: str, origins: dict) -> tuple[int, int]:
    """The YAML position of the node, or of the nearest node it belongs to (evidence, time ...)."""
    node = focus
    while node:
        pos = origins.get(node)
        if pos is not None:
            return pos.line, pos.column
        if "/" not in node:
            break
        node = node.rsplit("/", 1)[0]
    return 0, 0


def shape_problems(mapped: mapping.MappedReview, report: validation.ShapeReport) -> list[Problem]:
    return [r.to_problem(mapped.file, *_origin_of(r.focus, mapped.origins)) for r in report.results]


def build_one(path: str, display: str, key: str, engine: str = validation.DEFAULT_ENGINE) -> ReviewBuild:
    """Load, map and validate one file (runs in a worker process). Loader problems come back in
    `load_problems` rather than as an exception, so one bad file does not stop the others."""
    t0 = time.perf_counter()
    try:
        rf = annotation.load_review(Path(path), display)
    except InputError as exc:
        return ReviewBuild("", display, key, "", [], load_problems=exc.problems,
                           timings={"load": time.perf_counter() - t0})
    t1 = time.perf_counter()
    mapped = mapping.map_review(rf)
    t2 = time.perf_counter()
    report = validation.validate_graph(mapped.graph, engine=engine)
    t3 = time.perf_counter()
    lines = rdfio.nquads_lines(mapped.graph, mapped.iri)
    t4 = time.perf_counter()
    return ReviewBuild(rf.review_id, display, key, rdfio.nquads_text(lines), shape_problems(mapped, report),
                       triples=len(lines),
                       timings={"load": t1 - t0, "map": t2 - t1, "validate": t3 - t2, "serialize": t4 - t3})


def _warm() -> None:
    """Load what every worker needs before forking, so workers start with it in memory."""
    validation.support_graph()
    ontology.schemes()
    validation._compiled(ontology.load_shapes())


def _read_cache(out: Path) -> dict[str, dict]:
    manifest = out / MANIFEST
    if not manifest.exists():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("version") != __version__:
        return {}
    return {r["file"]: r for r in data.get("reviews", [])}


def _support_nquads() -> list[str]:
    return (rdfio.nquads_lines(ontology.load_ontology(), URIRef(ONTOLOGY_GRAPH))
            + rdfio.nquads_lines(ontology.load_vocabularies(), URIRef(VOCAB_GRAPH)))


def build(
    inputs: Iterable[Path],
    out: Path = Path("build"),
    strict: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    display_root: Path | None = None,
    engine: str = validation.DEFAULT_ENGINE,
) -> BuildResult:
    """Build the knowledge graph of the annotation files under `inputs` into `out`.

    Raises InputError when a file cannot be loaded (syntax, structure, codes, references, dates):
    nothing is written then. Returns a BuildResult; when its shapes report violations (or, with
    `strict`, warnings) nothing is written either, and `out` keeps the previous build.
    """
    t_start = time.perf_counter()
    out = Path(out)
    files = annotation.find_review_files(inputs)
    if not files:
        raise InputError([Problem(" ".join(map(str, inputs)), 0, 0, "no annotation files (.yaml) found",
                                  "name a folder holding review files, e.g. data/", rule="path")])
    common = fingerprint() + engine
    cache = _read_cache(out)
    builds: dict[str, ReviewBuild] = {}
    todo = []
    displays = [annotation.display_name(p, display_root) for p in files]
    for path, display in zip(files, displays):
        key = review_key(path, common)
        hit = cache.get(display)
        cached_file = out / "cache" / f"{hit['review']}.nq" if hit else None
        if hit and hit.get("key") == key and cached_file.exists():
            text = cached_file.read_text(encoding="utf-8")
            builds[display] = ReviewBuild(hit["review"], display, key, text,
                                          [Problem(**p) for p in hit.get("problems", [])], cached=True,
                                          triples=text.count("\n"))
        else:
            todo.append((str(path), display, key, engine))
    done, total = len(builds), len(files)
    if progress:
        progress(done, total)
    jobs = jobs or os.cpu_count() or 1
    t_parallel = time.perf_counter()
    if len(todo) > 1 and jobs > 1:
        _warm()
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            for rb in pool.map(build_one, *zip(*todo), chunksize=max(1, min(64, len(todo) // (jobs * 8)))):
                builds[rb.file] = rb
                done += 1
                if progress:
                    progress(done, total)
    else:
        for args in todo:
            rb = build_one(*args)
            builds[rb.file] = rb
            done += 1
            if progress:
                progress(done, total)
    timings = {"map_validate_wall": time.perf_counter() - t_parallel}
    for stage in ("load", "map", "validate", "serialize"):
        timings[f"{stage}_cpu"] = sum(b.timings.get(stage, 0.0) for b in builds.values())
    reviews = [builds[d] for d in displays]
    load_problems = [p for r in reviews for p in r.load_problems]
    seen: dict[str, ReviewBuild] = {}
    for r in reviews:
        if not r.review_id:
            continue
        if r.review_id in seen:
            load_problems.append(Problem(r.file, 0, 0, f"review id {r.review_id!r} is also used by {seen[r.review_id].file}",
                                         "each review has its own id; reviews of one case share review.case instead",
                                         rule="duplicate-review-id"))
        else:
            seen[r.review_id] = r
    if load_problems:
        raise InputError(load_problems)
    reviews.sort(key=lambda r: r.review_id)
    problems = sorted(p for r in reviews for p in r.problems)
    result = BuildResult(out, reviews, problems, strict=strict, timings=timings)
    if result.ok:
        result.written = _write(out, reviews, result)
    result.timings["total"] = time.perf_counter() - t_start
    return result


def qc_problems(store, reviews: list[ReviewBuild]) -> list[Problem]:
    """Rows of the QC queries (queries/qc/*-violation.rq) as problems, against the review's file."""
    from . import queries

    files = {str(iris.review(r.review_id)): r.file for r in reviews}
    out = []
    for q in queries.catalogue().values():
        if not q.is_qc:
            continue
        for row in queries.run_local(q, store).records():
            review = row.get("review") or ""
            out.append(Problem(files.get(review, review or "ontology/"), 0, 0,
                               f"{row.get('message') or q.summary}: {row.get('focus')}",
                               hint=f"QC query {q.name}",
                               severity="error" if q.severity == "error" else "warning", rule=q.name))
    return sorted(out)


def _write(out: Path, reviews: list[ReviewBuild], result: BuildResult) -> bool:
    """Write everything to a staging folder, run the QC queries on its store, and put it in place
    of `out` only if they pass. Returns whether it was put in place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        (staging / "cache").mkdir()
        t0 = time.perf_counter()
        for r in reviews:
            atomic_write_text(staging / "cache" / f"{r.review_id}.nq", r.nquads)
        # canonical order: graph by graph (reviews by id, then the ontology and vocabularies), each
        # graph's lines sorted; every part is already sorted, so this is a concatenation
        nquads = ("".join(r.nquads for r in reviews) + rdfio.nquads_text(_support_nquads())).encode("utf-8")
        graphs = [str(iris.review(r.review_id)) for r in reviews]
        t1 = time.perf_counter()
        create_store(staging / "store", nquads)
        store = open_store(staging / "store")
        t2 = time.perf_counter()
        result.problems = sorted(result.problems + qc_problems(store, reviews))
        t3 = time.perf_counter()
        result.timings.update({"cache_write": t1 - t0, "store": t2 - t1, "qc": t3 - t2})
        if not result.ok:
            del store
            shutil.rmtree(staging, ignore_errors=True)
            return False
        files = write_exports(staging / "export", nquads, graphs)
        void = describe_dataset(store, graphs, files)
        del store
        result.timings["export"] = time.perf_counter() - t3
        (staging / "export" / "void.ttl").write_bytes(void)
        manifest = {
            "version": __version__,
            "reviews": [{"file": r.file, "review": r.review_id, "key": r.key, "triples": r.triples,
                         "problems": [p.as_dict() for p in r.problems]} for r in reviews],
            "dataset_graph": DATASET_GRAPH,
        }
        atomic_write_text(staging / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        replace_dir(staging, out)
        return True
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
