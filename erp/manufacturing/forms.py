from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch
from erp.core.forms import StyledFormMixin
from erp.manufacturing.models import FactoryOrder, ProductionLine


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=FactoryOrder.Status.choices)
    reason = forms.CharField(max_length=255, required=False)
    permit = forms.CharField(max_length=40, required=False)
    recipient = forms.CharField(max_length=120, required=False)


class ReplyForm(StyledFormMixin, forms.Form):
    reply = forms.CharField(label=_("Reply to the rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class LineChangeForm(StyledFormMixin, forms.Form):
    line = forms.ModelChoiceField(label=_("Production line"), queryset=ProductionLine.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"line": ProductionLine.objects.filter(is_active=True).order_by("-priority", "id")}


class ReceiptForm(StyledFormMixin, forms.Form):
    """Receive every open item of a cutting order in one bag (a scanner types the reference and presses Enter)."""

    cut_reference = forms.CharField(
        label=_("Cutting order number"), max_length=60, widget=forms.TextInput(attrs={"autofocus": True})
    )
    bag_number = forms.CharField(label=_("Bag number"), max_length=40)


class ProductionLineForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    capacity_per_day = forms.IntegerField(label=_("Capacity per day"), min_value=1, max_value=10000, initial=10)
    priority = forms.IntegerField(
        label=_("Priority"), min_value=0, max_value=1000, initial=1, help_text=_("Higher is chosen first.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), max_length=255, required=False)

    def __init__(self, *args: Any, branches: list[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.branches = branches
        for value, label in FactoryOrder.Type.choices:
            self.fields[f"branches_{value}"] = forms.MultipleChoiceField(
                label=_("Branches served: %(type)s") % {"type": label},
                choices=[(b.pk, str(b)) for b in branches],
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            )
        self.route_fields = [self[f"branches_{value}"] for value in FactoryOrder.Type.values]

    def routes(self) -> list[tuple[str, int]]:
        return [
            (value, int(b))
            for value in FactoryOrder.Type.values
            for b in self.cleaned_data.get(f"branches_{value}", [])
        ]
