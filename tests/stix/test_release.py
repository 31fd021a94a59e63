"""Release statements read from text: Admiralty grades, caveats, retain-until dates."""

from __future__ import annotations

import pytest

from liaison.errors import InvalidInput
from liaison.stix.release import caveats_of, evaluation_of, retain_until_of


@pytest.mark.parametrize(
    ("text", "grade"), [("B2", ("B", 2)), (" c 6 ", ("C", 6)), ("a1", ("A", 1))]
)
def test_an_admiralty_grade_is_a_letter_and_a_digit(text: str, grade: tuple[str, int]) -> None:
    evaluation = evaluation_of(text)
    assert evaluation is not None
    assert (evaluation.source_reliability, evaluation.information_credibility) == grade


@pytest.mark.parametrize("text", ["G2", "B7", "B", "2B", "B22", "reliable"])
def test_anything_else_is_refused_naming_the_form(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"A-F .* 1-6"):
        evaluation_of(text)


def test_no_grade_and_empty_caveats_give_nothing() -> None:
    assert evaluation_of(None) is None and evaluation_of("  ") is None
    assert caveats_of([" keep within the task force ", "", "  "]) == ["keep within the task force"]
    assert caveats_of(None) == []


def test_retain_until_takes_a_day_or_a_timestamp() -> None:
    assert retain_until_of("2030-01-31") == "2030-01-31T23:59:59.999Z"
    assert retain_until_of("2030-01-31T10:00:00Z") == "2030-01-31T10:00:00.000000Z"
    assert retain_until_of(None) is None
    with pytest.raises(InvalidInput, match="neither YYYY-MM-DD nor a timestamp"):
        retain_until_of("next year")
