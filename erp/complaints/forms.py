"""Complaint forms: filing (customer picked by search, related order among the customer's), assignment, moves,
escalation, comments with attachments, the customer's evaluation, complaint types and the business calendar."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import User
from erp.accounts.roles import RoleKey
from erp.complaints.models import WEEKDAY_CHOICES, BusinessCalendar, ComplaintType, Holiday, Priority
from erp.complaints.services import ATTACHMENT_LIMIT, DEPARTMENT_ROLES
from erp.core.forms import StyledFormMixin

DEPARTMENT_CHOICES = [("", "—")] + [(r.value, r.label) for r in RoleKey if r in DEPARTMENT_ROLES]
RATINGS = [(i, str(i)) for i in range(5, 0, -1)]


def handler_users() -> QuerySet[User]:
    """People complaints can be assigned to: active users holding a role that handles or manages complaints."""
    return (
        User.objects.filter(is_active=True, roles__key__in=[r.value for r in DEPARTMENT_ROLES])
        .distinct()
        .order_by("username")
    )


class ComplaintForm(StyledFormMixin, forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": _("Choose the customer.")})
    complaint_type = forms.ModelChoiceField(queryset=ComplaintType.objects.none(), label=_("Type"))
    priority = forms.ChoiceField(
        choices=[("", _("The type's default"))] + list(Priority.choices), required=False, label=_("Priority")
    )
    related_order: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=None, required=False, label=_("Related order"), empty_label=_("No related order")
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description"))

    def __init__(self, *args: Any, orders: QuerySet[Any] | None, **kwargs: Any) -> None:
        """`orders`: the chosen customer's orders (None before a customer is chosen: no order picker, no query)."""
        self._orders = orders
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        if self._orders is None:
            del self.fields["related_order"]  # type: ignore[attr-defined]
            return {"complaint_type": ComplaintType.objects.filter(is_active=True).order_by("name_ar")}
        return {
            "complaint_type": ComplaintType.objects.filter(is_active=True).order_by("name_ar"),
            "related_order": self._orders,
        }


class AssignForm(StyledFormMixin, forms.Form):
    assigned_to = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Person"), empty_label=_("Nobody in particular")
    )
    assigned_role = forms.ChoiceField(choices=DEPARTMENT_CHOICES, required=False, label=_("Department"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"assigned_to": handler_users()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("assigned_to") and not data.get("assigned_role"):
            raise forms.ValidationError(_("Choose a person or a department."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Comment"))
    files = MultipleFileField(  # type: ignore[assignment]
        required=False,
        label=_("Attachments"),
        help_text=_("Up to %(n)s files: PDF, JPEG, PNG or WebP.") % {"n": ATTACHMENT_LIMIT},
    )


class EvaluationForm(StyledFormMixin, forms.Form):
    overall = forms.TypedChoiceField(choices=RATINGS, coerce=int, label=_("Overall"))
    response_speed = forms.TypedChoiceField(choices=RATINGS, coerce=int, label=_("Response speed"))
    solution_quality = forms.TypedChoiceField(choices=RATINGS, coerce=int, label=_("Solution quality"))
    staff = forms.TypedChoiceField(choices=RATINGS, coerce=int, label=_("Staff"))
    would_recommend = forms.BooleanField(required=False, initial=True, label=_("Would recommend us"))
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Comment"))


class ComplaintTypeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ComplaintType
        fields = [
            "name_ar",
            "name_en",
            "code",
            "default_priority",
            "response_hours",
            "resolution_hours",
            "escalation_hours",
            "calendar",
            "default_assignee",
            "default_role",
            "is_active",
        ]

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"calendar": BusinessCalendar.objects.order_by("name"), "default_assignee": handler_users()}

    def clean_default_role(self) -> str:
        role = self.cleaned_data.get("default_role") or ""
        if role and role not in DEPARTMENT_ROLES:
            raise forms.ValidationError(_("Complaints cannot be assigned to this department."))
        return str(role)


class CalendarForm(StyledFormMixin, forms.ModelForm):
    workdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Working days")
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "workdays", "day_start", "day_end"]
        widgets = {
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class HolidayForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
