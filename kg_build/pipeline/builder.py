"""The build: annotation files → validated named graphs → embedded store and exports, atomically.

Incremental: a review whose file, ontology, vocabularies, shapes, QC queries and code are unchanged
is taken from build/cache/ (files named by that content's hash: its N-Quads, its parts of every
export; its problems are in the manifest) without mapping or validating it again; every cache file
is checked against its recorded SHA-256 before use, and a damaged one is built anew. When few reviews
changed, the store is the previous one with their graphs replaced, unless it was damaged or changed
since the last build: then it is loaded anew. Atomic: everything is written to a staging folder
beside the output and put in place in one step only when the whole build succeeded (see
kg_build/pipeline/folder.py), so a failed or killed build leaves the previous build whole. Source files
are only ever read.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from kg_build import __version__, resources
from kg_build.annotations import reader
from kg_build.annotations.yamlsource import Pos
from kg_build.exports import parts as export_parts
from kg_build.exports.parts import DamagedCache
from kg_build.exports.writer import (
    dataset_nquads,
    describe_dataset,
    description,
    description_nquads,
    shared_triples,
    write_exports,
)
from kg_build.inputs import duplicate_review_ids, find_inputs
from kg_build.model import iris, ontology, rdfio
from kg_build.pipeline import folder
from kg_build.pipeline.folder import CACHE, MANIFEST, PUSH_STATE
from kg_build.pipeline.store import create_store, update_store
from kg_build.problems import InputError, Problem
from kg_build.processes import die_with_parent
from kg_build.rdf import mapping
from kg_build.store import DATASET_GRAPH, ONTOLOGY_GRAPH, VOCAB_GRAPH, store_files
from kg_build.validation import qc, shacl

YAML_SUFFIXES = {".yaml", ".yml"}
KEEP = (PUSH_STATE,)  # files of the previous build that the next one carries over


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
    meta_sha256: str = ""  # SHA-256 of <key>.json, which records the size and SHA-256 of the others
    id_pos: tuple[int, int] = (0, 0)  # line and column of review.id in its file
    _parts: export_parts.ReviewParts | None = None
    summary_line: bytes = b""  # its line of the previous build's summary, written again as it was

    @property
    def cache_folder(self) -> Path:
        """`folder`, for a review whose cache files are written (every review of a build has them)."""
        assert self.folder is not None, f"review {self.review_id} has no cache files"
        return self.folder

    def cache_file(self, suffix: str) -> Path:
        return self.cache_folder / f"{self.key}.{suffix}"

    @property
    def parts(self) -> export_parts.ReviewParts:
        """What the exports need of it (class counts, shared triples): read from the cache when
        first asked, so a rebuild without exports reads no cache file of an unchanged review.
        Raises DamagedCache when the cache file is missing or changed."""
        if self._parts is None:
            self._parts = export_parts.read(self.cache_folder, self.key, self.meta_sha256)
        return self._parts

    def read_part(self, suffix: str) -> bytes:
        """One of its cache files (nq, trig, ttl, jsonld), checked; DamagedCache if it is not as written."""
        return export_parts.read_part(self.cache_folder, self.key, suffix, self.parts)


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
    notices: list[str] = field(default_factory=list)  # repairs made on the way (one line each)

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
            "store_update": self.store_update, "notices": list(self.notices),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def fingerprint() -> str:
    """What every review's build depends on besides its own file: ontology, vocabularies, shapes, the
    annotation format, QC queries and the code (every module of the package: any of them may shape the output, so an
    edit
    never serves stale cache entries)."""
    h = hashlib.sha256(__version__.encode())
    qc_queries = sorted(resources.queries_dir().glob("qc/*.rq"))
    package = Path(__file__).resolve().parent.parent
    for f in [resources.ontology_file(), *resources.vocab_files(), *resources.shapes_files(), resources.context_file(),
              resources.format_file(), *qc_queries]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for f in code_files():
        h.update(f.relative_to(package).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def code_files() -> list[Path]:
    """The package's modules, all part of the fingerprint."""
    return sorted(Path(__file__).resolve().parent.parent.rglob("*.py"))


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


