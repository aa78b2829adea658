"""Shared FilterSet plumbing: styled forms with prefetched choices, the acting user, and strict validation."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.forms import prefetch_choices, style_fields
from erp.core.text import normalize_search

ACTIVE_CHOICES = [("true", _("Active")), ("false", _("Inactive"))]

# A trigram index serves a `LIKE '%term%'` only when the term holds a whole trigram: a shorter term scans the table
# (performance.md: no LIKE scans over a million rows), and matches most of it anyway.
SEARCH_MIN_LENGTH = 3


def searchable(term: str) -> bool:
    """Whether a normalised search term is long enough to search with (spaces do not count)."""
    return len(term.replace(" ", "")) >= SEARCH_MIN_LENGTH


class SearchField(forms.CharField):
    """The free-text search box: at least SEARCH_MIN_LENGTH characters once normalised (diacritics, tatweel and
    spaces do not count), with a message that names the field."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "minlength": str(SEARCH_MIN_LENGTH)}  # the browser checks it first

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not searchable(normalize_search(value)):
            raise ValidationError(
                _("%(field)s: type at least %(count)d letters or digits."),
                code="min_length",
                params={"field": self.label, "count": SEARCH_MIN_LENGTH},
            )


class SearchFilter(django_filters.CharFilter):
    """`search=` over a trigram-indexed search column (the filter's `method` does the lookup)."""

    field_class = SearchField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)


class StyledFilterSet(django_filters.FilterSet):
    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_styled", False):
            prefetch_choices(form)
            style_fields(form)
            form._styled = True
        return form

    def filter_active(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_active=(value == "true")) if value in {"true", "false"} else queryset


def apply_filter(
    filterset_class: type[StyledFilterSet], data: Any, queryset: QuerySet[Any], *, actor: Any
) -> QuerySet[Any]:
    """Filter `queryset` by `data` as `actor` sees choices. Invalid input raises ValidationError naming the fields."""
    fs = filterset_class(data=data or None, queryset=queryset, request=SimpleNamespace(user=actor))
    if fs.is_bound and not fs.is_valid():
        raise ValidationError({field: [str(m) for m in messages] for field, messages in fs.errors.items()})
    return fs.qs


def filter_form(filterset_class: type[StyledFilterSet], data: Any, *, actor: Any) -> Any:
    """The filter form for a list page (choices scoped to `actor`), bound to the query string."""
    form = filterset_class(data=data or None, queryset=None, request=SimpleNamespace(user=actor)).form
    if form.is_bound:
        form.is_valid()  # validate now: rendering a bound form must not run the field lookups in the template
    return form


class DayFromFilter(django_filters.DateFilter):
    """`field >= the start of that day` in the local time zone: a plain range an index on `field` serves
    (a `__date` lookup would cast every row's timestamp and defeat the index)."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": _day_start(value)})


class DayToFilter(django_filters.DateFilter):
    """`field < the start of the next day` in the local time zone (the whole day included)."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": _day_start(value + timedelta(days=1))})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
