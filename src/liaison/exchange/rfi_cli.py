"""`liaison rfi …`: requests for information, acting as this node (its `party`, `node_name`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liaison.audit.log import LOCAL_ACTOR
from liaison.config import Settings
from liaison.console import DirOption, JsonOption, emit_json, node_store
from liaison.exchange.rfi_model import RfiStatus
from liaison.exchange.rfi_service import Acting, RfiRequest, act_on_rfi, list_rfis, send_rfi
from liaison.exchange.rfi_service import show_rfi as show_one
from liaison.exchange.tables import print_whole
from liaison.stix.rfi import PILLARS, PRIORITIES

rfi_app = typer.Typer(
    help="Requests for information to and from the peer party.", no_args_is_help=True
)

QUESTION_WIDTH = 60
IdArgument = Annotated[str, typer.Argument(help="The RFI's id (liaison-rfi--…).")]
RefOption = Annotated[
    list[str] | None,
    typer.Option("--ref", help="Id of a shared object it refers to (repeatable)."),
]


def _as_node(settings: Settings) -> Acting:
    """The CLI acts as the node itself, for its party."""
    return Acting(
        settings.node_name, settings.party, LOCAL_ACTOR, settings.release.require_evaluation
    )


def _show(status: RfiStatus, json_output: bool) -> None:
    if json_output:
        emit_json(status.as_json())
        return
    shown = status.as_json()
    table = Table(show_header=False, title=f"RFI {status.rfi.id}", title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    state = shown["state"] + (" (overdue)" if shown["overdue"] else "")
    for name, value in (
        ("state", state), ("from → to", f"{shown['from']} → {shown['to']}"),
        ("pillar", shown["pillar"]), ("priority", shown["priority"]), ("due", shown["due"]),
        ("question", shown["question"]), ("purpose", shown["purpose"]),
        ("legal basis", shown["legal_basis"]), ("refers to", ", ".join(shown["refs"])),
        ("sent", shown["sent_at"]), ("acknowledged", shown["acknowledged_at"]),
        ("answered", shown["answered_at"]), ("closed", shown["closed_at"]),
        ("declined", shown["declined_at"]), ("decline reason", shown["decline_reason"]),
        ("answer", shown["answer"] and shown["answer"]["text"]),
        ("answer refers to", shown["answer"] and ", ".join(shown["answer"]["refs"])),
    ):  # fmt: skip
        if value:
            table.add_row(name, str(value))
    print_whole(table)


def _acted(
    directory: Path | None,
    rfi_id: str,
    event_type: str,
    json_output: bool,
    *,
    text: str | None = None,
    reason: str | None = None,
    refs: list[str] | None = None,
) -> None:
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        status = act_on_rfi(
            session, _as_node(settings), rfi_id, event_type, text=text, reason=reason, refs=refs
        )
    _show(status, json_output)


@rfi_app.command("send")
def rfi_send(
    to: Annotated[str, typer.Option("--to", help="The party asked, e.g. in.")],
    pillar: Annotated[str, typer.Option("--pillar", help=f"One of {', '.join(PILLARS)}.")],
    priority: Annotated[str, typer.Option("--priority", help=f"One of {', '.join(PRIORITIES)}.")],
    due: Annotated[str, typer.Option("--due", help="YYYY-MM-DD (end of day, UTC) or a timestamp.")],
    question: Annotated[str, typer.Option("--question", help="What is asked.")],
    purpose: Annotated[str | None, typer.Option("--purpose", help="Why it is asked.")] = None,
    legal_basis: Annotated[
        str | None, typer.Option("--legal-basis", help="The legal basis of the request.")
    ] = None,
    ref: RefOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Ask the peer party a question; it reaches the peer with the next sync."""
    request = RfiRequest(to, pillar, priority, due, question, purpose, legal_basis, ref or [])
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        status = send_rfi(session, _as_node(settings), request)
    _show(status, json_output)


@rfi_app.command("list")
def rfi_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List the RFIs this node's party asked or was asked, with their state."""
    with node_store(directory) as (settings, db), db.session() as session:
        statuses = list_rfis(session, _as_node(settings).viewer)
    if json_output:
        emit_json({"rfis": [status.as_json() for status in statuses]})
        return
    table = Table("id", "from → to", "pillar", "priority", "due", "state")
    table.add_column("question", max_width=QUESTION_WIDTH, no_wrap=True, overflow="ellipsis")
    for status in statuses:
        rfi = status.rfi
        state = status.state.value + (" (overdue)" if status.overdue else "")
        table.add_row(
            rfi.id, f"{rfi.requester} → {rfi.addressee}", rfi.pillar, rfi.priority, rfi.due,
            state, rfi.question,
        )  # fmt: skip
    print_whole(table)


@rfi_app.command("show")
def rfi_show(
    rfi_id: IdArgument, directory: DirOption = None, json_output: JsonOption = False
) -> None:
    """Show one RFI: its request, state, answer and timestamps."""
    with node_store(directory) as (settings, db), db.session() as session:
        status = show_one(session, _as_node(settings).viewer, rfi_id)
    _show(status, json_output)


@rfi_app.command("ack")
def rfi_ack(
    rfi_id: IdArgument, directory: DirOption = None, json_output: JsonOption = False
) -> None:
    """Acknowledge an RFI addressed to this node's party."""
    _acted(directory, rfi_id, "acknowledge", json_output)


@rfi_app.command("answer")
def rfi_answer(
    rfi_id: IdArgument,
    text: Annotated[str, typer.Option("--text", help="The answer.")],
    ref: RefOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Answer an RFI addressed to this node's party, optionally referring to shared objects."""
    _acted(directory, rfi_id, "answer", json_output, text=text, refs=ref)


@rfi_app.command("decline")
def rfi_decline(
    rfi_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why it is declined.")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Decline an RFI addressed to this node's party, with a reason."""
    _acted(directory, rfi_id, "decline", json_output, reason=reason)


@rfi_app.command("close")
def rfi_close(
    rfi_id: IdArgument, directory: DirOption = None, json_output: JsonOption = False
) -> None:
    """Close an RFI this node's party asked."""
    _acted(directory, rfi_id, "close", json_output)
