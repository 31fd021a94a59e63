"""Creating a node: its directory, settings file, Ed25519 key, store, admin and reference data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from liaison.access.models import Role
from liaison.access.parties import add_party, add_principal
from liaison.access.tokens import issue_token
from liaison.config import SETTINGS_FILE, load_settings
from liaison.errors import ConfigError, InvalidInput
from liaison.federation.keys import generate_key, public_key_text
from liaison.stix.extensions import published_definitions
from liaison.stix.tlp import Tlp, all_marking_definitions
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.migrate import upgrade
from liaison.store.objects import Origin, add_objects

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
REFERENCE_COLLECTION = "reference"
ADMIN_USER = "admin"


@dataclass(frozen=True, slots=True)
class NewNode:
    """What `liaison init` created; `admin_token` is shown once and stored only hashed."""

    dir: Path
    node: str
    party: str
    url: str
    public_key: str
    admin_user: str
    admin_token: str


def _check_name(kind: str, value: str) -> None:
    if NAME_RE.match(value) is None:
        raise InvalidInput(f"{kind} '{value}' must be 1-63 of a-z, 0-9, '.', '_', '-'")


def _settings_text(node_name: str, party: str, host: str, port: int) -> str:
    return "\n".join([
        "# liaison node settings; every key can be overridden by LIAISON_<KEY> (upper case).",
        f"node_name = {json.dumps(node_name)}",
        f"party = {json.dumps(party)}",
        "# empty: SQLite in this directory; or postgresql+psycopg://user@host:5432/db",
        'database_url = ""',
        f"host = {json.dumps(host)}",
        f"port = {port}",
        "peers = []",
        "",
    ])  # fmt: skip


def initialise_node(
    directory: Path, node_name: str, party: str, *, host: str = "127.0.0.1", port: int = 8600
) -> NewNode:
    """Create a node in `directory`: settings, key, migrated store, admin principal and token."""
    _check_name("node name", node_name)
    _check_name("party", party)
    if (directory / SETTINGS_FILE).exists():
        raise ConfigError(f"{directory} already holds a node ({SETTINGS_FILE} exists)")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    (directory / SETTINGS_FILE).write_text(_settings_text(node_name, party, host, port))
    settings = load_settings(directory)
    key = generate_key(settings.key_path)
    db = Database(settings.store_url)
    try:
        upgrade(db)
        with db.session(write=True) as session:
            add_party(session, settings.party, "this node's party")
            admin = add_principal(session, ADMIN_USER, party=settings.party, role=Role.ADMIN)
            token = issue_token(session, admin, "created by liaison init")
            reference = create_collection(
                session,
                REFERENCE_COLLECTION,
                owner_party=settings.party,
                description="TLP 2.0 markings and liaison's STIX extension definitions",
                default_tlp=Tlp.CLEAR,
            )
            definitions = all_marking_definitions() + published_definitions()
            add_objects(
                session, reference, definitions, origin=Origin(settings.node_name, settings.party)
            )
    finally:
        db.dispose()
    return NewNode(
        dir=directory,
        node=settings.node_name,
        party=settings.party,
        url=settings.base_url,
        public_key=public_key_text(key),
        admin_user=ADMIN_USER,
        admin_token=token.value,
    )
