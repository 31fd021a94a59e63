"""Rendering pages of stored objects as TAXII 2.1 envelopes, manifests and version lists.

Object bodies come from the store as JSON text and are spliced into the envelope unparsed; the
`X-TAXII-Date-Added-First`/`-Last` headers give the `date_added` range of the returned page.
"""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from liaison.stix.timestamps import micros_to_timestamp
from liaison.store.query import RowPage
from liaison.taxii.media import TaxiiResponse

FIRST_HEADER = "X-TAXII-Date-Added-First"
LAST_HEADER = "X-TAXII-Date-Added-Last"


def version_text(modified: str, created: str | None, date_added: int) -> str:
    """A stored version as TAXII shows it: `modified` (millisecond precision at least), or for an
    SCO, which has no `created`, its `date_added`."""
    if created is None:
        return micros_to_timestamp(date_added)
    fraction = modified[20:29].rstrip("0").ljust(3, "0")
    return f"{modified[:19]}.{fraction}Z"


def date_headers(page: RowPage) -> dict[str, str]:
    """The date-added headers of a page (none for an empty page)."""
    first, last = page.first_date_added, page.last_date_added
    if first is None or last is None:
        return {}
    return {FIRST_HEADER: micros_to_timestamp(first), LAST_HEADER: micros_to_timestamp(last)}


def paged_response(page: RowPage, key: str, items: bytes, token: str | None) -> TaxiiResponse:
    """`{"more": …, "next": …, key: [items]}` with the page's date headers; `items` is the
    JSON of the list's members joined by commas."""
    head = b'{"more":true,"next":' + orjson.dumps(token) if page.more else b'{"more":false'
    body = head + b',"' + key.encode() + b'":[' + items + b"]}"
    return TaxiiResponse(body, headers=date_headers(page))


def joined(documents: Iterable[str]) -> bytes:
    """JSON texts joined as the members of one JSON array."""
    return ",".join(documents).encode()
