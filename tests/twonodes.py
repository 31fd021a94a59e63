"""Ottawa (ca) and New Delhi (in) as two real `liaison serve` processes, for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import load_settings
from liaison.federation.peers import add_peer, store_peer_credential
from liaison.node import initialise_node
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from tests.servers import served


@dataclass(frozen=True)
class Nodes:
    """Both running nodes: directories, URLs and officers' tokens (alice at ca, bob at in)."""

    ottawa: Path
    new_delhi: Path
    ottawa_url: str
    new_delhi_url: str
    alice: str
    bob: str


def prepare_pair(ottawa: Path, new_delhi: Path, ports: tuple[int, int]) -> tuple[str, str]:
    """Both stores: the other party, officers alice (ca) and bob (in), Ottawa's `exchange`
    collection readable by party in, and Ottawa as New Delhi's peer (with the token it issued).

    Returns the officers' tokens (alice's, bob's).
    """
    node = initialise_node(ottawa, "ottawa", "ca", port=ports[0])
    initialise_node(new_delhi, "new-delhi", "in", port=ports[1])
    ottawa_db = Database(load_settings(ottawa).store_url)
    delhi_db = Database(load_settings(new_delhi).store_url)
    try:
        with ottawa_db.session(write=True) as session:
            add_party(session, "in")
            alice = add_principal(session, "alice", party="ca", role=Role.OFFICER)
            peer = add_principal(session, "new-delhi", party="in", role=Role.PEER)
            alice_token, peer_token = issue_token(session, alice), issue_token(session, peer)
            exchange = create_collection(session, "exchange", owner_party="ca")
            set_grant(session, exchange, "in", read=True, write=False)
        with delhi_db.session(write=True) as session:
            add_party(session, "ca")
            bob_token = issue_token(
                session, add_principal(session, "bob", party="in", role=Role.OFFICER)
            )
            url = f"http://127.0.0.1:{ports[0]}"
            add_peer(session, "ottawa", url=url, public_key_text=node.public_key, party="ca")
    finally:
        ottawa_db.dispose()
        delhi_db.dispose()
    store_peer_credential(new_delhi, "ottawa", peer_token.value)
    return alice_token.value, bob_token.value


@contextmanager
def serving(base: Path, ports: tuple[int, int], alice: str, bob: str) -> Iterator[Nodes]:
    """`base`/ottawa and `base`/new-delhi, each served by its own `liaison serve`, for the block."""
    with (
        served(base / "ottawa", ports[0]) as ottawa_url,
        served(base / "new-delhi", ports[1]) as new_delhi_url,
    ):
        yield Nodes(base / "ottawa", base / "new-delhi", ottawa_url, new_delhi_url, alice, bob)