def build_one(path: str, display: str, key: str, engine: str, folder: str) -> ReviewBuild:
    """Load, map, validate and serialise one file, run the QC queries on its graph and write its cache
    files into `folder` (runs in a worker process). Loader problems come back in `load_problems`
    rather than as an exception, so one bad file does not stop the others."""
    t0 = time.perf_counter()
    try:
        rf = reader.load_review(Path(path), display)
    except InputError as exc:
        return ReviewBuild("", display, key, [], load_problems=exc.problems,
                           timings={"load": time.perf_counter() - t0})
    t1 = time.perf_counter()
    mapped = mapping.map_review(rf)
    t2 = time.perf_counter()
    report = shacl.validate_graph(mapped.graph, engine=engine)
    t3 = time.perf_counter()
    quads = rdfio.review_quads(mapped.graph, mapped.iri)
    t4 = time.perf_counter()
    files, review_parts = export_parts.make(quads, str(mapped.iri))
    t5 = time.perf_counter()
    problems = sorted(shacl.shape_problems(mapped, report) + rf.warnings
                      + qc.review_problems(files["nq"], str(mapped.iri), display))
    t6 = time.perf_counter()
    meta = export_parts.write(Path(folder), key, files, review_parts)
    id_pos = rf.tree["review"]["id"].pos
    return ReviewBuild(rf.review_id, display, key, problems, triples=review_parts.triples, _parts=review_parts,
                       folder=Path(folder), meta_sha256=meta, id_pos=(id_pos.line, id_pos.column),
                       timings={"load": t1 - t0, "map": t2 - t1, "validate": t3 - t2, "serialize": t4 - t3,
                                "parts": t5 - t4, "qc": t6 - t5, "write": time.perf_counter() - t6})


def _warm() -> None:
    """Load what every worker needs before forking, so workers start with it in memory."""
    from kg_build import queries

    shacl.support_graph()
    ontology.schemes()
    shacl._compiled(ontology.load_shapes())
    queries.catalogue()
    rdfio.prefixes()


_PROBLEM_FIELDS = {"file": str, "line": int, "column": int, "message": str, "hint": str, "severity": str, "rule": str}


def _is_problem(p) -> bool:
    return isinstance(p, dict) and set(p) == set(_PROBLEM_FIELDS) and all(
        isinstance(p[k], t) for k, t in _PROBLEM_FIELDS.items())


def _is_entry(e) -> bool:
    """A manifest entry of the shape this version writes (anything else is ignored: rebuilt)."""
    return (isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("file", "review", "key", "sha256", "cache"))
            and isinstance(e.get("triples"), int) and isinstance(e.get("problems"), list)
            and all(_is_problem(p) for p in e["problems"])
            and isinstance(e.get("stat"), list) and len(e["stat"]) == 2 and all(isinstance(x, int) for x in e["stat"]))


