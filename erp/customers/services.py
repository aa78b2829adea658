"""Customer writes: creation numbered from a locked counter per branch, edits, and duplicate-phone detection."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import Branch
from erp.accounts.scoping import branch_ids_in_scope, scope_for
from erp.core.counters import counter_next
from erp.core.phones import normalize_phone
from erp.core.text import normalize_code, normalize_search
from erp.customers.models import (
    ContactPerson,
    Customer,
    CustomerAccessLog,
    CustomerCategory,
    CustomerNote,
    CustomerType,
)
from erp.customers.scoping import CORPORATE, WHOLESALE

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
    allowed = branch_ids_in_scope(access_for(actor))
    if allowed is not None and branch.pk not in allowed:
        raise ValidationError({"branch": _("You cannot register customers in this branch.")})
    values: dict[str, Any] = {"name": (name or "").strip(), "customer_type": customer_type, "phone": phone, **fields}
    _normalise_phones(values, exclude_pk=None)
    customer = Customer(branch=branch, created_by=actor, updated_by=actor, **values)
    customer.code = "-"  # set below from the counter, once everything else is valid
    customer.full_clean(exclude=["code", "branch", "created_by", "updated_by"])  # set from trusted objects
    customer.code = f"{branch.code}-{counter_next(f'customers.customer:{branch.pk}'):04d}"
    customer.search_text = customer_search_text(customer)
    customer.save()
    _customer_created_side_effects(customer=customer, actor=actor)
    return customer


def _customer_created_side_effects(*, customer: Customer, actor: Any) -> None:
    """In the creating transaction, through the outbox (sent after commit by workers, never in the request): the
    branch's managers and salespeople are notified, and the customer gets the WhatsApp welcome when it is enabled."""
    from django.urls import reverse

    from erp.integrations.whatsapp.models import Event
    from erp.integrations.whatsapp.services import whatsapp_queue_template
    from erp.notifications.models import Kind
    from erp.notifications.services import notify

    notify(
        kind=Kind.CUSTOMER,
        title=_("New customer %(code)s") % {"code": customer.code},
        body=customer.name,
        link=reverse("customers:customer_detail", kwargs={"code": customer.code}),
        actor=actor,
        branch=customer.branch_id,
        event="customer_created",
        idempotency_key=f"customer:{customer.pk}:created",
    )
    whatsapp_queue_template(
        event=Event.WELCOME,
        phone=customer.phone,
        params={"customer_name": customer.name},
        related=customer,
        idempotency_key=f"customer:{customer.pk}:welcome",
    )


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
    # Code, branch and authorship never change here, and only the foreign keys given need checking.
    fixed = ["code", "branch", "created_by", "updated_by"]
    customer.full_clean(exclude=[*fixed, *(f for f in ("customer_type", "category") if f not in values)])
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


@transaction.atomic
def customer_note_add(*, actor: Any, customer: Customer, text: str) -> CustomerNote:
    require_perm(actor, "customers.view_customers")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    return CustomerNote.objects.create(customer=customer, text=text[:4000], created_by=actor)


