"""Arabic-aware normalisation for codes, numbers and search (domain decision A.3-8)."""

import re
import unicodedata

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTER_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_SPACES = re.compile(r"\s+")


def ascii_digits(value: str) -> str:
    """Arabic-Indic and Persian digits to ASCII."""
    return value.translate(_DIGITS)


def normalize_code(value: str) -> str:
    """Codes (invoice, contract, permit, product) are stored with ASCII digits and no surrounding space."""
    return ascii_digits(value or "").strip()


def normalize_search(value: str) -> str:
    """Search form of a text: digits folded, diacritics and tatweel removed, alef/ya/ta-marbuta variants folded."""
    text = unicodedata.normalize("NFKC", value or "")
    text = ascii_digits(text)
    text = _ARABIC_DIACRITICS.sub("", text)
    text = text.translate(_LETTER_FOLDS)
    return _SPACES.sub(" ", text).strip().casefold()
