"""Forms of the stock-operation pages: transfers, suppliers, purchase orders, counts and adjustments.

Document lines are entered as rows of (variant code or barcode, quantity[, unit cost]) — a barcode scanner types
into the code box — added with htmx; `parse_lines` resolves every code in one query and reports errors per row.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.core.text import ascii_digits, normalize_code
from erp.inventory.models import Category, StockMovement, Supplier, Variant, Warehouse

MAX_LINES = 200


@dataclass
class LineRow:
    code: str = ""
    quantity: str = ""
    unit_cost: str = ""
    errors: list[str] = field(default_factory=list)
    variant: Variant | None = None


@dataclass
class ParsedLines:
    rows: list[LineRow]
    error: str = ""

    @property
    def valid(self) -> bool:
        return not self.error and not any(r.errors for r in self.rows)


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(ascii_digits(raw.strip()).replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_lines(data: Any, *, with_cost: bool) -> ParsedLines:
    """Rows from the posted `code`, `quantity` (and `unit_cost`) lists; blank rows are dropped."""
    codes = data.getlist("code")
    quantities = data.getlist("quantity")
    costs = data.getlist("unit_cost") if with_cost else []
    rows = []
    for i, code in enumerate(codes[:MAX_LINES]):
        row = LineRow(
            normalize_code(code),
            quantities[i].strip() if i < len(quantities) else "",
            costs[i].strip() if i < len(costs) else "",
        )
        if row.code or row.quantity or row.unit_cost:
            rows.append(row)
    parsed = ParsedLines(rows)
    if not rows:
        parsed.error = gettext("Add at least one line.")
        return parsed
    wanted = {r.code.upper() for r in rows if r.code} | {r.code for r in rows if r.code}
    variants = Variant.objects.filter(Q(code__in=wanted) | Q(barcode__in=wanted), is_active=True).select_related(
        "product"
    )
    by_code: dict[str, Variant] = {}
    for v in variants:
        by_code[v.code] = v
        if v.barcode:
            by_code[v.barcode] = v
    seen: set[int] = set()
    for row in rows:
        row.variant = by_code.get(row.code) or by_code.get(row.code.upper())
        if row.variant is None:
            row.errors.append(gettext("No active variant has this code or barcode."))
        elif row.variant.pk in seen:
            row.errors.append(gettext("This variant is already on another line."))
        else:
            seen.add(row.variant.pk)
        quantity = _decimal(row.quantity)
        if quantity is None or quantity <= 0:
            row.errors.append(gettext("Enter a quantity above zero."))
        if with_cost:
            cost = _decimal(row.unit_cost)
            if cost is None or cost < 0:
                row.errors.append(gettext("Enter a unit cost of zero or more."))
    return parsed


def line_values(parsed: ParsedLines, *, with_cost: bool) -> list[Any]:
    out: list[Any] = []
    for row in parsed.rows:
        quantity = _decimal(row.quantity) or Decimal(0)
        if with_cost:
            out.append((row.variant, quantity, _decimal(row.unit_cost) or Decimal(0)))
        else:
            out.append((row.variant, quantity))
    return out


class TransferForm(StyledFormMixin, forms.Form):
    source = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("From"))
    destination = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("To"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, sources: QuerySet[Warehouse], **kwargs: Any) -> None:
        self._sources = sources
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"source": self._sources, "destination": Warehouse.objects.filter(is_active=True).order_by("code")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") and data.get("source") == data.get("destination"):
            self.add_error("destination", _("Choose a different warehouse to transfer to."))
        return data


class ReasonForm(forms.Form):
    to = forms.CharField(max_length=30)
    reason = forms.CharField(max_length=255, required=False)


class SupplierForm(StyledFormMixin, forms.ModelForm[Supplier]):
    class Meta:
        model = Supplier
        fields = ["name", "phone", "email", "address", "tax_number", "is_active", "notes"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "tax_number": forms.TextInput(attrs={"dir": "ltr"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class PurchaseOrderForm(StyledFormMixin, forms.Form):
    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none(), label=_("Supplier"))
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Destination warehouse"))
    expected_date = forms.DateField(
        label=_("Expected date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], **kwargs: Any) -> None:
        self._warehouses = warehouses
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"supplier": Supplier.objects.filter(is_active=True).order_by("name"), "warehouse": self._warehouses}


class StockCountForm(StyledFormMixin, forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Warehouse"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("Category"), required=False, empty_label=_("Every category")
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], **kwargs: Any) -> None:
        self._warehouses = warehouses
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"warehouse": self._warehouses, "category": Category.objects.filter(is_active=True).order_by("path")}


class AdjustmentForm(StyledFormMixin, forms.Form):
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), label=_("Warehouse"))
    code = forms.CharField(
        label=_("Variant code or barcode"), max_length=64, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=3,
        help_text=_("Positive adds stock, negative takes it out."),
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (StockMovement.Reason.DAMAGE, _("Damage")),
            (StockMovement.Reason.COUNT, _("Stock count")),
            (StockMovement.Reason.OTHER, _("Other")),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=255)
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], **kwargs: Any) -> None:
        self._warehouses = warehouses
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {"warehouse": self._warehouses}

    def clean_code(self) -> Variant:
        code = normalize_code(self.cleaned_data["code"])
        variant = Variant.objects.filter(Q(code=code.upper()) | Q(barcode=code)).first()
        if variant is None:
            raise forms.ValidationError(_("No variant has this code or barcode."))
        return variant

    def clean_quantity(self) -> Decimal:
        value: Decimal = self.cleaned_data["quantity"]
        if value == 0:
            raise forms.ValidationError(_("A stock movement cannot be zero."))
        return value
