"""`liaison export --format suricata`: a collection's current indicators as Suricata rules.

Current means the latest stored version of each indicator, not revoked (withdrawn) and not past
its `valid_until`. The export is recorded in the audit log like a bundle export. With an output
file, the hash lists of hash rules are written to a folder beside it, `<stem>-hashes/`, which
Suricata finds when the rules file sits in its `default-rule-path`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.audit.log import LOCAL_ACTOR, record
from liaison.cyber.suricata import SID_BLOCK, SID_FIRST, SID_SLOTS, RuleSet, build_rules
from liaison.stix.timestamps import now_timestamp, version_key
from liaison.store.collections import find_collection
from liaison.store.database import Database
from liaison.store.query import ObjectFilter
from liaison.store.transfer import iter_objects

HASH_SUFFIXES = (".md5", ".sha1", ".sha256")


@dataclass(frozen=True, slots=True)
class SuricataExport:
    """The rules file's text, the rules behind it, and how many indicators were not current."""

    text: str
    rules: RuleSet
    inactive: int


def is_current(indicator: Mapping[str, Any], now: str) -> bool:
    """Whether a latest indicator version is neither revoked nor past its valid_until."""
    if indicator.get("revoked") is True:
        return False
    until = indicator.get("valid_until")
    return not isinstance(until, str) or version_key(until) > version_key(now)


def _header(collection: str, now: str, rules: RuleSet, hash_dir: str | None) -> list[str]:
    last = SID_FIRST + SID_SLOTS * SID_BLOCK - 1
    lines = [
        f"# liaison Suricata rules of collection {collection}, exported {now}",
        f"# {len(rules.rules)} rules for {rules.indicators} indicators; "
        f"{len(rules.skipped)} indicators skipped (patterns with no faithful rule)",
        f"# sids {SID_FIRST}-{last}, {SID_BLOCK} per indicator, derived from its id",
    ]
    if hash_dir is not None:
        lines.append(f"# hash lists in {hash_dir}/ (keep them beside this file)")
    return lines


def export_suricata(
    db: Database, collection_name: str, *, hash_dir: str | None, now: str | None = None
) -> SuricataExport:
    """Rules for the current indicators of a collection (recorded in the audit log).

    `hash_dir` is the folder, relative to the rules file, that hash rules name; None skips hash
    indicators (rules printed to stdout have nowhere to put their lists).
    """
    now = now or now_timestamp()
    latest = iter_objects(db, collection_name, ObjectFilter(types=("indicator",)))
    indicators, inactive = _current(latest, now)
    rules = build_rules(indicators, hash_dir=hash_dir)
    lines = _header(collection_name, now, rules, hash_dir) + [rule.text for rule in rules.rules]
    with db.session(write=True) as session:
        record(session, "objects.exported", LOCAL_ACTOR, {
            "collection": find_collection(session, collection_name).id, "format": "suricata",
            "objects": rules.indicators, "rules": len(rules.rules), "skipped": len(rules.skipped),
        })  # fmt: skip
    return SuricataExport("\n".join(lines) + "\n", rules, inactive)


def _current(objects: Iterable[dict[str, Any]], now: str) -> tuple[list[dict[str, Any]], int]:
    current: list[dict[str, Any]] = []
    inactive = 0
    for obj in objects:
        if is_current(obj, now):
            current.append(obj)
        else:
            inactive += 1
    return current, inactive


def hash_dir_for(output: Path) -> str:
    """The name of the hash-list folder beside a rules file."""
    return f"{output.stem}-hashes"


def write_suricata(output: Path, export: SuricataExport) -> int:
    """Write the rules file and its hash lists (replacing the lists of an earlier export)."""
    folder = output.parent / hash_dir_for(output)
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale.suffix in HASH_SUFFIXES and stale.is_file():
                stale.unlink()
    lists = [rule.hash_list for rule in export.rules.rules if rule.hash_list is not None]
    if lists:
        folder.mkdir(parents=True, exist_ok=True)
    for hash_list in lists:
        (output.parent / hash_list.name).write_text("\n".join(hash_list.hashes) + "\n")
    output.write_text(export.text)
    return len(lists)
