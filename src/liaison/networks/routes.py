"""`/api/v1/network/…`: trafficking-network analysis as the authenticated principal sees it.

Every answer is computed on the graph of what the caller's `Viewer` may see (the one visibility
policy), in the collections named by `collection` query parameters (every collection the caller's
party may read when none is named). Peer nodes read shared objects over TAXII, not here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from liaison.access.http import Caller, authenticated
from liaison.errors import PermissionDenied
from liaison.networks import service
from liaison.networks.centrality import DEFAULT_DELTA
from liaison.networks.dismantle import DEFAULT_STEPS
from liaison.networks.export import Format, export_network
from liaison.networks.graph import Network
from liaison.networks.paths import DEFAULT_LIMIT
from liaison.store.database import Database

router = APIRouter(prefix="/api/v1/network", tags=["network"])
MEDIA_TYPES = {Format.GRAPHML: "application/graphml+xml", Format.GEXF: "application/gexf+xml"}

Collections = Annotated[
    list[str], Query(description="Collection name or id (repeatable; default: all readable).")
]
Sources = Annotated[
    list[str], Query(description="Supplier STIX ids (repeatable or comma-separated).")
]
Targets = Annotated[
    list[str], Query(description="Market STIX ids (repeatable or comma-separated).")
]


def _reader(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.is_peer:
        raise PermissionDenied("peer nodes read shared objects over TAXII, not network analyses")
    return caller


ReaderDep = Annotated[Caller, Depends(_reader)]


def _network(request: Request, caller: Caller, collection: list[str]) -> Network:
    db: Database = request.app.state.db
    with db.session() as session:
        return service.load_network(session, caller.viewer, collection)


@router.get("/keyplayers", summary="Key players: degree, k-core, betweenness, dismantling order")
def get_keyplayers(
    request: Request,
    caller: ReaderDep,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
    top: Annotated[int, Query(ge=0, le=10_000)] = service.DEFAULT_TOP,
    steps: Annotated[int, Query(ge=0, le=1_000)] = DEFAULT_STEPS,
    pivots: Annotated[int | None, Query(ge=1)] = None,
    epsilon: Annotated[float | None, Query(gt=0, lt=1)] = None,
    delta: Annotated[float, Query(gt=0, lt=1)] = DEFAULT_DELTA,
    seed: int = 0,
) -> dict[str, Any]:
    """The top vertices by betweenness (exact, or sampled with its error bound), their degree
    and k-core, and a greedy dismantling order with the largest component after each removal."""
    network = _network(request, caller, collection)
    return service.key_players(
        network, top=top, steps=steps, pivots=pivots, epsilon=epsilon, delta=delta, seed=seed
    )


@router.get("/cut", summary="Minimum vertex cut between suppliers and markets")
def get_cut(
    request: Request,
    caller: ReaderDep,
    sources: Sources,
    targets: Targets,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
) -> dict[str, Any]:
    """The fewest actors whose removal disconnects every source from every target (`cut`)."""
    network = _network(request, caller, collection)
    return service.minimum_cut(network, service.split_ids(sources), service.split_ids(targets))


@router.get("/communities", summary="Communities (Leiden, modularity)")
def get_communities(
    request: Request,
    caller: ReaderDep,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
    resolution: Annotated[float, Query(gt=0)] = 1.0,
    seed: int = 0,
) -> dict[str, Any]:
    """Each community's members, the sizes and the partition's modularity."""
    network = _network(request, caller, collection)
    return service.community_report(network, resolution=resolution, seed=seed)


@router.get("/paths", summary="Shortest supplier-to-market routes")
def get_paths(
    request: Request,
    caller: ReaderDep,
    sources: Sources,
    targets: Targets,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
    limit: Annotated[int, Query(ge=1, le=1_000)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The `limit` shortest routes from any source to any target, fewest hops first."""
    network = _network(request, caller, collection)
    return service.routes(network, service.split_ids(sources), service.split_ids(targets), limit)


@router.get("/export", summary="The network as GraphML or GEXF 1.3")
def get_export(
    request: Request,
    caller: ReaderDep,
    format: Format = Format.GRAPHML,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
) -> Response:
    """The directed network with vertex and edge labels, as an XML document."""
    network = _network(request, caller, collection)
    return Response(export_network(network, format), media_type=MEDIA_TYPES[format])
