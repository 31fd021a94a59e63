"""The network view: a trafficking network drawn with its key players and, for a chosen
supplier and market, the minimum cut highlighted; computed by `liaison.networks` on what the
signed-in principal may see (the API's `/api/v1/network/…` answers, as pages)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from liaison.errors import LiaisonError
from liaison.networks import service
from liaison.networks.graph import Network
from liaison.store.database import Database
from liaison.web.network_view import draw
from liaison.web.objects import readable
from liaison.web.pages import render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn

router = web_router()
KEY_PLAYERS = 5


def _choices(network: Network) -> list[dict[str, str]]:
    described = (network.describe(v) for v in range(network.directed.vcount()))
    return sorted(
        (d for d in described if d["type"] not in ("relationship", "sighting")),
        key=lambda d: (d["name"] or d["type"]).lower(),
    )


def _cut(network: Network, source: str, target: str) -> tuple[dict[str, Any] | None, str | None]:
    if not (source and target):
        return None, None
    try:
        return service.minimum_cut(network, [source], [target]), None
    except LiaisonError as exc:
        return None, exc.message


@router.get("/network")
def network_page(
    request: Request,
    user: SignedIn,
    collection: Annotated[str, Query(max_length=200)] = "",
    source: Annotated[str, Query(max_length=300)] = "",
    target: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    """The network of a collection (default: all readable), key players and the cut."""
    db: Database = request.app.state.db
    viewer = user.caller.viewer
    with db.session() as session:
        collections = [a.collection.name for a in readable(session, viewer)]
        network = service.load_network(session, viewer, [collection] if collection else [])
    players = service.key_players(network, top=KEY_PLAYERS, steps=0)["players"]
    cut, problem = _cut(network, source, target)
    marks = {
        "key": {p["id"] for p in players}, "source": {source}, "target": {target},
        "cut": set(cut["cut"]) if cut else set(),
    }  # fmt: skip
    context = {
        "collections": collections, "selected": {"collection": collection, "source": source,
        "target": target}, "choices": _choices(network), "players": players, "cut": cut,
        "problem": problem, "drawing": draw(network, marks),
    }  # fmt: skip
    return render(request, "network.html", context, user=user)
