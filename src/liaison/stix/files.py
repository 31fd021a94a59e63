"""Reading STIX from files: a bundle, a single object, a JSON array, or JSON lines (.jsonl).

Errors name the file and, for JSON lines, the line, so a user can find the fault at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from liaison.bulk import cycle_collector_paused
from liaison.errors import InvalidInput, InvalidStix, ObjectProblem
from liaison.stix.validate import bundle_envelope_problems


def _json_error(path: Path, exc: orjson.JSONDecodeError, line: int | None = None) -> InvalidInput:
    where = f"{path}:{line}" if line is not None else str(path)
    return InvalidInput(
        f"{where}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    )


def objects_from_document(document: Any, source: str) -> list[Any]:
    """The STIX objects of one parsed JSON document (bundle, array or single object)."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and document.get("type") == "bundle":
        envelope = bundle_envelope_problems(document)
        if envelope:
            raise InvalidStix(envelope)
        return list(document.get("objects") or [])
    if isinstance(document, dict):
        return [document]
    raise InvalidStix([ObjectProblem("", "", f"{source} holds neither a bundle nor STIX objects")])


def read_stix_file(path: Path) -> list[Any]:
    """Every STIX object in `path` (not yet validated), or a one-line error naming the fault."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: {exc.strerror or exc}") from None
    with cycle_collector_paused():
        if path.suffix in (".jsonl", ".ndjson"):
            return _json_lines(path, data)
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise _json_error(path, exc) from None
    return objects_from_document(document, str(path))


def _json_lines(path: Path, data: bytes) -> list[Any]:
    objects: list[Any] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            try:
                objects.append(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                raise _json_error(path, exc, number) from None
    return objects
