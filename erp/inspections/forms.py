from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.inspections.models import Inspection


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)  # type: ignore[attr-defined]


class InspectionRequestForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    customer_code = forms.CharField(label=_("Customer code"), max_length=30)
    payment_status = forms.ChoiceField(
        label=_("Payment"), choices=Inspection.Payment.choices, initial=Inspection.Payment.COLLECT_ON_VISIT
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    scheduled_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    scheduled_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    technician: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Technician"), queryset=None)  # type: ignore[type-arg, arg-type]
    reason = forms.CharField(label=_("Note"), max_length=255, required=False)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        from erp.inspections.services import technician_choices

        return {"technician": technician_choices()}


class CompleteForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Inspection.Result.choices, widget=forms.RadioSelect)
    windows_count = forms.IntegerField(label=_("Windows"), min_value=0, max_value=500)
    payment_status = forms.ChoiceField(label=_("Payment"), choices=Inspection.Payment.choices)
    reason = forms.CharField(label=_("Notes (required when failed)"), max_length=255, required=False)
    file = forms.FileField(label=_("Measurement sheet or photo"), required=False)


class ReasonForm(forms.Form):
    to = forms.ChoiceField(choices=Inspection.Status.choices)
    reason = forms.CharField(max_length=255, required=False)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