@transaction.atomic
def customer_contacts_replace(*, actor: Any, customer: Customer, contacts: list[dict[str, Any]]) -> list[ContactPerson]:
    """Replace a corporate customer's contact persons with `contacts` (name, title, phone, email, is_primary), in
    order. At most one primary; phones normalised; nothing is written if any row is invalid."""
    require_perm(actor, "customers.manage_customers")
    if customer.customer_type.code != CORPORATE:
        raise ValidationError(_("Only corporate customers have contact persons."))
    rows: list[ContactPerson] = []
    errors: dict[str, list[str]] = {}
    for i, data in enumerate(contacts):
        phone = data.get("phone") or ""
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors.setdefault(f"contacts.{i}.phone", []).extend(exc.messages)
        rows.append(
            ContactPerson(
                customer=customer,
                name=(data.get("name") or "").strip(),
                title=(data.get("title") or "").strip(),
                phone=phone,
                email=data.get("email") or "",
                position=i + 1,
                is_primary=bool(data.get("is_primary")),
            )
        )
    if sum(r.is_primary for r in rows) > 1:
        errors.setdefault("is_primary", []).append(_("Only one contact person can be the primary one."))
    for i, row in enumerate(rows):
        try:
            row.full_clean(exclude=["customer"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"contacts.{i}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    ContactPerson.objects.filter(customer=customer).delete()
    return ContactPerson.objects.bulk_create(rows)


def _type_values(values: dict[str, Any]) -> dict[str, Any]:
    allowed = {"code", "name", "name_en", "pricing_type", "discount_percentage", "badge_colour", "is_active"}
    unknown = set(values) - allowed - {"discount_warehouses"}
    if unknown:
        raise TypeError(f"unknown customer type fields: {sorted(unknown)}")
    return {k: v for k, v in values.items() if k in allowed}


@transaction.atomic
def customer_type_save(*, actor: Any, customer_type: CustomerType | None = None, **values: Any) -> CustomerType:
    """Create (customer_type=None) or edit a customer type; a 'discount' type needs a percentage."""
    require_perm(actor, "customers.manage_customer_types")
    warehouses = values.pop("discount_warehouses", None)
    obj = customer_type or CustomerType()
    for key, value in _type_values(values).items():
        setattr(obj, key, value)
    if obj.pricing_type == "discount" and not obj.discount_percentage:
        raise ValidationError({"discount_percentage": _("A discount type needs a percentage above zero.")})
    if obj.pricing_type != "discount":
        obj.discount_percentage = Decimal("0")
    obj.full_clean()
    obj.save()
    if warehouses is not None:
        obj.discount_warehouses.set(warehouses if obj.pricing_type == "discount" else [])
    return obj


@transaction.atomic
def customer_category_save(
    *, actor: Any, category: CustomerCategory | None = None, name: str, is_default: bool = False
) -> CustomerCategory:
    """Create or rename a category; making one the default takes the flag from the previous default."""
    require_perm(actor, "customers.manage_customer_types")
    obj = category or CustomerCategory()
    obj.name = (name or "").strip()
    obj.is_default = is_default
    obj.full_clean(validate_constraints=False)
    if is_default:
        CustomerCategory.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
    obj.save()
    return obj


def _lookup_allowed_by_phone(actor: Any, customer: Customer) -> bool:
    """B §6.2: by phone, a user may open wholesale customers and their own customers (and those in scope)."""
    if customer.customer_type.code == WHOLESALE or customer.created_by_id == getattr(actor, "pk", None):
        return True
    return scope_for(actor, "customers", Customer.objects.filter(pk=customer.pk)).exists()


@transaction.atomic
def customer_lookup(*, actor: Any, query: str, ip_address: str | None = None) -> Customer | None:
    """Cross-branch lookup (B §6.2) by an exact customer code (any customer) or a phone (wholesale customers or the
    user's own). A hit is written to CustomerAccessLog; a miss or a refusal returns None (the same answer, so the
    lookup does not reveal whether a phone is registered)."""
    require_perm(actor, "customers.view_customers")
    raw = normalize_code(query)
    if not raw:
        return None
    related = Customer.objects.select_related("branch", "customer_type", "category")
    customer = related.filter(code=raw.upper()).first()
    via = CustomerAccessLog.Via.CODE
    if customer is None:
        try:
            phone = normalize_phone(raw)
        except ValidationError:
            return None
        found = (related.filter(phone=phone) | related.filter(phone2=phone)).order_by("pk").first() if phone else None
        if found is None or not _lookup_allowed_by_phone(actor, found):
            return None
        customer, via = found, CustomerAccessLog.Via.PHONE
    user_branch_id = getattr(actor, "branch_id", None)
    CustomerAccessLog.objects.create(
        user=actor,
        user_branch_id=user_branch_id,
        customer=customer,
        customer_branch_id=customer.branch_id,
        is_cross_branch=customer.branch_id != user_branch_id,
        via=via,
        ip_address=ip_address or None,
    )
    return customer
