"""The network view: a trafficking network drawn interactively (cytoscape.js) with its key
players and the minimum cut between a set of suppliers and a set of markets highlighted; computed
by `liaison.networks` on what the signed-in principal may see (the API's `/api/v1/network/…`
answers, as a page and as the drawing's JSON)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import Query, Request, Response

from liaison.networks.reads import NetworkRead, record_read
from liaison.store.database import Database
from liaison.web.network_view import NetworkView, graph_elements, network_view
from liaison.web.objects import readable
from liaison.web.pages import SECURITY_HEADERS, render
from liaison.web.routing import web_router
from liaison.web.session import SignedIn

router = web_router()
Collection = Annotated[str, Query(max_length=200)]
Ends = Annotated[list[str], Query(description="STIX ids (repeatable; default: proposed).")]


def _view(
    request: Request, user: SignedIn, collection: str, source: list[str], target: list[str]
) -> tuple[NetworkView, list[str]]:
    """The view for the signed-in principal; its read is audited as the API's are."""
    db: Database = request.app.state.db
    viewer = user.caller.viewer
    with db.session() as session:
        readable_here = [access.collection for access in readable(session, viewer)]
        view = network_view(session, viewer, collection, source, target)
        ids = tuple(c.id for c in readable_here if not collection or collection in (c.name, c.id))
    vertices = view.network.directed.vcount()
    read = NetworkRead(view.network, ids, vertices)
    parameters = {"collection": collection, "sources": view.sources, "targets": view.targets}
    record_read(db, viewer.name, viewer.party, "web-view", read, parameters)
    return view, [c.name for c in readable_here]


@router.get("/network")
def network_page(
    request: Request,
    user: SignedIn,
    collection: Collection = "",
    source: Ends = [],  # noqa: B006 - FastAPI copies defaults per request
    target: Ends = [],  # noqa: B006
) -> Response:
    """The network of a collection (default: all readable), key players and the cut."""
    view, collections = _view(request, user, collection, source, target)
    context = {
        "collections": collections, "collection": collection, "view": view,
        "sources": set(view.sources), "targets": set(view.targets),
        "graph_url": f"/network/graph?{request.url.query}",
    }  # fmt: skip
    return render(request, "network.html", context, user=user)


@router.get("/network/graph")
def network_graph(
    request: Request,
    user: SignedIn,
    collection: Collection = "",
    source: Ends = [],  # noqa: B006 - FastAPI copies defaults per request
    target: Ends = [],  # noqa: B006
) -> Response:
    """The page's network as cytoscape.js elements (JSON), for the interactive drawing."""
    view, _ = _view(request, user, collection, source, target)
    return Response(
        orjson.dumps(graph_elements(view)), media_type="application/json", headers=SECURITY_HEADERS
    )
