"""create_app(settings): the node's HTTP application. Nothing happens at import time."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from liaison import __version__
from liaison.config import Settings
from liaison.errors import LiaisonError
from liaison.store.migrate import open_store

log = logging.getLogger("liaison")


def error_body(title: str, description: str, status: int, **extra: str) -> dict[str, object]:
    """An error in the TAXII 2.1 error-message shape (§3.6.1), used by every route."""
    return {"title": title, "description": description, "http_status": str(status), **extra}


def create_app(settings: Settings) -> FastAPI:
    """Assemble the node's routers over an opened store."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = open_store(settings.store_url)
        try:
            yield
        finally:
            app.state.db.dispose()

    app = FastAPI(
        title="liaison",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings

    @app.exception_handler(LiaisonError)
    async def liaison_error(_request: Request, exc: LiaisonError) -> JSONResponse:
        return JSONResponse(error_body(exc.title, exc.message, exc.status), status_code=exc.status)

    @app.exception_handler(Exception)
    async def unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
        correlation = str(uuid.uuid4())
        log.exception("unexpected error %s", correlation, exc_info=exc)
        body = error_body("Internal error", "unexpected server error", 500, error_id=correlation)
        return JSONResponse(body, status_code=500)

    @app.get("/healthz", tags=["node"])
    def healthz() -> dict[str, str]:
        """Liveness: the process is up and its store is open."""
        return {
            "status": "ok",
            "node": settings.node_name,
            "party": settings.party,
            "version": __version__,
        }

    return app
