from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.filters import SearchFilter, StyledFilterSet
from erp.core.text import normalize_search
from erp.inventory.models import Category, Product

MAX_SELECTION = 500


class IdListField(forms.Field):
    """`?ids=3&ids=7`: the selected product ids (repeated parameters, as checkboxes submit them)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            ids = [int(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Select products from the list.")) from exc
        if len(ids) > MAX_SELECTION:
            raise forms.ValidationError(_("Select at most %(n)s products.") % {"n": MAX_SELECTION})
        return ids


class IdListFilter(django_filters.Filter):
    field_class = IdListField


class LabelFilter(StyledFilterSet):
    """Which products go on a label sheet: a category (with its subtree), a search, or an explicit selection."""

    search = SearchFilter(method="filter_search")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        method="filter_category",
        label=_("Category"),
        empty_label=_("All categories"),
    )
    ids = IdListFilter(method="filter_ids", label=_("Selected products"))

    class Meta:
        model = Product
        fields = ["search", "category", "ids"]

    def filter_search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        term = normalize_search(value)
        return queryset.filter(search_text__contains=term) if term else queryset

    def filter_category(self, queryset: QuerySet[Product], name: str, value: Category) -> QuerySet[Product]:
        return queryset.filter(category__path__startswith=value.path)

    def filter_ids(self, queryset: QuerySet[Product], name: str, value: Any) -> QuerySet[Product]:
        return queryset.filter(pk__in=value) if value else queryset
