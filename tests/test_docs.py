"""Docs that cannot drift: every CLI command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import typer

from liaison.cli import app
from liaison.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(typer_app: typer.Typer, prefix: str = "liaison") -> list[str]:
    names = []
    for command in typer_app.registered_commands:
        names.append(f"{prefix} {command.name or command.callback.__name__}")  # type: ignore[union-attr]
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, f"{prefix} {group.name}")  # type: ignore[arg-type]
    return names


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    commands = _commands(app)
    assert len(commands) >= 6
    missing = [name for name in commands if f"`{name}`" not in text]
    assert missing == []


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"`{name}`" not in text]
    assert missing == []
