"""Re-importing IOCs: what an IOC row becomes when its indicator is already stored.

A CSV row always maps to the same indicator id. When the collection already holds that indicator,
the row either says nothing new (the stored version is kept: the import counts it as already
present) or changes something (a new version: same `created`, a later `modified`). A `valid_from`
that the row left to default keeps the stored one, so re-importing an unchanged file changes
nothing. A revoked (withdrawn) indicator stays revoked: STIX allows no version after revocation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from liaison.cyber.csv_iocs import RowIndicator
from liaison.stix.timestamps import key_to_micros, micros_to_timestamp, version_key

_VERSION_FIELDS = frozenset({"created", "modified"})


def _content(obj: Mapping[str, Any], *, with_valid_from: bool) -> dict[str, Any]:
    ignored = _VERSION_FIELDS if with_valid_from else _VERSION_FIELDS | {"valid_from"}
    return {key: value for key, value in obj.items() if key not in ignored}


def _later(now: str, stored_modified: str) -> str:
    """`now`, or one millisecond after `stored_modified` when that is not earlier than now."""
    if version_key(now) > version_key(stored_modified):
        return now
    micros = key_to_micros(version_key(stored_modified)) // 1000 * 1000 + 1000
    return micros_to_timestamp(micros)[:-4] + "Z"


def versioned(
    rows: Sequence[RowIndicator], stored: Mapping[str, Mapping[str, Any]], now: str
) -> list[dict[str, Any]]:
    """The objects to store for `rows`, given the latest stored version of each id in `stored`."""
    objects: list[dict[str, Any]] = []
    for row in rows:
        new = row.indicator
        old = stored.get(new["id"])
        if old is None:
            objects.append(new)
            continue
        same = _content(old, with_valid_from=row.valid_from_given) == _content(
            new, with_valid_from=row.valid_from_given
        )
        if same or old.get("revoked") is True:
            objects.append(dict(old))
            continue
        changed = {**new, "created": old["created"], "modified": _later(now, old["modified"])}
        if not row.valid_from_given:
            changed["valid_from"] = old["valid_from"]
        objects.append(changed)
    return objects
