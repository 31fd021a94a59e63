"""Cross-checking a real `liaison serve` peer ("ottawa") from a local node ("new-delhi").

One ottawa is served for the module; each test starts it from a fresh log, which the test grows,
forks or re-signs in ottawa's own store (with ottawa's key) while it is served.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.audit.heads import HeadSigner, sign_head
from liaison.audit.log import Event, record_many, sign_now
from liaison.audit.peers import ALARM_KIND, check_peer, check_peers
from liaison.cli import app
from liaison.config import Settings, load_settings
from liaison.federation.keys import load_key, public_key_text
from liaison.federation.peers import add_peer, find_peer, store_peer_credential
from liaison.federation.sync_client import PeerUnreachable
from liaison.node import initialise_node
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import AuditEntry, AuditNode, AuditState, Peer, TreeHead
from tests.ports import free_port
from tests.servers import served


@dataclass(frozen=True)
class Remote:
    """Ottawa as served: its URL, directory, public key and the token it issued to new-delhi."""

    url: str
    directory: Path
    public_key: str
    token: str


def _events(count: int, tag: str = "v1") -> list[Event]:
    return [Event("test.event", "test", {"n": n, "tag": tag}) for n in range(count)]


def _append(remote: Remote, events: list[Event], *, wipe: bool = False) -> None:
    """Append `events` to ottawa's log (after wiping it: a rewritten history) and sign a head."""
    db = Database(load_settings(remote.directory).store_url)
    signer = HeadSigner(load_key(remote.directory / "node.key"), every=10**9, seconds=10**9)
    try:
        with db.session(write=True) as session:
            if wipe:
                for table in (AuditEntry, AuditNode, TreeHead):
                    session.execute(delete(table))
                session.execute(
                    update(AuditState).values(size=0, frontier="[]", head_size=0, head_at=0)
                )
            record_many(session, events)
            sign_now(session, signer)
    finally:
        db.dispose()


def _log_events(remote: Remote) -> list[Event]:
    """Ottawa's current entries as events to replay."""
    db = Database(load_settings(remote.directory).store_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(AuditEntry.kind, AuditEntry.actor, AuditEntry.entry).order_by(
                    AuditEntry.index
                )
            ).all()
    finally:
        db.dispose()
    return [Event(kind, actor, orjson.loads(text)["details"]) for kind, actor, text in rows]


def _prepare(directory: Path, port: int) -> tuple[str, str]:
    node = initialise_node(directory, "ottawa", "ca", port=port)
    db = Database(load_settings(directory).store_url)
    try:
        with db.session(write=True) as session:
            add_party(session, "in")
            peer = add_principal(session, "new-delhi", party="in", role=Role.PEER)
            token = issue_token(session, peer).value
    finally:
        db.dispose()
    return node.public_key, token


@pytest.fixture(scope="module")
def served_remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """Ottawa served by `liaison serve`, once for the module (its log is reset for each test)."""
    directory = tmp_path_factory.mktemp("peers") / "ottawa"
    port = free_port()
    public_key, token = _prepare(directory, port)
    with served(directory, port):
        yield Remote(f"http://127.0.0.1:{port}", directory, public_key, token)


@pytest.fixture
def remote(served_remote: Remote) -> Remote:
    """Ottawa with a fresh log: a signed head over its first three entries."""
    _append(served_remote, _events(3), wipe=True)
    return served_remote


def _local(directory: Path, db: Database, name: str, url: str, public_key: str) -> Settings:
    """New-delhi with `name` registered as a peer at `url`, in the `db` store."""
    initialise_node(directory, "new-delhi", "in")
    settings = load_settings(directory).model_copy(update={"database_url": db.url})
    with db.session(write=True) as session:
        add_party(session, "ca")
        add_peer(session, name, url=url, public_key_text=public_key, party="ca")
    return settings


@pytest.fixture
def local(tmp_path: Path, db: Database, remote: Remote) -> Settings:
    """New-delhi, holding ottawa's token."""
    settings = _local(tmp_path / "new-delhi", db, "ottawa", remote.url, remote.public_key)
    store_peer_credential(settings.dir, "ottawa", remote.token)
    return settings


def _ottawa(db: Database) -> Peer:
    with db.session() as session:
        peer = find_peer(session, "ottawa")
        session.expunge(peer)
    return peer


def _alarm_entries(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.entry).where(AuditEntry.kind == ALARM_KIND)))


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("LIAISON_DATABASE_URL", str(settings.database_url))
    result = CliRunner().invoke(app, ["audit", "peers", "--dir", str(settings.dir), *args])
    return result.exit_code, result.output


def test_a_growing_log_is_consistent(db: Database, local: Settings, remote: Remote) -> None:
    first = check_peer(db, local, _ottawa(db))
    _append(remote, _events(5, "v2"))
    second = check_peer(db, local, _ottawa(db))
    assert second.consistent and second.alarm is None
    assert first.size is not None and second.size is not None and second.size > first.size
    assert second.checked_at is not None and first.checked_at is not None
    again = check_peer(db, local, _ottawa(db))
    assert again.size == second.size and again.root_hash == second.root_hash
    assert _alarm_entries(db) == []


