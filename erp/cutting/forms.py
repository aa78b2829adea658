from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.cutting.services import CutDetails


class CutForm(StyledFormMixin, forms.Form):
    """Completing one item, or every remaining item of a cutting order ("complete all")."""

    cutter = forms.CharField(label=_("Cutter"), max_length=120)
    permit_number = forms.CharField(label=_("Permit number"), max_length=40)
    receiver = forms.CharField(label=_("Receiver"), max_length=120)
    exit_date = forms.DateField(
        label=_("Exit date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    backdate_reason = forms.CharField(label=_("Back-dating reason"), max_length=255, required=False)
    extra_quantity = forms.DecimalField(
        label=_("Extra quantity"), max_digits=14, decimal_places=3, min_value=Decimal(0), required=False
    )
    bag_number = forms.CharField(label=_("Bag number"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"exit_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for name in ("permit_number", "bag_number", "extra_quantity"):
            self.fields[name].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})
        self.fields["extra_quantity"].widget.attrs["inputmode"] = "decimal"

    def details(self) -> CutDetails:
        data = self.cleaned_data
        return CutDetails(
            cutter=data["cutter"],
            permit_number=data["permit_number"],
            receiver=data["receiver"],
            exit_date=data.get("exit_date"),
            backdate_reason=data.get("backdate_reason") or "",
            extra_quantity=data.get("extra_quantity"),
            bag_number=data.get("bag_number") or "",
        )
