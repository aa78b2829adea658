"""Customer writes: creation numbered from a locked counter per branch, edits, and duplicate-phone detection."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from erp.accounts.access import require_perm
from erp.accounts.models import Branch
from erp.core.counters import counter_next
from erp.core.phones import normalize_phone
from erp.core.text import normalize_search
from erp.customers.models import Customer, CustomerType

# Fields a caller may set on create/update besides the ones taken explicitly.
EDITABLE_FIELDS = (
    "name",
    "customer_type",
    "category",
    "phone",
    "phone2",
    "email",
    "birth_date",
    "address",
    "location_type",
    "credit_limit",
    "payment_terms_days",
    "notes",
)


def _local_form(phone: str) -> str:
    """'+201012345678' → '01012345678' (what staff type when searching)."""
    return "0" + phone[3:] if phone.startswith("+20") else phone


def customer_search_text(customer: Customer) -> str:
    phones = [p for p in (customer.phone, customer.phone2) if p]
    parts = [customer.code, customer.name, *phones, *(_local_form(p) for p in phones)]
    return normalize_search(" ".join(p for p in parts if p))


def phone_owner(phone: str, *, exclude_pk: int | None = None) -> Customer | None:
    """The customer already holding `phone` (in either phone column), if any. `phone` must be normalised."""
    if not phone:
        return None
    qs = Customer.objects.filter(phone=phone) | Customer.objects.filter(phone2=phone)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("branch").order_by("pk").first()


def _normalise_phones(values: dict[str, Any], *, exclude_pk: int | None) -> None:
    """Normalise phone/phone2 to E.164 in place; refuse invalid numbers and numbers another customer holds."""
    errors: dict[str, list[ValidationError]] = {}
    for field in ("phone", "phone2"):
        if field not in values:
            continue
        try:
            values[field] = normalize_phone(values[field] or "")
        except ValidationError as exc:
            errors.setdefault(field, []).append(exc)
            continue
        owner = phone_owner(values[field], exclude_pk=exclude_pk)
        if owner is not None:
            errors.setdefault(field, []).append(
                ValidationError(
                    _("This phone belongs to customer %(customer)s."),
                    code="duplicate_phone",
                    params={"customer": f"{owner.code} · {owner.name}"},
                )
            )
    if values.get("phone") and values.get("phone") == values.get("phone2"):
        errors.setdefault("phone2", []).append(
            ValidationError(_("The second phone repeats the first."), code="duplicate_phone")
        )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


@transaction.atomic
def customer_create(
    *,
    actor: Any,
    branch: Branch,
    name: str,
    customer_type: CustomerType,
    phone: str,
    **fields: Any,
) -> Customer:
    """A new customer `BRANCH-NNNN` (gap-free per branch under concurrency: the counter row is locked)."""
    require_perm(actor, "customers.manage_customers")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    values: dict[str, Any] = {"name": (name or "").strip(), "customer_type": customer_type, "phone": phone, **fields}
    _normalise_phones(values, exclude_pk=None)
    customer = Customer(branch=branch, created_by=actor, updated_by=actor, **values)
    customer.code = "-"  # set below from the counter, once everything else is valid
    customer.full_clean(exclude=["code"])
    customer.code = f"{branch.code}-{counter_next(f'customers.customer:{branch.pk}'):04d}"
    customer.search_text = customer_search_text(customer)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, actor: Any, customer: Customer, **fields: Any) -> Customer:
    """Edit the editable fields; the code and branch never change (order numbers derive from the code)."""
    require_perm(actor, "customers.manage_customers")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    values = dict(fields)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    _normalise_phones(values, exclude_pk=customer.pk)
    for key, value in values.items():
        setattr(customer, key, value)
    customer.updated_by = actor
    customer.full_clean()
    customer.search_text = customer_search_text(customer)
    customer.save()
    return customer


@transaction.atomic
def customer_set_status(*, actor: Any, customer: Customer, status: str) -> Customer:
    """Activate, deactivate or block. Blocking needs its own permission; blocked customers get no new orders."""
    perm = (
        "customers.block_customers"
        if Customer.Status.BLOCKED in (status, customer.status)
        else "customers.manage_customers"
    )
    require_perm(actor, perm)
    if status not in Customer.Status.values:
        raise ValidationError({"status": _("Select a valid choice.")})
    Customer.objects.filter(pk=customer.pk).update(status=status, updated_by=actor)
    customer.status = status
    return customer


def ensure_can_order(customer: Customer) -> None:
    """Orders call this before placing: a blocked (or inactive) customer gets no new orders."""
    if customer.status == Customer.Status.BLOCKED:
        raise ValidationError({"customer": _("This customer is blocked and cannot get new orders.")})
    if customer.status == Customer.Status.INACTIVE:
        raise ValidationError({"customer": _("This customer is inactive; activate them first.")})


def customer_type_price_discount(customer_type: CustomerType, *, warehouse_id: int | None) -> Decimal:
    """The percentage a 'discount' type takes off the retail price for a product from `warehouse_id`.

    `customer_type.discount_warehouses` should be prefetched by the caller.
    """
    if customer_type.pricing_type != "discount" or not customer_type.discount_percentage:
        return Decimal("0")
    ids = {w.pk for w in customer_type.discount_warehouses.all()}
    if ids and warehouse_id not in ids:
        return Decimal("0")
    return customer_type.discount_percentage
