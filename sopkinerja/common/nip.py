"""NIP: the 18-digit civil-servant number.

Layout: birth date YYYYMMDD, appointment YYYYMM, sex digit (1 male, 2 female), 3-digit sequence.
Printed grouped: 19660313 198903 1 011.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NON_DIGITS = re.compile(r"[\s.]")


def normalise_nip(raw: str) -> str:
    """Strip the spaces and dots people type when copying a printed NIP."""
    return _NON_DIGITS.sub("", raw or "")


def validate_nip(value: str) -> None:
    nip = normalise_nip(value)
    if not re.fullmatch(r"\d{18}", nip):
        raise ValidationError(
            _("A NIP must consist of 18 digits (for example 19660313 198903 1 011)."), code="nip_length"
        )
    try:
        birth = datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("Invalid NIP: the first 8 digits must be a real date of birth (YYYYMMDD)."),
            code="nip_birth_date",
        ) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Invalid NIP: digits 9 to 14 must be the year and month of appointment (YYYYMM)."),
            code="nip_appointment",
        )
    if (year, month) <= (birth.year, birth.month):
        raise ValidationError(
            _("Invalid NIP: the appointment date must come after the date of birth."),
            code="nip_appointment",
        )
    if nip[14] not in "12":
        raise ValidationError(_("Invalid NIP: digit 15 (sex) must be 1 or 2."), code="nip_sex")


def format_nip(value: str) -> str:
    nip = normalise_nip(value)
    if len(nip) != 18:
        return value or ""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"
