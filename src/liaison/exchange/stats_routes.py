"""`GET /api/v1/stats`: the exchange figures (`liaison.exchange.stats`) for the node's party."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from liaison.exchange.rfi_routes import Reader
from liaison.exchange.stats import exchange_figures
from liaison.store.database import Database

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])


@router.get("", summary="Exchange figures: objects shared each way, RFIs, response times")
def get_stats(request: Request, acting: Reader) -> dict[str, Any]:
    """Objects shared each way per pillar and month, RFIs by state, times to acknowledge/answer."""
    db: Database = request.app.state.db
    with db.session() as session:
        return exchange_figures(
            session, acting.party, acting.viewer, require_evaluation=acting.require_evaluation
        )
