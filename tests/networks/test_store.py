"""The network from the store, on SQLite and PostgreSQL: visibility, the CLI and the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from anyio.from_thread import start_blocking_portal

from liaison.access.models import Role
from liaison.access.parties import add_principal
from liaison.access.tokens import issue_token
from liaison.access.visibility import Viewer
from liaison.app import create_app
from liaison.config import Settings, load_settings
from liaison.errors import InvalidInput, NotFound
from liaison.networks import service
from liaison.networks.export import Format, export_network
from liaison.node import initialise_node
from liaison.store.database import Database
from tests.cli.inprocess import fails, ok
from tests.networks.support import Planted, populate
from tests.taxii.conftest import Client

CA, IN = Viewer("analyst", "ca"), Viewer("officer", "in")


def test_hidden_objects_appear_nowhere(db: Database) -> None:
    planted = populate(db)
    net = planted.network
    with db.session() as session:
        network = service.load_network(session, CA, ["drugs"])
        seen_by_in = service.load_network(session, IN, [])
    assert planted.hidden not in network.index
    assert planted.hidden in seen_by_in.index  # its originator's party sees it
    answers: list[Any] = [
        service.key_players(network, top=1_000),
        service.minimum_cut(network, net.suppliers, net.markets),
        service.community_report(network),
        service.routes(network, net.suppliers, net.markets, limit=50),
    ]
    for fmt in Format:
        answers.append(export_network(network, fmt).decode())
    for answer in answers:
        assert planted.hidden not in orjson.dumps(answer).decode()
    # the hidden broker's route around the chokepoints does not shrink ca's cut
    assert sorted(answers[1]["cut"]) == sorted(net.chokepoints)
    # party `in` sees the bypass: its cut is different
    cut_in = service.minimum_cut(seen_by_in, net.suppliers, net.markets)
    assert sorted(cut_in["cut"]) != sorted(net.chokepoints)
    with pytest.raises(NotFound, match="no object"):
        service.minimum_cut(network, [planted.hidden], net.markets)


def test_no_grant_no_collection(db: Database) -> None:
    populate(db)
    with db.session() as session, pytest.raises(NotFound, match="no collection 'drugs'"):
        service.load_network(session, Viewer("x", "us"), ["drugs"])


@pytest.fixture
def node(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Planted]:
    """The Ottawa node (party ca) on the backend under test, holding the planted network."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", store_url)
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    database = Database(load_settings(directory).store_url)
    try:
        planted = populate(database)
    finally:
        database.dispose()
    return directory, planted


def test_cli_cut_json(node: tuple[Path, Planted]) -> None:
    directory, planted = node
    net = planted.network
    answer = ok(directory, "network", "cut", "--collection", "drugs",
                "--sources", ",".join(net.suppliers), "--targets", ",".join(net.markets))  # fmt: skip
    assert sorted(answer["cut"]) == sorted(net.chokepoints)
    assert planted.hidden not in orjson.dumps(answer).decode()


def test_cli_bad_input(node: tuple[Path, Planted]) -> None:
    directory, planted = node
    net = planted.network
    base = ("network", "cut", "-c", "drugs")
    message = fails(directory, NotFound, *base, "--sources", "identity--nope", "--targets",
                    net.markets[0])  # fmt: skip
    assert message == "no object 'identity--nope' in the network"
    message = fails(directory, InvalidInput, *base, "--sources", net.markets[0], "--targets",
                    net.markets[0])  # fmt: skip
    assert "both a source and a target" in message
    message = fails(directory, InvalidInput, *base, "--sources", net.chokepoints[0], "--targets",
                    net.suppliers[0])  # fmt: skip
    assert "adjacent" in message


def test_cli_other_commands(node: tuple[Path, Planted], tmp_path: Path) -> None:
    directory, planted = node
    net = planted.network
    players = ok(directory, "network", "keyplayers", "-c", "drugs", "--top", "3")
    assert len(players["players"]) == 3
    assert ok(directory, "network", "communities")["sizes"][:4] == [16, 16, 16, 1]
    paths = ok(directory, "network", "paths", "--sources", net.suppliers[0], "--targets",
               net.markets[0], "--limit", "2")  # fmt: skip
    assert len(paths["paths"]) == 2
    out = tmp_path / "n.gexf"
    written = ok(directory, "network", "export", "--format", "gexf", "-o", str(out))
    assert written["vertices"] > 0 and out.read_bytes().startswith(b"<?xml")


@pytest.fixture
def api(db: Database, tmp_path: Path) -> Iterator[tuple[Client, dict[str, str], Planted]]:
    """The Ottawa app over the planted store, with tokens for a ca analyst and an `in` peer."""
    planted = populate(db)
    settings = Settings(dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url)
    with db.session(write=True) as session:
        tokens = {name: issue_token(session, add_principal(session, name, party=party, role=role)).value
                  for name, party, role in (("anna", "ca", Role.ANALYST), ("nd", "in", Role.PEER))}  # fmt: skip
    app = create_app(settings)
    app.state.db = db
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        try:
            yield Client(portal, client), tokens, planted
        finally:
            portal.call(client.aclose)


def test_api_routes(api: tuple[Client, dict[str, str], Planted]) -> None:
    client, tokens, planted = api
    net = planted.network
    headers = {"Authorization": f"Bearer {tokens['anna']}"}
    params = {"collection": "drugs", "sources": ",".join(net.suppliers), "targets": net.markets}
    response = client.get("/api/v1/network/cut", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert sorted(response.json()["cut"]) == sorted(net.chokepoints)
    for path in ("keyplayers", "communities", "export?format=gexf", "export?format=graphml"):
        response = client.get(f"/api/v1/network/{path}", headers=headers)
        assert response.status_code == 200, response.text
        assert planted.hidden not in response.text
    bad = client.get("/api/v1/network/cut", headers=headers,
                     params={"sources": net.markets[0], "targets": net.markets[0]})  # fmt: skip
    assert bad.status_code == 400 and "both a source" in bad.json()["description"]
    assert client.get("/api/v1/network/keyplayers").status_code == 401
    peer = client.get(
        "/api/v1/network/keyplayers", headers={"Authorization": f"Bearer {tokens['nd']}"}
    )
    assert peer.status_code == 403
