"""`/api/v1/network/…`: trafficking-network analysis as the authenticated principal sees it.

Every answer is computed on the graph of what the caller's `Viewer` may see (the one visibility
policy), in the collections named by `collection` query parameters (every collection the caller's
party may read when none is named). Peer nodes read shared objects over TAXII, not here.

Every answer leaves a `network.read` audit entry (the analysis, its parameters, the collections
and how many objects it drew on, never the objects), written in a short transaction after the
read as TAXII reads are; an answer whose entry cannot be written fails (`liaison.networks.reads`,
which `liaison network …` and the web UI's network view use too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response

from liaison.access.http import Caller, authenticated
from liaison.errors import PermissionDenied
from liaison.networks import service
from liaison.networks.centrality import DEFAULT_DELTA, MAX_PIVOTS
from liaison.networks.dismantle import DEFAULT_STEPS
from liaison.networks.export import Format, export_network
from liaison.networks.graph import Network
from liaison.networks.paths import DEFAULT_LIMIT
from liaison.networks.reads import read_network, record_read
from liaison.store.database import Database

router = APIRouter(prefix="/api/v1/network", tags=["network"])
Answer = TypeVar("Answer")
MEDIA_TYPES = {Format.GRAPHML: "application/graphml+xml", Format.GEXF: "application/gexf+xml"}

Seed = Annotated[int, Query(ge=0, le=2**31 - 1, description="Random seed (reproducible runs).")]
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


def _answer(
    request: Request, caller: Caller, collection: list[str], analysis: str,
    parameters: Mapping[str, Any], run: Callable[[Network], Answer],
) -> Answer:  # fmt: skip
    """Read the caller's network, run the analysis on it, record the read, return the answer."""
    db: Database = request.app.state.db
    with db.session() as session:
        read = read_network(session, caller.viewer, collection)
    answer = run(read.network)
    record_read(db, caller.viewer.name, caller.viewer.party, analysis, read, parameters)
    return answer


@router.get("/keyplayers", summary="Key players: degree, k-core, betweenness, dismantling order")
def get_keyplayers(
    request: Request,
    caller: ReaderDep,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
    top: Annotated[int, Query(ge=0, le=10_000)] = service.DEFAULT_TOP,
    steps: Annotated[int, Query(ge=0, le=1_000)] = DEFAULT_STEPS,
    pivots: Annotated[int | None, Query(ge=1, le=MAX_PIVOTS)] = None,
    epsilon: Annotated[float | None, Query(gt=0, lt=1)] = None,
    delta: Annotated[float, Query(gt=0, lt=1)] = DEFAULT_DELTA,
    seed: Seed = 0,
) -> dict[str, Any]:
    """The top vertices by betweenness (exact, or sampled with its error bound), their degree
    and k-core, and a greedy dismantling order with the largest component after each removal."""
    parameters = {
        "top": top, "steps": steps, "pivots": pivots, "epsilon": epsilon, "delta": delta,
        "seed": seed,
    }  # fmt: skip
    return _answer(
        request,
        caller,
        collection,
        "keyplayers",
        parameters,
        lambda network: service.key_players(
            network, top=top, steps=steps, pivots=pivots, epsilon=epsilon, delta=delta, seed=seed
        ),
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
    ends = {"sources": service.split_ids(sources), "targets": service.split_ids(targets)}
    return _answer(
        request,
        caller,
        collection,
        "cut",
        ends,
        lambda network: service.minimum_cut(network, **ends),
    )


@router.get("/communities", summary="Communities (Leiden, modularity)")
def get_communities(
    request: Request,
    caller: ReaderDep,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
    resolution: Annotated[float, Query(gt=0, le=1_000)] = 1.0,
    seed: Seed = 0,
) -> dict[str, Any]:
    """Each community's members, the sizes and the partition's modularity."""
    parameters = {"resolution": resolution, "seed": seed}
    return _answer(
        request,
        caller,
        collection,
        "communities",
        parameters,
        lambda network: service.community_report(network, resolution=resolution, seed=seed),
    )


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
    ends = {"sources": service.split_ids(sources), "targets": service.split_ids(targets)}
    return _answer(
        request,
        caller,
        collection,
        "paths",
        {**ends, "limit": limit},
        lambda network: service.routes(network, **ends, limit=limit),
    )


@router.get("/export", summary="The network as GraphML or GEXF 1.3")
def get_export(
    request: Request,
    caller: ReaderDep,
    format: Format = Format.GRAPHML,
    collection: Collections = [],  # noqa: B006 - FastAPI copies defaults per request
) -> Response:
    """The directed network with vertex and edge labels, as an XML document."""
    document = _answer(
        request,
        caller,
        collection,
        "export",
        {"format": format.value},
        lambda network: export_network(network, format),
    )
    return Response(document, media_type=MEDIA_TYPES[format])
