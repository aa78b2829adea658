from hypothesis import given
from hypothesis import strategies as st

from erp.core.text import ascii_digits, normalize_code, normalize_search


def test_arabic_indic_digits_become_ascii() -> None:
    assert ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert ascii_digits("۱۲۳") == "123"
    assert normalize_code("  c-١٢ ") == "c-12"


def test_search_ignores_diacritics_and_letter_variants() -> None:
    assert normalize_search("أحمد") == normalize_search("احمد") == normalize_search("إحمد")
    assert normalize_search("مُحَمَّد") == normalize_search("محمد")
    assert normalize_search("فاطمة") == normalize_search("فاطمه")
    assert normalize_search("مستشفى") == normalize_search("مستشفي")
    assert normalize_search("ستـــارة") == normalize_search("ستارة")
    assert normalize_search("  Curtain   ROD ") == "curtain rod"


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_search(text)
    assert normalize_search(once) == once


@given(st.integers(min_value=0, max_value=10**12))
def test_every_number_survives_arabic_digits(number: int) -> None:
    arabic = str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert ascii_digits(arabic) == str(number)
