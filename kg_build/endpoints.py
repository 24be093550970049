"""URLs of SPARQL endpoints and Graph Store Protocol stores, as `sgkg query --endpoint` and `sgkg push`
take them: checked before any request, and shown in messages without a password written into them."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from kg_build.problems import SgkgError


def public_url(url: str) -> str:
    """The URL as messages show it: without a password written into it (`http://user:secret@host/`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def check_url(url: str, option: str, cls: type[SgkgError] = SgkgError) -> None:
    """`cls` (an SgkgError) unless the URL is an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise cls("not an http(s) URL", public_url(url), hint=f"give {option} as a full URL, for example "
                  "http://127.0.0.1:7878/query", rule="usage")
