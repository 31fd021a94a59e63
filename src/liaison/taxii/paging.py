"""TAXII 2.1 filtering (§3.5) and pagination (§3.4): query parameters and the `next` token.

A `next` token is `base64url(JSON {"after": date_added, "q": query hash}) "." base64url(HMAC)`:
it continues strictly after the last `date_added` of the page it came with, and only for the
same query (collection, endpoint, object id and normalised filters; `limit` may change). The
HMAC-SHA256 key is derived from the node's key file, or is random per process when a node has
none, so tokens cannot be forged and a token for one query is refused (400) for another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import Query

from liaison.errors import InvalidInput
from liaison.stix.timestamps import parse_timestamp_micros
from liaison.store.query import ObjectFilter

DEFAULT_LIMIT = 1_000
MAX_LIMIT = 10_000
_TOKEN_CONTEXT = b"liaison taxii next-token v1"


def token_key(key_file: Path) -> bytes:
    """The HMAC key for `next` tokens: derived from the node key, else random for this process."""
    try:
        material = key_file.read_bytes()
    except OSError:
        material = secrets.token_bytes(32)
    return hmac.new(material, _TOKEN_CONTEXT, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class TokenSigner:
    """Issues and checks `next` tokens with one HMAC key."""

    key: bytes

    def issue(self, after: int, query: str) -> str:
        """A token continuing `query` after `date_added` `after`."""
        payload = orjson.dumps({"after": after, "q": query})
        mac = hmac.new(self.key, payload, hashlib.sha256).digest()
        return f"{_b64(payload)}.{_b64(mac)}"

    def after(self, token: str, query: str) -> int:
        """The `date_added` a token continues after, or InvalidInput if forged or for another query."""
        encoded, _, signature = token.partition(".")
        try:
            payload, mac = _unb64(encoded), _unb64(signature)
        except (binascii.Error, ValueError):
            raise InvalidInput("'next' is not a token this server issued") from None
        expected = hmac.new(self.key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            raise InvalidInput("'next' is not a token this server issued")
        content = orjson.loads(payload)
        if content.get("q") != query:
            raise InvalidInput(
                "'next' was issued for a different query: repeat the filters it came with"
            )
        return int(content["after"])


def query_key(*parts: object) -> str:
    """A hash naming one query: endpoint, collection, object and normalised filter."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def normalised(flt: ObjectFilter) -> dict[str, object]:
    """The filter as a canonical mapping (each value list sorted), for `query_key`."""
    return {
        "id": sorted(flt.ids),
        "type": sorted(flt.types),
        "version": sorted(flt.versions),
        "spec_version": sorted(flt.spec_versions),
        "added_after": flt.added_after,
    }


def _values(text: str | None) -> tuple[str, ...]:
    """A comma-separated filter value as a tuple (the values are ORed)."""
    if text is None:
        return ()
    values = tuple(value.strip() for value in text.split(",") if value.strip())
    if not values:
        raise InvalidInput("a match filter needs at least one value")
    return values


def _added_after(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_timestamp_micros(text)
    except ValueError as exc:
        raise InvalidInput(f"added_after: {exc}") from None


AddedAfter = Annotated[
    str | None, Query(description="Only objects added after this timestamp (exclusive).")
]
MatchId = Annotated[
    str | None, Query(alias="match[id]", description="Object ids, comma-separated.")
]
MatchType = Annotated[
    str | None, Query(alias="match[type]", description="Object types, comma-separated.")
]
MatchVersion = Annotated[
    str | None,
    Query(alias="match[version]", description="`first`, `last`, `all` or timestamps (ORed)."),
]
MatchSpecVersion = Annotated[
    str | None, Query(alias="match[spec_version]", description="STIX spec versions, e.g. 2.1.")
]
Limit = Annotated[
    int | None,
    Query(ge=1, description=f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."),
]
Next = Annotated[str | None, Query(description="The `next` token of the previous page.")]


def _filter(
    *,
    added_after: str | None = None,
    ids: str | None = None,
    types: str | None = None,
    versions: str | None,
    default_versions: tuple[str, ...],
    spec_versions: str | None = None,
) -> ObjectFilter:
    return ObjectFilter(
        ids=_values(ids),
        types=_values(types),
        versions=_values(versions) or default_versions,
        spec_versions=_values(spec_versions),
        added_after=_added_after(added_after),
    )


def collection_filter(
    added_after: AddedAfter = None,
    match_id: MatchId = None,
    match_type: MatchType = None,
    match_version: MatchVersion = None,
    match_spec_version: MatchSpecVersion = None,
) -> ObjectFilter:
    """FastAPI dependency: the filters of Get Objects and Get Object Manifests (§5.3, §5.4)."""
    return _filter(
        added_after=added_after,
        ids=match_id,
        types=match_type,
        versions=match_version,
        default_versions=("last",),
        spec_versions=match_spec_version,
    )


def object_filter(
    added_after: AddedAfter = None,
    match_version: MatchVersion = None,
    match_spec_version: MatchSpecVersion = None,
) -> ObjectFilter:
    """FastAPI dependency: the filters of Get An Object (§5.6); versions default to `last`."""
    return _filter(
        added_after=added_after,
        versions=match_version,
        default_versions=("last",),
        spec_versions=match_spec_version,
    )


def delete_filter(
    match_version: MatchVersion = None, match_spec_version: MatchSpecVersion = None
) -> ObjectFilter:
    """FastAPI dependency: the filters of Delete An Object (§5.7); versions default to `all`."""
    return _filter(
        versions=match_version, default_versions=("all",), spec_versions=match_spec_version
    )


def versions_filter(
    added_after: AddedAfter = None, match_spec_version: MatchSpecVersion = None
) -> ObjectFilter:
    """FastAPI dependency: the filters of Get Object Versions (§5.8): every version."""
    return _filter(
        added_after=added_after,
        versions=None,
        default_versions=("all",),
        spec_versions=match_spec_version,
    )


@dataclass(frozen=True, slots=True)
class Paging:
    """A page request: size and the token to continue from."""

    limit: int
    next: str | None


def paging(limit: Limit = None, next: Next = None) -> Paging:
    """FastAPI dependency: `limit` (capped at the server maximum) and `next`."""
    return Paging(min(limit or DEFAULT_LIMIT, MAX_LIMIT), next)
