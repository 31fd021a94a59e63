"""TAXII 2.1 media types (§1.6.8): content negotiation, request checks and orjson responses."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Header, Request
from fastapi.responses import Response

from liaison.errors import InvalidInput, NotAcceptable, PayloadTooLarge, UnsupportedMediaType

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
_TAXII_BARE = "application/taxii+json"
_ACCEPTABLE_RANGES = ("*/*", "application/*")


class TaxiiResponse(Response):
    """A TAXII 2.1 JSON response rendered by orjson; bytes content is sent as is."""

    media_type = TAXII_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        """The body: `content` itself when already bytes, else its JSON."""
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)


def _media_type(text: str) -> tuple[str, dict[str, str]]:
    """A media type (lower case) and its parameters from `type/subtype; k=v; …`."""
    kind, *parameters = text.split(";")
    values = {}
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        values[key.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), values


def _is_taxii_21(kind: str, parameters: dict[str, str]) -> bool:
    return kind == _TAXII_BARE and parameters.get("version", "2.1") == "2.1"


def accepts_taxii(accept: str | None) -> bool:
    """Whether an `Accept` header admits `application/taxii+json;version=2.1` (absent: yes)."""
    if accept is None or not accept.strip():
        return True
    for media_range in accept.split(","):
        kind, parameters = _media_type(media_range)
        if parameters.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if kind in _ACCEPTABLE_RANGES or _is_taxii_21(kind, parameters):
            return True
    return False


def require_taxii_accept(
    accept: Annotated[
        str | None, Header(description=f"Must admit `{TAXII_MEDIA_TYPE}` (default: it does).")
    ] = None,
) -> None:
    """FastAPI dependency: 406 unless the client accepts TAXII 2.1 JSON."""
    if not accepts_taxii(accept):
        raise NotAcceptable(
            f"this endpoint answers only in {TAXII_MEDIA_TYPE}; Accept was '{accept}'"
        )


def check_content_type(content_type: str | None) -> None:
    """415 unless a request body is declared as `application/taxii+json;version=2.1`."""
    kind, parameters = _media_type(content_type or "")
    if kind != _TAXII_BARE or parameters.get("version") != "2.1":
        raise UnsupportedMediaType(
            f"send the envelope as {TAXII_MEDIA_TYPE}, not '{content_type or 'nothing'}'"
        )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or PayloadTooLarge once its declared or actual size passes `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body of {declared} bytes exceeds max_content_length {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body exceeds max_content_length {limit}")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_envelope(body: bytes) -> list[Any]:
    """The `objects` list of a TAXII envelope, or InvalidInput naming what is wrong."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidInput("the request body must be a TAXII envelope (a JSON object)")
    objects = document.get("objects")
    if not isinstance(objects, list):
        raise InvalidInput("the envelope must have an 'objects' list")
    return objects
