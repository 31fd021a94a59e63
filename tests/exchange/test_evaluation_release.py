"""Release gating: with `release.require_evaluation` on, objects without an evaluation and caveats
are held back from foreign parties — peer nodes and officers of another party — on every read
path (TAXII reads, streams), with the reason in the POST's status and in the audit log; the
node's own officers, and the object's own party, still see them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from liaison.access.parties import add_party
from liaison.access.release import HELD_BACK, HELD_BACK_KIND
from liaison.access.visibility import Viewer
from liaison.config import SETTINGS_FILE, load_settings
from liaison.demo.data import demo_objects
from liaison.node import initialise_node
from liaison.stix.extensions import HANDLING_EXTENSION_ID, is_evaluated
from liaison.store.database import Database
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects
from liaison.streams.events import Position, read_after
from tests.cli.inprocess import ok, run
from tests.exchange.evaluation_support import EVALUATION, audit_details, evaluated, handled, ottawa
from tests.factories import indicator

GOOD = evaluated(1)
BARE = indicator(2)  # no handling extension at all
NO_CAVEATS = handled(3, releasable_to=["ca", "in"], evaluation=EVALUATION)
NO_EVALUATION = handled(4, releasable_to=["ca", "in"], caveats=["Lead only."])
ENVELOPE = [GOOD, BARE, NO_CAVEATS, NO_EVALUATION]
HELD = [BARE["id"], NO_CAVEATS["id"], NO_EVALUATION["id"]]
EVERY = {obj["id"] for obj in ENVELOPE}


@pytest.mark.parametrize("require", [True, False])
def test_peer_reads_only_evaluated_objects_when_required(
    db: Database, tmp_path: Path, require: bool
) -> None:
    with ottawa(db, tmp_path, require_evaluation=require) as node:
        node.post(ENVELOPE)
        peer_sees = node.visible_ids("new-delhi")
        assert peer_sees == ({GOOD["id"]} if require else EVERY)
        assert node.visible_ids("bob") == peer_sees  # an officer of party in: released to in
        assert node.visible_ids("alice") == EVERY  # an officer of the node's own party
        assert node.visible_ids("alice") == EVERY
        manifest = node.client.get(
            f"/taxii2/api/collections/{node.shared_id}/manifest/", headers=node.headers("new-delhi")
        )
        assert {record["id"] for record in manifest.json()["objects"]} == peer_sees
        one = node.client.get(f"{node.objects_url}{BARE['id']}/", headers=node.headers("new-delhi"))
        assert one.status_code == (404 if require else 200)
        versions = node.client.get(
            f"{node.objects_url}{NO_CAVEATS['id']}/versions/", headers=node.headers("new-delhi")
        )
        assert versions.status_code == (404 if require else 200)


def test_status_says_why_each_object_is_held_back(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=True) as node:
        status = node.post(ENVELOPE)
        assert status["success_count"] == 4
        messages = {detail["id"]: detail.get("message") for detail in status["successes"]}
        assert messages == {GOOD["id"]: None, **dict.fromkeys(HELD, HELD_BACK)}
        assert "release.require_evaluation" in HELD_BACK
        stored = node.client.get(
            f"/taxii2/api/status/{status['id']}/", headers=node.headers("alice")
        ).json()
        assert stored["successes"] == status["successes"]


def test_audit_entry_names_the_held_back_objects(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=True) as node:
        node.post(ENVELOPE)
        node.post([evaluated(5)])  # nothing held back: no entry
        [entry] = audit_details(db, HELD_BACK_KIND)
        assert entry["ids"] == HELD
        assert entry["count"] == 3
        assert entry["collection"] == node.shared_id
        assert entry["reason"] == HELD_BACK


def test_nothing_is_held_back_or_audited_when_not_required(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=False) as node:
        status = node.post(ENVELOPE)
        assert all("message" not in detail for detail in status["successes"])
        assert audit_details(db, HELD_BACK_KIND) == []


def test_a_rejected_envelope_leaves_no_held_back_entry(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=True) as node:
        status = node.post([BARE, {"type": "indicator", "id": "indicator--bad"}])
        assert status["failure_count"] == 2
        assert audit_details(db, HELD_BACK_KIND) == []
        assert node.visible_ids("alice") == set()


def test_a_peer_still_sees_what_its_own_party_originated(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=True) as node:
        node.post([BARE], user="new-delhi")  # posted by the peer: originated by party `in`
        node.post([NO_CAVEATS])
        assert node.visible_ids("new-delhi") == {BARE["id"]}


def test_the_stream_holds_back_the_same_objects(db: Database, tmp_path: Path) -> None:
    with ottawa(db, tmp_path, require_evaluation=True) as node:
        node.post(ENVELOPE)
        start = Position(node.shared_id, 0)
        peer = Viewer("new-delhi", "in", peer=True, require_evaluation=True)
        foreign_officer = Viewer("bob", "in", require_evaluation=True)
        own_officer = Viewer("alice", "ca")
        assert len(read_after(db, peer, start).rows) == 1
        assert len(read_after(db, foreign_officer, start).rows) == 1
        assert len(read_after(db, own_officer, start).rows) == 4


def test_import_records_what_it_holds_back(db: Database) -> None:
    with db.session(write=True) as session:
        add_party(session, "ca")
    result = import_objects(
        db, "imported", ENVELOPE, origin=Origin("ottawa", "ca"), create=True,
        require_evaluation=True,
    )  # fmt: skip
    assert list(result.held_back) == HELD
    assert result.added == 4
    [entry] = audit_details(db, HELD_BACK_KIND)
    assert entry["ids"] == HELD
    again = import_objects(db, "imported", [GOOD], origin=Origin("ottawa", "ca"))
    assert again.held_back == ()


def test_demo_objects_all_carry_an_evaluation_and_caveats() -> None:
    for objects in demo_objects("ottawa", "ca", "in").values():
        assert objects
        assert [obj["id"] for obj in objects if not is_evaluated(obj)] == []


def test_setting_from_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "liaison.toml").write_text(
        'node_name = "ottawa"\nparty = "ca"\n[release]\nrequire_evaluation = true\n'
    )
    assert load_settings(tmp_path).release.require_evaluation is True
    monkeypatch.setenv("LIAISON_RELEASE__REQUIRE_EVALUATION", "false")
    assert load_settings(tmp_path).release.require_evaluation is False
    (tmp_path / "liaison.toml").write_text('node_name = "ottawa"\nparty = "ca"\n')
    monkeypatch.delenv("LIAISON_RELEASE__REQUIRE_EVALUATION")
    assert load_settings(tmp_path).release.require_evaluation is False


def test_cli_import_counts_what_it_holds_back(tmp_path: Path) -> None:
    node = tmp_path / "ottawa"
    initialise_node(node, "ottawa", "ca")
    with (node / SETTINGS_FILE).open("a") as settings:
        settings.write("[release]\nrequire_evaluation = true\n")
    bundle = tmp_path / "objects.json"
    bundle.write_bytes(orjson.dumps(ENVELOPE))
    [row] = ok(node, "import", str(bundle), "-c", "imported", "--create")["files"]
    assert (row["added"], row["held_back"]) == (4, 3)
    text = run(node, "import", str(bundle), "-c", "imported").stdout
    assert f"3 {HELD_BACK}" in text


def test_correspondence_is_never_held_back() -> None:
    assert is_evaluated({"type": "liaison-rfi", "id": "liaison-rfi--1"})
    assert is_evaluated({"type": "liaison-rfi-event", "id": "liaison-rfi-event--1"})
    assert not is_evaluated(indicator(1))


def test_a_withdrawal_is_never_held_back() -> None:
    handling = {"extension_type": "property-extension", "withdrawal_reason": "shared in error"}
    withdrawal = indicator(2, revoked=True, extensions={HANDLING_EXTENSION_ID: handling})
    assert is_evaluated(withdrawal)
    assert not is_evaluated(indicator(2, revoked=True))
