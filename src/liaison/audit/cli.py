"""`liaison audit …`: verify the log, sign a head, check proofs offline, cross-check peers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from liaison.audit import merkle, proofs
from liaison.audit.heads import head_document, head_signature_valid, latest_head
from liaison.audit.log import SIGNER_INFO, attach_signer, log_size, sign_now
from liaison.audit.peers import PeerHeadStatus, check_peers, peer_status
from liaison.audit.verify import verify_log
from liaison.config import Settings
from liaison.console import (
    DirOption,
    JsonOption,
    emit_json,
    node_store,
    progress_bar,
    stderr,
    stdout,
)
from liaison.federation.keys import load_key
from liaison.federation.peers import list_peers
from liaison.store.models import TreeHead

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Check every entry, subtree hash and signed head; exit 1 naming the first bad entry."""
    with node_store(directory) as (settings, db), db.session() as session:
        public = load_key(settings.key_path).public_key()
        with progress_bar(enabled=not json_output) as bar:
            task = bar.add_task("verifying audit log", total=log_size(session))
            report = verify_log(session, public, lambda done: bar.update(task, completed=done))
    if json_output:
        emit_json({
            "ok": report.ok, "entries": report.entries, "heads": report.heads,
            "latest_head": report.latest_head, "first_bad_entry": report.first_bad_entry,
            "problems": report.problems,
        })  # fmt: skip
    elif report.ok:
        stdout.print(
            f"audit log sound: {report.entries} entries, {report.heads} signed heads "
            f"(latest covers {report.latest_head})",
            highlight=False,
        )
    else:
        for problem in report.problems:
            stderr.print(f"[red]tampered:[/red] {problem}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("sign")
def sign(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Sign a tree head over the whole log now."""
    with node_store(directory) as (settings, db):
        attach_signer(db, settings)
        with db.session(write=True) as session:
            signer = session.info[SIGNER_INFO]
            head = head_document(sign_now(session, signer))
    if json_output:
        emit_json(head)
    else:
        stdout.print(f"signed head: size {head['size']}, root {head['root_hash']}", highlight=False)


def _head_at(session: Session, size: int) -> TreeHead | None:
    return session.get(TreeHead, size)


def _check_head(settings: Settings, head: TreeHead | None, root: bytes) -> str:
    """'signed' when a valid head commits to `root`, 'unsigned' when there is none; else raise."""
    if head is None:
        return "unsigned"
    public = load_key(settings.key_path).public_key()
    if head.root_hash != root.hex() or not head_signature_valid(public, head):
        raise merkle.ProofError(f"the signed head of size {head.size} does not match the log")
    return "signed"


@contextmanager
def _proof_failure() -> Iterator[None]:
    """Turn a proof that does not check into one red line and exit status 1."""
    try:
        yield
    except merkle.ProofError as exc:
        stderr.print(f"[red]proof failed:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None


SizeOption = Annotated[
    int | None, typer.Option("--size", help="Tree size (default: the latest signed head's).")
]


@audit_app.command("prove")
def prove(
    index: Annotated[int, typer.Argument(help="Entry index.")],
    size: SizeOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Print the inclusion proof of entry INDEX and check it against the root."""
    with node_store(directory) as (settings, db), db.session() as session, _proof_failure():
        head = latest_head(session)
        tree = size or (head.size if head and head.size > index else log_size(session))
        proof = proofs.inclusion(session, index, tree)
        merkle.verify_inclusion(index, tree, proof.leaf_hash, proof.path, proof.root_hash)
        signed = _check_head(settings, _head_at(session, tree), proof.root_hash)
    result = {
        "index": index, "size": tree, "leaf_hash": proof.leaf_hash.hex(),
        "root_hash": proof.root_hash.hex(), "proof": [p.hex() for p in proof.path],
        "verified": True, "head": signed,
    }  # fmt: skip
    _print(result, json_output)


@audit_app.command("consistency")
def consistency(
    old: Annotated[int, typer.Argument(help="The smaller tree size.")],
    new: Annotated[int, typer.Argument(help="The larger tree size.")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Print the consistency proof between tree sizes OLD and NEW and check it."""
    with node_store(directory) as (settings, db), db.session() as session, _proof_failure():
        proof = proofs.consistency(session, old, new)
        merkle.verify_consistency(old, new, proof.first_root, proof.second_root, proof.path)
        heads = [
            _check_head(settings, _head_at(session, size), root)
            for size, root in ((old, proof.first_root), (new, proof.second_root))
        ]
    result = {
        "first": old, "second": new, "first_root": proof.first_root.hex(),
        "second_root": proof.second_root.hex(), "proof": [p.hex() for p in proof.path],
        "verified": True, "heads": heads,
    }  # fmt: skip
    _print(result, json_output)


def _print(result: dict[str, Any], json_output: bool) -> None:
    if json_output:
        emit_json(result)
        return
    for key, value in result.items():
        shown = "\n  ".join(value) if isinstance(value, list) else value
        stdout.print(f"{key}: {shown}", highlight=False)


@audit_app.command("peers")
def peers(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Fetch and check every peer's signed tree head now, then list them; exit 1 on an alarm."""
    errors: list[str] = []
    with node_store(directory) as (settings, db):
        with db.session() as session:
            known = list_peers(session)
        check_peers(db, settings, known, errors.append)
        with db.session() as session:
            statuses = [peer_status(session, peer.name) for peer in known]
    if json_output:
        emit_json({"peers": [status.document() for status in statuses], "errors": errors})
    else:
        for error in errors:
            stderr.print(f"[red]error:[/red] {error}", highlight=False)
        for status in statuses:
            _print_status(status)
    if any(status.alarm for status in statuses):
        raise typer.Exit(1)


def _when(micros: int | None) -> str:
    if micros is None:
        return "never"
    return datetime.fromtimestamp(micros / 1_000_000, UTC).isoformat(timespec="seconds")


def _print_status(status: PeerHeadStatus) -> None:
    """One peer's lines: its largest good head, the last check, and any alarm."""
    if status.size is None:
        line = f"{status.peer}: no head held"
    else:
        line = (
            f"{status.peer}: size {status.size}, root {status.root_hash}, "
            f"signed {_when(status.timestamp)}"
        )
    consistent = "yes" if status.consistent else "[red]NO[/red]"
    stdout.print(
        f"{line}, consistent {consistent}, last checked {_when(status.checked_at)}",
        highlight=False,
    )
    if status.alarm:
        stdout.print(f"  [red]alarm:[/red] {status.alarm}", highlight=False)
