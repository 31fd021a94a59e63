"""A request for information between two real nodes, Ottawa (ca) and New Delhi (in).

Each node is a `liaison serve` process; RFIs and their steps travel only by `liaison sync` over
TAXII 2.1, signed, like any other object. Ottawa asks, New Delhi acknowledges (API) and answers
(CLI) citing an indicator it shares, Ottawa closes (API): both nodes then show the same RFI and
count its answer time in `liaison stats`. A decline and a refused answer to a closed RFI too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import load_settings
from liaison.federation.peers import add_peer, store_peer_credential
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import ok, run
from tests.cli.test_cli import liaison
from tests.factories import indicator
from tests.ports import free_port
from tests.servers import served

pytestmark = pytest.mark.e2e
DUE = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Nodes:
    """Both running nodes: directories, URLs, officers' tokens, New Delhi's shared indicator."""

    ottawa: Path
    new_delhi: Path
    ottawa_url: str
    new_delhi_url: str
    alice: str  # officer at Ottawa (ca)
    bob: str  # officer at New Delhi (in)
    indicator: str


def _shared_indicator() -> dict[str, Any]:
    handling = {"extension_type": "property-extension", "releasable_to": ["ca", "in"]}
    return indicator(42, tlp=Tlp.GREEN, extensions={HANDLING_EXTENSION_ID: handling})


def _prepare(base: Path, ports: tuple[int, int]) -> Nodes:
    """Two nodes peered both ways, each with an officer; New Delhi shares a cyber indicator."""
    names = (("ottawa", "ca", "in", "new-delhi"), ("new-delhi", "in", "ca", "ottawa"))
    keys, officers, tokens_for_peer = {}, {}, {}
    shared = _shared_indicator()
    for (name, party, peer_party, peer_name), port in zip(names, ports, strict=True):
        keys[name] = initialise_node(base / name, name, party, port=port).public_key
        db = Database(load_settings(base / name).store_url)
        try:
            with db.session(write=True) as session:
                add_party(session, peer_party)
                officer = add_principal(session, f"officer-{name}", party=party, role=Role.OFFICER)
                officers[name] = issue_token(session, officer).value
                peer = add_principal(session, peer_name, party=peer_party, role=Role.PEER)
                tokens_for_peer[peer_name] = issue_token(session, peer).value
                if name == "new-delhi":
                    cyber = create_collection(session, "cyber", owner_party="in", pillar="cyber")
                    set_grant(session, cyber, "ca", read=True, write=False)
                    add_objects(session, cyber, [shared], origin=Origin(name, party))
        finally:
            db.dispose()
    urls = {name: f"http://127.0.0.1:{port}" for (name, *_), port in zip(names, ports, strict=True)}
    for name, party, _peer_party, peer_name in names:
        db = Database(load_settings(base / peer_name).store_url)
        try:
            with db.session(write=True) as session:
                add_peer(session, name, url=urls[name], public_key_text=keys[name], party=party)
        finally:
            db.dispose()
        store_peer_credential(base / peer_name, name, tokens_for_peer[peer_name])
    return Nodes(base / "ottawa", base / "new-delhi", "", "", officers["ottawa"],
                 officers["new-delhi"], shared["id"])  # fmt: skip


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa and New Delhi, each served by its own `liaison serve` for the whole module."""
    base = tmp_path_factory.mktemp("rfi")
    ports = (free_port(), free_port())
    prepared = _prepare(base, ports)
    with (
        served(prepared.ottawa, ports[0]) as ottawa_url,
        served(prepared.new_delhi, ports[1]) as delhi_url,
    ):
        yield Nodes(prepared.ottawa, prepared.new_delhi, ottawa_url, delhi_url, prepared.alice,
                    prepared.bob, prepared.indicator)  # fmt: skip


def cli(node: Path, *args: str) -> dict[str, Any]:
    """Run `liaison … --json` on `node` (in-process: the servers are the real processes) and
    return its JSON."""
    return ok(node, *args)


def sync(node: Path, peer: str) -> dict[str, Any]:
    """Pull from `peer` now; the run must succeed and reject nothing."""
    report = ok(node, "sync", "--peer", peer)
    assert all(c["rejected"] == 0 for p in report["peers"] for c in p["collections"]), report
    return report


