"""The indicator sources `liaison import --format` reads: STIX files, MISP event JSON, IOC CSV.

Each format is a reader from a path to the STIX objects to store; `liaison.store.transfer` then
stores each file's objects in one transaction, through the same admission checks as any import.
CSV rows are versioned against what the collection already holds (see `ioc_versions`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from liaison.cyber.csv_iocs import read_ioc_csv
from liaison.cyber.ioc_versions import versioned
from liaison.errors import InvalidInput, ObjectProblem
from liaison.stix.files import read_stix_file
from liaison.stix.timestamps import now_timestamp
from liaison.store.database import Database
from liaison.store.transfer import latest_versions

IMPORT_FORMATS = ("stix", "misp", "csv")
Reader = Callable[[Path], list[Any]]
DroppedCallback = Callable[[Path, list[ObjectProblem]], None]


def _csv_objects(db: Database, collection_name: str, path: Path) -> list[Any]:
    now = now_timestamp()
    rows = read_ioc_csv(path, now=now)
    stored = latest_versions(db, collection_name, [row.indicator["id"] for row in rows])
    return list(versioned(rows, stored, now))


def _misp_objects(on_dropped: DroppedCallback | None, path: Path) -> list[Any]:
    from liaison.cyber.misp_import import read_misp_file  # misp-stix takes a second to import

    return list(read_misp_file(path, on_dropped))


def source_reader(
    fmt: str, db: Database, collection_name: str, on_dropped: DroppedCallback | None = None
) -> Reader:
    """The reader of format `fmt`; `on_dropped` hears of MISP objects our validator rejected."""
    if fmt == "stix":
        return read_stix_file
    if fmt == "misp":
        return partial(_misp_objects, on_dropped)
    if fmt == "csv":
        return partial(_csv_objects, db, collection_name)
    raise InvalidInput(f"unknown import format '{fmt}' (use {', '.join(IMPORT_FORMATS)})")
