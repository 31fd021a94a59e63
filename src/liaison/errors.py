"""The one exception tree of liaison.

Every error a user can meet is one of these. Each class knows its HTTP status and the TAXII 2.1
error title, so the HTTP edge renders them in one place and the CLI prints them as one line::

    LiaisonError                      500  unexpected failure inside liaison
    ├── ConfigError                   500  the node directory or settings are unusable
    ├── InvalidInput                  400  a request or file is malformed
    │   └── InvalidStix               400  one or more STIX objects break the specification
    ├── NotFound                      404  no such thing (or not visible to the caller)
    ├── Conflict                      409  the write contradicts what is stored
    ├── AuthenticationFailed          401  missing or wrong credentials
    ├── PermissionDenied              403  authenticated but not allowed
    ├── NotAcceptable                 406  no representation in an accepted media type
    ├── PayloadTooLarge               413  body above the API root's max_content_length
    ├── UnsupportedMediaType          415  body in a media type we do not take
    └── StoreUnavailable              503  the database cannot be reached
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ObjectProblem:
    """One defect in one STIX object: which object, which field, what is wrong."""

    object_id: str
    field: str
    message: str
    index: int | None = None

    def __str__(self) -> str:
        where = self.object_id or (f"object #{self.index}" if self.index is not None else "object")
        field = f" field '{self.field}'" if self.field else ""
        return f"{where}{field}: {self.message}"


class LiaisonError(Exception):
    """Base of every liaison error; `status` and `title` drive the HTTP and TAXII rendering."""

    status: int = 500
    title: str = "Internal error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(LiaisonError):
    """The node directory, settings file or key material is missing or unusable."""

    title = "Configuration error"


class InvalidInput(LiaisonError):
    """A request, file or argument is malformed."""

    status = 400
    title = "Invalid input"


class InvalidStix(InvalidInput):
    """STIX content breaks the STIX 2.1 specification; `problems` names each object and field."""

    title = "Invalid STIX"

    def __init__(self, problems: list[ObjectProblem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid STIX"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class NotFound(LiaisonError):
    """The thing does not exist, or the caller may not know that it exists."""

    status = 404
    title = "Not found"


class Conflict(LiaisonError):
    """The write contradicts stored state (e.g. same id and version, different content)."""

    status = 409
    title = "Conflict"


class AuthenticationFailed(LiaisonError):
    """Credentials are missing or wrong."""

    status = 401
    title = "Unauthorized"


class PermissionDenied(LiaisonError):
    """The principal is known but not allowed to do this."""

    status = 403
    title = "Forbidden"


class NotAcceptable(LiaisonError):
    """The client accepts none of the media types we can answer with."""

    status = 406
    title = "Not acceptable"


class PayloadTooLarge(LiaisonError):
    """The request body is larger than the API root allows."""

    status = 413
    title = "Payload too large"


class UnsupportedMediaType(LiaisonError):
    """The request body is in a media type we do not accept."""

    status = 415
    title = "Unsupported media type"


class StoreUnavailable(LiaisonError):
    """The database cannot be reached or opened."""

    status = 503
    title = "Service unavailable"
