from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.filters import StyledFilterSet
from erp.notifications.models import Kind, NotificationRecipient, Priority

READ_CHOICES = [("unread", _("Unread")), ("read", _("Read"))]


class RecipientFilter(StyledFilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label=_("All types"))
    priority = django_filters.ChoiceFilter(
        choices=[(str(v), label) for v, label in Priority.choices],
        method="filter_priority",
        empty_label=_("Any priority"),
    )
    state = django_filters.ChoiceFilter(choices=READ_CHOICES, method="filter_state", empty_label=_("Read and unread"))

    class Meta:
        model = NotificationRecipient
        fields = ["kind"]

    def filter_priority(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(priority__gte=int(value)) if value else queryset

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset
