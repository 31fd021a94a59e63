"""Rich tables on stdout, never cut to the terminal's width (ids must stay whole to be copied)."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from liaison.console import stdout

UNBOUNDED = 10_000


def print_whole(table: Table) -> None:
    """Print `table` at its natural width when the terminal is narrower than that."""
    natural = Measurement.get(stdout, stdout.options.update_width(UNBOUNDED), table).maximum
    if natural <= stdout.width:
        stdout.print(table)
    else:
        Console(width=natural, soft_wrap=True).print(table)
