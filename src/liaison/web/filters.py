"""Template filters: how stored values read on a page (times, TLP badges, summaries, grades)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from liaison.stix.extensions import HANDLING_EXTENSION_ID
from liaison.stix.timestamps import micros_to_datetime

SUMMARY_MAX = 140


def when(micros: int | None) -> str:
    """Microseconds since the epoch as `YYYY-MM-DD HH:MM UTC` ('' for None)."""
    if micros is None:
        return ""
    return micros_to_datetime(micros).strftime("%Y-%m-%d %H:%M UTC")


def tlp_class(tlp: str | None) -> str:
    """The CSS class of a TLP badge (`tlp-amber-strict`, …; `tlp-none` when unmarked)."""
    return "tlp-" + (tlp or "none").replace("+", "-")


def tlp_label(tlp: str | None) -> str:
    """The TLP label as people write it (TLP:AMBER+STRICT), or 'unmarked'."""
    return f"TLP:{tlp.upper()}" if tlp else "unmarked"


def handling(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The object's liaison handling extension ({} when it has none)."""
    extensions = body.get("extensions")
    found = extensions.get(HANDLING_EXTENSION_ID) if isinstance(extensions, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def evaluation(body: Mapping[str, Any]) -> str:
    """The originator's Admiralty grade (e.g. 'B2') from the handling extension, or ''."""
    graded = handling(body).get("evaluation")
    if not isinstance(graded, Mapping):
        return ""
    return f"{graded.get('source_reliability', '')}{graded.get('information_credibility', '')}"


def summary(body: Mapping[str, Any]) -> str:
    """A one-line description of an object: its name, pattern, content or value."""
    for key in (
        "name",
        "relationship_type",
        "pattern",
        "content",
        "value",
        "opinion",
        "question",
        "description",
    ):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value if len(value) <= SUMMARY_MAX else value[: SUMMARY_MAX - 1] + "…"
    return str(body.get("type", "object"))


def pairs(values: Iterable[str]) -> list[tuple[str, str]]:
    """Options whose value is their text: `[(v, v), …]`."""
    return [(value, value) for value in values]


FILTERS: dict[str, Callable[..., Any]] = {
    "when": when,
    "tlp_class": tlp_class,
    "tlp_label": tlp_label,
    "evaluation": evaluation,
    "summary": summary,
    "handling": handling,
}
