from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.installations.models import (
    Driver,
    Installation,
    ModificationRequest,
    Team,
    Technician,
    Vehicle,
    VehicleMission,
)
from erp.orders.models import Payment


class ServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)  # type: ignore[attr-defined]


class CrewForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    scheduled_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    scheduled_time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    technicians = forms.ModelMultipleChoiceField(
        label=_("Technicians"), queryset=Technician.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    driver = forms.ModelChoiceField(label=_("Driver"), queryset=Driver.objects.none(), required=False)
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Vehicle.objects.none(), required=False)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {
            "team": Team.objects.filter(is_active=True).order_by("name", "id"),
            "technicians": Technician.objects.filter(is_active=True).order_by("name", "id"),
            "driver": Driver.objects.filter(is_active=True).order_by("name", "id"),
            "vehicle": Vehicle.objects.filter(status=Vehicle.Status.ACTIVE).order_by("plate", "id"),
        }


class ScheduleForm(CrewForm):
    scheduled_date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to put the order on the list of installations to schedule."),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    location_type = forms.ChoiceField(
        label=_("Location type"), choices=Installation.Location.choices, initial=Installation.Location.OPEN
    )
    windows_count = forms.IntegerField(label=_("Windows"), min_value=0, max_value=500, initial=0)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    debt_confirmed = forms.BooleanField(label=_("The customer has a balance due: schedule anyway"), required=False)


class RescheduleForm(CrewForm):
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class CompleteForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Collected at the door"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty when nothing was collected."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.CASH)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)
    receipt_number = forms.CharField(label=_("Receipt memo number"), max_length=40, required=False)
    receipt_file = forms.FileField(label=_("Signature or photo"), required=False)
    receipt_notes = forms.CharField(label=_("Receipt notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ModificationRequestForm(ServiceErrorsMixin, StyledFormMixin, forms.Form):
    fault_party = forms.ChoiceField(label=_("Fault party"), choices=ModificationRequest.Fault.choices)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=ModificationRequest.Priority.choices, initial=ModificationRequest.Priority.NORMAL
    )
    description = forms.CharField(label=_("What must change"), widget=forms.Textarea(attrs={"rows": 3}))


class ModificationItemForm(StyledFormMixin, forms.Form):
    description = forms.CharField(label=_("Curtain or room"), max_length=200)
    new_meters = forms.DecimalField(label=_("New meters"), max_digits=14, decimal_places=3, min_value=0)
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)


ModificationItemFormSet = forms.formset_factory(ModificationItemForm, extra=3, max_num=20, min_num=1, validate_min=True)


class RequestActionForm(forms.Form):
    to = forms.ChoiceField(choices=ModificationRequest.Status.choices)
    reason = forms.CharField(max_length=255, required=False)


class TeamForm(ServiceErrorsMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "branch", "is_active"]

    def __init__(self, *args: Any, branches: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        self._branches = branches
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"branch": self._branches} if self._branches is not None else {}


class TechnicianForm(ServiceErrorsMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Technician
        fields = ["name", "phone", "team", "is_active"]

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"team": Team.objects.order_by("name", "id")}


class DriverForm(ServiceErrorsMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Driver
        fields = ["name", "phone", "is_active"]


class VehicleForm(ServiceErrorsMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ["plate", "vehicle_type", "status"]


class MissionForm(ServiceErrorsMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = VehicleMission
        fields = ["vehicle", "driver", "mission_date", "kind", "status", "notes"]
        widgets = {"mission_date": forms.DateInput(attrs={"type": "date"})}

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {
            "vehicle": Vehicle.objects.order_by("plate", "id"),
            "driver": Driver.objects.filter(is_active=True).order_by("name", "id"),
        }
