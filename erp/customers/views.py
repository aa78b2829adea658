"""Customer pages: the scoped list, the customer page by code, create/edit, contacts, notes, status, the phone check,
the cross-branch lookup, and customer types and categories."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.forms import apply_service_errors
from erp.accounts.models import SecurityEvent
from erp.accounts.services import client_ip, security_event_record
from erp.core.exportjobs import export_response
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.core.phones import normalize_phone
from erp.customers import exports, selectors, services
from erp.customers.filters import CustomerFilter
from erp.customers.forms import (
    CategoryForm,
    ContactFormSet,
    CustomerForm,
    CustomerTypeForm,
    LookupForm,
    NoteForm,
    contact_initial,
)
from erp.customers.models import Customer, CustomerCategory, CustomerType
from erp.customers.scoping import CORPORATE
from erp.customers.sections import section_for, sections_for

ORDERINGS = {
    "-created": ("-id",),
    "name": ("name", "id"),
    "code": ("code", "id"),
}
STATUS_ACTIONS = {
    # target status: the permission it needs (leaving "blocked" needs customers.block_customers too)
    Customer.Status.ACTIVE: "customers.manage_customers",
    Customer.Status.INACTIVE: "customers.manage_customers",
    Customer.Status.BLOCKED: "customers.block_customers",
}


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "customers.view_customers")
    actor = request.user
    try:
        customers = selectors.customer_list(actor=actor, filters=request.GET)
    except ValidationError:
        customers = Customer.objects.none()  # the filter form shows what was wrong
    if request.GET.get("export") == "xlsx":
        require_perm(actor, "customers.export_customers")
        return _customers_xlsx(request, customers)
    ordering = request.GET.get("ordering", "-created")
    page = keyset_page(customers, order=ORDERINGS.get(ordering, ORDERINGS["-created"]), cursor=request.GET.get("after"))
    access = access_for(actor)
    return render(
        request,
        "customers/customer_list.html",
        {
            "page": page,
            "filter_form": filter_form(CustomerFilter, request.GET, actor=actor),
            "ordering": ordering,
            "orderings": [("-created", _("Newest")), ("name", _("Name")), ("code", _("Code"))],
            "query": _query_without(request, "after"),
            "sort_query": _query_without(request, "after", "ordering"),
            "can_create": access.has_perm("customers.manage_customers"),
            "can_export": access.has_perm("customers.export_customers"),
            "can_manage_types": access.has_perm("customers.manage_customer_types"),
        },
    )


def _customers_xlsx(request: HttpRequest, customers: Any) -> HttpResponse:
    """Immediate when small, a background job with a progress bar when large (erp/core/exportjobs.py)."""
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "customers"}
    )
    return export_response(request, kind=exports.CUSTOMERS.key, queryset=customers)


@login_required
def customer_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "customers.view_customers")
    actor = request.user
    customer = selectors.customer_get_by_code(actor=actor, code=code)
    access = access_for(actor)
    can_manage = access.has_perm("customers.manage_customers")
    can_block = access.has_perm("customers.block_customers")
    actions = []
    for target in Customer.Status:
        if target == customer.status:
            continue
        needed = STATUS_ACTIONS[target]
        if customer.status == Customer.Status.BLOCKED:
            needed = "customers.block_customers"
        if access.has_perm(needed):
            actions.append(target)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "contacts": list(customer.contacts.all()),
            "notes": selectors.customer_notes(customer=customer),
            "note_form": NoteForm(),
            "can_manage": can_manage,
            "can_block": can_block,
            "status_actions": actions,
            "is_corporate": customer.customer_type.code == CORPORATE,
            "sections": sections_for(actor=actor, customer=customer),
        },
    )


@login_required
@require_GET
def customer_section(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """One lazy section of the customer page (the placeholder's htmx request), as the same scoped user."""
    require_perm(request.user, "customers.view_customers")
    customer = selectors.customer_get_by_code(actor=request.user, code=code)
    section = section_for(actor=request.user, customer=customer, key=key)
    if section is None:
        raise Http404
    return render(request, "customers/_section_body.html", {"s": section, "customer": customer})


def _branch_initial(actor: Any) -> dict[str, Any]:
    return {"branch": getattr(actor, "branch_id", None)}


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "customers.manage_customers")
    actor = request.user
    form = CustomerForm(request.POST or None, actor=actor, creating=True, initial=_branch_initial(actor))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        branch = values.pop("branch")
        try:
            customer = services.customer_create(actor=actor, branch=branch, **values)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Customer %(code)s was created.") % {"code": customer.code})
            return redirect("customers:customer_detail", code=customer.code)
    return render(request, "customers/customer_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def customer_update(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "customers.manage_customers")
    actor = request.user
    customer = selectors.customer_get_by_code(actor=actor, code=code)
    form = CustomerForm(request.POST or None, instance=customer, actor=actor, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(actor=actor, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The customer was saved."))
            return redirect("customers:customer_detail", code=customer.code)
    return render(request, "customers/customer_form.html", {"form": form, "creating": False, "customer": customer})


@login_required
@require_http_methods(["GET", "POST"])
def customer_contacts(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "customers.manage_customers")
    actor = request.user
    customer = selectors.customer_get_by_code(actor=actor, code=code)
    if customer.customer_type.code != CORPORATE:
        raise Http404
    if request.method == "POST":
        formset = ContactFormSet(request.POST)
        if formset.is_valid():
            rows = [f.cleaned_data for f in _kept_forms(formset)]
            try:
                services.customer_contacts_replace(actor=actor, customer=customer, contacts=rows)
            except ValidationError as exc:
                _contact_errors(formset, exc)
            else:
                messages.success(request, _("The contact persons were saved."))
                return redirect("customers:customer_detail", code=customer.code)
    else:
        formset = ContactFormSet(initial=contact_initial(list(customer.contacts.all())))
    return render(request, "customers/contacts_form.html", {"customer": customer, "formset": formset})


def _kept_forms(formset: Any) -> list[Any]:
    """The formset's rows to save: filled in and not marked for deletion."""
    return [
        f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


def _contact_errors(formset: Any, exc: ValidationError) -> None:
    """Put the service's `contacts.<i>.<field>` errors on the matching form of the formset."""
    kept = _kept_forms(formset)
    for key, messages_ in (exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "contacts" and int(parts[1]) < len(kept):
            form = kept[int(parts[1])]
            for m in messages_:
                form.add_error(parts[2] if parts[2] in form.fields else None, m)
        else:
            formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *messages_])


@login_required
@require_POST
def customer_note_add(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "customers.view_customers")
    customer = selectors.customer_get_by_code(actor=request.user, code=code)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.customer_note_add(actor=request.user, customer=customer, text=form.cleaned_data["text"])
        messages.success(request, _("The note was added."))
    else:
        messages.error(request, _("Write the note first."))
    return redirect("customers:customer_detail", code=customer.code)


@login_required
@require_POST
def customer_set_status(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "customers.view_customers")
    customer = selectors.customer_get_by_code(actor=request.user, code=code)
    status = request.POST.get("status", "")
    try:
        services.customer_set_status(actor=request.user, customer=customer, status=status)
    except ValidationError:
        messages.error(request, _("Select a valid status."))
    else:
        messages.success(request, _("The customer is now %(status)s.") % {"status": customer.get_status_display()})
    return redirect("customers:customer_detail", code=customer.code)


@login_required
def check_phone(request: HttpRequest) -> HttpResponse:
    """htmx: as a phone is typed, say whether it is valid and whether a customer holds it already. The owner is
    named (with a link) only when the user may see them; otherwise the message is neutral."""
    require_perm(request.user, "customers.view_customers")
    field = request.GET.get("field", "phone")
    raw = request.GET.get(field if field in ("phone", "phone2") else "phone", "")
    exclude = request.GET.get("exclude")
    context: dict[str, Any] = {"state": "empty"}
    try:
        phone = normalize_phone(raw)
    except ValidationError:
        context = {"state": "invalid"}
    else:
        if phone:
            owner = services.phone_owner(phone, exclude_pk=int(exclude) if exclude and exclude.isdigit() else None)
            if owner is None:
                context = {"state": "free", "phone": phone}
            elif selectors.customer_in_scope(actor=request.user, customer=owner):
                context = {"state": "taken_visible", "owner": owner}
            else:
                context = {"state": "taken_hidden"}
    return render(request, "customers/_phone_check.html", context)


@login_required
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """Cross-branch lookup (B §6.2): an exact code or phone; a hit is logged in CustomerAccessLog."""
    require_perm(request.user, "customers.view_customers")
    form = LookupForm(request.GET or None)
    customer = None
    searched = False
    in_scope = False
    if form.is_bound and form.is_valid():
        searched = True
        customer = services.customer_lookup(
            actor=request.user, query=form.cleaned_data["q"], ip_address=client_ip(request)
        )
        if customer is not None:
            in_scope = selectors.customer_in_scope(actor=request.user, customer=customer)
    return render(
        request,
        "customers/lookup.html",
        {"form": form, "customer": customer, "searched": searched, "in_scope": in_scope},
    )


# ---------------------------------------------------------------------------------------------------------------
# Customer types and categories


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "customers.manage_customer_types")
    return render(request, "customers/type_list.html", {"types": list(selectors.customer_type_list())})


@login_required
@require_http_methods(["GET", "POST"])
def type_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "customers.manage_customer_types")
    obj = get_object_or_404(CustomerType, pk=pk) if pk is not None else None
    form = CustomerTypeForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_type_save(actor=request.user, customer_type=obj, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The customer type was saved."))
            return redirect("customers:type_list")
    return render(request, "customers/type_form.html", {"form": form, "object": obj})


@login_required
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "customers.manage_customer_types")
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_category_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("customers:category_list")
    return render(
        request, "customers/category_list.html", {"categories": list(selectors.category_list()), "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "customers.manage_customer_types")
    obj = get_object_or_404(CustomerCategory, pk=pk)
    form = CategoryForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_category_save(actor=request.user, category=obj, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The category was saved."))
            return redirect("customers:category_list")
    return render(request, "customers/category_form.html", {"form": form, "object": obj})
