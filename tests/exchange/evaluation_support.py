"""An in-process Ottawa node (party ca) for the evaluation tests, and small STIX factories.

Principals: alice (ca officer), bob (in officer), carol (us officer), new-delhi (in, peer node),
auditor (ca auditor). Collection `shared` (owner ca, default TLP GREEN) grants `in` read and
write and `us` read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from anyio.from_thread import start_blocking_portal
from sqlalchemy import select

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.app import create_app
from liaison.config import ReleaseSettings, Settings
from liaison.federation.keys import generate_key
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import AuditEntry
from tests.factories import indicator
from tests.taxii.conftest import TAXII, Client

PRINCIPALS = {
    "alice": ("ca", Role.OFFICER),
    "bob": ("in", Role.OFFICER),
    "carol": ("us", Role.OFFICER),
    "new-delhi": ("in", Role.PEER),
    "auditor": ("ca", Role.AUDITOR),
}
EVALUATION = {"source_reliability": "B", "information_credibility": 2}


def handled(number: int, *, tlp: Tlp = Tlp.GREEN, **handling: Any) -> dict[str, Any]:
    """A synthetic indicator with a liaison handling extension made of `handling`."""
    extension = {"extension_type": "property-extension", **handling}
    return indicator(number, tlp=tlp, extensions={HANDLING_EXTENSION_ID: extension})


def evaluated(number: int, **handling: Any) -> dict[str, Any]:
    """An indicator released to ca and in with an evaluation (B2) and a caveat."""
    return handled(
        number,
        releasable_to=["ca", "in"],
        evaluation=EVALUATION,
        caveats=["Lead only."],
        **handling,
    )


@dataclass
class Node:
    """The app's client, a token per principal and the `shared` collection's id."""

    client: Client
    tokens: dict[str, str]
    shared_id: str
    db: Database

    def headers(self, user: str, **extra: str) -> dict[str, str]:
        """Bearer and TAXII Accept headers for `user`."""
        return {"Authorization": f"Bearer {self.tokens[user]}", "Accept": TAXII, **extra}

    @property
    def objects_url(self) -> str:
        """The shared collection's objects endpoint."""
        return f"/taxii2/api/collections/{self.shared_id}/objects/"

    def post(self, objects: list[dict[str, Any]], user: str = "alice") -> dict[str, Any]:
        """POST an envelope to `shared` and return the status resource."""
        response = self.client.post(
            self.objects_url,
            content=orjson.dumps({"objects": objects}),
            headers=self.headers(user, **{"Content-Type": TAXII}),
        )
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        return result

    def visible_ids(self, user: str) -> set[str]:
        """Ids the objects endpoint of `shared` serves `user`."""
        response = self.client.get(self.objects_url, headers=self.headers(user))
        assert response.status_code == 200, response.text
        return {obj["id"] for obj in response.json().get("objects", [])}

    def api(self, method: str, path: str, user: str, **kwargs: Any) -> httpx.Response:
        """A JSON API request as `user`."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.request(method, path, headers=headers, **kwargs)


def audit_details(db: Database, kind: str) -> list[dict[str, Any]]:
    """The details of every audit entry of `kind`, in log order."""
    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry.entry).where(AuditEntry.kind == kind).order_by(AuditEntry.index)
        ).all()
    return [orjson.loads(entry)["details"] for entry in entries]


def _populate(db: Database) -> tuple[dict[str, str], str]:
    tokens = {}
    with db.session(write=True) as session:
        for party in ("ca", "in", "us"):
            add_party(session, party)
        shared = create_collection(session, "shared", owner_party="ca", default_tlp=Tlp.GREEN)
        set_grant(session, shared, "in", read=True, write=True)
        set_grant(session, shared, "us", read=True, write=False)
        for name, (party, role) in PRINCIPALS.items():
            principal = add_principal(session, name, party=party, role=role)
            tokens[name] = issue_token(session, principal).value
        return tokens, shared.id


@contextmanager
def ottawa(db: Database, directory: Path, *, require_evaluation: bool) -> Iterator[Node]:
    """The node served in-process (its key in `directory`), with the release setting given."""
    generate_key(directory / "node.key")
    settings = Settings(
        dir=directory, node_name="ottawa", party="ca", database_url=db.url,
        release=ReleaseSettings(require_evaluation=require_evaluation),
    )  # fmt: skip
    tokens, shared_id = _populate(db)
    app = create_app(settings)
    app.state.db = db
    transport = httpx.ASGITransport(app=app)
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        try:
            yield Node(Client(portal, client), tokens, shared_id, db)
        finally:
            portal.call(client.aclose)
