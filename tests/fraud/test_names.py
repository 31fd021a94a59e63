"""Transliteration keys collapse one name's spellings and keep different names apart."""

from __future__ import annotations

import pytest

from liaison.fraud.names import name_keys


@pytest.mark.parametrize(
    "spellings",
    [
        ["Harpreet", "Harpriet", "Harprit", "HARPREET"],
        ["Mohammed", "Mohamed", "Muhammad", "Mohammad", "Muhammed"],
        ["Chaudhary", "Choudhary", "Chaudhry", "Chowdhury"],
        ["Catherine", "Katherine", "Kathryn"],
        ["Côté", "Cote"],
        ["Abdul Rahman", "Abdulrahman"],
        ["O'Brien", "OBrien", "O Brien"],
        ["Sandeep", "Sandip", "Sundeep"],
        ["Singh", "Sing"],
    ],
)
def test_variants_share_a_key(spellings: list[str]) -> None:
    assert len(set(name_keys(list(spellings)))) == 1


def test_different_names_have_different_keys() -> None:
    names = ["Harpreet", "Gurpreet", "Manpreet", "Singh", "Kaur", "Smith", "Patel", "Mohammed"]
    assert len(set(name_keys(names))) == len(names)


def test_empty_and_missing_names_have_no_key() -> None:
    assert name_keys(["", "  ", None, "-"]) == [None, None, None, None]


def test_initial_keeps_its_letter() -> None:
    assert name_keys(["H.", "h"]) == ["h", "h"]
