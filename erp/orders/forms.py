from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.orders.models import Order, Payment


class PaymentForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=12, decimal_places=2, help_text=_("Negative for a refund.")
    )
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.CASH)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)
    payment_date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Order.Status.choices)
    reason = forms.CharField(max_length=255, required=False)


def _in_a_week() -> datetime:
    return timezone.localtime() + timedelta(days=7)


class PromoIssueForm(StyledFormMixin, forms.Form):
    discount_percent = forms.DecimalField(
        label=_("Discount %"), min_value=1, max_value=15, max_digits=5, decimal_places=2
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        initial=_in_a_week,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    code = forms.CharField(label=_("Code"), max_length=30, required=False, help_text=_("Leave empty to generate."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def add_service_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
