"""Peers: the other nodes we federate with, their public keys, and the credentials they gave us.

A peer row names the node, its base URL, the party it speaks for and its raw Ed25519 public key
(base64url, as `liaison.federation.keys.public_key_text` writes it). The token a peer issued to
us lives outside the database, in `<node dir>/peers/<name>.token` (mode 0600, directory 0700).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.errors import ConfigError, Conflict, InvalidInput, NotFound
from liaison.federation.keys import key_id
from liaison.stix.timestamps import now_micros
from liaison.store.models import Party, Peer

PEER_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")
PEERS_DIR = "peers"
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]+=*")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key in `text` (32 raw bytes, base64url), or InvalidInput saying why."""
    text = text.strip()
    if not _BASE64URL_RE.fullmatch(text):
        raise InvalidInput("public key must be base64url (A-Z, a-z, 0-9, '-', '_')")
    try:
        raw = base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput("public key is not valid base64url") from None
    if len(raw) != 32:
        raise InvalidInput(f"public key must be 32 bytes (Ed25519), got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"peer URL '{url}' must be an http:// or https:// URL with a host")
    return url.rstrip("/")


def _check_name(name: str) -> None:
    if PEER_NAME_RE.fullmatch(name) is None:
        raise InvalidInput(f"peer name '{name}' must be 1-63 of a-z, 0-9, '.', '_', '-'")


def add_peer(
    session: Session,
    name: str,
    *,
    url: str,
    public_key_text: str,
    party: str,
    actor: str = LOCAL_ACTOR,
) -> Peer:
    """Register a peer node; its party must already exist and its key must be an Ed25519 key."""
    _check_name(name)
    clean_url = _check_url(url)
    public = parse_public_key(public_key_text)
    if session.get(Party, party) is None:
        raise NotFound(f"no party '{party}' (add it with `liaison party add {party}`)")
    if session.get(Peer, name) is not None:
        raise Conflict(f"peer '{name}' already exists (remove it first to change it)")
    peer = Peer(
        name=name,
        url=clean_url,
        party=party,
        public_key=public_key_text.strip().rstrip("="),
        key_id=key_id(public),
        added_at=now_micros(),
    )
    session.add(peer)
    session.flush()
    record(session, "peer.added", actor, {
        "peer": name, "url": clean_url, "party": party, "key_id": peer.key_id,
    })  # fmt: skip
    return peer


def find_peer(session: Session, name: str) -> Peer:
    """The peer called `name`, or NotFound."""
    peer = session.get(Peer, name)
    if peer is None:
        raise NotFound(f"no peer '{name}'")
    return peer


def remove_peer(session: Session, name: str, *, actor: str = LOCAL_ACTOR) -> None:
    """Forget a peer (its sync checkpoints go with it); NotFound when there is none."""
    peer = find_peer(session, name)
    record(session, "peer.removed", actor, {"peer": name, "key_id": peer.key_id})
    session.delete(peer)
    session.flush()


def list_peers(session: Session) -> list[Peer]:
    """Every peer, by name."""
    return list(session.scalars(select(Peer).order_by(Peer.name)))


def peer_keys(session: Session) -> dict[str, Ed25519PublicKey]:
    """The public key of every peer, by key id: what `verify_object` checks against."""
    return {peer.key_id: parse_public_key(peer.public_key) for peer in list_peers(session)}


def credential_path(node_dir: Path, name: str) -> Path:
    """Where the token `name` issued to us is kept."""
    _check_name(name)
    return node_dir / PEERS_DIR / f"{name}.token"


def store_peer_credential(node_dir: Path, name: str, token: str) -> Path:
    """Keep the token peer `name` issued to us (file 0600 in a 0700 directory), replacing any."""
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise InvalidInput("peer token must be one non-empty line without spaces")
    path = credential_path(node_dir, name)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.parent.chmod(0o700)
    temporary = path.with_suffix(".token.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token + "\n")
    temporary.chmod(0o600)
    temporary.replace(path)
    return path


def peer_credential(node_dir: Path, name: str) -> str:
    """The token peer `name` issued to us, from `<node_dir>/peers/<name>.token`."""
    path = credential_path(node_dir, name)
    try:
        mode = path.stat().st_mode & 0o777
        token = path.read_text().strip()
    except FileNotFoundError:
        raise ConfigError(
            f"no credential for peer '{name}' at {path} "
            f"(store it with `liaison peer add {name} … --token-stdin`)"
        ) from None
    if mode & 0o077:
        raise ConfigError(
            f"peer credential {path} is readable by others (mode {mode:o}); chmod 600"
        )
    if not token:
        raise ConfigError(f"peer credential {path} is empty")
    return token


def forget_peer_credential(node_dir: Path, name: str) -> bool:
    """Delete the stored token of peer `name`; True when there was one."""
    path = credential_path(node_dir, name)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
