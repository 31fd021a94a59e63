"""The officers' web UI: server-rendered pages over the same store, principals and policy.

`router` gathers every page group; `static_files()` serves the UI's own CSS and scripts and the
vendored front-end files (`static/vendor/`, pinned in its package-lock.json and manifest.json).
`liaison.app.create_app` mounts both at `/`. See docs/web.md.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from liaison.web import (
    routes_audit,
    routes_auth,
    routes_feed,
    routes_network,
    routes_rfi,
    routes_rings,
    routes_share,
    routes_workplan,
)
from liaison.web.pages import STATIC

router = APIRouter(include_in_schema=False)
_PAGES = (
    routes_auth, routes_feed, routes_share, routes_rfi, routes_audit, routes_workplan,
    routes_network, routes_rings,
)  # fmt: skip
for _module in _PAGES:
    router.include_router(_module.router)


def static_files() -> StaticFiles:
    """The UI's static files (CSS, scripts, vendored libraries), served under /static."""
    return StaticFiles(directory=STATIC)
