"""Forms of the catalogue-data pages: product and colour edits, bulk price updates, images and imports."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.inventory.catalogue import BulkPriceParams, parse_product_codes
from erp.inventory.models import BulkPriceUpdate, Category, Product, Variant

PRICE_NAMES = ("retail_price", "wholesale_price")


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ProductForm(StyledFormMixin, forms.ModelForm[Product]):
    """Everything but the code (the QR key). Prices are read-only for users who may not change them."""

    class Meta:
        model = Product
        fields = [
            "name",
            "name_en",
            "category",
            "kind",
            "unit",
            "material",
            "width_cm",
            "retail_price",
            "wholesale_price",
            "minimum_stock",
            "is_active",
        ]
        widgets = {
            "name_en": forms.TextInput(attrs={"dir": "ltr"}),
            "width_cm": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
            "retail_price": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "min": "0"}),
            "wholesale_price": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "min": "0"}),
            "minimum_stock": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "min": "0"}),
        }

    def __init__(self, *args: Any, can_change_prices: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PRICE_NAMES:
            self.fields[name].min_value = 0  # type: ignore[attr-defined]
            self.fields[name].validators.append(_not_negative)
            if not can_change_prices:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("You may not change prices.")

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"category": Category.objects.filter(is_active=True).order_by("path")}

    def _post_clean(self) -> None:
        pass  # the service validates and saves


def _not_negative(value: Any) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Prices cannot be negative."))


class VariantForm(StyledFormMixin, forms.ModelForm[Variant]):
    class Meta:
        model = Variant
        fields = ["colour", "barcode", "retail_price", "wholesale_price", "is_active"]
        widgets = {
            "barcode": forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
            "retail_price": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "min": "0"}),
            "wholesale_price": forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "min": "0"}),
        }

    def __init__(self, *args: Any, can_change_prices: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PRICE_NAMES:
            self.fields[name].validators.append(_not_negative)
            self.fields[name].help_text = _("Empty: the product's price.")
            if not can_change_prices:
                self.fields[name].disabled = True

    def _post_clean(self) -> None:
        pass


class BulkPriceForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        label=_("Category"),
        empty_label=_("— choose —"),
        help_text=_("The category and everything below it."),
    )
    product_codes = forms.CharField(
        label=_("Or product codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("Paste codes separated by spaces, commas or new lines."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=BulkPriceUpdate.Method.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=BulkPriceUpdate.Direction.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"dir": "ltr", "inputmode": "decimal", "step": "0.01"}),
        help_text=_("A percentage or an amount in EGP."),
    )
    apply_retail = forms.BooleanField(label=_("Retail price"), required=False, initial=True)
    apply_wholesale = forms.BooleanField(label=_("Wholesale price"), required=False)
    rounding = forms.ChoiceField(
        label=_("Rounding"), choices=BulkPriceUpdate.Rounding.choices, initial=BulkPriceUpdate.Rounding.CENTS
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"category": Category.objects.filter(is_active=True).order_by("path")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        params = self.params_from(data)
        try:
            params.clean()
        except ValidationError as exc:
            apply_service_errors(self, exc)
        return data

    @staticmethod
    def params_from(data: dict[str, Any]) -> BulkPriceParams:
        return BulkPriceParams(
            method=data["method"],
            direction=data["direction"],
            amount=data["amount"],
            apply_retail=bool(data.get("apply_retail")),
            apply_wholesale=bool(data.get("apply_wholesale")),
            rounding=data["rounding"],
            category=data.get("category"),
            product_codes=parse_product_codes(data.get("product_codes", "")),
        )

    @property
    def params(self) -> BulkPriceParams:
        return self.params_from(self.cleaned_data)


class ProductImageForm(StyledFormMixin, forms.Form):
    image = forms.FileField(
        label=_("Image"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP."),
    )
    variant = forms.ModelChoiceField(
        queryset=Variant.objects.none(), required=False, label=_("Colour"), empty_label=_("All colours")
    )

    def __init__(self, *args: Any, variants: list[Variant], **kwargs: Any) -> None:
        self._variants = variants
        super().__init__(*args, **kwargs)
        self.fields["variant"].label_from_instance = lambda v: v.colour or v.code  # type: ignore[attr-defined]

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        qs = Variant.objects.filter(pk__in=[v.pk for v in self._variants]).order_by("code")
        qs._result_cache = list(self._variants)  # type: ignore[attr-defined]  # already fetched by the view
        qs._prefetch_done = True  # type: ignore[attr-defined]
        return {"variant": qs}


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        help_text=_("The import template's format (.xlsx)."),
    )
