"""Rendering the web UI's pages: one Jinja2 environment (autoescape on), security headers.

Every page is rendered through `render`, which adds the Content-Security-Policy (scripts, styles
and connections from this node only; no inline script or style, no framing) and the other
headers a page of intelligence needs (no caching, no sniffing, no referrer beyond this origin).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from liaison.config import Settings
from liaison.web import filters
from liaison.web.session import WebUser

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def environment() -> Environment:
    """The templates' environment, built on first use (autoescape on for every template)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters.update(filters.FILTERS)
    env.globals["zip_pairs"] = filters.pairs
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    user: WebUser | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page (or an htmx fragment) rendered from `template`, with the security headers."""
    settings: Settings = request.app.state.settings
    html = (
        environment()
        .get_template(template)
        .render(
            request=request, user=user, node=settings.node_name, party=settings.party, **context
        )
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
