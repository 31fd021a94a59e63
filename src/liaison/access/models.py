"""Roles of principals (tables live in `liaison.store.models`)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a principal does on a node."""

    OFFICER = "officer"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMIN = "admin"
    PEER = "peer"
