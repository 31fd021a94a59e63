"""CLI plumbing shared by every sub-app: the --dir option, JSON output, progress, one-line errors."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from liaison.config import Settings, load_settings, resolve_dir
from liaison.errors import InvalidStix, LiaisonError
from liaison.store.database import Database
from liaison.store.migrate import open_store

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="Node directory (default: $LIAISON_DIR or ./.liaison)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]
ReleasableOption = Annotated[
    list[str] | None,
    typer.Option("--releasable-to", help="Party the share is released to (repeat), e.g. in."),
]
PurposeOption = Annotated[str | None, typer.Option("--purpose", help="Why it is shared.")]
LegalBasisOption = Annotated[
    str | None, typer.Option("--legal-basis", help="The legal basis of the share.")
]
EvaluationOption = Annotated[
    str | None,
    typer.Option(
        "--evaluation",
        help="Admiralty grade of what is shared, e.g. B2 (needed abroad with "
        "release.require_evaluation).",
    ),
]
CaveatOption = Annotated[
    list[str] | None, typer.Option("--caveat", help="A caveat on what is shared (repeat).")
]

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True)


class CliState:
    """Process-wide CLI flags set by the top-level callback."""

    debug: bool = False


def emit_json(value: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(orjson.dumps(value).decode() + "\n")
    sys.stdout.flush()


def print_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Print rows as plain aligned columns on stdout, never truncated (human `list` output)."""
    widths = [max(len(cell) for cell in column) for column in zip(columns, *rows, strict=True)]
    for line in (columns, *rows):
        text = "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        stdout.print(text.rstrip(), highlight=False, markup=False)


@contextmanager
def node_store(directory: Path | None) -> Iterator[tuple[Settings, Database]]:
    """The settings and the opened, schema-checked store of a node directory."""
    settings = load_settings(resolve_dir(directory))
    db = open_store(settings.store_url)
    try:
        yield settings, db
    finally:
        db.dispose()


def progress_bar(*, enabled: bool = True) -> Progress:
    """A Rich progress bar on stderr (stdout stays clean for --json)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=not enabled,
        transient=False,
    )


def report_error(exc: BaseException) -> int:
    """Print an error as one line (or a traceback with --debug) and return the exit status."""
    if CliState.debug:
        traceback.print_exception(exc)
    if isinstance(exc, InvalidStix):
        for problem in exc.problems[:20]:
            stderr.print(
                f"[red]error:[/red] {escape(str(problem))}",
                markup=True,
                highlight=False,
                soft_wrap=True,
            )
        if len(exc.problems) > 20:
            stderr.print(f"[red]error:[/red] … {len(exc.problems) - 20} more problems", markup=True)
        return 1
    if isinstance(exc, LiaisonError):
        message = exc.message
    else:
        message = f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"
    stderr.print(
        f"[red]error:[/red] {escape(message)}", markup=True, highlight=False, soft_wrap=True
    )
    return 1
