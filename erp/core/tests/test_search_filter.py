"""The free-text search box (erp.core.filters.SearchFilter): every search over a trigram-indexed search column needs
three letters or digits, because a shorter term cannot use the index (performance.md: no `LIKE '%x%'` scans over a
million rows). Short terms are refused with a translated message naming the field, on pages and in the API."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from erp.core.filters import SEARCH_MIN_LENGTH, SearchField, SearchFilter, StyledFilterSet, apply_filter
from erp.orders.filters import OrderFilter
from erp.orders.models import Order

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def all_filtersets() -> list[type[StyledFilterSet]]:
    for config in apps.get_app_configs():
        if config.name.startswith("erp."):
            try:
                __import__(f"{config.name}.filters")
            except ModuleNotFoundError:
                continue
    found: list[type[StyledFilterSet]] = []
    todo = list(StyledFilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_search_over_a_search_column_needs_three_characters() -> None:
    checked = []
    for filterset in all_filtersets():
        search = filterset.base_filters.get("search")
        model = filterset._meta.model
        if search is None or model is None:
            continue
        if any(f.name == "search_text" for f in model._meta.get_fields()):
            assert isinstance(search, SearchFilter), f"{filterset.__name__}.search must be a SearchFilter"
            checked.append(filterset.__name__)
    assert {"OrderFilter", "CustomerFilter", "InstallationFilter", "ComplaintFilter"} <= set(checked), checked
    assert len(checked) >= 10


@pytest.mark.parametrize(
    ("term", "valid"),
    [
        ("محمد", True),
        ("abc", True),
        ("٠١٢", True),  # Arabic-Indic digits count once folded
        ("b", False),
        ("ab", False),
        ("  ab  ", False),
        ("أَبْ", False),  # two letters with their diacritics
        ("a b", False),  # spaces do not count
        ("ـاـبـ", False),  # tatweel does not count
    ],
)
def test_short_terms_are_refused_after_normalising(term: str, valid: bool) -> None:
    field = SearchField(label="Search", required=False)
    if valid:
        assert field.clean(term) == term.strip()
    else:
        with pytest.raises(ValidationError):
            field.clean(term)
    assert field.widget_attrs(field.widget)["minlength"] == "3"


def test_the_refusal_names_the_field_in_both_languages() -> None:
    """(With no user, the filter's scoped choices are `.none()`: the form is still built without a query.)"""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        apply_filter(OrderFilter, {"search": "ab"}, Order.objects.none(), actor=None)
    assert caught.value.message_dict == {"search": ["Search: type at least 3 letters or digits."]}
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        apply_filter(OrderFilter, {"search": "ab"}, Order.objects.none(), actor=None)
    assert caught.value.message_dict == {"search": ["بحث: اكتب 3 حروف أو أرقام على الأقل."]}


def test_every_list_pages_search_box_asks_the_browser_for_three_characters() -> None:
    boxes = 0
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r'<input type="search" name="search"[^>]*>', template.read_text()):
            if template.parts[-2] == "accounts":  # users and branches: short names and codes, small tables
                continue
            assert f'minlength="{SEARCH_MIN_LENGTH}"' in tag, template
            boxes += 1
    assert boxes >= 9
