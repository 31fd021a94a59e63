"""`liaison rfi …` on two node directories: the workflow, both sides agreeing, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.exchange.rfi_objects import rfi_object
from liaison.node import initialise_node
from liaison.store.models import AuditEntry
from liaison.store.objects import Origin, add_objects
from tests.cli.inprocess import fails, ok, run
from tests.exchange.conftest import Pair, _exchange, deliver, node_db

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")


def send(node: Path, *extra: str, to: str = "in") -> dict[str, Any]:
    """Send a cyber RFI from `node` to party `to`."""
    return ok(
        node, "rfi", "send", "--to", to, "--pillar", "cyber", "--priority", "urgent",
        "--due", TOMORROW, "--question", "Who operates the C2 at 198.51.100.1?", *extra,
    )  # fmt: skip


def audit_kinds(node: Path) -> list[str]:
    """The kinds of every audit entry of `node`, in order."""
    with node_db(node) as db, db.session() as session:
        return list(session.scalars(select(AuditEntry.kind).order_by(AuditEntry.index)))


def test_send_list_show(pair: Pair) -> None:
    sent = send(pair.ottawa, "--purpose", "disrupt ransomware C2", "--legal-basis", "MLAT art. 4",
                "--ref", pair.ottawa_shared)  # fmt: skip
    assert sent["id"].startswith("liaison-rfi--")
    assert (sent["state"], sent["overdue"], sent["from"], sent["to"]) == ("sent", False, "ca", "in")
    assert (sent["pillar"], sent["priority"]) == ("cyber", "urgent")
    assert sent["due"] == f"{TOMORROW}T23:59:59.999Z"
    assert sent["refs"] == [pair.ottawa_shared]
    assert sent["purpose"] == "disrupt ransomware C2"
    assert sent["acknowledged_at"] is None
    listed = ok(pair.ottawa, "rfi", "list")["rfis"]
    assert [rfi["id"] for rfi in listed] == [sent["id"]]
    shown = ok(pair.ottawa, "rfi", "show", sent["id"])
    shown.pop("as_of"), sent.pop("as_of")
    assert shown == sent
    assert "rfi.sent" in audit_kinds(pair.ottawa)


def test_human_output(pair: Pair) -> None:
    sent = send(pair.ottawa)
    listed = run(pair.ottawa, "rfi", "list")
    assert listed.exit_code == 0
    assert sent["id"] in listed.stdout and "sent" in listed.stdout
    shown = run(pair.ottawa, "rfi", "show", sent["id"])
    assert "Who operates the C2" in shown.stdout and "urgent" in shown.stdout


def test_round_trip_both_nodes_agree(pair: Pair) -> None:
    rfi = send(pair.ottawa)["id"]
    assert deliver(pair.ottawa, pair.new_delhi) == 1
    assert ok(pair.new_delhi, "rfi", "show", rfi)["state"] == "sent"
    assert ok(pair.new_delhi, "rfi", "ack", rfi)["state"] == "acknowledged"
    answered = ok(pair.new_delhi, "rfi", "answer", rfi, "--text", "A bulletproof host; see indicator.",
                  "--ref", pair.delhi_shared)  # fmt: skip
    assert answered["state"] == "answered"
    assert answered["answer"] == {
        "text": "A bulletproof host; see indicator.",
        "refs": [pair.delhi_shared],
    }
    assert deliver(pair.new_delhi, pair.ottawa) == 2
    assert ok(pair.ottawa, "rfi", "show", rfi)["state"] == "answered"
    closed = ok(pair.ottawa, "rfi", "close", rfi)
    assert closed["state"] == "closed"
    deliver(pair.ottawa, pair.new_delhi)
    at_ottawa, at_delhi = (
        ok(pair.ottawa, "rfi", "show", rfi),
        ok(pair.new_delhi, "rfi", "show", rfi),
    )
    at_ottawa.pop("as_of"), at_delhi.pop("as_of")
    assert at_ottawa == at_delhi
    assert at_delhi["state"] == "closed"
    assert (
        at_delhi["sent_at"]
        < at_delhi["acknowledged_at"]
        < at_delhi["answered_at"]
        < at_delhi["closed_at"]
    )
    assert [e["type"] for e in at_delhi["events"]] == ["acknowledge", "answer", "close"]
    assert {"rfi.acknowledge", "rfi.answer"} <= set(audit_kinds(pair.new_delhi))
    assert "rfi.close" in audit_kinds(pair.ottawa)
    # an answer to a closed RFI is refused, naming the state
    message = fails(pair.new_delhi, Conflict, "rfi", "answer", rfi, "--text", "more")
    assert message == f"RFI {rfi} is closed: it cannot be answered"


def test_decline(pair: Pair) -> None:
    rfi = send(pair.ottawa)["id"]
    deliver(pair.ottawa, pair.new_delhi)
    declined = ok(pair.new_delhi, "rfi", "decline", rfi, "--reason", "outside the arrangement")
    assert (declined["state"], declined["decline_reason"]) == (
        "declined",
        "outside the arrangement",
    )
    deliver(pair.new_delhi, pair.ottawa)
    at_ottawa = ok(pair.ottawa, "rfi", "show", rfi)
    assert (at_ottawa["state"], at_ottawa["decline_reason"]) == (
        "declined",
        "outside the arrangement",
    )
    assert at_ottawa["declined_at"] == declined["declined_at"]
    assert "cannot be closed" in fails(pair.ottawa, Conflict, "rfi", "close", rfi)
    assert "cannot be answered" in fails(
        pair.new_delhi, Conflict, "rfi", "answer", rfi, "--text", "x"
    )
    assert fails(pair.new_delhi, InvalidInput, "rfi", "decline", rfi, "--reason", " ") == (
        "decline reason must not be empty"
    )


def test_overdue(pair: Pair) -> None:
    """An RFI received from New Delhi long ago, never answered, is overdue at Ottawa."""
    old = rfi_object(
        requester="in", addressee="ca", pillar="drugs", priority="routine",
        due="2020-01-31T23:59:59.999Z", question="Shipments of 4-AP through Vancouver?",
        created="2020-01-01T00:00:00.000Z",
    )  # fmt: skip
    with node_db(pair.ottawa) as db, db.session(write=True) as session:
        origin = Origin("new-delhi", "in", received_from="new-delhi")
        add_objects(session, _exchange(session, "ca"), [old], origin=origin)
    [listed] = ok(pair.ottawa, "rfi", "list")["rfis"]
    assert (listed["id"], listed["state"], listed["overdue"]) == (old["id"], "sent", True)
    assert "(overdue)" in run(pair.ottawa, "rfi", "list").stdout
    assert ok(pair.ottawa, "rfi", "ack", old["id"])["overdue"] is True
    answered = ok(pair.ottawa, "rfi", "answer", old["id"], "--text", "None seen.")
    assert (answered["state"], answered["overdue"]) == ("answered", False)


def test_wrong_party_is_refused(pair: Pair) -> None:
    rfi = send(pair.ottawa)["id"]
    message = fails(pair.ottawa, PermissionDenied, "rfi", "ack", rfi)
    assert message == "only the addressee party 'in' may have an RFI acknowledged; 'ca' may not"
    fails(pair.ottawa, PermissionDenied, "rfi", "answer", rfi, "--text", "self-answer")
    deliver(pair.ottawa, pair.new_delhi)
    assert "only the requester party 'ca'" in fails(
        pair.new_delhi, PermissionDenied, "rfi", "close", rfi
    )


def test_bad_input(pair: Pair) -> None:
    common = ("--pillar", "cyber", "--priority", "urgent", "--question", "q")
    assert fails(
        pair.ottawa, NotFound, "rfi", "send", "--to", "xx", "--due", TOMORROW, *common
    ) == ("unknown party 'xx' (add it with `liaison party add`)")
    assert "another party" in fails(
        pair.ottawa, InvalidInput, "rfi", "send", "--to", "ca", "--due", TOMORROW, *common
    )
    assert fails(
        pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", "2020-01-01", *common
    ) == ("due date 2020-01-01T23:59:59.999Z is already past")
    assert "neither YYYY-MM-DD" in fails(
        pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", "soon", *common
    )
    bad_pillar = fails(pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", TOMORROW,
                       "--pillar", "weather", "--priority", "urgent", "--question", "q")  # fmt: skip
    assert (
        bad_pillar == "unknown pillar 'weather': use one of drugs, cyber, immigration-fraud, other"
    )
    bad_priority = fails(pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", TOMORROW,
                         "--pillar", "cyber", "--priority", "asap", "--question", "q")  # fmt: skip
    assert bad_priority == "unknown priority 'asap': use one of routine, priority, urgent"
    assert fails(pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", TOMORROW,
                 "--pillar", "cyber", "--priority", "urgent", "--question", "  ") == "question must not be empty"  # fmt: skip
    missing = "indicator--00000000-0000-4000-8000-000000000000"
    assert fails(pair.ottawa, NotFound, "rfi", "send", "--to", "in", "--due", TOMORROW, *common,
                 "--ref", missing) == f"no object '{missing}' to refer to"  # fmt: skip
    private = fails(pair.ottawa, InvalidInput, "rfi", "send", "--to", "in", "--due", TOMORROW, *common,
                    "--ref", pair.ottawa_private)  # fmt: skip
    assert private.startswith(f"object '{pair.ottawa_private}' is not shared with party 'in'")
    assert "reference" in fails(
        pair.ottawa,
        InvalidInput,
        "rfi",
        "send",
        "--to",
        "in",
        "--due",
        TOMORROW,
        *common,
        "--ref",
        "nonsense",
    )
    unknown = "liaison-rfi--00000000-0000-4000-8000-000000000000"
    assert fails(pair.ottawa, NotFound, "rfi", "show", unknown) == f"no RFI '{unknown}'"
    assert fails(pair.ottawa, NotFound, "rfi", "close", unknown) == f"no RFI '{unknown}'"
    # nothing was written by the refused commands
    assert ok(pair.ottawa, "rfi", "list")["rfis"] == []
    assert "rfi.sent" not in audit_kinds(pair.ottawa)


def test_answer_references_are_checked_for_the_requester(pair: Pair) -> None:
    rfi = send(pair.ottawa)["id"]
    deliver(pair.ottawa, pair.new_delhi)
    unknown_here = fails(pair.new_delhi, NotFound, "rfi", "answer", rfi, "--text", "t",
                         "--ref", pair.ottawa_private)  # fmt: skip
    assert unknown_here == f"no object '{pair.ottawa_private}' to refer to"
    private = fails(pair.new_delhi, InvalidInput, "rfi", "answer", rfi, "--text", "t",
                    "--ref", pair.delhi_private)  # fmt: skip
    assert private.startswith(f"object '{pair.delhi_private}' is not shared with party 'ca'")
    assert ok(pair.new_delhi, "rfi", "show", rfi)["state"] == "sent"


def test_collection_pillar(pair: Pair) -> None:
    added = ok(pair.ottawa, "collection", "add", "fentanyl", "--pillar", "drugs")
    assert added["pillar"] == "drugs"
    listed = {c["name"]: c["pillar"] for c in ok(pair.ottawa, "collection", "list")["collections"]}
    assert (
        listed["fentanyl"] == "drugs" and listed["cyber"] == "cyber" and listed["reference"] is None
    )
    assert "unknown pillar 'weather'" in fails(
        pair.ottawa, InvalidInput, "collection", "add", "x", "--pillar", "weather"
    )


def test_collection_set_pillar(pair: Pair) -> None:
    """A collection sync created has no pillar; `collection set` gives it one, audited."""
    ok(pair.ottawa, "collection", "add", "from-delhi")
    changed = ok(pair.ottawa, "collection", "set", "from-delhi", "--pillar", "drugs")
    assert (changed["name"], changed["pillar"]) == ("from-delhi", "drugs")
    assert "unknown pillar 'weather'" in fails(
        pair.ottawa, InvalidInput, "collection", "set", "from-delhi", "--pillar", "weather"
    )
    fails(pair.ottawa, NotFound, "collection", "set", "nowhere", "--pillar", "drugs")
    listed = {c["name"]: c["pillar"] for c in ok(pair.ottawa, "collection", "list")["collections"]}
    assert listed["from-delhi"] == "drugs"
    assert audit_kinds(pair.ottawa).count("collection.changed") == 1


def test_demo_load_creates_its_collections_with_their_pillars(tmp_path: Path) -> None:
    node = tmp_path / "ottawa"
    initialise_node(node, "ottawa", "ca")
    ok(node, "party", "add", "in")
    ok(node, "demo", "load")
    listed = {c["name"]: c["pillar"] for c in ok(node, "collection", "list")["collections"]}
    assert {name: listed[name] for name in ("drugs", "cyber", "immigration-fraud")} == {
        "drugs": "drugs", "cyber": "cyber", "immigration-fraud": "immigration-fraud",
    }  # fmt: skip
    assert "collection.changed" not in audit_kinds(node)  # set at creation, audited there
