"""What every request and response gets at the HTTP edge, whatever route answers:
security headers (a CSP with a fresh nonce for the page's own scripts), the refusal of
cross-site form posts, and bounded request bodies (uploads only from signed-in users).

Cross-site posts are refused by a strict Origin check rather than a token in every
form: browsers send `Origin` on every POST (same-site ones too), so a post from another
site is recognised without state kept between requests or workers, and without a
token that each form, and each new form, must remember to carry. A page post without
`Origin` or `Referer` is refused too: only browsers post to pages; programs use
`/api/v1` with a bearer token, which no other site can make a browser send."""

import re
import secrets
from urllib.parse import urlsplit

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .deps import COOKIE
from .services.auth import user_for_token
from .services.imports import MAX_UPLOAD_BYTES

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths where a cookie is never the credential: the bearer API and its sign-in.
BEARER_ONLY = ("/api/", "/auth/")
# One year, the usual minimum for HSTS preload lists.
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(nonce: str) -> str:
    """Scripts from this site or carrying this response's nonce (the inline scripts of
    plotly figures and the API docs); nothing else runs. Styles may be inline: plotly.js
    writes its own at run time, and a style cannot send data anywhere on its own here
    (no image or font from other sites is allowed)."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def with_nonce(html: str, nonce: str) -> Markup:
    """Our own HTML (a plotly figure, the API docs) whose inline scripts may run under
    the response's CSP nonce; never for text that came from a user."""
    return Markup(re.sub(r"<script(?=[\s>])", f'<script nonce="{nonce}"', html))


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


class SecureEdge:
    """ASGI middleware: refuses cross-site page posts (403) and adds the security
    headers to every response. ``public_origin`` is the site's address as browsers see
    it (https://arraigo.example); without it, the request's own scheme and Host."""

    def __init__(self, app: ASGIApp, public_origin: str | None = None) -> None:
        self.app = app
        self.public_origin = public_origin.rstrip("/") if public_origin else None

    def own_origin(self, scope: Scope, headers: Headers) -> str:
        return self.public_origin or f"{scope['scheme']}://{headers.get('host', '')}"

    def cross_site(self, scope: Scope, headers: Headers) -> bool:
        """Whether this is a page post that did not come from one of our pages."""
        if scope["method"] not in UNSAFE or scope["path"].startswith(BEARER_ONLY):
            return False
        sender = headers.get("origin") or origin_of(headers.get("referer", ""))
        return sender != self.own_origin(scope, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        https = scope["scheme"] == "https"

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                # Pages and answers carry personal data: no copy in any cache, unless
                # a response says otherwise (the static files do).
                headers.setdefault("Cache-Control", "no-store")
                if https:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        if self.cross_site(scope, Headers(scope=scope)):
            refusal = PlainTextResponse(
                "Solicitud de otro sitio rechazada / cross-site request refused.", 403
            )
            await refusal(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)


# Paths that take files, and who may send them (a bearer token, or the page cookie).
UPLOADS = {"/api/v1/imports": "bearer", "/data": "cookie"}
# Five tables of the largest accepted file each, plus the form around them.
MAX_UPLOAD_REQUEST = 5 * MAX_UPLOAD_BYTES + 2**20
# Any other request: JSON bodies and forms are small.
MAX_REQUEST = 2**20


class BoundedBodies:
    """ASGI middleware: a request body larger than its path accepts is refused (413)
    from its declared length, or as soon as it grows past it; an upload without a
    valid credential is refused (401) before a byte of its body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = UPLOADS.get(scope["path"].rstrip("/") or "/")
        limit = MAX_UPLOAD_REQUEST if upload else MAX_REQUEST
        if upload and not await self.credential_valid(scope, headers, upload):
            refusal = PlainTextResponse("Sesión no iniciada / not signed in.", 401)
            await refusal(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await PlainTextResponse(too_large(limit), 413)(scope, receive, send)
            return
        received, exceeded = 0, False

        async def bounded() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                exceeded = True
                raise RequestTooLarge(too_large(limit))
            return message

        async def answer(message: Message) -> None:
            # The body parser turns our exception into its own 400: say 413 instead.
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                await PlainTextResponse(too_large(limit), 413)(scope, receive, send)

        try:
            await self.app(scope, bounded, answer)
        except RequestTooLarge:
            await PlainTextResponse(too_large(limit), 413)(scope, receive, send)

    @staticmethod
    async def credential_valid(scope: Scope, headers: Headers, kind: str) -> bool:
        if kind == "bearer":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            token = token if scheme.lower() == "bearer" else ""
        else:
            token = HTTPConnection(scope).cookies.get(COOKIE, "")
        if not token:
            return False
        sessions = scope["app"].state.sessions

        def check() -> bool:
            with sessions() as session:
                return user_for_token(session, token) is not None

        return await run_in_threadpool(check)


class RequestTooLarge(Exception):
    pass


def too_large(limit: int) -> str:
    return f"Solicitud de más de {limit // 2**20} MiB / request larger than {limit // 2**20} MiB."
