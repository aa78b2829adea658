"""Shared FilterSet plumbing: styled forms with prefetched choices, the acting user, and strict validation."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.forms import prefetch_choices, style_fields

ACTIVE_CHOICES = [("true", _("Active")), ("false", _("Inactive"))]


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
