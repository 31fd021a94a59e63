"""`liaison fraud encode` and `match-remote`: what is stored crosses no plaintext, matching finds
the shared applications, and bad input gives a clear error and stores nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest
from sqlalchemy import func, select

from liaison.config import load_settings
from liaison.errors import InvalidInput, InvalidStix
from liaison.fraud.schema import FIELDS
from liaison.fraud.synthetic import generate_applications
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID, PPRL_ENCODINGS_TYPE, handling_of
from liaison.stix.tlp import Tlp
from liaison.stix.validate import validate_object
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import StixObject
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import fails, ok

PERSONAL = [field.name for field in FIELDS if field.personal]
SHARE = ["--releasable-to", "ca", "--purpose", "visa-fraud screening (synthetic)",
         "--legal-basis", "CA-IN MoU art. 4 (synthetic)"]  # fmt: skip


def _node(tmp_path: Path, name: str, party: str) -> Path:
    directory = tmp_path / name
    initialise_node(directory, name, party)
    db = _db(directory)
    try:
        with db.session(write=True) as session:
            create_collection(session, "immigration", owner_party=party)
    finally:
        db.dispose()
    return directory


def _db(node: Path) -> Database:
    return Database(load_settings(node).store_url)


def _stored(node: Path) -> list[dict[str, Any]]:
    db = _db(node)
    try:
        with db.session() as session:
            return list(session.scalars(select(StixObject.body)))
    finally:
        db.dispose()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """New Delhi (party in) and Ottawa (party ca), two overlapping files, a shared secret."""
    records = generate_applications(400, seed=5).records
    files = {}
    for name, rows in (("ottawa", records.slice(0, 250)), ("delhi", records.slice(150, 250))):
        files[name] = tmp_path / f"{name}.csv"
        pacsv.write_csv(rows, files[name])
    secret = tmp_path / "shared.key"
    secret.write_text("c2hhcmVkIG91dCBvZiBiYW5kIGJ5IHRoZSB0d28gcGFydGllcw==\n")
    monkeypatch.delenv("LIAISON_DATABASE_URL", raising=False)
    delhi = _node(tmp_path, "delhi", "in")
    ottawa = _node(tmp_path, "ottawa", "ca")
    return {"records": records, "files": files, "secret": secret, "delhi": delhi,
            "ottawa": ottawa, "tmp": tmp_path}  # fmt: skip


def _encode(world: dict[str, Any], *extra: str) -> dict[str, Any]:
    return ok(world["delhi"], "fraud", "encode", str(world["files"]["delhi"]), "-c",
              "immigration", "--secret-file", str(world["secret"]), "--chunk-size", "80",
              *SHARE, *extra)  # fmt: skip


def _replicate(world: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    db = _db(world["ottawa"])
    try:
        with db.session(write=True) as session:
            from liaison.store.collections import find_collection

            collection = find_collection(session, "immigration")
            add_objects(session, collection, objects, origin=Origin("delhi", "in", "delhi"))
    finally:
        db.dispose()


def test_encodings_carry_no_plaintext_and_are_valid_stix_with_tlp_and_handling(
    world: dict[str, Any],
) -> None:
    result = _encode(world)
    objects = [o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE]
    assert result["records"] == 250 and len(objects) == 4 == result["objects"]
    rows = world["records"].slice(150, 250).to_pydict()
    values = {str(v) for name in [*PERSONAL, "application_id"] for v in rows[name] if v}
    values |= {part for v in values for part in str(v).split() if len(part) >= 4}
    for obj in objects:
        assert validate_object(obj) == []
        assert obj["object_marking_refs"] == [Tlp.AMBER_STRICT.marking_id]
        handling = handling_of(obj)
        assert handling is not None and handling.releasable_to == ["ca", "in"]
        assert handling.legal_basis and handling.purpose and handling.retain_until
        text = json.dumps(obj)
        leaked = sorted(value for value in values if len(value) >= 4 and value in text)
        assert leaked == [], leaked
    mapping = Path(result["mapping"])
    assert mapping.is_file() and oct(mapping.stat().st_mode & 0o777) == "0o600"


def test_match_remote_finds_the_applications_both_sides_hold(world: dict[str, Any]) -> None:
    result = _encode(world)
    _replicate(world, [o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE])
    pairs_file = world["tmp"] / "pairs.csv"
    matched = ok(world["ottawa"], "fraud", "match-remote", str(world["files"]["ottawa"]), "-c",
                 "immigration", "--secret-file", str(world["secret"]), "-o", str(pairs_file))  # fmt: skip
    with Path(result["mapping"]).open() as handle:
        theirs = {row["index"]: row["application_id"] for row in csv.DictReader(handle)}
    with pairs_file.open() as handle:
        pairs = list(csv.DictReader(handle))
    assert matched["pairs"] == len(pairs)
    resolved = {(theirs[p["remote_ref"].split(":")[1]], p["application_id"]) for p in pairs}
    shared = {(a, a) for a in world["records"].slice(150, 100).column("application_id").to_pylist()}
    assert shared <= resolved


def test_a_wrong_secret_is_named_and_no_pairs_are_written(world: dict[str, Any]) -> None:
    _encode(world)
    _replicate(world, [o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE])
    other = world["tmp"] / "other.key"
    other.write_text("not the secret the two parties agreed on")
    out = world["tmp"] / "pairs.csv"
    message = fails(world["ottawa"], InvalidInput, "fraud", "match-remote",
                    str(world["files"]["ottawa"]), "-c", "immigration", "--secret-file",
                    str(other), "-o", str(out))  # fmt: skip
    assert "another secret" in message and not out.exists()


def test_missing_secret_or_release_conditions_store_nothing(world: dict[str, Any]) -> None:
    base = ["fraud", "encode", str(world["files"]["delhi"]), "-c", "immigration"]
    assert "exactly one of" in fails(world["delhi"], InvalidInput, *base, *SHARE)
    no_party = [
        *base,
        "--secret-file",
        str(world["secret"]),
        "--purpose",
        "p",
        "--legal-basis",
        "l",
    ]
    assert "--releasable-to" in fails(world["delhi"], InvalidInput, *no_party)
    assert not [o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE]
    assert not (world["delhi"] / "pprl").exists() or not list((world["delhi"] / "pprl").iterdir())


def test_chunks_with_other_parameters_are_refused(world: dict[str, Any]) -> None:
    _encode(world)
    objects = [o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE]
    objects[1] = {**objects[1], "key_check": "0" * 16}
    _replicate(world, objects)
    message = fails(world["ottawa"], InvalidInput, "fraud", "match-remote",
                    str(world["files"]["ottawa"]), "-c", "immigration", "--secret-file",
                    str(world["secret"]), "-o", str(world["tmp"] / "p.csv"))  # fmt: skip
    assert "other parameters" in message


def test_a_malformed_encodings_object_is_rejected_at_admission(world: dict[str, Any]) -> None:
    _encode(world)
    good = next(o for o in _stored(world["delhi"]) if o["type"] == PPRL_ENCODINGS_TYPE)
    short = {**good, "record_count": good["record_count"] + 1}
    assert any(p.field == "encodings_bin" for p in validate_object(short))
    bad_params = {**good, "encoding": {**good["encoding"], "hardening": "rot13"}}
    assert any(p.field == "encoding" for p in validate_object(bad_params))
    with pytest.raises(InvalidStix):
        _replicate(world, [short])
    db = _db(world["ottawa"])
    try:
        with db.session() as session:
            count = session.scalar(select(func.count()).select_from(StixObject).where(
                StixObject.type == PPRL_ENCODINGS_TYPE))  # fmt: skip
    finally:
        db.dispose()
    assert count == 0
    assert HANDLING_EXTENSION_ID in good["extensions"]
