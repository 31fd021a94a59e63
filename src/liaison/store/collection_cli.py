"""CLI of collections: `liaison collection add | set | grant | list`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from liaison.console import DirOption, JsonOption, emit_json, node_store, print_table, stdout
from liaison.errors import InvalidInput
from liaison.stix.tlp import Tlp, parse_tlp
from liaison.store.collections import (
    create_collection,
    find_collection,
    grants_of,
    list_collections,
    set_grant,
    set_pillar,
)
from liaison.store.models import Collection

collection_app = typer.Typer(help="Collections and the parties' grants.", no_args_is_help=True)


def _tlp(text: str | None) -> Tlp | None:
    if text is None:
        return None
    try:
        return parse_tlp(text)
    except ValueError as exc:
        raise InvalidInput(f"--default-tlp: {exc}") from None


def _describe(session: Session, collection: Collection) -> dict[str, Any]:
    grants = [
        {"party": g.party, "read": g.can_read, "write": g.can_write}
        for g in grants_of(session, collection)
    ]
    return {
        "id": collection.id, "name": collection.name, "description": collection.description,
        "default_tlp": collection.default_tlp, "pillar": collection.pillar, "grants": grants,
    }  # fmt: skip


def _label(default_tlp: str | None) -> str:
    return Tlp(default_tlp).label if default_tlp else "-"


def _rights(read: bool, write: bool) -> str:
    return "+".join(right for right, held in (("read", read), ("write", write)) if held) or "none"


def _grants_text(grants: list[dict[str, Any]]) -> str:
    return ", ".join(f"{g['party']}:{_rights(g['read'], g['write'])}" for g in grants) or "-"


@collection_app.command("add")
def collection_add(
    name: Annotated[str, typer.Argument(help="Collection name.")],
    default_tlp: Annotated[
        str | None,
        typer.Option("--default-tlp", help="TLP of unmarked objects (none: they are rejected)."),
    ] = None,
    description: Annotated[str, typer.Option("--description", help="Free text.")] = "",
    pillar: Annotated[
        str | None,
        typer.Option("--pillar", help="drugs, cyber, immigration-fraud or other (for `stats`)."),
    ] = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a collection owned (read and write) by this node's party."""
    level = _tlp(default_tlp)
    with node_store(directory) as (settings, db), db.session(write=True) as session:
        collection = create_collection(
            session, name, owner_party=settings.party, description=description,
            default_tlp=level, pillar=pillar,
        )  # fmt: skip
        shown = _describe(session, collection)
    if json_output:
        emit_json(shown)
        return
    default = level.label if level else "none (unmarked objects are rejected)"
    stdout.print(
        f"collection {shown['name']} ({shown['id']}) added; default TLP {default}",
        highlight=False,
    )


@collection_app.command("set")
def collection_set(
    name: Annotated[str, typer.Argument(help="Collection name or id.")],
    pillar: Annotated[
        str,
        typer.Option("--pillar", help="drugs, cyber, immigration-fraud or other (for `stats`)."),
    ],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a collection's pillar, e.g. of one `liaison sync` created (audited)."""
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        collection = find_collection(session, name)
        set_pillar(session, collection, pillar)
        shown = _describe(session, collection)
    if json_output:
        emit_json(shown)
        return
    stdout.print(f"collection {shown['name']}: pillar {shown['pillar']}", highlight=False)


@collection_app.command("grant")
def collection_grant(
    name: Annotated[str, typer.Argument(help="Collection name or id.")],
    party: Annotated[str, typer.Option("--party", help="The party to grant to.")],
    read: Annotated[bool, typer.Option("--read", help="May read.")] = False,
    write: Annotated[bool, typer.Option("--write", help="May write.")] = False,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set exactly these rights for a party (neither --read nor --write withdraws the grant)."""
    with node_store(directory) as (_settings, db), db.session(write=True) as session:
        collection = find_collection(session, name)
        set_grant(session, collection, party, read=read, write=write)
    if json_output:
        emit_json({
            "collection": collection.name, "id": collection.id, "party": party,
            "read": read, "write": write,
        })  # fmt: skip
    elif read or write:
        stdout.print(f"{party} may {_rights(read, write)} {collection.name}", highlight=False)
    else:
        stdout.print(f"grant of {party} on {collection.name} withdrawn", highlight=False)


@collection_app.command("list")
def collection_list(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """List collections with their ids, default TLP and grants."""
    with node_store(directory) as (_settings, db), db.session() as session:
        rows = [_describe(session, collection) for collection in list_collections(session)]
    if json_output:
        emit_json({"collections": rows})
        return
    print_table(
        ("collection", "id", "default TLP", "grants"),
        [(r["name"], r["id"], _label(r["default_tlp"]), _grants_text(r["grants"])) for r in rows],
    )
