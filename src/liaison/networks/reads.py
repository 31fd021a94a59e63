"""Reading a viewer's network for an analysis, and the `network.read` audit entry it leaves.

The API routes, `liaison network …` and the web UI's network view all read through here: the
graph of what the viewer may see (the one visibility policy, `liaison.networks.load`), then one
audit entry naming the analysis, its parameters, the collections and how many objects it drew
on, never the objects, in a short transaction after the read as TAXII reads are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer
from liaison.audit.log import record
from liaison.networks.graph import Network, build_network
from liaison.networks.load import readable_collections, visible_nodes
from liaison.store.collections import find_collection
from liaison.store.database import Database

READ = "network.read"


@dataclass(frozen=True, slots=True)
class NetworkRead:
    """The network one viewer may see, and what it drew on: collection ids and object count."""

    network: Network
    collections: tuple[str, ...]
    objects: int


def read_network(session: Session, viewer: Viewer, collections: Sequence[str]) -> NetworkRead:
    """The graph of what `viewer` may see in `collections` (every readable one when empty),
    as `service.load_network` builds it, with what the audit entry names."""
    nodes = visible_nodes(session, viewer, collections)
    if collections:
        ids = (find_collection(session, name.strip()).id for name in collections)
    else:
        ids = (collection.id for collection in readable_collections(session, viewer))
    return NetworkRead(build_network(nodes), tuple(dict.fromkeys(ids)), len(nodes))


def record_read(
    db: Database, actor: str, party: str, analysis: str, read: NetworkRead,
    parameters: Mapping[str, Any],
) -> None:  # fmt: skip
    """Append the `network.read` entry in a short transaction of its own (reads take no write
    lock); an error here fails the read."""
    with db.session(write=True) as session:
        record(session, READ, actor, {
            "analysis": analysis, "party": party, "collections": list(read.collections),
            "objects": read.objects, "vertices": read.network.directed.vcount(),
            "parameters": dict(parameters),
        })  # fmt: skip
