"""`liaison export --format suricata`: write the rules, then say what was left out and why."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from liaison.console import node_store, stderr, stdout
from liaison.cyber.suricata_export import export_suricata, hash_dir_for, write_suricata

SHOWN_SKIPPED = 20


def _report(export_lines: list[str], skipped: list[tuple[str, str]]) -> None:
    for line in export_lines:
        stderr.print(line, highlight=False, soft_wrap=True)
    for indicator_id, reason in skipped[:SHOWN_SKIPPED]:
        stderr.print(f"  skipped {indicator_id}: {escape(reason)}", highlight=False, soft_wrap=True)
    if len(skipped) > SHOWN_SKIPPED:
        stderr.print(
            f"  … and {len(skipped) - SHOWN_SKIPPED} more skipped", highlight=False, soft_wrap=True
        )


def export_suricata_command(collection: str, output: Path | None, directory: Path | None) -> None:
    """Write Suricata rules for a collection's current indicators to `output` or stdout."""
    hash_dir = hash_dir_for(output) if output is not None else None
    with node_store(directory) as (_settings, db):
        export = export_suricata(db, collection, hash_dir=hash_dir)
    rules = export.rules
    lines = [
        f"{len(rules.rules)} rules for {rules.indicators} indicators; "
        f"{len(rules.skipped)} indicators skipped; {export.inactive} revoked or expired left out"
    ]
    if output is None:
        typer.echo(export.text, nl=False)
    else:
        lists = write_suricata(output, export)
        stdout.print(f"wrote {len(rules.rules)} rules to {output}", highlight=False, soft_wrap=True)
        if lists:
            lines.append(f"wrote {lists} hash lists to {output.parent / hash_dir_for(output)}")
    _report(lines, [(s.indicator_id, s.reason) for s in rules.skipped])
