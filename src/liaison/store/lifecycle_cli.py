"""CLI of an object's end of life: `liaison withdraw ID --reason TEXT`, `liaison retention run`."""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.audit.log import LOCAL_ACTOR
from liaison.console import DirOption, JsonOption, emit_json, node_store, progress_bar, stdout
from liaison.stix.timestamps import now_micros
from liaison.store.retention import count_expired, purge_expired
from liaison.store.withdrawal import withdraw_object

retention_app = typer.Typer(help="Purge objects past their retain-until.", no_args_is_help=True)


def withdraw_command(
    object_id: Annotated[str, typer.Argument(help="The STIX id of an object this node shared.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (sent to peers).")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Withdraw an object this node originated: peers stop serving it once they sync."""
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        withdrawal = withdraw_object(
            session, object_id, reason, node=settings.node_name, actor=LOCAL_ACTOR
        )
    if json_output:
        emit_json(withdrawal.as_json())
        return
    stdout.print(
        f"withdrew {withdrawal.id}: revoked version {withdrawal.version} stored in "
        f"{len(withdrawal.collections)} collection(s); peers drop it at their next sync",
        highlight=False,
    )


@retention_app.command("run")
def retention_run(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Purge every stored version whose retain-until has passed, recording each in the audit log."""
    now = now_micros()
    with node_store(directory) as (_settings, db):
        total = count_expired(db, now)
        with progress_bar(enabled=not json_output and total > 0) as bar:
            task = bar.add_task("purging expired objects", total=total)
            report = purge_expired(
                db, now=now, actor=LOCAL_ACTOR, progress=lambda n: bar.advance(task, n)
            )
    if json_output:
        emit_json(report.as_json())
        return
    stdout.print(
        f"purged {report.purged} expired object versions from "
        f"{len(report.collections)} collection(s)",
        highlight=False,
    )
