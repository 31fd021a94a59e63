"""Receiver grading: an officer grades what the node received; the originator sees the grade.

A grade is a STIX 2.1 `opinion` — the SDO the specification defines for "an assessment of the
correctness of the information in a STIX Object produced by a different entity" — with
`object_refs` naming the graded object, the grader in `authors`, `confidence` from the Admiralty
credibility (`liaison.stix.confidence`, STIX 2.1 Appendix A), the Admiralty evaluation in the
liaison handling extension, caveats, TLP:AMBER and `releasable_to` the grader's and the
originator's parties. It is stored in the node's `exchange` collection, which the originator's
party may read, so sync carries it to the originator: its `liaison grades` lists it.

A node grades only what it received: an object its own party originated is refused, and one the
grader may not see does not exist for it (NotFound, like an unknown id). Everything is written in
the caller's transaction, with one `object.graded` audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.visibility import Viewer, collection_access, labels_of
from liaison.audit.log import record
from liaison.errors import InvalidInput, NotFound
from liaison.exchange.collection import EXCHANGE_COLLECTION, exchange_collection
from liaison.stix.confidence import credibility_to_confidence
from liaison.stix.extensions import HANDLING_EXTENSION_ID, Evaluation, Handling, handling_of
from liaison.stix.timestamps import now_timestamp
from liaison.stix.tlp import Tlp
from liaison.store.models import Collection, StixObject
from liaison.store.objects import Origin, add_objects

GRADED = "object.graded"
COMMENT_MAX = 4000
RELIABILITIES = "ABCDEF"
OPINIONS = {
    1: "strongly-agree", 2: "agree", 3: "neutral", 4: "disagree", 5: "strongly-disagree",
    6: "neutral",
}  # fmt: skip
"""Admiralty credibility → the opinion SDO's agreement scale (6, cannot be judged: neutral)."""
GRADE_PURPOSE = "receiver's grade of shared intelligence, as feedback to its originator"
GRADE_CAVEAT = "Receiver's grade for the originator's quality control; not for onward release."


@dataclass(frozen=True, slots=True)
class Grade:
    """One grade as listed: who graded which object, how, and when.

    `direction` is `given` for a grade this node's party gave, `received` for one given to an
    object this node's party originated.
    """

    id: str
    object_id: str
    direction: str
    grader: str
    node: str
    party: str
    reliability: str
    credibility: int
    confidence: int | None
    opinion: str
    comment: str | None
    created: str

    def as_json(self) -> dict[str, Any]:
        """The grade as a JSON object (CLI `--json` and `/api/v1/grades`)."""
        return asdict(self)


def parse_evaluation(reliability: str, credibility: int) -> Evaluation:
    """An Admiralty evaluation from user input, or InvalidInput naming the bad part."""
    letter = reliability.strip().upper()
    if len(letter) != 1 or letter not in RELIABILITIES:
        raise InvalidInput(f"reliability must be one letter A-F, not '{reliability}'")
    if credibility not in OPINIONS:
        raise InvalidInput(f"credibility must be a number 1-6, not {credibility}")
    return Evaluation(source_reliability=letter, information_credibility=credibility)


def _comment(text: str | None) -> str | None:
    comment = (text or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"the comment is longer than {COMMENT_MAX} characters")
    return comment or None


def _graded_row(session: Session, grader: Viewer, object_id: str) -> StixObject:
    """The newest version of `object_id` the grader may see, in any collection; else NotFound."""
    rows = session.scalars(
        select(StixObject).where(StixObject.id == object_id).order_by(StixObject.modified.desc())
    )
    for row in rows:
        collection = session.get(Collection, row.collection_id)
        if collection is not None and collection_access(session, grader, collection).labels_visible(
            grader, labels_of(row)
        ):
            return row
    raise NotFound(f"no object '{object_id}' visible to '{grader.name}'")


def grade_opinion(
    object_id: str, grader: str, parties: Iterable[str], evaluation: Evaluation, comment: str | None
) -> dict[str, Any]:
    """The `opinion` SDO carrying a grade of `object_id`, releasable to `parties`."""
    now = now_timestamp()
    credibility = evaluation.information_credibility
    handling = Handling(
        releasable_to=sorted(set(parties)), purpose=GRADE_PURPOSE, caveats=[GRADE_CAVEAT],
        evaluation=evaluation,
    )  # fmt: skip
    opinion: dict[str, Any] = {
        "type": "opinion", "spec_version": "2.1", "id": f"opinion--{uuid.uuid4()}",
        "created": now, "modified": now, "opinion": OPINIONS[credibility], "authors": [grader],
        "object_refs": [object_id], "object_marking_refs": [Tlp.AMBER.marking_id],
        "extensions": {HANDLING_EXTENSION_ID: handling.as_extension()},
    }  # fmt: skip
    confidence = credibility_to_confidence(credibility)
    if confidence is not None:
        opinion["confidence"] = confidence
    if comment:
        opinion["explanation"] = comment
    return opinion


