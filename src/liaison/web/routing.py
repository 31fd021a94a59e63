"""The web UI's route class: errors become pages, not TAXII JSON.

Every web router uses `WebRoute`. A request without a valid session is sent to the login form
(htmx requests get an `HX-Redirect`); any other liaison error (an object the viewer may not see
is a NotFound, as in the API) is rendered as an HTML error page with the error's status.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute, APIRouter

from liaison.errors import LiaisonError
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.session import LoginRequired, user_of

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _to_login(request: Request) -> Response:
    target = "/login?next=" + quote(request.url.path, safe="/")
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target, **SECURITY_HEADERS})
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)


def error_page(request: Request, exc: LiaisonError) -> Response:
    """The HTML page for a liaison error raised while serving a web page."""
    user = user_of(request)
    context = {"title": exc.title, "message": exc.message, "status": exc.status}
    return render(request, "error.html", context, user=user, status_code=exc.status)


class WebRoute(APIRoute):
    """An APIRoute whose liaison errors (raised by dependencies or the handler) become pages."""

    def get_route_handler(self) -> Handler:
        """Wrap FastAPI's handler: LoginRequired redirects, other LiaisonErrors render pages."""
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return _to_login(request)
            except LiaisonError as exc:
                return error_page(request, exc)

        return guarded


def web_router() -> APIRouter:
    """A router for web pages: HTML errors, and no place in the API's OpenAPI document."""
    return APIRouter(route_class=WebRoute, include_in_schema=False)
