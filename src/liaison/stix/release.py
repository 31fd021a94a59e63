"""What an officer states when releasing intelligence, read from command-line or query text.

Every share names its TLP, the parties it is releasable to, its purpose, legal basis and
retention (DESIGN.md principle 6). A node with `release.require_evaluation` releases to a foreign
party only what also carries an Admiralty evaluation and caveats (docs/evaluation.md); the sharing
commands (`liaison screen --share`, `liaison fraud rings --share`, `liaison fraud encode`) take
them as `--evaluation B2 --caveat TEXT`, parsed here once for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from datetime import time as day_time

from liaison.errors import InvalidInput
from liaison.stix.extensions import Evaluation
from liaison.stix.timestamps import format_timestamp, micros_to_timestamp, parse_timestamp_micros

_GRADE = re.compile(r"^\s*([A-Fa-f])\s*([1-6])\s*$")


def evaluation_of(text: str | None) -> Evaluation | None:
    """An Admiralty grade written as source reliability and information credibility (`B2`),
    or None when none is given; InvalidInput names the expected form."""
    if text is None or not text.strip():
        return None
    grade = _GRADE.match(text)
    if grade is None:
        raise InvalidInput(
            f"evaluation '{text}' is not an Admiralty grade: a letter A-F (source reliability) "
            "and a digit 1-6 (information credibility), e.g. B2"
        )
    return Evaluation(
        source_reliability=grade.group(1).upper(), information_credibility=int(grade.group(2))
    )


def caveats_of(texts: Sequence[str] | None) -> list[str]:
    """The caveats given, trimmed, empty ones dropped."""
    return [text.strip() for text in texts or () if text.strip()]


def retain_until_of(text: str | None) -> str | None:
    """`YYYY-MM-DD` (the end of that day, UTC) or an RFC 3339 timestamp, as a STIX timestamp."""
    if text is None:
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        try:
            return micros_to_timestamp(parse_timestamp_micros(text.strip()))
        except ValueError:
            raise InvalidInput(
                f"retain-until '{text}' is neither YYYY-MM-DD nor a timestamp"
            ) from None
    return format_timestamp(datetime.combine(day.date(), day_time.max, tzinfo=UTC))
