"""The build: annotation files → validated named graphs → embedded store and exports, atomically.

Incremental: a review whose file, ontology, vocabularies, shapes and tool version are unchanged is
taken from build/cache/ without mapping or validating it again. Atomic: everything is written to a
staging folder beside the output and put in place only when the whole build succeeded, so a failed
build leaves the previous store and exports untouched. Source files are only ever read.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import URIRef

from . import __version__, annotation, mapping, ontology, paths, rdfio, validation
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


@dataclass
class BuildResult:
    out: Path
    reviews: list[ReviewBuild]
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    strict: bool = False

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
    out = []
    for r in report.results:
        line, col = _origin_of(r.focus, mapped.origins)
        path = f" [{r.path.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}]" if r.path else ""
        out.append(Problem(mapped.file, line, col, f"{r.message}{path}",
                           hint=f"focus {r.focus}" + (f", value {r.value}" if r.value and r.value != r.focus else ""),
                           severity="error" if r.severity == validation.VIOLATION else "warning",
                           rule=r.shape or r.component))
    return out


def build_one(path: str, display: str, key: str, engine: str = validation.DEFAULT_ENGINE) -> ReviewBuild:
    """Load, map and validate one file (runs in a worker process)."""
    rf = annotation.load_review(Path(path), display)
    mapped = mapping.map_review(rf)
    report = validation.validate_graph(mapped.graph, engine=engine)
    lines = rdfio.nquads_lines(mapped.graph, mapped.iri)
    return ReviewBuild(rf.review_id, display, key, rdfio.nquads_text(lines), shape_problems(mapped, report),
                       triples=len(lines))


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
    out = Path(out)
    files = annotation.find_review_files(inputs)
    if not files:
        raise InputError([Problem(" ".join(map(str, inputs)), 0, 0, "no annotation files (.yaml) found",
                                  "name a folder holding review files, e.g. data/", rule="path")])
    loaded = annotation.load_reviews(files, display_root)  # every loader problem of every file, or none
    common = fingerprint() + engine
    cache = _read_cache(out)
    builds: dict[str, ReviewBuild] = {}
    todo = []
    for rf in loaded:
        key = review_key(rf.path, common)
        hit = cache.get(rf.display)
        cached_file = out / "cache" / f"{rf.review_id}.nq"
        if hit and hit.get("key") == key and cached_file.exists():
            text = cached_file.read_text(encoding="utf-8")
            builds[rf.display] = ReviewBuild(rf.review_id, rf.display, key, text,
                                             [Problem(**p) for p in hit.get("problems", [])], cached=True,
                                             triples=text.count("\n"))
        else:
            todo.append((str(rf.path), rf.display, key, engine))
    done = len(builds)
    total = len(loaded)
    if progress:
        progress(done, total)
    jobs = jobs or os.cpu_count() or 1
    if len(todo) > 1 and jobs > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            for rb in pool.map(build_one, *zip(*todo), chunksize=max(1, len(todo) // (jobs * 4))):
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
    reviews = [builds[rf.display] for rf in loaded]
    problems = sorted(p for r in reviews for p in r.problems)
    result = BuildResult(out, reviews, problems, strict=strict)
    if not result.ok:
        return result
    result.written = _write(out, reviews, result)
    return result


def qc_problems(store, reviews: list[ReviewBuild]) -> list[Problem]:
    """Rows of the QC queries (queries/qc/*-violation.rq) as problems, against the review's file."""
    from . import queries

    files = {str(mapping_iri(r.review_id)): r.file for r in reviews}
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
        review_lines = []
        for r in reviews:
            atomic_write_text(staging / "cache" / f"{r.review_id}.nq", r.nquads)
            review_lines.extend(r.nquads.splitlines())
        all_lines = sorted(review_lines + _support_nquads())
        nquads = rdfio.nquads_text(all_lines).encode("utf-8")
        graphs = [str(mapping_iri(r.review_id)) for r in reviews]
        create_store(staging / "store", nquads)
        store = open_store(staging / "store")
        result.problems = sorted(result.problems + qc_problems(store, reviews))
        if not result.ok:
            del store
            shutil.rmtree(staging, ignore_errors=True)
            return False
        files = write_exports(staging / "export", nquads, graphs)
        void = describe_dataset(store, graphs, files)
        del store
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


def mapping_iri(review_id: str) -> URIRef:
    from . import iris

    return iris.review(review_id)
