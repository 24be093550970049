"""The report's pages: rendered with Jinja2 from what the stored queries answer, and written as one
folder that opens from file:// with nothing fetched (the scripts, styles and plotly.js are files in it).

A report folder holds report.json (what it was written from); `--out` is refused unless it is new,
empty or a previous report, and the new report replaces the old in one step, so a failure leaves the
last good report whole.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from kg_build import atomic
from kg_build.pipeline.folder import new_staging
from kg_build.problems import SgkgError
from kg_build.report import charts
from kg_build.report.data import REVIEW_QUERIES, ReportData, gather, run_on
from kg_build.store import open_store

MARKER = "report.json"
STATIC = ("report.css", "report.js")


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("kg_build.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["figure_json"] = figure_json
    env.filters["plural"] = lambda n, word, many=None: f"{n} {word if n == 1 else (many or word + 's')}"
    return env


def figure_json(figure: Any) -> str:
    """A figure as JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(figure, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def render(build_dir: Path, progress: Callable[[int, int], None] | None = None) -> dict[str, bytes]:
    """Every file of the report of the build in `build_dir`, by its path in the report folder."""
    build_dir = Path(build_dir)
    store = open_store(build_dir / "store")
    run = run_on(store)
    data = gather(run, progress)
    cases = len({str(r["case"]) for r in data.results["reviews"] if r.get("case") is not None})
    dashboard = charts.dashboard(run, cases)
    return pages(data, dashboard, _build_info(build_dir))


def _build_info(build_dir: Path) -> dict:
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    return {"version": manifest.get("version", ""), "fingerprint": str(manifest.get("fingerprint", ""))[:12]}


def pages(data: ReportData, dashboard: list[charts.Chart], build: dict) -> dict[str, bytes]:
    env = _environment()
    common = {"build": build, "review_count": len(data.reviews)}
    files: dict[str, str | bytes] = {}
    used: set[str] = set()
    names = {}
    for review in data.reviews:  # a file name each, unique even if two IRIs end alike
        name, n = review.id, 1
        while name in used:
            n += 1
            name = f"{review.id}-{n}"
        used.add(name)
        names[review.iri] = name
    areas: dict[str, dict] = {}
    for review in data.reviews:
        key = review.area or "area not recorded"
        a = areas.setdefault(key, {"area": key, "gss": review.gss, "reviews": 0})
        a["reviews"] += 1
    files["index.html"] = env.get_template("index.html").render(
        root="", reviews=data.reviews, names=names, areas=sorted(areas.values(), key=lambda a: a["area"].casefold()),
        types=sorted({r.type for r in data.reviews if r.type}), queries=REVIEW_QUERIES, **common)
    files["dashboard.html"] = env.get_template("dashboard.html").render(root="", charts=dashboard, **common)
    template = env.get_template("review.html")
    for review in data.reviews:
        page = data.pages[review.iri]
        files[f"reviews/{names[review.iri]}.html"] = template.render(
            root="../", review=review, page=page, timeline=charts.timeline(page["events"]),
            events={e["iri"]: e for e in page["events"]}, queries=REVIEW_QUERIES, **common)
    static = resources.files("kg_build.report") / "static"
    for name in STATIC:
        files[f"assets/{name}"] = static.joinpath(name).read_bytes()
    files["assets/plotly.min.js"] = _plotly_js()
    files[MARKER] = json.dumps({"report": "sgkg", "build": build, "reviews": len(data.reviews),
                                "pages": sorted(p for p in files if p.endswith(".html"))}, indent=2) + "\n"
    return {path: body.encode("utf-8") if isinstance(body, str) else body for path, body in files.items()}


def check_out(out: Path, build_dir: Path) -> Path:
    """The report folder to write, resolved; SgkgError where writing it could replace anything that is
    not a previous report, or put it where the next build would refuse or remove it."""
    given = out
    if str(out) in ("", ".", ".."):
        raise SgkgError("is not a folder name: the report replaces its --out folder", given,
                        hint="name a folder of its own, e.g. --out report", rule="output-path")
    out = Path(os.path.realpath(out))
    build = Path(os.path.realpath(build_dir))
    cwd = Path(os.path.realpath(os.getcwd()))
    if out.parent == out or out == cwd or out in cwd.parents:
        raise SgkgError("is the current folder, one of its parents or the root: the report replaces its --out "
                        "folder", given, hint="name a folder of its own, e.g. --out report", rule="output-path")
    if out == build or build in out.parents or out in build.parents:
        raise SgkgError("is, holds or is inside the build folder: the next build would replace it", given,
                        hint="write the report beside the build, e.g. --out report", rule="output-path")
    if os.path.lexists(out):
        if not out.is_dir() or os.path.islink(given):
            raise SgkgError("is not a folder", given, hint="name a new folder, e.g. --out report", rule="output-path")
        entries = os.listdir(out)
        if entries and MARKER not in entries:
            raise SgkgError(f"is a folder that holds no report ({MARKER} is missing): it is not replaced", given,
                            hint="name a new or empty folder, or a previous report", rule="output-path")
    return out


def write(build_dir: Path, out: Path, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the report of `build_dir` to the folder `out` (replacing a previous report in one step);
    a summary: the folder, the number of pages and of reviews."""
    out = check_out(Path(out), Path(build_dir))
    files = render(Path(build_dir), progress)
    staging = new_staging(out)  # readable like any other output; files and folders get the umask
    try:
        for path, body in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        if not os.path.lexists(out):
            os.rename(staging, out)
        elif atomic.exchange(staging, out):
            pass  # the previous report is now under the staging name, and is removed below
        else:  # no exchange on this file system: the old report is moved aside, then the new one in place
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out, old)
            os.rename(staging, out)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    data = json.loads(files[MARKER])
    return {"report": str(out), "pages": len(data["pages"]), "reviews": data["reviews"]}
