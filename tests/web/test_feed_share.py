"""The feed, the detail page and the share form, under the API's visibility policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from liaison.store.models import AuditEntry, StixObject
from tests.web.conftest import WebNode

NEXT_YEAR = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%d")


def test_feed_shows_what_the_viewer_may_see(node: WebNode) -> None:
    node.login("officer-in")
    page = node.client.get("/feed?pillar=cyber").text
    assert "test indicator 1" in page and "seen at the border" in page
    assert "test indicator 2" not in page  # TLP:RED addressed to officer-ca only
    assert "TLP:GREEN" in page and "tlp-green" in page
    assert "from ottawa (ca)" in page


def test_a_hidden_object_is_not_found_not_forbidden(node: WebNode) -> None:
    node.login("officer-in")
    assert node.client.get(f"/objects/{node.red}").status_code == 404
    assert (
        node.client.get("/objects/indicator--00000000-0000-4000-8000-000000000000").status_code
        == 404
    )
    node.logout()
    node.login("officer-ca")
    assert node.client.get(f"/objects/{node.red}").status_code == 200


def test_detail_page_shows_relationships_signature_and_trail(node: WebNode) -> None:
    node.login("auditor-ca")
    page = node.client.get(f"/objects/{node.green}").text
    assert "seen at the border" in page  # the note refers to it
    assert "unsigned: originated here" in page
    assert "objects.added" not in page or "Audit entries" in page
    note = node.client.get(f"/objects/{node.note}").text
    assert "test indicator 1" in note  # it refers to the indicator


def test_the_feed_row_fragment_applies_the_policy(node: WebNode) -> None:
    with node.db.session() as session:
        added = {
            row.id: row.date_added
            for row in session.scalars(
                select(StixObject).where(StixObject.collection_id == node.collection)
            )
        }
    node.login("officer-in")
    ok = node.client.get(f"/feed/item?collection={node.collection}&date_added={added[node.green]}")
    assert ok.status_code == 200 and "test indicator 1" in ok.text
    hidden = node.client.get(
        f"/feed/item?collection={node.collection}&date_added={added[node.red]}"
    )
    assert hidden.status_code == 404


def _share(node: WebNode, **fields: Any) -> Any:
    form: dict[str, Any] = {
        "csrf": node.csrf("/share"), "kind": "indicator", "collection": node.collection,
        "tlp": "green", "releasable_to": ["ca", "in"], "purpose": "prevent intrusions",
        "legal_basis": "bilateral MoU (synthetic)", "retain_until": NEXT_YEAR,
        "name": "shared from the web", "pattern": "[ipv4-addr:value = '203.0.113.77']",
        "reliability": "B", "credibility": "2", "caveat": "lead only",
    }  # fmt: skip
    form.update(fields)
    return node.client.post("/share", data=form)


def test_share_an_indicator_stores_it_with_handling_and_audit(node: WebNode) -> None:
    node.login("officer-ca")
    answer = _share(node)
    assert answer.status_code == 200 and "shared from the web" in answer.text
    assert "B2" in answer.text and "prevent intrusions" in answer.text
    with node.db.session() as session:
        row = session.scalar(
            select(StixObject)
            .where(StixObject.type == "indicator", StixObject.origin_node == "ottawa")
            .order_by(StixObject.date_added.desc())
        )
        assert row is not None and row.body["name"] == "shared from the web"
        assert row.tlp == "green" and row.releasable_to == ",ca,in,"
        kinds = list(session.scalars(select(AuditEntry.kind).order_by(AuditEntry.index)))
    assert kinds[-1] == "objects.added"


def test_share_errors_are_shown_by_field_and_store_nothing(node: WebNode) -> None:
    node.login("officer-ca")
    with node.db.session() as session:
        before = len(list(session.scalars(select(StixObject.id))))
    answer = _share(node, pattern="[ipv4-addr:value = ", purpose="", retain_until="2001-01-01")
    assert answer.status_code == 400
    assert 'id="e-purpose"' in answer.text and 'id="e-retain_until"' in answer.text
    answer = _share(node, pattern="[ipv4-addr:value = ")
    assert answer.status_code == 400 and 'id="e-pattern"' in answer.text
    answer = _share(node, tlp="red", recipients="")
    assert 'id="e-recipients"' in answer.text
    with node.db.session() as session:
        assert len(list(session.scalars(select(StixObject.id)))) == before


def test_share_a_precursor_incident_and_a_note(node: WebNode) -> None:
    node.login("officer-ca")
    incident = _share(
        node, kind="incident", name="stopped shipment", incident_type="stopped-shipment",
        substance="4-piperidone", quantity_kg="25", origin_country="XX", destination_country="CA",
    )  # fmt: skip
    assert incident.status_code == 200, incident.text
    assert "stopped shipment" in incident.text
    bad = _share(
        node,
        kind="incident",
        name="x",
        incident_type="stopped-shipment",
        substance="y",
        origin_country="Canada",
    )
    assert bad.status_code == 400 and 'id="e-origin_country"' in bad.text
    note = _share(node, kind="note", content="corroborated", refs=node.green)
    assert note.status_code == 200 and "corroborated" in note.text


def test_share_refuses_a_forged_form(node: WebNode) -> None:
    node.login("officer-ca")
    assert _share(node, csrf="forged").status_code == 403


def test_share_refuses_a_collection_without_a_write_grant(node: WebNode) -> None:
    node.login("officer-in")  # party in may read cyber, not write it
    answer = _share(node)
    assert answer.status_code == 400 and 'id="e-collection"' in answer.text