def api(url: str, token: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST (with a body or none) or GET an `/api/v1/` path; expect success."""
    headers = {"Authorization": f"Bearer {token}"}
    if path.endswith(("acknowledge", "close", "answer", "decline")) or body is not None:
        response = httpx.post(f"{url}/api/v1/{path}", headers=headers, json=body)
    else:
        response = httpx.get(f"{url}/api/v1/{path}", headers=headers)
    assert response.status_code in (200, 201), response.text
    value: dict[str, Any] = response.json()
    return value


def _same(ottawa: dict[str, Any], delhi: dict[str, Any]) -> None:
    assert {k: v for k, v in ottawa.items() if k != "as_of"} == {
        k: v for k, v in delhi.items() if k != "as_of"
    }


def test_full_round_trip(nodes: Nodes) -> None:
    sent = cli(nodes.ottawa, "rfi", "send", "--to", "in", "--pillar", "cyber", "--priority", "urgent",
               "--due", DUE, "--question", "Who operates the C2 behind 198.51.100.42?",
               "--purpose", "disrupt a ransomware affiliate", "--legal-basis", "cyber MoU s. 2")  # fmt: skip
    rfi = sent["id"]
    sync(nodes.new_delhi, "ottawa")
    assert api(nodes.new_delhi_url, nodes.bob, f"rfis/{rfi}")["state"] == "sent"

    acknowledged = api(nodes.new_delhi_url, nodes.bob, f"rfis/{rfi}/acknowledge")
    assert acknowledged["state"] == "acknowledged"
    answered = cli(nodes.new_delhi, "rfi", "answer", rfi, "--text", "A bulletproof host; see the indicator.",
                   "--ref", nodes.indicator)  # fmt: skip
    assert answered["answer"]["refs"] == [nodes.indicator]

    sync(nodes.ottawa, "new-delhi")
    at_ottawa = api(nodes.ottawa_url, nodes.alice, f"rfis/{rfi}")
    assert at_ottawa["state"] == "answered"
    exported = run(nodes.ottawa, "export", "--collection", "cyber").stdout
    assert [obj["id"] for obj in json.loads(exported)["objects"]] == [nodes.indicator]

    closed = api(nodes.ottawa_url, nodes.alice, f"rfis/{rfi}/close")
    assert closed["state"] == "closed"
    sync(nodes.new_delhi, "ottawa")

    ottawa_view, delhi_view = (
        cli(nodes.ottawa, "rfi", "show", rfi),
        cli(nodes.new_delhi, "rfi", "show", rfi),
    )
    _same(ottawa_view, delhi_view)
    assert delhi_view["state"] == "closed"
    assert [e["type"] for e in delhi_view["events"]] == ["acknowledge", "answer", "close"]
    assert [e["party"] for e in delhi_view["events"]] == ["in", "in", "ca"]

    answer_seconds = (
        datetime.strptime(delhi_view["answered_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
        - datetime.strptime(delhi_view["sent_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    ).total_seconds()
    assert answer_seconds > 0
    for node in (nodes.ottawa, nodes.new_delhi):
        [cyber] = cli(node, "stats")["rfi_times"]
        assert cyber["pillar"] == "cyber"
        assert cyber["answer"]["count"] == 1
        assert cyber["answer"]["median_seconds"] == pytest.approx(answer_seconds)
    assert api(nodes.ottawa_url, nodes.alice, "stats")["rfis"]["by_state"]["closed"] == 1

    late = liaison(
        "rfi", "answer", rfi, "--text", "more", "--dir", str(nodes.new_delhi), check=False
    )
    assert late.returncode == 1
    assert f"RFI {rfi} is closed: it cannot be answered" in late.stderr


def test_decline(nodes: Nodes) -> None:
    rfi = cli(nodes.ottawa, "rfi", "send", "--to", "in", "--pillar", "drugs", "--priority", "routine",
              "--due", DUE, "--question", "Brokers of 4-piperidone shipping to Vancouver?")["id"]  # fmt: skip
    sync(nodes.new_delhi, "ottawa")
    declined = api(
        nodes.new_delhi_url,
        nodes.bob,
        f"rfis/{rfi}/decline",
        {"reason": "subject of a sealed case"},
    )
    assert declined["state"] == "declined"
    sync(nodes.ottawa, "new-delhi")
    at_ottawa = cli(nodes.ottawa, "rfi", "show", rfi)
    _same(at_ottawa, cli(nodes.new_delhi, "rfi", "show", rfi))
    assert (at_ottawa["state"], at_ottawa["decline_reason"]) == (
        "declined",
        "subject of a sealed case",
    )
    assert cli(nodes.ottawa, "stats")["rfis"]["by_state"]["declined"] >= 1
