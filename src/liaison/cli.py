"""The `liaison` command: assembles each capability's sub-app and turns errors into one line."""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from liaison import __version__
from liaison.access.cli import party_app, token_app, user_app
from liaison.audit.cli import audit_app
from liaison.config import load_settings, resolve_dir
from liaison.console import CliState, DirOption, JsonOption, emit_json, report_error, stdout
from liaison.cyber.match_cli import match_command
from liaison.demo.cli import demo_app
from liaison.exchange.grade_cli import grade_command, grades_command
from liaison.exchange.rfi_cli import rfi_app
from liaison.exchange.stats_cli import stats_command
from liaison.federation.cli import peer_app
from liaison.federation.sync_cli import sync_command
from liaison.fraud.cli import fraud_app
from liaison.networks.cli import network_app
from liaison.node import initialise_node
from liaison.precursors.cli import screen_command
from liaison.store.cli import db_app, export_command, import_command
from liaison.store.collection_cli import collection_app
from liaison.store.lifecycle_cli import retention_app, withdraw_command
from liaison.tls import uvicorn_tls_arguments

app = typer.Typer(
    name="liaison",
    help="Bilateral intelligence exchange over STIX 2.1 / TAXII 2.1.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(party_app, name="party")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(collection_app, name="collection")
app.add_typer(peer_app, name="peer")
app.add_typer(audit_app, name="audit")
app.add_typer(rfi_app, name="rfi")
app.add_typer(retention_app, name="retention")
app.add_typer(fraud_app, name="fraud")
app.add_typer(network_app, name="network")
app.command("import")(import_command)
app.command("export")(export_command)
app.command("sync")(sync_command)
app.command("grade")(grade_command)
app.command("grades")(grades_command)
app.command("stats")(stats_command)
app.command("withdraw")(withdraw_command)
app.command("match")(match_command)
app.command("screen")(screen_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"liaison {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """liaison: share intelligence between agencies, with the originator in control."""
    CliState.debug = debug


def _default_node_name() -> str:
    name = re.sub(r"[^a-z0-9_.-]", "-", socket.gethostname().lower()).strip("-.")
    return name[:63] or "node"


@app.command("init")
def init(
    directory: DirOption = None,
    node_name: Annotated[str | None, typer.Option("--node-name", help="This node's name.")] = None,
    party: Annotated[
        str, typer.Option("--party", help="This node's party, e.g. ca or in.")
    ] = "local",
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8600,
    json_output: JsonOption = False,
) -> None:
    """Create a node: settings, Ed25519 key, store, admin principal and its API token."""
    node = initialise_node(
        resolve_dir(directory), node_name or _default_node_name(), party, host=host, port=port
    )
    if json_output:
        emit_json({
            "dir": str(node.dir), "node": node.node, "party": node.party, "url": node.url,
            "public_key": node.public_key, "admin_user": node.admin_user,
            "admin_token": node.admin_token,
        })  # fmt: skip
        return
    stdout.print(f"node [bold]{node.node}[/bold] (party {node.party}) created in {node.dir}")
    stdout.print(f"public key: {node.public_key}", highlight=False)
    stdout.print(f"admin API token (shown once, stored hashed): [bold]{node.admin_token}[/bold]")
    stdout.print(f"serve it with: liaison serve --dir {node.dir}", highlight=False)


TlsCertOption = Annotated[
    Path | None, typer.Option("--tls-cert", help="PEM certificate chain: serve HTTPS.")
]
TlsKeyOption = Annotated[Path | None, typer.Option("--tls-key", help="PEM key of --tls-cert.")]
TlsClientCaOption = Annotated[
    Path | None,
    typer.Option("--tls-client-ca", help="PEM CA bundle: require client certificates it signed."),
]


@app.command("serve")
def serve(
    directory: DirOption = None,
    host: Annotated[str | None, typer.Option("--host", help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port.")] = None,
    tls_cert: TlsCertOption = None,
    tls_key: TlsKeyOption = None,
    tls_client_ca: TlsClientCaOption = None,
) -> None:
    """Serve the node over HTTP, or HTTPS with --tls-cert/--tls-key (mutual TLS with a client CA)."""
    import uvicorn

    from liaison.app import create_app

    settings = load_settings(resolve_dir(directory))
    given = {
        "host": host, "port": port,
        "tls_cert": tls_cert and tls_cert.resolve(), "tls_key": tls_key and tls_key.resolve(),
        "tls_client_ca": tls_client_ca and tls_client_ca.resolve(),
    }  # fmt: skip
    settings = settings.model_copy(update={k: v for k, v in given.items() if v is not None})
    tls = uvicorn_tls_arguments(settings)
    mutual = " (mutual TLS: client certificates required)" if "ssl_ca_certs" in tls else ""
    stdout.print(
        f"liaison node {settings.node_name} serving on {settings.base_url}{mutual}",
        highlight=False,
    )
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level="warning", **tls
    )


def main() -> None:
    """Entry point of the `liaison` script."""
    try:
        app()
    except SystemExit:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            sys.exit(130)
        sys.exit(report_error(exc))