def grade_object(
    session: Session,
    *,
    node: str,
    party: str,
    grader: Viewer,
    object_id: str,
    evaluation: Evaluation,
    comment: str | None = None,
) -> Grade:
    """Grade a received object: store the opinion in the exchange collection, audited.

    Raises NotFound when the grader may not see `object_id` (or it does not exist), and
    InvalidInput when this node's party originated it or the comment is too long.
    """
    text = _comment(comment)
    row = _graded_row(session, grader, object_id)
    if row.origin_party == party:
        raise InvalidInput(
            f"object '{object_id}' was originated by this node's party '{party}': "
            "grade what you received"
        )
    opinion = grade_opinion(object_id, grader.name, (party, row.origin_party), evaluation, text)
    collection = exchange_collection(session, party, row.origin_party, actor=grader.name)
    add_objects(session, collection, [opinion], origin=Origin(node, party))
    record(session, GRADED, grader.name, {
        "grade": opinion["id"], "object": object_id, "collection": collection.id,
        "originator": row.origin_party, "reliability": evaluation.source_reliability,
        "credibility": evaluation.information_credibility,
    })  # fmt: skip
    return _as_grade(opinion, evaluation, node, party, party)


def _as_grade(
    body: Mapping[str, Any], evaluation: Evaluation, node: str, origin_party: str, own_party: str
) -> Grade:
    """An opinion carrying `evaluation`, stored by `node` of `origin_party`, as a grade."""
    return Grade(
        id=body["id"], object_id=body["object_refs"][0],
        direction="given" if origin_party == own_party else "received",
        grader=(body.get("authors") or [""])[0], node=node, party=origin_party,
        reliability=evaluation.source_reliability,
        credibility=evaluation.information_credibility,
        confidence=body.get("confidence"), opinion=body["opinion"],
        comment=body.get("explanation"), created=body["created"],
    )  # fmt: skip


def _grade_of(
    body: Mapping[str, Any], node: str, origin_party: str, own_party: str
) -> Grade | None:
    """A stored opinion read as a grade; None for an opinion that carries no evaluation."""
    handling = handling_of(body)
    if handling is None or handling.evaluation is None or not body.get("object_refs"):
        return None
    return _as_grade(body, handling.evaluation, node, origin_party, own_party)


def _originated(session: Session, party: str, object_ids: set[str]) -> set[str]:
    """Which of `object_ids` this node holds as originated by `party`."""
    ordered = sorted(object_ids)
    found: set[str] = set()
    for start in range(0, len(ordered), 500):
        found.update(
            session.scalars(
                select(StixObject.id).where(
                    StixObject.id.in_(ordered[start : start + 500]),
                    StixObject.origin_party == party,
                )
            )
        )
    return found


def list_grades(
    session: Session, viewer: Viewer, party: str, object_id: str | None = None
) -> list[Grade]:
    """Grades given by this node's party, and received for objects it originated, oldest first.

    Read from the exchange collection through the viewer's visibility clause; the newest stored
    version of each grade counts. `object_id` keeps only the grades of that object.
    """
    collection = session.scalar(select(Collection).where(Collection.name == EXCHANGE_COLLECTION))
    if collection is None:
        return []
    rows = session.execute(
        select(StixObject.body, StixObject.origin_node, StixObject.origin_party)
        .where(
            StixObject.collection_id == collection.id,
            StixObject.type == "opinion",
            collection_access(session, viewer, collection).clause(viewer),
        )
        .order_by(StixObject.date_added)
    )
    latest: dict[str, Grade] = {}
    for body, node, origin_party in rows:
        grade = _grade_of(body, node, origin_party, party)
        if grade is not None and object_id in (None, grade.object_id):
            latest[grade.id] = grade
    ours = _originated(
        session, party, {g.object_id for g in latest.values() if g.direction == "received"}
    )
    grades = [g for g in latest.values() if g.direction == "given" or g.object_id in ours]
    return sorted(grades, key=lambda grade: (grade.created, grade.id))
