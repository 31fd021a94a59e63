"""A TAXII node in-process: parties ca/in/us, principals, tokens and one collection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.app import create_app
from liaison.config import Settings
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database

TAXII = "application/taxii+json;version=2.1"
PASSWORD = "correct horse battery staple"


class Client:
    """A synchronous face on an httpx.AsyncClient over the ASGI app (no server, no lifespan)."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self._portal = portal
        self._client = client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request through the app."""
        response: httpx.Response = self._portal.call(
            lambda: self._client.request(method, url, **kwargs)
        )
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET `url`."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST to `url`."""
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        """DELETE `url`."""
        return self.request("DELETE", url, **kwargs)


@dataclass
class Node:
    """The app's client, a token per principal and the shared collection's URL."""

    client: Client
    tokens: dict[str, str]
    collection_id: str
    readonly_id: str
    private_id: str

    def headers(self, user: str = "alice", **extra: str) -> dict[str, str]:
        """Bearer and TAXII Accept headers for `user`."""
        return {"Authorization": f"Bearer {self.tokens[user]}", "Accept": TAXII, **extra}

    @property
    def objects_url(self) -> str:
        """The shared collection's objects endpoint."""
        return f"/taxii2/api/collections/{self.collection_id}/objects/"

    def post(self, objects: list[dict[str, Any]], user: str = "alice") -> dict[str, Any]:
        """POST an envelope and return the status resource."""
        response = self.client.post(
            self.objects_url,
            content=orjson.dumps({"objects": objects}),
            headers=self.headers(user, **{"Content-Type": TAXII}),
        )
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture
def node(db: Database, tmp_path: Path) -> Iterator[Node]:
    """alice (ca, owner), bob (in, read+write), carol (us, read), dave (in, no grant elsewhere)."""
    settings = Settings(
        dir=tmp_path, node_name="ottawa", party="ca", database_url=db.url, max_content_length=20_000
    )
    tokens = {}
    with db.session(write=True) as session:
        for party in ("ca", "in", "us"):
            add_party(session, party)
        shared = create_collection(session, "shared", owner_party="ca", default_tlp=Tlp.GREEN)
        set_grant(session, shared, "in", read=True, write=True)
        set_grant(session, shared, "us", read=True, write=False)
        readonly = create_collection(session, "readonly", owner_party="ca", default_tlp=Tlp.GREEN)
        set_grant(session, readonly, "in", read=True, write=False)
        private = create_collection(session, "private", owner_party="ca")
        for name, party in (("alice", "ca"), ("bob", "in"), ("carol", "us"), ("dave", "in")):
            principal = add_principal(
                session, name, party=party, role=Role.OFFICER, password=PASSWORD
            )
            tokens[name] = issue_token(session, principal).value
        ids = (shared.id, readonly.id, private.id)
    app = create_app(settings)
    app.state.db = db
    transport = httpx.ASGITransport(app=app)
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        try:
            yield Node(Client(portal, client), tokens, *ids)
        finally:
            portal.call(client.aclose)
