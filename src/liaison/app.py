"""create_app(settings): the node's HTTP application. Nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from liaison import __version__, web
from liaison.access.http import WWW_AUTHENTICATE
from liaison.audit import routes as audit_routes
from liaison.audit.log import attach_signer
from liaison.config import Settings
from liaison.errors import AuthenticationFailed, LiaisonError
from liaison.exchange import grade_routes, rfi_routes, stats_routes
from liaison.networks import routes as network_routes
from liaison.precursors import routes as precursor_routes
from liaison.store import withdrawal_routes
from liaison.store.migrate import open_store
from liaison.store.retention import run_periodically
from liaison.streams import routes as stream_routes
from liaison.taxii import objects as taxii_objects
from liaison.taxii import routes as taxii_routes
from liaison.taxii.egress import load_egress_signer
from liaison.taxii.media import TaxiiResponse
from liaison.taxii.paging import TokenSigner, token_key

log = logging.getLogger("liaison")


def error_body(title: str, description: str, status: int, **extra: str) -> dict[str, object]:
    """An error in the TAXII 2.1 error-message shape (§3.6.1), used by every route."""
    return {"title": title, "description": description, "http_status": str(status), **extra}


def create_app(settings: Settings) -> FastAPI:
    """Assemble the node's routers over an opened store."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = open_store(settings.store_url)
        if settings.key_path.exists():
            attach_signer(app.state.db, settings)
        interval = settings.retention.interval
        purging = (
            asyncio.create_task(run_periodically(app.state.db, interval)) if interval else None
        )
        try:
            yield
        finally:
            if purging is not None:
                purging.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purging
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
    app.state.taxii_signer = TokenSigner(token_key(settings.key_path))
    app.state.egress_signer = load_egress_signer(settings)
    app.include_router(taxii_routes.router)
    app.include_router(taxii_objects.router)
    app.include_router(stream_routes.router)
    app.include_router(audit_routes.router)
    app.include_router(rfi_routes.router)
    app.include_router(grade_routes.router)
    app.include_router(stats_routes.router)
    app.include_router(withdrawal_routes.router)
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    app.include_router(network_routes.router)
    app.include_router(precursor_routes.router)

    @app.exception_handler(LiaisonError)
    async def liaison_error(_request: Request, exc: LiaisonError) -> TaxiiResponse:
        headers = (
            {"WWW-Authenticate": WWW_AUTHENTICATE}
            if isinstance(exc, AuthenticationFailed)
            else None
        )
        body = error_body(exc.title, exc.message, exc.status)
        return TaxiiResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith("/taxii2/"):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        return TaxiiResponse(error_body("Invalid input", problems, 400), status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> TaxiiResponse:
        title = "Not found" if exc.status_code == 404 else "HTTP error"
        body = error_body(title, str(exc.detail), exc.status_code)
        return TaxiiResponse(body, status_code=exc.status_code, headers=exc.headers)

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
