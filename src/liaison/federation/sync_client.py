"""The TAXII 2.1 client sync uses to read a peer: its collections and pages of their objects.

One `httpx.Client` per peer and sync run, so the connection is reused from page to page. Every
request carries the token the peer issued to us (`Authorization: Bearer …`) and the TAXII 2.1
`Accept` header. Failures become one-line errors that name the peer and the URL.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
import orjson

from liaison.config import Settings
from liaison.errors import LiaisonError

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
PAGE_LIMIT = 1000
LAST_HEADER = "X-TAXII-Date-Added-Last"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class PeerUnreachable(LiaisonError):
    """A peer could not be reached, or answered something other than a TAXII success."""

    status = 502
    title = "Bad gateway"


@dataclass(frozen=True, slots=True)
class RemoteCollection:
    """A collection the peer lets us read: its id and its title (the collection's name)."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class RemotePage:
    """One page of a peer collection's objects and where the next one starts; `envelope` is
    the page as received (JSON bytes)."""

    objects: list[dict[str, Any]]
    more: bool
    next: str | None
    date_added_last: str | None
    envelope: bytes = b""


def tls_verification(settings: Settings) -> ssl.SSLContext:
    """The system's trusted CAs plus the exchange CA (`tls_client_ca`), when the node has one.

    In the setup of docs/tls.md one private CA signs every node's server certificate, and that
    CA is the node's `tls_client_ca`; a peer behind a publicly trusted proxy verifies too.
    """
    context = ssl.create_default_context()
    if settings.tls_client_ca is not None:
        path = settings.tls_client_ca
        context.load_verify_locations(cafile=path if path.is_absolute() else settings.dir / path)
    return context


class PeerClient:
    """Reads one peer's TAXII 2.1 API root (`<url>/taxii2/api/`) with the credential it issued."""

    def __init__(
        self,
        name: str,
        url: str,
        token: str,
        *,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self.api_root = f"{url.rstrip('/')}/taxii2/api/"
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": TAXII_MEDIA_TYPE},
            timeout=TIMEOUT,
            verify=verify,
            transport=transport,
        )

    def __enter__(self) -> PeerClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def _get(self, url: str, params: dict[str, str] | None = None) -> httpx.Response:
        try:
            response = self._client.get(url, params=params)
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise PeerUnreachable(f"peer '{self.name}' at {url}: {reason}") from exc
        if response.status_code != 200:
            raise PeerUnreachable(
                f"peer '{self.name}' answered {response.status_code} to GET {url}: "
                f"{_description(response)}"
            )
        return response

    def _json(self, url: str, params: dict[str, str] | None = None) -> tuple[Any, httpx.Response]:
        response = self._get(url, params)
        try:
            return orjson.loads(response.content), response
        except orjson.JSONDecodeError:
            raise PeerUnreachable(f"peer '{self.name}' sent invalid JSON from {url}") from None

    def collections(self) -> list[RemoteCollection]:
        """The collections the peer lets us read (TAXII 2.1 §5.1), in the order it lists them."""
        url = f"{self.api_root}collections/"
        body, _ = self._json(url)
        found = body.get("collections", []) if isinstance(body, dict) else None
        if not isinstance(found, list):
            raise PeerUnreachable(f"peer '{self.name}' sent no collections list from {url}")
        return [
            RemoteCollection(str(item["id"]), str(item.get("title") or item["id"]))
            for item in found
            if isinstance(item, dict) and "id" in item and item.get("can_read")
        ]

    def objects_page(
        self, collection_id: str, *, added_after: str | None, next_token: str | None
    ) -> RemotePage:
        """One page (TAXII 2.1 §5.4) of every version of the collection's objects.

        The first page starts after `added_after` (exclusive; None: from the beginning); later
        pages continue with the peer's `next` token.
        """
        url = f"{self.api_root}collections/{collection_id}/objects/"
        params = {"limit": str(PAGE_LIMIT), "match[version]": "all"}
        if next_token is not None:
            params["next"] = next_token
        if added_after is not None:
            params["added_after"] = added_after
        body, response = self._json(url, params)
        objects = body.get("objects", []) if isinstance(body, dict) else None
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise PeerUnreachable(f"peer '{self.name}' sent a malformed envelope from {url}")
        more = bool(body.get("more"))
        token = body.get("next")
        return RemotePage(
            objects=objects,
            more=more,
            next=token if more and isinstance(token, str) else None,
            date_added_last=response.headers.get(LAST_HEADER),
            envelope=response.content,
        )


def _description(response: httpx.Response) -> str:
    """The TAXII error message's title and description, else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(body, dict) and "title" in body:
        description = body.get("description")
        return f"{body['title']}: {description}" if description else str(body["title"])
    return response.reason_phrase
