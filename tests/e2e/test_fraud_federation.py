"""Cross-border fraud matching between two real nodes, and what crosses the border.

Ottawa encodes its applications under a secret the two parties share out of band and stores the
encodings releasable to party in; New Delhi pulls them with `liaison sync` and matches its own
applications (some of the same people, under name variants and typos) with `liaison fraud
match-remote`. Nothing New Delhi received or could read at Ottawa carries a personal value of
Ottawa's file. Fraud rings New Delhi shares releasable to ca reach Ottawa by sync without a
personal value; a ring kept from ca never reaches it, and TLP:RED is refused at the source.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from sqlalchemy import func, select

from liaison.access.models import Role
from liaison.access.parties import add_principal
from liaison.access.tokens import issue_token
from liaison.config import load_settings
from liaison.federation.keys import load_key, public_key_text
from liaison.federation.peers import add_peer, peer_credential, store_peer_credential
from liaison.fraud.synthetic import generate_applications
from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID, PPRL_ENCODINGS_TYPE
from liaison.store.collections import create_collection, find_collection, set_grant
from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.cli.test_cli import liaison
from tests.ports import free_port
from tests.twonodes import Nodes, prepare_pair, serving

pytestmark = pytest.mark.e2e
TAXII = "application/taxii+json;version=2.1"
BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
APPLICATIONS = 2400
SHARE = ["--purpose", "visa-fraud screening (synthetic)",
         "--legal-basis", "CA-IN arrangement art. 4 (synthetic)"]  # fmt: skip
CROSSING = ("given_name", "family_name", "date_of_birth", "passport_number", "national_id",
            "phone", "email", "address", "bank_account", "application_id")  # fmt: skip
PERSONAL = ("given_name", "family_name", "date_of_birth", "passport_number", "national_id",
            "phone", "email", "address", "postcode", "employer", "bank_account")  # fmt: skip
"""The personal fields a shared ring must not carry (city left out: `new-delhi`, the node that
signs, holds the city Delhi)."""


@dataclass(frozen=True)
class Files:
    """The applications files and secrets of both sides, and the generator's ground truth."""

    ottawa: Path
    new_delhi: Path
    rings: Path
    kept_rings: Path
    secret: Path
    wrong_secret: Path
    person: dict[str, int]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    """Ottawa and New Delhi served for the module, each the other's peer; New Delhi's `fraud`
    collection readable by party ca."""
    base = tmp_path_factory.mktemp("fraud-federation")
    ports = (free_port(), free_port())
    alice, bob = prepare_pair(base / "ottawa", base / "new-delhi", ports)
    _new_delhi_as_ottawas_peer(base / "ottawa", base / "new-delhi", ports[1])
    with serving(base, ports, alice, bob) as running:
        yield running


def _new_delhi_as_ottawas_peer(ottawa: Path, new_delhi: Path, port: int) -> None:
    delhi_db = Database(load_settings(new_delhi).store_url)
    ottawa_db = Database(load_settings(ottawa).store_url)
    try:
        with delhi_db.session(write=True) as session:
            token = issue_token(
                session, add_principal(session, "ottawa", party="ca", role=Role.PEER)
            )
            fraud = create_collection(session, "fraud", owner_party="in")
            set_grant(session, fraud, "ca", read=True, write=False)
        with ottawa_db.session(write=True) as session:
            key = public_key_text(load_key(new_delhi / "node.key"))
            url = f"http://127.0.0.1:{port}"
            add_peer(session, "new-delhi", url=url, public_key_text=key, party="in")
    finally:
        delhi_db.dispose()
        ottawa_db.dispose()
    store_peer_credential(ottawa, "new-delhi", token.value)


