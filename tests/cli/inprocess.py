"""Running the `liaison` CLI in-process (typer's CliRunner) against a node directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from liaison.cli import app
from liaison.errors import LiaisonError

runner = CliRunner()


def run(node: Path, *args: str, stdin: str | None = None) -> Result:
    """Invoke the CLI in-process against `node`."""
    return runner.invoke(app, [*args, "--dir", str(node)], input=stdin)


def ok(node: Path, *args: str, stdin: str | None = None) -> dict[str, Any]:
    """Run a command with --json, expect success, return its one JSON object."""
    result = run(node, *args, "--json", stdin=stdin)
    assert result.exit_code == 0, (result.output, result.exception)
    value: dict[str, Any] = json.loads(result.stdout)
    return value


def fails(node: Path, error: type[LiaisonError], *args: str, stdin: str | None = None) -> str:
    """Run a command, expect it to raise `error`, return the error's message."""
    result = run(node, *args, stdin=stdin)
    assert result.exit_code == 1
    assert isinstance(result.exception, error), result.exception
    return result.exception.message
