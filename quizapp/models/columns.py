"""Column types the models share: a fixed vocabulary (quizapp.rules.vocab) stored as its values,
with the CHECK constraint that holds the column to them."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def vocabulary(enum: type[StrEnum], column: str, length: int) -> Enum:
    """A VARCHAR(`length`) column holding one of `enum`'s values, read back as the member.

    The CHECK constraint is named after the column (ck_<table>_<column>, migration 0007). Strings
    are not checked in Python, so a query may compare with any text; the database refuses a value
    outside the enum when it is written.
    """
    return Enum(enum, name=column, length=length, native_enum=False, create_constraint=True,
                values_callable=lambda members: [m.value for m in members], validate_strings=False)
