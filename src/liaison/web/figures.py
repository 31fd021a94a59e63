"""The exchange figures for the work-plan page, computed at most once a minute per viewer.

`liaison.exchange.stats.exchange_figures` counts every shared object (about 0.15 s with 100,000
in the store), half of what a whole page may take; month-by-month figures need not be newer than a
minute, so the web UI keeps each viewer's last answer for FRESH_SECONDS in the app's state.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import Request

from liaison.access.visibility import Viewer
from liaison.config import Settings
from liaison.exchange.stats import exchange_figures
from liaison.store.database import Database

FRESH_SECONDS = 60.0
_LOCK = threading.Lock()


def figures_for(request: Request, viewer: Viewer) -> dict[str, Any]:
    """The exchange figures as `viewer` may see them, at most FRESH_SECONDS old."""
    settings: Settings = request.app.state.settings
    cache: dict[str, tuple[float, dict[str, Any]]] | None = getattr(
        request.app.state, "web_figures", None
    )
    if cache is None:
        with _LOCK:
            cache = request.app.state.web_figures = {}
    key = f"{viewer.party}/{viewer.name}"
    held = cache.get(key)
    if held is not None and time.monotonic() - held[0] < FRESH_SECONDS:
        return held[1]
    db: Database = request.app.state.db
    with db.session() as session:
        figures = exchange_figures(
            session, settings.party, viewer, require_evaluation=settings.release.require_evaluation
        )
    cache[key] = (time.monotonic(), figures)
    return figures
