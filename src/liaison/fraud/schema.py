"""The visa and immigration application record every part of `liaison.fraud` reads.

One row per application. Names are in Latin script; `name_variants` holds other spellings the
applicant used or a transliteration gives (Harpreet / Harpriet, Mohammed / Muhammad). Files in
other shapes are mapped onto these columns (`liaison fraud load --map`). Identity attributes and
application facts only: nothing about opinion, religion, ethnicity or community (DESIGN.md,
principle 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["text", "date", "list"]


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the application record."""

    name: str
    kind: FieldKind
    description: str
    personal: bool


FIELDS: tuple[Field, ...] = (
    Field("application_id", "text", "The application's own id (unique within a file).", False),
    Field("application_date", "date", "Date the application was lodged (YYYY-MM-DD).", False),
    Field("given_name", "text", "Given name(s), Latin script.", True),
    Field("family_name", "text", "Family name, Latin script.", True),
    Field("name_variants", "list", "Other spellings of the full name ('|'-separated).", True),
    Field("date_of_birth", "date", "Date of birth (YYYY-MM-DD).", True),
    Field("sex", "text", "Sex as on the travel document: F, M or X.", True),
    Field("nationality", "text", "ISO 3166-1 alpha-2 code of the passport's country.", True),
    Field("passport_number", "text", "Passport number.", True),
    Field("national_id", "text", "National identity document number.", True),
    Field("phone", "text", "Phone number, E.164 where known.", True),
    Field("email", "text", "E-mail address.", True),
    Field("address", "text", "Street address.", True),
    Field("city", "text", "City or town.", True),
    Field("postcode", "text", "Postal code.", True),
    Field("country", "text", "ISO 3166-1 alpha-2 code of the address.", True),
    Field("employer", "text", "Employer or sponsor named in the application.", True),
    Field("agent", "text", "Agent or immigration consultant who filed it.", False),
    Field("bank_account", "text", "Bank account (IBAN or account number) shown as funds.", True),
    Field("travel_history", "list", "Countries visited, ISO alpha-2 ('|'-separated).", True),
    Field("visa_type", "text", "Visa category applied for.", False),
    Field("outcome", "text", "approved, refused, pending or withdrawn.", False),
)

FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in FIELDS)
REQUIRED: tuple[str, ...] = ("application_id",)
OUTCOMES: tuple[str, ...] = ("approved", "refused", "pending", "withdrawn")
LIST_SEPARATOR = "|"
