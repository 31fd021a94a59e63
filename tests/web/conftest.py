"""A node in tmp_path served in-process, with officers of two parties and a cyber collection.

Ottawa (party ca) holds: `cyber` (pillar cyber; party in may read) with a TLP:GREEN indicator
released to ca and in, a TLP:RED one addressed to officer-ca only, and a note that refers to
the green one. Principals (all with passwords): officer-ca, officer-in (a foreign officer with
an account here), auditor-ca, admin-ca, and peer node `new-delhi` (no web session).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.app import create_app
from liaison.config import load_settings
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.tlp import Tlp
from liaison.store.collections import create_collection, set_grant
from liaison.store.database import Database
from liaison.store.objects import Origin, add_objects
from tests.factories import STAMP, indicator, new_id

PASSWORD = "correct horse battery staple"
USERS = {
    "officer-ca": ("ca", Role.OFFICER),
    "officer-in": ("in", Role.OFFICER),
    "auditor-ca": ("ca", Role.AUDITOR),
    "admin-ca": ("ca", Role.ADMIN),
    "new-delhi": ("in", Role.PEER),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def handled(releasable_to: list[str], **more: Any) -> dict[str, Any]:
    """A handling extension releasing to `releasable_to`."""
    body = {"extension_type": "property-extension", "releasable_to": releasable_to, **more}
    return {HANDLING_EXTENSION_ID: body}


class Browser:
    """A synchronous face on an httpx.AsyncClient over the ASGI app, keeping cookies."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self.portal, self.client = portal, client

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookie jar."""
        return self.client.cookies

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request (redirects followed unless told otherwise)."""
        kwargs.setdefault("follow_redirects", True)
        return self.portal.call(lambda: self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST."""
        return self.request("POST", url, **kwargs)


@dataclass
class WebNode:
    """The node: its directory, settings, the app's test client and the stored ids."""

    directory: Path
    client: Browser
    db: Database
    collection: str
    green: str
    red: str
    note: str

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on `path`."""
        page = self.client.get(path)
        found = _CSRF.search(page.text)
        assert found, page.text
        return found.group(1)

    def login(self, user: str, password: str = PASSWORD) -> Any:
        """Sign in as `user` (following the redirect)."""
        token = self.csrf("/login")
        return self.client.post(
            "/login", data={"username": user, "password": password, "csrf": token, "next": "/feed"}
        )

    def logout(self) -> None:
        """Sign out."""
        self.client.post("/logout", data={"csrf": self.csrf("/feed")})


def _populate(db: Database) -> tuple[str, str, str, str]:
    with db.session(write=True) as session:
        add_party(session, "in")
        for name, (party, role) in USERS.items():
            password = None if role is Role.PEER else PASSWORD
            add_principal(session, name, party=party, role=role, password=password)
        cyber = create_collection(session, "cyber", owner_party="ca", pillar="cyber")
        set_grant(session, cyber, "in", read=True, write=False)
        green = indicator(1, tlp=Tlp.GREEN, extensions=handled(["ca", "in"]))
        red = indicator(2, tlp=Tlp.RED, extensions=handled(["ca", "in"], recipients=["officer-ca"]))
        note = {
            "type": "note", "spec_version": "2.1", "id": new_id("note", "web-note"),
            "created": STAMP, "modified": STAMP, "content": "seen at the border",
            "object_refs": [green["id"]], "object_marking_refs": [Tlp.GREEN.marking_id],
        }  # fmt: skip
        add_objects(session, cyber, [green, red, note], origin=Origin("ottawa", "ca"))
        return cyber.id, green["id"], red["id"], note["id"]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[WebNode]:
    """Ottawa, served in-process over ASGI (no lifespan: the test opens the store)."""
    directory = tmp_path / "ottawa"
    initialise_node(directory, "ottawa", "ca")
    settings = load_settings(directory)
    db = Database(settings.store_url)
    ids = _populate(db)
    app = create_app(settings)
    app.state.db = db
    with start_blocking_portal() as portal:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
        )
        try:
            yield WebNode(directory, Browser(portal, client), db, *ids)
        finally:
            portal.call(client.aclose)
            db.dispose()
