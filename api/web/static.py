"""Static files the pages load from this site (no CDN: the southern offices may be
offline): our CSS and scripts, plotly.js and the map's base outline."""

import gzip
from functools import cache
from pathlib import Path

import plotly.io as pio
from fastapi import Request
from fastapi.responses import FileResponse, Response

from arraigo.data import base_map

from ..services.errors import NotFound
from .render import HERE, page_router

router = page_router()
STATIC = HERE / "static"
_CACHE = {"Cache-Control": "public, max-age=86400"}
_TYPES = {".css": "text/css", ".js": "text/javascript", ".json": "application/json"}


PLOTLY = Path(pio.__file__).parent.parent / "package_data" / "plotly.min.js"


@cache
def _plotly_gzipped() -> bytes:
    """plotly.min.js compressed once per process: 4.8 MB becomes about 1.4 MB, which
    matters on the slow links of the southern offices (the plotly package ships no
    smaller bundle that draws both maps and bar charts)."""
    return gzip.compress(PLOTLY.read_bytes(), compresslevel=9, mtime=0)


@router.get("/static/plotly.min.js", name="plotly_js")
def plotly_js(request: Request) -> Response:
    """plotly.js from the plotly package itself (no CDN, works offline), gzipped for
    every browser that accepts it."""
    headers = {**_CACHE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(_plotly_gzipped(), media_type="text/javascript", headers=headers)
    return FileResponse(PLOTLY, media_type="text/javascript", headers=headers)


@router.get("/static/north-america_110m.json", name="base_map")
def base_map_json() -> Response:
    """The North America outline plotly's maps draw on (shipped in arraigo.data), so
    maps need no CDN."""
    return Response(base_map(), media_type="application/json", headers=_CACHE)


@router.get("/static/{name}", name="static")
def static(name: str) -> FileResponse:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound("No existe este archivo.")
    return FileResponse(path, media_type=_TYPES.get(path.suffix), headers=_CACHE)
