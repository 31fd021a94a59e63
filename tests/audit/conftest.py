"""The in-process TAXII node of tests/taxii, reused to walk the API and the audit routes."""

from __future__ import annotations

from tests.taxii.conftest import node

__all__ = ["node"]
