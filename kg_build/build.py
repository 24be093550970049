"""The build: annotation files → validated named graphs → embedded store and exports, atomically.

Incremental: a review whose file, ontology, vocabularies, shapes, QC queries and tool version are
unchanged is taken from build/cache/ (files named by that content's hash: its N-Quads, its parts of
every export, its problems) without mapping or validating it again; when few reviews changed, the
store is the previous one with their graphs replaced. Atomic: everything is written to a staging
folder beside the output and put in place only when the whole build succeeded, so a failed build
leaves the previous store and exports untouched. Source files are only ever read.
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
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from rdflib import URIRef

from . import __version__, annotation, fragments, iris, mapping, ontology, paths, qc, rdfio, validation
from .atomic import replace_dir
from .export import dataset_nquads, describe_dataset, shared_triples, write_exports
from .problems import InputError, Problem
from .store import DATASET_GRAPH, ONTOLOGY_GRAPH, VOCAB_GRAPH, create_store, update_store

MANIFEST = "manifest.json"
CACHE = "cache"
KEEP = ("push-state.json",)  # files of the previous build that the next one carries over


@dataclass
class ReviewBuild:
    review_id: str
    file: str
    key: str
    problems: list[Problem]
    cached: bool = False
    triples: int = 0
    load_problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None  # the folder holding its cache files (<key>.nq, .trig, ...)
    _parts: fragments.ReviewParts | None = None

    def cache_file(self, suffix: str) -> Path:
        return self.folder / f"{self.key}.{suffix}"

    @property
    def parts(self) -> fragments.ReviewParts:
        """What the exports need of it (class counts, shared triples): read from the cache when
        first asked, so a rebuild without exports reads no cache file of an unchanged review."""
        if self._parts is None:
            self._parts = fragments.read(self.folder, self.key)
        return self._parts


@dataclass
class BuildResult:
    out: Path
    reviews: list[ReviewBuild]
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    strict: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by stage
    store_update: str = ""  # "replaced graphs" (incremental) or "loaded" (new store), once written
    support_problems: list[Problem] = field(default_factory=list)  # QC rows about ontology/vocabularies

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
            "store_update": self.store_update,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def fingerprint() -> str:
    """What every review's build depends on besides its own file: ontology, vocabularies, shapes, QC
    queries and the code that maps, validates and serialises."""
    h = hashlib.sha256(__version__.encode())
    qc_queries = sorted(paths.queries_dir().glob("qc/*.rq"))
    for f in [paths.ontology_file(), *paths.vocab_files(), *paths.shapes_files(), paths.context_file(), *qc_queries]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for module in ("annotation", "mapping", "schema", "iris", "validation", "rdfio", "fragments", "qc"):
        h.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return h.hexdigest()


def file_digest(path: Path, entry: dict | None) -> dict:
    """The SHA-256 of a file, and its size and modification time. The digest recorded by the previous
    build is reused when size and modification time are unchanged (as git and make do): hashing
    10,000 files took a second, half of a one-review rebuild."""
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns]
    if entry and entry.get("stat") == stamp and entry.get("sha256"):
        return {"sha256": entry["sha256"], "stat": stamp}
    return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "stat": stamp}


def review_key(digest: str, display: str, common: str) -> str:
    """What a review's cached build is filed under: its file's content and name, and `common`."""
    return hashlib.sha256(f"{common}\0{display}\0{digest}".encode()).hexdigest()


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


def build_one(path: str, display: str, key: str, engine: str, folder: str) -> ReviewBuild:
    """Load, map, validate and serialise one file, run the QC queries on its graph and write its cache
    files into `folder` (runs in a worker process). Loader problems come back in `load_problems`
    rather than as an exception, so one bad file does not stop the others."""
    t0 = time.perf_counter()
    try:
        rf = annotation.load_review(Path(path), display)
    except InputError as exc:
        return ReviewBuild("", display, key, [], load_problems=exc.problems,
                           timings={"load": time.perf_counter() - t0})
    t1 = time.perf_counter()
    mapped = mapping.map_review(rf)
    t2 = time.perf_counter()
    report = validation.validate_graph(mapped.graph, engine=engine)
    t3 = time.perf_counter()
    quads = rdfio.review_quads(mapped.graph, mapped.iri)
    t4 = time.perf_counter()
    files, parts = fragments.make(quads, str(mapped.iri))
    t5 = time.perf_counter()
    problems = sorted(shape_problems(mapped, report) + qc.review_problems(files["nq"], str(mapped.iri), display))
    t6 = time.perf_counter()
    fragments.write(Path(folder), key, files, parts)
    return ReviewBuild(rf.review_id, display, key, problems, triples=parts.triples, _parts=parts, folder=Path(folder),
                       timings={"load": t1 - t0, "map": t2 - t1, "validate": t3 - t2, "serialize": t4 - t3,
                                "parts": t5 - t4, "qc": t6 - t5, "write": time.perf_counter() - t6})


def _warm() -> None:
    """Load what every worker needs before forking, so workers start with it in memory."""
    from . import queries

    validation.support_graph()
    ontology.schemes()
    validation._compiled(ontology.load_shapes())
    queries.catalogue()
    rdfio.prefixes()


def _read_manifest(out: Path) -> dict:
    manifest = out / MANIFEST
    if not manifest.exists():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("version") == __version__ else {}


def _cached(out: Path, entry: dict | None, key: str) -> ReviewBuild | None:
    """The previous build of a file whose key is unchanged, from the manifest and out/cache. Its
    metadata file is written last (kg_build/fragments.py), so its presence means the others are there."""
    if not entry or entry.get("key") != key or not (out / CACHE / f"{key}.json").exists():
        return None
    return ReviewBuild(entry["review"], entry["file"], key, [Problem(**p) for p in entry["problems"]],
                       cached=True, triples=entry["triples"], folder=out / CACHE)


@lru_cache(maxsize=2)
def _support_nquads(common: str) -> bytes:
    """The ontology and the vocabularies as canonical N-Quads in their named graphs."""
    lines = (rdfio.nquads_lines(ontology.load_ontology(), URIRef(ONTOLOGY_GRAPH))
             + rdfio.nquads_lines(ontology.load_vocabularies(), URIRef(VOCAB_GRAPH)))
    return rdfio.nquads_text(lines).encode("utf-8")


def build(
    inputs: Iterable[Path],
    out: Path = Path("build"),
    strict: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    display_root: Path | None = None,
    engine: str = validation.DEFAULT_ENGINE,
    exports: bool = True,
) -> BuildResult:
    """Build the knowledge graph of the annotation files under `inputs` into `out`. With `exports`
    false only the store (and the cache) is written: for the edit-and-query loop, where rewriting
    every export file for one changed review costs more than the rest of the build.

    Raises InputError when a file cannot be loaded (syntax, structure, codes, references, dates):
    nothing is written then. Returns a BuildResult; when its shapes or QC queries report violations
    (or, with `strict`, warnings) nothing is written either, and `out` keeps the previous build.
    """
    t_start = time.perf_counter()
    out = Path(out)
    files = annotation.find_review_files(inputs)
    if not files:
        raise InputError([Problem(" ".join(map(str, inputs)), 0, 0, "no annotation files (.yaml) found",
                                  "name a folder holding review files, e.g. data/", rule="path")])
    validation.check_engine(engine)  # before any worker starts
    common = fingerprint() + engine
    previous = _read_manifest(out)
    entries = {r["file"]: r for r in previous.get("reviews", [])}
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        new = staging / "new"
        new.mkdir()
        builds: dict[str, ReviewBuild] = {}
        todo = []
        displays = [annotation.display_name(p, display_root) for p in files]
        sources = {}
        for path, display in zip(files, displays):
            sources[display] = file_digest(path, entries.get(display))
            key = review_key(sources[display]["sha256"], display, common)
            hit = _cached(out, entries.get(display), key)
            if hit:
                builds[display] = hit
            else:
                todo.append((str(path), display, key, engine, str(new)))
        timings = _run(todo, builds, len(files), jobs, progress)
        reviews = [builds[d] for d in displays]
        _check_loaded(reviews)
        reviews.sort(key=lambda r: r.review_id)
        t = time.perf_counter()
        if previous.get("fingerprint") == common and "support_problems" in previous:
            support_qc = [Problem(**p) for p in previous["support_problems"]]  # same ontology, shapes, queries
        else:
            support_qc = qc.support_problems(_support_nquads(common))
        timings["qc_support"] = time.perf_counter() - t
        problems = sorted([p for r in reviews for p in r.problems] + support_qc)
        result = BuildResult(out, reviews, problems, strict=strict, timings=timings, support_problems=support_qc)
        if result.ok:
            _write(out, staging, reviews, result, previous, common, exports, sources)
            result.written = True
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    result.timings["total"] = time.perf_counter() - t_start
    return result


def _run(todo: list[tuple], builds: dict[str, ReviewBuild], total: int, jobs: int | None,
         progress: Callable[[int, int], None] | None) -> dict[str, float]:
    """Build the files in `todo` (in forked workers when there are several), into `builds`."""
    done = len(builds)
    if progress:
        progress(done, total)
    jobs = jobs or os.cpu_count() or 1
    t = time.perf_counter()
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
    timings = {"map_validate_wall": time.perf_counter() - t}
    for stage in ("load", "map", "validate", "serialize", "parts", "qc", "write"):
        timings[f"{stage}_cpu"] = sum(b.timings.get(stage, 0.0) for b in builds.values())
    return timings


def _check_loaded(reviews: list[ReviewBuild]) -> None:
    """Raise InputError with every loader problem, and with review ids used by two files."""
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


def _write(out: Path, staging: Path, reviews: list[ReviewBuild], result: BuildResult, previous: dict,
           common: str, exports: bool, sources: dict) -> None:
    """Write the exports, the store and the manifest into `staging` and put it in place of `out`.

    The store is the previous one with the changed review graphs replaced when only a few changed
    (a RocksDB checkpoint: hard links, then the graphs swapped), otherwise loaded anew from
    dataset.nq. The cache files of the previous build move with it (they are named by content)."""
    t0 = time.perf_counter()
    if exports:
        try:
            shared = shared_triples(reviews)
            export_files = write_exports(staging / "export", reviews, _support_nquads(common), shared)
        except FileNotFoundError as exc:  # a cache file removed by hand; the previous build is kept
            raise FileNotFoundError(f"{exc.filename}: the build cache is incomplete; delete {out / CACHE} "
                                    "and build again (every review is then mapped anew)") from None
    t1 = time.perf_counter()
    before = {r["review"]: r["key"] for r in previous.get("reviews", [])}
    changed = [r for r in reviews if before.get(r.review_id) != r.key]
    gone = sorted(set(before) - {r.review_id for r in reviews})
    incremental = (previous.get("fingerprint") == common and (out / "store" / "CURRENT").exists()
                   and len(changed) + len(gone) <= max(8, len(reviews) // 10))
    if incremental:
        update_store(out / "store", staging / "store",
                     remove=[str(iris.review(i)) for i in sorted({*gone, *(r.review_id for r in changed)} & set(before))],
                     add=[r.cache_file("nq") for r in changed])
    elif exports:
        create_store(staging / "store", staging / "export" / "dataset.nq")
    else:
        dataset = staging / "dataset.nq"
        with open(dataset, "wb") as f:
            f.writelines(dataset_nquads(reviews, _support_nquads(common)))
        create_store(staging / "store", dataset)
        dataset.unlink()
    t2 = time.perf_counter()
    if exports:
        (staging / "export" / "void.ttl").write_bytes(describe_dataset(reviews, export_files, shared))
    manifest = {
        "version": __version__,
        "fingerprint": common,
        "support_problems": [p.as_dict() for p in result.support_problems],
        "reviews": [{"file": r.file, "review": r.review_id, "key": r.key, "triples": r.triples,
                     **sources[r.file],
                     "problems": [p.as_dict() for p in r.problems]} for r in reviews],
        "dataset_graph": DATASET_GRAPH,
        "exports": exports,
    }
    # one review a line: readable, and a third of the time of an indented dump at 10,000 reviews
    reviews_json = ",\n".join(json.dumps(r, sort_keys=True) for r in manifest.pop("reviews"))
    head = json.dumps(manifest, sort_keys=True)[:-1]
    (staging / MANIFEST).write_text(f'{head}, "reviews": [\n{reviews_json}\n]}}\n', encoding="utf-8")
    for name in KEEP:
        if (out / name).exists():
            shutil.copy2(out / name, staging / name)
    t3 = time.perf_counter()
    os.sync()  # everything on disk before the swap: a power cut leaves the old build or the new one
    t4 = time.perf_counter()
    # from here on the old build is changed: its cache folder moves into the new one (a rename)
    cache = staging / CACHE
    if (out / CACHE).is_dir():
        os.replace(out / CACHE, cache)
    else:
        cache.mkdir()
    for f in (staging / "new").iterdir():
        os.replace(f, cache / f.name)
    (staging / "new").rmdir()
    replace_dir(staging, out)
    keep = {r.key for r in reviews}
    for f in (out / CACHE).iterdir():
        if f.name.split(".", 1)[0] not in keep:
            f.unlink()
    result.timings.update({"export": t1 - t0, "store": t2 - t1, "describe": t3 - t2, "sync": t4 - t3,
                           "swap": time.perf_counter() - t4})
    result.store_update = "replaced graphs" if incremental else "loaded"
