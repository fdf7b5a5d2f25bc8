"""The API's manual at /docs: Swagger UI from the swagger-ui-bundle package, served by
this site (no CDN, works offline, and its scripts run under the page's CSP nonce)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from ..protect import with_nonce
from ..services.errors import NotFound

router = APIRouter(include_in_schema=False)
ASSETS = Path(swagger_ui_path)
SERVED = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})


def _nonced(page: HTMLResponse, request: Request) -> HTMLResponse:
    return HTMLResponse(with_nonce(page.body.decode(), request.state.csp_nonce))


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Arraigo · API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
        oauth2_redirect_url="/docs/oauth2-redirect",
    )
    return _nonced(page, request)


@router.get("/docs/oauth2-redirect")
def oauth2_redirect(request: Request) -> HTMLResponse:
    return _nonced(get_swagger_ui_oauth2_redirect_html(), request)


@router.get("/docs/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in SERVED:
        raise NotFound(f"No {name!r}.")
    return FileResponse(ASSETS / name, headers={"Cache-Control": "public, max-age=86400"})
