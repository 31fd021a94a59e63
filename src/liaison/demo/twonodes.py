"""The two-node demo: Ottawa (party `ca`) and New Delhi (party `in`) on 127.0.0.1, as peers.

`prepare_demo` builds (once) both node directories under one base directory: each node with its
store and key, the other side's party, an officer with a generated password and token, a peer
principal for the other node, the three pillar collections with synthetic intelligence, and a read
grant on them for the other party. The intelligence (`liaison.demo.data`, `liaison.demo.pillars`)
differs by side: Ottawa shares a synthetic trafficking network, New Delhi a screened shipment
incident naming two of its companies and the fraud rings it found, so after one sync each
node's network view joins both sides' data. Demo credentials are generated, never fixed, and kept in
`<base>/demo-credentials.json` (mode 0600) so that a second run can print them again.
`run_demo` then serves both nodes, with a sync process pulling from the peer, until stopped.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal, find_principal
from liaison.access.tokens import issue_token
from liaison.audit.log import LOCAL_ACTOR
from liaison.config import SETTINGS_FILE, load_settings
from liaison.console import stderr
from liaison.demo.data import demo_objects
from liaison.demo.pillars import fraud_extra_installed
from liaison.errors import ConfigError, LiaisonError
from liaison.federation.keys import load_key, public_key_text
from liaison.federation.peers import add_peer, store_peer_credential
from liaison.node import initialise_node
from liaison.stix.tlp import Tlp
from liaison.store.collections import find_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import Party
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects
from liaison.web.workplan import seed_workplan

CREDENTIALS_FILE = "demo-credentials.json"
STARTUP_SECONDS = 60
STOP_SECONDS = 10  # for all the demo's processes together; then the rest are killed


@dataclass(frozen=True, slots=True)
class DemoNode:
    """One side of the demo."""

    name: str
    party: str
    port: int

    def directory(self, base: Path) -> Path:
        """Where this node lives under the demo's base directory."""
        return base / self.name

    @property
    def url(self) -> str:
        """The node's base URL on 127.0.0.1."""
        return f"http://127.0.0.1:{self.port}"


def demo_nodes(port_base: int) -> tuple[DemoNode, DemoNode]:
    """Ottawa on `port_base`, New Delhi on the port after it."""
    return DemoNode("ottawa", "ca", port_base), DemoNode("new-delhi", "in", port_base + 1)


def _ensure_party(db: Database, party: str) -> None:
    with db.session(write=True) as session:
        if session.get(Party, party) is None:
            add_party(session, party, "peer party")


def _officer(db: Database, node: DemoNode) -> dict[str, str]:
    user, password = f"officer-{node.name}", secrets.token_urlsafe(12)
    with db.session(write=True) as session:
        principal = add_principal(
            session, user, party=node.party, role=Role.OFFICER, password=password
        )
        token = issue_token(session, principal, "demo officer")
    return {"user": user, "password": password, "token": token.value}


def _peer_token(db: Database, peer: DemoNode) -> str:
    with db.session(write=True) as session:
        principal = add_principal(session, peer.name, party=peer.party, role=Role.PEER)
        return issue_token(session, principal, "demo peer node").value


def _load_pillars(db: Database, node: DemoNode, peer: DemoNode) -> dict[str, str]:
    origin = Origin(node.name, node.party)
    ids = {}
    for name, objects in demo_objects(node.name, node.party, peer.party).items():
        import_objects(
            db, name, objects, origin=origin, create=True, default_tlp=Tlp.AMBER_STRICT,
            pillar=name,  # the demo's collections are named after their pillars
        )  # fmt: skip
        with db.session(write=True) as session:
            collection = find_collection(session, name)
            set_grant(session, collection, peer.party, read=True, write=False)
            ids[name] = collection.id
    return ids


