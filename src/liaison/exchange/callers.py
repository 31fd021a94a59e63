"""Who may use the exchange's JSON API: principals of this node's own party, in given roles.

The RFI and grade routes act for the node's party (`settings.party`): what they write is stored
as that party's. A principal of another party (a foreign officer with an account here, or a peer
node) must not act or read through them, whatever its role.
"""

from __future__ import annotations

from liaison.access.http import Caller
from liaison.access.models import Role
from liaison.errors import PermissionDenied


def require_own_party(caller: Caller, party: str, roles: frozenset[Role], what: str) -> None:
    """PermissionDenied unless `caller` is a principal of `party` holding one of `roles`.

    `what` names the act in the message, e.g. "grading" or "reading RFIs".
    """
    if caller.viewer.party != party or caller.role not in roles:
        raise PermissionDenied(f"{what} is for {', '.join(sorted(roles))}s of party '{party}'")