def _write(table: pa.Table, path: Path, prefix: str) -> Path:
    ids = [prefix + value for value in table.column("application_id").to_pylist()]
    index = table.schema.get_field_index("application_id")
    pacsv.write_csv(table.set_column(index, "application_id", pa.array(ids)), path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """Ottawa's and New Delhi's halves of one generated register (re-applications fall on both
    sides), two New Delhi files with planted rings, and two secrets."""
    base = tmp_path_factory.mktemp("fraud-files")
    apps = generate_applications(APPLICATIONS, seed=21)
    half = APPLICATIONS // 2
    ids = apps.truth.column("application_id").to_pylist()
    people = apps.truth.column("person_id").to_pylist()
    person = {
        ("CA-" if row < half else "IN-") + i: p
        for row, (i, p) in enumerate(zip(ids, people, strict=True))
    }
    secret, wrong = base / "shared.key", base / "wrong.key"
    secret.write_text("c2hhcmVkIG91dCBvZiBiYW5kIGJ5IE90dGF3YSBhbmQgTmV3IERlbGhp\n")
    wrong.write_text("a secret New Delhi mistyped, not the agreed one\n")
    return Files(
        ottawa=_write(apps.records.slice(0, half), base / "ottawa.csv", "CA-"),
        new_delhi=_write(apps.records.slice(half), base / "new-delhi.csv", "IN-"),
        rings=_write(generate_applications(3000, seed=8, rings=3).records, base / "r.csv", "INR-"),
        kept_rings=_write(
            generate_applications(3000, seed=9, rings=3).records, base / "k.csv", "INK-"
        ),
        secret=secret,
        wrong_secret=wrong,
        person=person,
    )


def _received(directory: Path) -> list[dict[str, Any]]:
    """The bodies of every object the node received from a peer."""
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            query = select(StixObject.body).where(StixObject.received_from.is_not(None))
            return list(session.scalars(query))
    finally:
        db.dispose()


def _count(directory: Path, kind: str) -> int:
    db = Database(load_settings(directory).store_url)
    try:
        with db.session() as session:
            query = select(func.count()).select_from(StixObject).where(StixObject.type == kind)
            return int(session.execute(query).scalar_one())
    finally:
        db.dispose()


def _sync(directory: Path, peer: str) -> dict[str, int]:
    report = json.loads(liaison("sync", "--dir", str(directory), "--peer", peer, "--json").stdout)
    totals = {"received": 0, "stored": 0, "rejected": 0}
    for counts in report["peers"][0]["collections"]:
        for name in totals:
            totals[name] += counts[name]
    return totals


def _values(path: Path, fields: tuple[str, ...]) -> set[str]:
    """Every value of `fields` in the file, name variants one by one, dates and phones also as
    their digits, lower case."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    values: set[str] = set()
    for row in rows:
        for name in fields:
            if row[name]:
                values.add(row[name].lower())
        values |= {v.strip().lower() for v in (row["name_variants"] or "").split("|") if v.strip()}
        for name in ("date_of_birth", "phone"):
            values.add("".join(c for c in row[name] or "" if c.isdigit()))
    return {value for value in values if len(value) >= 4}


def _served_to_new_delhi(nodes: Nodes) -> list[dict[str, Any]]:
    """Every object Ottawa's `exchange` collection serves to New Delhi's peer credential."""
    db = Database(load_settings(nodes.ottawa).store_url)
    try:
        with db.session() as session:
            exchange = find_collection(session, "exchange").id
    finally:
        db.dispose()
    headers = {"Authorization": f"Bearer {peer_credential(nodes.new_delhi, 'ottawa')}",
               "Accept": TAXII}  # fmt: skip
    url = f"{nodes.ottawa_url}/taxii2/api/collections/{exchange}/objects/"
    objects: list[dict[str, Any]] = []
    params: dict[str, str] = {}
    while True:
        page = httpx.get(url, headers=headers, params=params, timeout=30)
        assert page.status_code == 200, page.text
        envelope = page.json()
        objects += envelope.get("objects", [])
        if not envelope.get("more"):
            return objects
        params = {"next": envelope["next"]}


def _split(value: Any, binary: list[bytes]) -> Any:
    """`value` with every base64 payload (encodings, signatures) taken out into `binary`."""
    if isinstance(value, dict):
        return {key: _split(item, binary) for key, item in value.items()}
    if isinstance(value, list):
        return [_split(item, binary) for item in value]
    if isinstance(value, str) and len(value) >= 64 and BASE64.fullmatch(value):
        padded = value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4)
        binary.append(base64.b64decode(padded))
        return ""
    return value


def _leaks(objects: list[dict[str, Any]], values: set[str]) -> list[str]:
    """The values found in the objects: in their text, case folded (values under 6 characters as
    whole words: `sign` is in every `signature`), and in the bytes of their base64 payloads as
    they are, upper case and capitalised (values of 6 characters or more: random bytes hold a
    given 4-letter string too often to tell)."""
    binary: list[bytes] = []
    text = "\n".join(json.dumps(_split(obj, binary)) for obj in objects).lower()
    leaked = {value for value in values if len(value) >= 6 and value in text}
    words = set(re.findall(r"[a-z0-9]+", text))
    leaked |= {value for value in values if len(value) < 6 and value in words}
    for value in (v for v in values if len(v) >= 6):
        forms = {value.encode(), value.upper().encode(), value.title().encode()}
        if any(form in blob for blob in binary for form in forms):
            leaked.add(value)
    return sorted(leaked)


def test_new_delhi_finds_the_shared_people_from_pprl_encodings_alone(
    nodes: Nodes, files: Files, tmp_path: Path
) -> None:
    encoded = json.loads(liaison(
        "fraud", "encode", str(files.ottawa), "-c", "exchange", "--secret-file", str(files.secret),
        "--releasable-to", "in", *SHARE, "--chunk-size", "500", "--json", "--dir", str(nodes.ottawa),
    ).stdout)  # fmt: skip
    assert encoded["records"] == APPLICATIONS // 2 and encoded["objects"] == 3
    synced = _sync(nodes.new_delhi, "ottawa")
    assert synced["stored"] >= 3 and synced["rejected"] == 0

    wrong = tmp_path / "wrong.csv"
    failed = liaison("fraud", "match-remote", str(files.new_delhi), "-c", "exchange",
                     "--secret-file", str(files.wrong_secret), "-o", str(wrong),
                     "--dir", str(nodes.new_delhi), check=False)  # fmt: skip
    assert failed.returncode != 0
    assert f"export {encoded['export_id']} was encoded with another secret" in failed.stderr
    assert not wrong.exists()

    output = tmp_path / "pairs.csv"
    liaison("fraud", "match-remote", str(files.new_delhi), "-c", "exchange", "--secret-file",
            str(files.secret), "-o", str(output), "--dir", str(nodes.new_delhi))  # fmt: skip
    with Path(encoded["mapping"]).open(newline="") as handle:
        ottawa_ids = {row["index"]: row["application_id"] for row in csv.DictReader(handle)}
    with output.open(newline="") as handle:
        found = {(ottawa_ids[row["remote_ref"].split(":")[1]], row["application_id"])
                 for row in csv.DictReader(handle)}  # fmt: skip
    truth = {
        (a, b)
        for a, p in files.person.items() if a.startswith("CA-")
        for b, q in files.person.items() if b.startswith("IN-") and p == q
    }  # fmt: skip
    hits = len(found & truth)
    assert len(truth) >= 100  # re-applications fall on both sides
    assert hits / len(truth) >= 0.92, (hits, len(truth))  # 0.94 measured; Dice misses the rest
    assert hits / len(found) >= 0.9, (hits, len(found))  # 0.95 measured: households

    values = _values(files.ottawa, CROSSING)
    received = _received(nodes.new_delhi)
    assert any(obj["type"] == PPRL_ENCODINGS_TYPE for obj in received)
    assert _leaks(received, values) == []
    served = _served_to_new_delhi(nodes)
    assert sum(obj["type"] == PPRL_ENCODINGS_TYPE for obj in served) == 3
    assert _leaks(served, values) == []


def _rings(
    nodes: Nodes, file: Path, *options: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return liaison("fraud", "rings", str(file), "--share", "-c", "fraud", *options, *SHARE,
                   "--json", "--dir", str(nodes.new_delhi), check=check)  # fmt: skip


def test_rings_shared_with_ca_reach_ottawa_and_no_other_ring_does(
    nodes: Nodes, files: Files
) -> None:
    shared = json.loads(_rings(nodes, files.rings, "--releasable-to", "ca").stdout)["shared"]
    kept = json.loads(_rings(nodes, files.kept_rings, "--releasable-to", "in").stdout)["shared"]
    red = _rings(nodes, files.rings, "--releasable-to", "ca", "--tlp", "red", check=False)
    assert red.returncode != 0 and "TLP:RED" in red.stderr
    assert shared and kept and not set(shared) & set(kept)

    assert _count(nodes.new_delhi, "incident") == len(shared) + len(kept)

    assert _sync(nodes.ottawa, "new-delhi")["rejected"] == 0
    received = _received(nodes.ottawa)
    arrived = [obj for obj in received if FRAUD_RING_EXTENSION_ID in obj.get("extensions", {})]
    assert sorted(obj["id"] for obj in arrived) == sorted(shared)
    assert _leaks(arrived, _values(files.rings, PERSONAL)) == []