def _read_manifest(out: Path) -> dict:
    """The previous build's manifest, with only the entries of the expected shape; {} when it is
    missing, unreadable or of another version (every review is then built anew)."""
    try:
        data = json.loads((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != __version__:
        return {}
    reviews = data.get("reviews")
    data["reviews"] = [e for e in reviews if _is_entry(e)] if isinstance(reviews, list) else []
    support = data.get("support_problems")
    if not (isinstance(support, list) and all(_is_problem(p) for p in support)):
        data.pop("support_problems", None)
    if not isinstance(data.get("store_files"), dict):
        data.pop("store_files", None)
    return data


#: every review's cached metadata (what <key>.json holds) in one file of the cache, so that a build
#: reads one file rather than one a review (10,000 files took 1.3 s of a one-review rebuild)
SUMMARY = "summary.jsonl"  # one line a review, [key, metadata], sorted by key
#: the dataset description's N-Quads as the last build wrote them into the store, so that the next
#: build changes only the lines that differ without reading the graph back (0.6 s at 10,000)
DESCRIPTION = "description.nq"


def _checked_cache_file(out: Path, name: str, digest: str | None) -> bytes | None:
    """A file of the previous build's cache whose SHA-256 its manifest recorded; None if it is missing
    or differs."""
    try:
        data = (out / CACHE / name).read_bytes() if digest else None
    except OSError:
        return None
    return data if data is not None and hashlib.sha256(data).hexdigest() == digest else None


def _read_summary(out: Path, previous: dict) -> dict[str, tuple[dict, bytes]]:
    """The previous build's summary of its reviews' cache metadata, by key; {} if it is missing, or
    does not match the digest its manifest recorded (each review's own file is read then). Each
    review's metadata comes with its line, which the next summary takes as it is."""
    data = _checked_cache_file(out, SUMMARY, previous.get("summary_sha256"))
    summary: dict[str, tuple[dict, bytes]] = {}
    for line in (data or b"").splitlines():
        try:
            key, meta = json.loads(line)
        except (ValueError, TypeError):
            return {}
        if not (isinstance(key, str) and isinstance(meta, dict)):
            return {}
        summary[key] = (meta, line)
    return summary


def _cached(out: Path, entry: dict | None, key: str, display: str,
            summary: dict[str, tuple[dict, bytes]] | None = None) -> ReviewBuild | None:
    """The previous build of a file whose key is unchanged, from the manifest and out/cache. Its
    metadata file is written last (kg_build/exports/parts.py), so its presence means the others were
    written; their content is checked when they are read. A review the checked summary holds takes its
    metadata from there."""
    meta, line = (summary or {}).get(key, (None, b""))
    if not entry or entry.get("key") != key or (meta is None and not (out / CACHE / f"{key}.json").is_file()):
        return None
    problems = [Problem(**{**p, "file": display if p["file"] == entry["file"] else p["file"]})
                for p in entry["problems"]]
    at = entry.get("id_pos")
    hit = ReviewBuild(entry["review"], display, key, problems, cached=True, triples=entry["triples"],
                      folder=out / CACHE, meta_sha256=entry["cache"],
                      id_pos=tuple(at) if isinstance(at, list) and len(at) == 2 and all(isinstance(x, int) for x in at)
                      else (0, 0))
    if meta is not None:
        try:
            hit._parts = export_parts.from_record(meta)
        except (KeyError, TypeError):  # a line of another shape: the review's own file is read
            return _cached(out, entry, key, display)
        hit.summary_line = line
    return hit


@lru_cache(maxsize=2)
def _support_nquads(common: str) -> bytes:
    """The ontology and the vocabularies as canonical N-Quads in their named graphs."""
    vocab = ox.NamedNode(VOCAB_GRAPH)  # the vocabularies hold no blank nodes: pyoxigraph writes them as parsed
    text = rdfio.serialized([ox.Quad(q.subject, q.predicate, q.object, vocab) for q in ontology.vocabulary_quads()],
                            ox.RdfFormat.N_QUADS).decode("utf-8")
    lines = (rdfio.nquads_lines(ontology.load_ontology(), URIRef(ONTOLOGY_GRAPH))
             + sorted(set(text.splitlines()) - {""}))
    return rdfio.nquads_text(lines).encode("utf-8")


def manifest_names(files: list[Path], displays: list[str], inputs: list[Path]) -> list[str]:
    """How each file is named in the manifest: as in messages when that is relative (inside the
    working folder); otherwise its path below the input folder named on the command line, under that
    folder's name. No absolute path of the machine goes into a build that may be handed on, and a
    build run from another working folder finds its cache."""
    roots = [(os.path.abspath(a), Path(a).is_dir()) for a in inputs]
    names = []
    for f, display in zip(files, displays):
        name = display
        if os.path.isabs(display):
            full = os.path.abspath(f)
            for root, is_dir in roots:
                if is_dir and full.startswith(root.rstrip(os.sep) + os.sep):
                    name = os.path.join(os.path.basename(root) or "input", os.path.relpath(full, root))
                    break
                if not is_dir and full == root:
                    name = os.path.basename(full)
                    break
        names.append(name)
    if len(set(names)) != len(names):  # two inputs of the same name: keep them apart
        return list(displays)
    return names


def build(
    inputs: Iterable[Path],
    out: Path = Path("build"),
    strict: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    display_root: Path | None = None,
    engine: str = shacl.DEFAULT_ENGINE,
    exports: bool = True,
) -> BuildResult:
    """Build the knowledge graph of the annotation files under `inputs` into `out`. With `exports`
    false only the store (and the cache) is written: for the edit-and-query loop, where rewriting
    every export file for one changed review costs more than the rest of the build.

    Raises InputError when a file cannot be loaded (syntax, structure, codes, references, dates):
    nothing is written then, and the problems of the files that did load are reported with it.
    Raises SgkgError when `out` cannot be used (it is not a previous build, it holds an input, or
    another build holds its lock). Returns a BuildResult; when its shapes or QC queries report
    violations (or, with `strict`, warnings) nothing is written either, and `out` keeps the previous build.
    """
    t_start = time.perf_counter()
    inputs = [Path(p) for p in inputs]
    files, found = find_inputs(inputs, YAML_SUFFIXES)
    unusable = [p for p in found if p.severity == "error"]
    if not files:
        raise InputError(unusable or [Problem(" ".join(map(str, inputs)), 0, 0, "no annotation files (.yaml) found",
                                              "name a folder holding review files, e.g. data/", rule="path")])
    shacl.check_engine(engine)  # before any worker starts
    given = Path(out)
    out = folder.check_out(given, inputs)
    with folder.lock(out):
        notices = folder.recover(out)
        result = _build_locked(files, inputs, out, strict, jobs, progress, display_root, engine, exports, found)
    result.out = given
    result.notices[:0] = notices
    result.timings["total"] = time.perf_counter() - t_start
    return result


def _build_locked(files, inputs, out, strict, jobs, progress, display_root, engine, exports, found) -> BuildResult:
    common = fingerprint() + engine
    previous = _read_manifest(out)
    displays = [reader.display_name(p, display_root) for p in files]
    names = manifest_names(files, displays, inputs)
    entries = {r["file"]: r for r in previous.get("reviews", [])}
    staging = folder.new_staging(out)
    try:
        new = staging / "new"
        new.mkdir()
        builds: dict[str, ReviewBuild] = {}
        todo = []
        sources = {}
        summary = _read_summary(out, previous)
        for path, display, name in zip(files, displays, names):
            sources[display] = {"file": name, **file_digest(path, entries.get(name))}
            key = review_key(sources[display]["sha256"], name, common)
            hit = _cached(out, entries.get(name), key, display, summary)
            if hit:
                builds[display] = hit
            else:
                todo.append((str(path), display, key, engine, str(new)))
        timings = _run(todo, builds, len(files), jobs, progress)
        reviews = [builds[d] for d in displays]
        _check_loaded(reviews, [p for p in found if p.severity == "error"])
        reviews.sort(key=lambda r: r.review_id)
        t = time.perf_counter()
        if previous.get("fingerprint") == common and "support_problems" in previous:
            support_qc = [Problem(**p) for p in previous["support_problems"]]  # same ontology, shapes, queries
        else:
            support_qc = qc.support_problems(_support_nquads(common))
        timings["qc_support"] = time.perf_counter() - t
        skipped = [p for p in found if p.severity != "error"]  # not regular files: said, not fatal
        problems = sorted([p for r in reviews for p in r.problems] + support_qc + skipped)
        result = BuildResult(out, reviews, problems, strict=strict, timings=timings, support_problems=support_qc)
        if result.ok:
            paths_of = {d: p for p, d in zip(files, displays)}

            def rebuild(r: ReviewBuild) -> ReviewBuild:
                fresh = build_one(str(paths_of[r.file]), r.file, r.key, engine, str(new))
                if fresh.load_problems:  # the file changed while the build ran
                    raise InputError(fresh.load_problems)
                return fresh

            _write(out, staging, result, previous, common, exports, sources, rebuild)
            result.written = True
    finally:  # removes the staging folder, and puts the cache back if a failure fell inside the swap
        folder.recover(out)
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
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx,
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
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


def _check_loaded(reviews: list[ReviewBuild], path_problems: list[Problem]) -> None:
    """Raise InputError with every path that could not be used, every loader problem and review ids
    used by two files, together with the problems (shapes, QC) of the files that did load: all
    problems of a run at once."""
    load_problems = path_problems + [p for r in reviews for p in r.load_problems]
    load_problems += duplicate_review_ids((r.file, _Located(r.review_id, Pos(*r.id_pos))) for r in reviews)
    if load_problems:
        raise InputError(load_problems + [p for r in reviews for p in r.problems])


class _Located(str):
    """A review id with the position of review.id in its file (as a yamlsource.Scalar has)."""

    pos: Pos

    def __new__(cls, text: str, pos: Pos):
        obj = super().__new__(cls, text)
        obj.pos = pos
        return obj


def _store_changed(store: Path, recorded: dict | None) -> str:
    """Why the store at `store` cannot be the base of an incremental update ("" if it can): a file
    the last build wrote is missing or changed (size or modification time), or the store is gone."""
    if not (store / "CURRENT").is_file():
        return "it is missing"
    if recorded is None:
        return ""
    now = store_files(store)
    for name, stamp in sorted(recorded.items()):
        if now.get(name) != stamp:
            return f"{name} is {'missing' if name not in now else 'changed'}"
    return ""


def _write(out: Path, staging: Path, result: BuildResult, previous: dict, common: str, exports: bool,
           sources: dict, rebuild: Callable[[ReviewBuild], ReviewBuild]) -> None:
    """Write the exports, the store and the manifest into `staging` and put it in place of `out`.
    A cached review whose cache files turn out damaged is built anew (`rebuild`) and the writing
    starts again."""
    for _ in range(len(result.reviews) + 1):
        try:
            _write_once(out, staging, result, previous, common, exports, sources)
            return
        except DamagedCache as exc:
            key = exc.path.name.split(".", 1)[0]
            i = next(i for i, r in enumerate(result.reviews) if r.key == key)
            damaged = result.reviews[i]
            result.notices.append(f"{exc.path}: {exc.what}; built {damaged.file} anew")
            result.reviews[i] = rebuild(damaged)
            for part in ("export", "store", MANIFEST, "dataset.nq"):
                target = staging / part
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
    raise RuntimeError("the build cache kept failing its checks")  # pragma: no cover - bounded above


def _write_once(out: Path, staging: Path, result: BuildResult, previous: dict, common: str, exports: bool,
                sources: dict) -> None:
    """The store is the previous one with the changed review graphs replaced when only a few changed
    (a RocksDB checkpoint: hard links, then the graphs swapped), otherwise loaded anew from
    dataset.nq; it is loaded anew as well when the previous store is damaged or was changed since
    the last build. The new build's cache files join the previous build's cache folder, which moves
    into the new build when it is put in place."""
    reviews = result.reviews
    t0 = time.perf_counter()
    shared = shared_triples(reviews)
    support = _support_nquads(common)
    # the dataset's description, in its own graph of the store and the dataset exports (and so pushed)
    described = description(reviews, shared, support.count(b"\n"))
    described_nquads = description_nquads(described)
    support += described_nquads
    if exports:
        export_files = write_exports(staging / "export", reviews, support, shared)
    t1 = time.perf_counter()
    before = {r["review"]: r["key"] for r in previous.get("reviews", [])}
    changed = [r for r in reviews if before.get(r.review_id) != r.key]
    gone = sorted(set(before) - {r.review_id for r in reviews})
    incremental = (previous.get("fingerprint") == common
                   and len(changed) + len(gone) <= max(8, len(reviews) // 10))
    if incremental:
        why = _store_changed(out / "store", previous.get("store_files"))
        if why:
            incremental = False
            if why != "it is missing":
                result.notices.append(f"{out / 'store'}: {why} since the last build; loaded the store anew")
    if incremental:
        try:
            old_description = _checked_cache_file(out, DESCRIPTION, previous.get("description_sha256"))
            update_store(out / "store", staging / "store",
                         remove=[str(iris.review(i))
                                 for i in sorted({*gone, *(r.review_id for r in changed)} & set(before))]
                         + ([] if old_description is not None else [DATASET_GRAPH]),
                         add=[r.cache_file("nq") for r in changed],
                         changes=[(old_description or b"", described_nquads)])
        except (OSError, RuntimeError, ValueError, SyntaxError) as exc:  # pyoxigraph: a store or text it cannot read
            if "No space left" in str(exc):
                raise
            result.notices.append(f"{out / 'store'}: cannot be read ({str(exc).splitlines()[0]}); "
                                  "loaded the store anew")
            shutil.rmtree(staging / "store", ignore_errors=True)
            incremental = False
    if not incremental:
        if exports:
            create_store(staging / "store", staging / "export" / "dataset.nq")
        else:
            dataset = staging / "dataset.nq"
            with open(dataset, "wb") as f:
                f.writelines(dataset_nquads(reviews, support))
            create_store(staging / "store", dataset)
            dataset.unlink()
    t2 = time.perf_counter()
    if exports:
        (staging / "export" / "void.ttl").write_bytes(describe_dataset(described, export_files))
    lines = {r.key: r.summary_line or json.dumps([r.key, export_parts.record(r.parts)], sort_keys=True).encode("utf-8")
             for r in reviews}
    summary = b"".join(lines[k] + b"\n" for k in sorted(lines))
    (staging / "new" / SUMMARY).write_bytes(summary)
    (staging / "new" / DESCRIPTION).write_bytes(described_nquads)
    manifest: dict[str, Any] = {
        "description_sha256": hashlib.sha256(described_nquads).hexdigest(),
        "summary_sha256": hashlib.sha256(summary).hexdigest(),
        "version": __version__,
        "fingerprint": common,
        "support_problems": [p.as_dict() for p in result.support_problems],
        "reviews": [_manifest_entry(r, sources[r.file]) for r in reviews],
        "dataset_graph": DATASET_GRAPH,
        "exports": exports,
        "store_files": store_files(staging / "store"),
    }
    # one review a line: readable, and a third of the time of an indented dump at 10,000 reviews
    reviews_json = ",\n".join(json.dumps(r, sort_keys=True) for r in manifest.pop("reviews"))
    head = json.dumps(manifest, sort_keys=True)[:-1]
    (staging / MANIFEST).write_text(f'{head}, "reviews": [\n{reviews_json}\n]}}\n', encoding="utf-8")
    for name in KEEP:
        if (out / name).is_file():
            shutil.copy2(out / name, staging / name)
    t3 = time.perf_counter()
    os.sync()  # everything on disk before the swap: a power cut leaves the old build or the new one
    t4 = time.perf_counter()
    folder.publish(staging, out, staging / "new")
    keep = {r.key for r in reviews}
    for cached in (out / CACHE).iterdir():
        if cached.name.split(".", 1)[0] not in keep and cached.name not in (SUMMARY, DESCRIPTION):
            cached.unlink()
    result.timings.update({"export": t1 - t0, "store": t2 - t1, "describe": t3 - t2, "sync": t4 - t3,
                           "swap": time.perf_counter() - t4})
    result.store_update = "replaced graphs" if incremental else "loaded"


def _manifest_entry(r: ReviewBuild, source: dict) -> dict:
    """A review's line of the manifest: its file by its manifest name, the file's digest and stat,
    its cache key and the digest of its cache metadata, its triple count and its problems."""
    name = source["file"]
    problems = [{**p.as_dict(), "file": name if p.file == r.file else p.file} for p in r.problems]
    return {"file": name, "review": r.review_id, "key": r.key, "triples": r.triples, "cache": r.meta_sha256,
            "id_pos": list(r.id_pos),
            "sha256": source["sha256"], "stat": source["stat"], "problems": problems}
