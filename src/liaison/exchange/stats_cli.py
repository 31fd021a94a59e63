"""`liaison stats`: the exchange figures of this node (`liaison.exchange.stats`)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR
from liaison.console import DirOption, JsonOption, emit_json, node_store
from liaison.exchange.stats import exchange_figures
from liaison.exchange.tables import print_whole


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} s"


def _print(figures: dict[str, Any]) -> None:
    objects = Table("direction", "party", "pillar", "month", "objects", title="Objects shared")
    for row in figures["objects"]:
        objects.add_row(
            row["direction"], row["party"], row["pillar"], row["month"], str(row["objects"])
        )
    print_whole(objects)
    rfis = figures["rfis"]
    states = Table(*rfis["by_state"], "overdue", "total", title="RFIs by state")
    states.add_row(*(str(n) for n in rfis["by_state"].values()), str(rfis["overdue"]),
                   str(rfis["total"]))  # fmt: skip
    print_whole(states)
    times = Table(
        "pillar", "acknowledged", "median", "p90", "answered", "median", "p90",
        title="Time to acknowledge and to answer",
    )  # fmt: skip
    for row in figures["rfi_times"]:
        ack, answer = row["acknowledge"], row["answer"]
        times.add_row(
            row["pillar"], str(ack["count"]), _seconds(ack["median_seconds"]),
            _seconds(ack["p90_seconds"]), str(answer["count"]),
            _seconds(answer["median_seconds"]), _seconds(answer["p90_seconds"]),
        )  # fmt: skip
    print_whole(times)


def stats_command(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Exchange figures: objects shared each way per pillar and month, RFIs, response times."""
    with node_store(directory) as (settings, db), db.session() as session:
        viewer = Viewer(LOCAL_ACTOR, settings.party)
        figures = exchange_figures(
            session, settings.party, viewer,
            require_evaluation=settings.release.require_evaluation,
        )  # fmt: skip
    if json_output:
        emit_json(figures)
    else:
        _print(figures)