def _initialise(base: Path, nodes: tuple[DemoNode, DemoNode]) -> dict[str, Any]:
    """Create both nodes from scratch and return their credentials and collection ids."""
    credentials: dict[str, Any] = {}
    peer_tokens: dict[str, str] = {}
    if not fraud_extra_installed():
        stderr.print("the fraud extra is not installed: New Delhi shares no synthetic fraud rings "
                     "(pip install 'liaison[fraud]')")  # fmt: skip
    for node, peer in (nodes, nodes[::-1]):
        initialise_node(node.directory(base), node.name, node.party, port=node.port)
        db = Database(load_settings(node.directory(base)).store_url)
        try:
            _ensure_party(db, peer.party)
            credentials[node.name] = _officer(db, node)
            peer_tokens[peer.name] = _peer_token(db, peer)  # what `peer` shows us
            credentials[node.name]["collections"] = _load_pillars(db, node, peer)
            with db.session(write=True) as session:
                seed_workplan(session, LOCAL_ACTOR, datetime.now(UTC).date())
        finally:
            db.dispose()
    for node, peer in (nodes, nodes[::-1]):
        peer_settings = load_settings(peer.directory(base))
        db = Database(load_settings(node.directory(base)).store_url)
        try:
            with db.session(write=True) as session:
                add_peer(
                    session, peer.name, url=peer.url,
                    public_key_text=public_key_text(load_key(peer_settings.key_path)),
                    party=peer.party,
                )  # fmt: skip
        finally:
            db.dispose()
        store_peer_credential(node.directory(base), peer.name, peer_tokens[node.name])
    return credentials


def prepare_demo(base: Path, port_base: int) -> dict[str, Any]:
    """Both nodes ready to serve (made on first use) and what a user needs to log in to each."""
    nodes = demo_nodes(port_base)
    saved = base / CREDENTIALS_FILE
    if not saved.exists():
        if any((node.directory(base) / SETTINGS_FILE).exists() for node in nodes):
            raise ConfigError(f"{base} holds demo nodes but no {CREDENTIALS_FILE}: remove {base}")
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        credentials = {"port_base": port_base, **_initialise(base, nodes)}
        saved.write_bytes(orjson.dumps(credentials))
        saved.chmod(0o600)
    credentials = orjson.loads(saved.read_bytes())
    if credentials["port_base"] != port_base:
        raise ConfigError(
            f"the demo in {base} was made for port base {credentials['port_base']}: "
            f"use --port-base {credentials['port_base']} or remove {base}"
        )
    for node in nodes:
        with _store(node.directory(base)) as db, db.session() as session:
            find_principal(session, credentials[node.name]["user"])
    return {
        node.name: {
            "url": node.url,
            "dir": str(node.directory(base)),
            "party": node.party,
            **credentials[node.name],
        }
        for node in nodes
    }


@contextmanager
def _store(directory: Path) -> Iterator[Database]:
    db = Database(load_settings(directory).store_url)
    try:
        yield db
    finally:
        db.dispose()


def _liaison(*arguments: str) -> subprocess.Popen[bytes]:
    """Run a liaison command whose output goes to our stderr (stdout is for --json).

    Each runs in its own session: the demo alone decides when its nodes stop, so a signal sent
    to the terminal's process group reaches the demo, which then stops them in order.
    """
    command = [sys.executable, "-m", "liaison", *arguments]
    return subprocess.Popen(command, stdout=sys.stderr, start_new_session=True)  # noqa: S603 (our own CLI)


def _wait_until_up(nodes: tuple[DemoNode, ...], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    pending = list(nodes)
    while pending:
        for process in processes:
            if process.poll() is not None:
                raise LiaisonError(
                    f"`{' '.join(map(str, process.args[3:]))}` stopped during start-up with exit "  # type: ignore[index]
                    f"status {process.returncode} (see its output above)"
                )
        if time.monotonic() > deadline:
            raise LiaisonError(f"the demo nodes did not answer within {STARTUP_SECONDS} s")
        try:
            if httpx.get(f"{pending[0].url}/healthz", timeout=1).status_code == 200:
                pending.pop(0)
                continue
        except httpx.TransportError:
            pass
        time.sleep(0.2)


@contextmanager
def running_demo(base: Path, port_base: int) -> Iterator[None]:
    """Serve both nodes, each with `liaison sync --watch` pulling from the other, for the block."""
    nodes = demo_nodes(port_base)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for node in nodes:
            directory = str(node.directory(base))
            processes.append(_liaison("serve", "--dir", directory))
        _wait_until_up(nodes, processes)
        for node in nodes:
            processes.append(_liaison("sync", "--watch", "--dir", str(node.directory(base))))
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
