"""Fraud rings: planted rings recovered from generated applications, reasons, and `--share`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
from sqlalchemy import select

from liaison.config import load_settings
from liaison.errors import InvalidInput
from liaison.fraud.rings import find_rings
from liaison.fraud.synthetic import generate_applications
from liaison.node import initialise_node
from liaison.stix.extensions import FRAUD_RING_EXTENSION_ID, handling_of
from liaison.stix.fraudring import fraud_ring_of
from liaison.stix.tlp import Tlp
from liaison.stix.validate import validate_object
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import AuditEntry, StixObject
from tests.cli.inprocess import fails, ok


def _recovery(n: int, seed: int) -> tuple[float, float, int]:
    apps = generate_applications(n, seed=seed)
    truth = apps.truth.to_pydict()
    clusters = {a: str(p) for a, p in zip(truth["application_id"], truth["person_id"], strict=True)}
    report = find_rings(apps.records.to_pydict(), clusters)
    planted = {
        a for a, r in zip(truth["application_id"], truth["ring_id"], strict=True) if r is not None
    }
    reported = {a for ring in report.rings for a in ring.application_ids}
    return (
        len(reported & planted) / len(planted),
        len(reported - planted) / len(reported),
        len(report.rings),
    )


def test_planted_rings_are_recovered_with_few_outsiders() -> None:
    recall, outside, rings = _recovery(50_000, seed=11)
    assert rings > 0
    assert recall >= 0.95
    assert outside <= 0.05


def _app(app_id: str, **values: str) -> dict[str, str | None]:
    return {"application_id": app_id, **values}


def _columns(rows: list[dict[str, str | None]]) -> dict[str, list[str | None]]:
    names = sorted({name for row in rows for name in row})
    return {name: [row.get(name) for row in rows] for name in names}


def test_one_passport_on_many_identities_is_a_reason() -> None:
    people = [
        ("Asha", "Rao", "1990-01-0"),
        ("Ravi", "Iyer", "1985-02-0"),
        ("Meena", "Das", "1979-03-0"),
    ]
    rows = [
        _app(f"A{i}{k}", given_name=g, family_name=f, date_of_birth=f"{d}{k + 1}", passport_number="Z1234567",
             bank_account="12345678901234", outcome="refused", application_date=f"2026-01-1{k}")
        for i, (g, f, d) in enumerate(people) for k in range(2)
    ]  # fmt: skip
    report = find_rings(_columns(rows))
    assert len(report.rings) == 1
    ring = report.rings[0]
    signals = {reason.signal: reason for reason in ring.reasons}
    assert signals["document-many-identities"].count == 3
    assert {"shared-bank-account", "refusals", "velocity"} <= set(signals)
    assert "z1234567" in signals["document-many-identities"].evidence


def test_a_household_is_not_a_ring() -> None:
    rows = [
        _app(f"H{i}", given_name=g, family_name="Gill", date_of_birth=d, phone="+14165550101",
             address="12 Elm Street", postcode="M4B 1B3", bank_account="99988877766655", outcome="approved")
        for i, (g, d) in enumerate((("Jas", "1970-01-01"), ("Gurpreet", "1972-05-05"), ("Jas", "1970-01-01")))
    ]  # fmt: skip
    assert find_rings(_columns(rows)).rings == []


def _node(tmp_path: Path) -> Path:
    directory = tmp_path / "ottawa"
    initialise_node(directory, "ottawa", "ca")
    db = Database(load_settings(directory).store_url)
    try:
        with db.session(write=True) as session:
            create_collection(session, "immigration", owner_party="ca")
    finally:
        db.dispose()
    return directory


def test_shared_rings_are_valid_incidents_with_tlp_handling_and_no_values(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("LIAISON_DATABASE_URL", raising=False)
    apps = generate_applications(6000, seed=3)
    path = tmp_path / "applications.csv"
    pacsv.write_csv(apps.records, path)
    node = _node(tmp_path)
    result = ok(node, "fraud", "rings", str(path), "--share", "-c", "immigration", "--tlp", "amber",
                "--releasable-to", "in", "--purpose", "visa-fraud rings (synthetic)",
                "--legal-basis", "CA-IN MoU art. 4 (synthetic)", "--evaluation", "C3",
                "--caveat", "leads, not findings")  # fmt: skip
    assert result["rings"] and len(result["shared"]) == len(result["rings"])
    db = Database(load_settings(node).store_url)
    try:
        with db.session() as session:
            stored = list(
                session.scalars(select(StixObject.body).where(StixObject.type == "incident"))
            )
            kinds = list(session.scalars(select(AuditEntry.kind)))
    finally:
        db.dispose()
    assert "fraud.rings.shared" in kinds
    evidence = {e for ring in result["rings"] for r in ring["reasons"] for e in r["evidence"]}
    assert evidence
    for obj in stored:
        assert validate_object(obj) == []
        assert obj["object_marking_refs"] == [Tlp.AMBER.marking_id]
        handling = handling_of(obj)
        assert handling is not None and handling.releasable_to == ["ca", "in"]
        assert handling.evaluation is not None and handling.caveats == ["leads, not findings"]
        assert (
            handling.evaluation.source_reliability,
            handling.evaluation.information_credibility,
        ) == ("C", 3)
        ring = fraud_ring_of(obj)
        assert ring is not None and ring.reasons and FRAUD_RING_EXTENSION_ID in obj["extensions"]
        text = json.dumps(obj).lower()
        assert not [value for value in evidence if value.lower() in text]


def test_share_without_a_collection_or_legal_basis_is_refused(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("LIAISON_DATABASE_URL", raising=False)
    node = _node(tmp_path)
    path = tmp_path / "applications.csv"
    pacsv.write_csv(generate_applications(200, seed=1).records, path)
    assert "--collection" in fails(node, InvalidInput, "fraud", "rings", str(path), "--share")
    message = fails(node, InvalidInput, "fraud", "rings", str(path), "--share", "-c", "immigration",
                    "--releasable-to", "in")  # fmt: skip
    assert "--legal-basis" in message
