"""Phone numbers are stored in E.164 with Egypt as the default region (domain decision A.3-8)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from erp.core.text import ascii_digits

DEFAULT_REGION = "EG"


def normalize_phone(value: str, *, region: str = DEFAULT_REGION) -> str:
    """'01012345678', '٠١٠١٢٣٤٥٦٧٨' and '+20 10 1234 5678' all become '+201012345678'. Empty stays empty."""
    raw = ascii_digits(value or "").strip()
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