def test_a_forked_log_raises_the_alarm(
    db: Database,
    local: Settings,
    remote: Remote,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    held = check_peer(db, local, _ottawa(db))
    events = _log_events(remote)
    events[1] = Event(events[1].kind, events[1].actor, {"rewritten": True})
    _append(remote, [*events, *_events(2, "after")], wipe=True)
    with caplog.at_level(logging.ERROR, logger="liaison.audit.peers"):
        status = check_peer(db, local, _ottawa(db))
    assert not status.consistent and status.alarm is not None
    assert "does not extend" in status.alarm
    assert status.size == held.size and status.root_hash == held.root_hash
    assert any("ottawa" in message for message in caplog.messages)
    assert len(_alarm_entries(db)) == 1
    code, output = _cli(local, monkeypatch)
    assert code == 1
    assert "ottawa" in output and "alarm" in output
    assert len(_alarm_entries(db)) == 1  # the same forked head is not recorded twice


def test_a_badly_signed_head_raises_the_alarm(
    db: Database, local: Settings, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_peer(db, local, _ottawa(db))
    _append(remote, _events(2, "v2"))
    store = Database(load_settings(remote.directory).store_url)
    try:
        with store.session(write=True) as session:
            head = session.scalars(select(TreeHead).order_by(TreeHead.size.desc())).first()
            assert head is not None
            forged = sign_head(
                Ed25519PrivateKey.generate(), head.size, bytes.fromhex(head.root_hash), 1
            )
            head.signature = forged.signature
    finally:
        store.dispose()
    status = check_peer(db, local, _ottawa(db))
    assert status.alarm is not None and "not signed" in status.alarm
    code, output = _cli(local, monkeypatch, "--json")
    assert code == 1
    assert '"consistent":false' in output.replace(" ", "")


def test_an_unreachable_peer_is_one_line_not_an_alarm(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    key = public_key_text(Ed25519PrivateKey.generate())
    settings = _local(tmp_path / "new-delhi", db, "ottawa", url, key)
    store_peer_credential(settings.dir, "ottawa", "token-value")
    with pytest.raises(PeerUnreachable, match="ottawa"):
        check_peer(db, settings, _ottawa(db))
    errors: list[str] = []
    check_peers(db, settings, [_ottawa(db)], errors.append)
    assert len(errors) == 1 and "ottawa" in errors[0] and "\n" not in errors[0]
    code, output = _cli(settings, monkeypatch)
    assert code == 0
    assert "not checked" in output and "no head held" in output
    assert _alarm_entries(db) == []


def _stream_lines(url: str, token: str, lines: queue.Queue[str]) -> None:
    """Read the collection stream at `url` as `token` into `lines` until the read times out."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(5, read=4)) as answer:
            for line in answer.iter_lines():
                lines.put(line)
    except httpx.ReadTimeout:
        return


def _alarm_data(lines: queue.Queue[str], deadline: float) -> dict[str, object] | None:
    """The data of the first `alarm` event read before `deadline`, or None."""
    alarm = False
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line == "event: alarm":
            alarm = True
        elif alarm and line.startswith("data: "):
            return dict(orjson.loads(line.removeprefix("data: ")))
    return None


def test_an_alarm_reaches_open_streams_but_not_peer_nodes(
    db: Database, local: Settings, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_peer(db, local, _ottawa(db))
    with db.session(write=True) as session:
        add_party(session, "in")
        officer = issue_token(session, add_principal(session, "bob", party="in", role=Role.OFFICER))
        peer = issue_token(session, add_principal(session, "ottawa", party="ca", role=Role.PEER))
        live = create_collection(session, "live", owner_party="in")
        set_grant(session, live, "ca", read=True, write=False)
        live_id = live.id
    monkeypatch.setenv("LIAISON_DATABASE_URL", db.url)  # for the server process only
    with served(local.dir, free_port()) as url:
        monkeypatch.delenv("LIAISON_DATABASE_URL")
        stream = f"{url}/api/v1/streams/{live_id}"
        officer_lines: queue.Queue[str] = queue.Queue()
        peer_lines: queue.Queue[str] = queue.Queue()
        readers = [
            threading.Thread(target=_stream_lines, args=(stream, officer.value, officer_lines)),
            threading.Thread(target=_stream_lines, args=(stream, peer.value, peer_lines)),
        ]
        for reader in readers:
            reader.start()
        time.sleep(0.5)
        events = _log_events(remote)
        events[0] = Event(events[0].kind, events[0].actor, {"rewritten": True})
        _append(remote, events, wipe=True)
        assert not check_peer(db, local, _ottawa(db)).consistent
        data = _alarm_data(officer_lines, time.monotonic() + 3)
        for reader in readers:
            reader.join()
    assert data is not None, "the open stream announced the alarm"
    assert data["peer"] == "ottawa" and data["kind"] == ALARM_KIND
    assert "a second root" in str(data["reason"])
    seen_by_peer = list(peer_lines.queue)
    assert seen_by_peer and seen_by_peer[0].startswith("retry:"), "the peer's stream was open"
    assert "event: alarm" not in seen_by_peer
