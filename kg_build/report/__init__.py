"""`sgkg report`: a static site of the last good build, from the stored queries.

    from kg_build.report import write
    write("build", "report")    # report/index.html, dashboard.html, reviews/<id>.html, assets/

An index of the reviews, a page a review (a timeline of its events, who knew what, its missed
opportunities, findings and recommendations, each with its evidence, and what its sources do not
state) and a cross-case dashboard of charts. It opens from file:// with no network; `sgkg serve`
serves it at /report/.
"""
from __future__ import annotations

from kg_build.report.site import render, write

__all__ = ["render", "write"]
