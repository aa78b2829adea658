"""Customer forms. They only collect input; services validate and write (errors come back next to the field)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.accounts.models import Branch
from erp.core.forms import StyledFormMixin
from erp.customers import selectors
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerType
from erp.inventory.models import Warehouse

TEL = {"inputmode": "tel", "dir": "ltr", "autocomplete": "off"}


class CustomerForm(StyledFormMixin, forms.ModelForm[Customer]):
    # The choices come from choice_querysets() when creating; editing drops the field (the branch never changes).
    branch: forms.ModelChoiceField[Branch] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Branch"),
        empty_label=None,
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "branch",
            "customer_type",
            "category",
            "phone",
            "phone2",
            "email",
            "address",
            "location_type",
            "birth_date",
            "credit_limit",
            "payment_terms_days",
            "notes",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
            "phone": forms.TextInput(attrs=TEL),
            "phone2": forms.TextInput(attrs=TEL),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, actor: Any, creating: bool, **kwargs: Any) -> None:
        self.actor = actor
        self.creating = creating
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["branch"]
        self.fields["phone"].max_length = self.fields["phone2"].max_length = 30  # type: ignore[attr-defined]
        exclude = "" if creating else f"&exclude={self.instance.pk}"
        for name in ("phone", "phone2"):
            attrs = self.fields[name].widget.attrs
            attrs["hx-get"] = reverse("customers:check_phone") + f"?field={name}{exclude}"
            attrs["hx-trigger"] = "input changed delay:400ms, blur"
            attrs["hx-target"] = f"#{name}-check"
            attrs["hx-sync"] = "this:replace"
            attrs["aria-describedby"] = f"{name}-check"

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        out: dict[str, QuerySet[Any]] = {
            "customer_type": CustomerType.objects.filter(is_active=True).order_by("name"),
            "category": selectors.category_list(),
        }
        if self.creating:
            out["branch"] = selectors.creatable_branches(actor=self.actor)
        return out

    def _post_clean(self) -> None:
        """The service validates the model (phones are normalised there first): skip ModelForm's own pass."""


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("New note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=80, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs=TEL))
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"}))
    is_primary = forms.BooleanField(label=_("Primary"), required=False)


ContactFormSet = forms.formset_factory(ContactForm, extra=2, can_delete=True, max_num=30)


def contact_initial(contacts: list[ContactPerson]) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email, "is_primary": c.is_primary}
        for c in contacts
    ]


class CustomerTypeForm(StyledFormMixin, forms.ModelForm[CustomerType]):
    class Meta:
        model = CustomerType
        fields = [
            "code",
            "name",
            "name_en",
            "pricing_type",
            "discount_percentage",
            "discount_warehouses",
            "badge_colour",
            "is_active",
        ]
        widgets = {
            "code": forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "none"}),
            "discount_warehouses": forms.CheckboxSelectMultiple,
            "badge_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"discount_warehouses": Warehouse.objects.filter(is_active=True).order_by("code")}

    def _post_clean(self) -> None:
        """Validated by customer_type_save."""


class CategoryForm(StyledFormMixin, forms.ModelForm[CustomerCategory]):
    class Meta:
        model = CustomerCategory
        fields = ["name", "is_default"]

    def _post_clean(self) -> None:
        """Validated by customer_category_save."""


class LookupForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Exact customer code or phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autofocus": True, "autocomplete": "off", "type": "search"}),
    )
