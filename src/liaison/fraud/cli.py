"""`liaison fraud …`: the immigration pillar's commands, assembled from their own modules."""

from __future__ import annotations

import typer

from liaison.fraud.er_cli import dedupe_command, explain_command, link_command, load_command
from liaison.fraud.pprl_cli import encode_command, match_remote_command
from liaison.fraud.rings_cli import rings_command

fraud_app = typer.Typer(
    help="Visa-application records, entity resolution, fraud rings, cross-border matching.",
    no_args_is_help=True,
)
fraud_app.command("load")(load_command)
fraud_app.command("link")(link_command)
fraud_app.command("dedupe")(dedupe_command)
fraud_app.command("explain")(explain_command)
fraud_app.command("rings")(rings_command)
fraud_app.command("encode")(encode_command)
fraud_app.command("match-remote")(match_remote_command)
