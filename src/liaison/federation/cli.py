"""CLI of federation peers: `liaison peer add|list|remove`."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from liaison.console import DirOption, JsonOption, emit_json, node_store, print_table, stdout
from liaison.errors import InvalidInput
from liaison.federation.peers import (
    add_peer,
    credential_path,
    forget_peer_credential,
    list_peers,
    remove_peer,
    store_peer_credential,
)
from liaison.stix.timestamps import micros_to_timestamp
from liaison.store.models import Peer

peer_app = typer.Typer(help="Peer nodes we federate with.", no_args_is_help=True)


def _read_token() -> str:
    """The peer-issued token: the first line of stdin."""
    token = sys.stdin.readline().strip()
    if not token:
        raise InvalidInput("--token-stdin: no token on stdin")
    return token


def _row(peer: Peer, has_token: bool) -> dict[str, Any]:
    return {
        "name": peer.name, "url": peer.url, "party": peer.party,
        "public_key": peer.public_key, "key_id": peer.key_id,
        "added": micros_to_timestamp(peer.added_at), "has_token": has_token,
    }  # fmt: skip


@peer_app.command("add")
def peer_add(
    name: Annotated[str, typer.Argument(help="The peer's node name, e.g. new-delhi.")],
    url: Annotated[str, typer.Option("--url", help="The peer's base URL (http or https).")],
    public_key: Annotated[
        str, typer.Option("--public-key", help="Its Ed25519 public key (base64url, 32 bytes).")
    ],
    party: Annotated[str, typer.Option("--party", help="The party it speaks for, e.g. in.")],
    token_stdin: Annotated[
        bool,
        typer.Option("--token-stdin", help="Read the API token the peer issued to us from stdin."),
    ] = False,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Register a peer node; with --token-stdin also keep the credential it issued to us."""
    token = _read_token() if token_stdin else None
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        peer = add_peer(session, name, url=url, public_key_text=public_key, party=party)
    if token is not None:
        store_peer_credential(settings.dir, name, token)
    if json_output:
        emit_json(_row(peer, token is not None))
        return
    stdout.print(
        f"peer {peer.name} ({peer.party}, key {peer.key_id}) added at {peer.url}", highlight=False
    )


@peer_app.command("list")
def peer_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List the peers."""
    with node_store(directory) as (settings, db), db.session() as session:
        peers = list_peers(session)
    rows = [_row(p, credential_path(settings.dir, p.name).exists()) for p in peers]
    if json_output:
        emit_json({"peers": rows})
        return
    print_table(
        ("peer", "party", "url", "key id", "token"),
        [(r["name"], r["party"], r["url"], r["key_id"], "yes" if r["has_token"] else "no")
         for r in rows],
    )  # fmt: skip


@peer_app.command("remove")
def peer_remove(
    name: Annotated[str, typer.Argument(help="The peer to forget.")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Forget a peer: its row, its sync checkpoints and the credential it issued to us."""
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        remove_peer(session, name)
    had_token = forget_peer_credential(settings.dir, name)
    if json_output:
        emit_json({"name": name, "removed": True, "token_removed": had_token})
    else:
        stdout.print(f"peer {name} removed", highlight=False)
