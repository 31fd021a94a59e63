"""`liaison grade` and `liaison grades`: grade what the node received; see how ours was graded.

The CLI acts as the node's operator (`local`, of the node's party): it grades objects that party
may see, and lists what the party's grades and the grades its own objects received.
"""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR
from liaison.config import Settings
from liaison.console import DirOption, JsonOption, emit_json, node_store, print_table, stdout
from liaison.exchange.grades import Grade, grade_object, list_grades, parse_evaluation


def _operator(settings: Settings) -> Viewer:
    """The node's operator as a viewer of the node's party."""
    return Viewer(LOCAL_ACTOR, settings.party)


def _code(grade: Grade) -> str:
    return f"{grade.reliability}{grade.credibility}"


def grade_command(
    object_id: Annotated[str, typer.Argument(help="Id of a received STIX object.")],
    reliability: Annotated[
        str, typer.Option("--reliability", help="Admiralty source reliability, A-F.")
    ],
    credibility: Annotated[
        int, typer.Option("--credibility", help="Admiralty information credibility, 1-6.")
    ],
    comment: Annotated[
        str | None, typer.Option("--comment", help="Free text for the originator.")
    ] = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Grade a received object; sync carries the grade to its originator."""
    evaluation = parse_evaluation(reliability, credibility)
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        grade = grade_object(
            session, node=settings.node_name, party=settings.party, grader=_operator(settings),
            object_id=object_id, evaluation=evaluation, comment=comment,
        )  # fmt: skip
    if json_output:
        emit_json(grade.as_json())
        return
    confidence = "no confidence" if grade.confidence is None else f"confidence {grade.confidence}"
    stdout.print(
        f"graded {grade.object_id} {_code(grade)} ({confidence}): {grade.id}", highlight=False
    )


def grades_command(
    object_id: Annotated[
        str | None, typer.Option("--object", help="Only the grades of this object.")
    ] = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """List grades given by this node's party and received for objects it originated."""
    with node_store(directory) as (settings, db), db.session() as session:
        grades = list_grades(session, _operator(settings), settings.party, object_id)
    if json_output:
        emit_json({"grades": [grade.as_json() for grade in grades]})
        return
    print_table(
        ("when", "direction", "object", "grade", "confidence", "grader", "comment"),
        [
            (
                g.created, g.direction, g.object_id, _code(g),
                "" if g.confidence is None else str(g.confidence),
                f"{g.grader}@{g.node} ({g.party})", g.comment or "",
            )
            for g in grades
        ],
    )  # fmt: skip
