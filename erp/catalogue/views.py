"""Catalogue pages: the public product card and its QR code (no login), and the staff pages (label sheets,
design settings, sync status)."""

import re
from typing import Any

from csp.constants import NONE, SELF
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from erp.accounts.access import access_for, require_perm
from erp.catalogue import qr, selectors, services
from erp.catalogue.filters import LabelFilter
from erp.catalogue.forms import DesignSettingsForm
from erp.catalogue.models import DesignSettings
from erp.catalogue.services import LOGO_CONTENT_TYPES
from erp.catalogue.sync import sync_enabled
from erp.core.filters import filter_form
from erp.core.paging import paginate
from erp.inventory.models import Product

# The public pages run no script, load nothing from elsewhere and cannot be framed or post forms.
PUBLIC_CSP: dict[str, list[str]] = {
    "default-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}
CARD_MAX_AGE = 300  # shelf scans: a browser or proxy may keep a card five minutes
QR_MAX_AGE = 60 * 60 * 24 * 30
ASSET_MAX_AGE = 60 * 60 * 24 * 365
LABELS_PER_SHEET = 24  # an A4 sheet: 3 × 8 labels of 70 × 35 mm
_HEX = re.compile(r"^#[0-9a-f]{6}$")


def _public(response: HttpResponse, max_age: int, *, immutable: bool = False) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    response._csp_config = PUBLIC_CSP  # type: ignore[attr-defined]
    return response


def _versioned(request: HttpRequest, response: HttpResponse, design: DesignSettings) -> HttpResponse:
    """Assets named with the design's version (?v=N) never change: cached for a year; other URLs briefly."""
    if request.GET.get("v") == str(design.version):
        return _public(response, ASSET_MAX_AGE, immutable=True)
    return _public(response, 300)


def _design_context(design: DesignSettings) -> dict[str, Any]:
    whatsapp_digits = design.whatsapp.lstrip("+")
    return {"design": design, "whatsapp_digits": whatsapp_digits}


@require_safe
def product_card(request: HttpRequest, code: str) -> HttpResponse:
    card = selectors.card_get(code=code)
    design = selectors.design_get()
    with translation.override("ar"):
        if card is None:
            response = render(request, "catalogue/public_not_found.html", _design_context(design), status=404)
            return _public(response, 60)
        unit = Product.Unit(card["unit"]).label if card["unit"] in Product.Unit.values else ""
        context = {**_design_context(design), "card": card, "unit_label": unit}
        response = render(request, "catalogue/public_card.html", context)
    return _public(response, CARD_MAX_AGE)


@require_safe
def product_qr(request: HttpRequest, code: str) -> HttpResponse:
    card = selectors.card_get(code=code)
    if card is None:
        raise Http404
    target = qr.card_url(request, card["code"])
    etag = qr.png_etag(target)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(qr.png_bytes(target), content_type="image/png")
        response["Content-Disposition"] = f'inline; filename="{card["code"]}.png"'
    response["ETag"] = etag
    return _public(response, QR_MAX_AGE)


PHOTO_MAX_AGE = 60 * 60 * 24  # a deleted photo or a deactivated product disappears from shelves within a day


@require_safe
def product_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A product photo's thumbnail, public only while its product is active (originals are never public)."""
    name = selectors.public_photo_name(pk=pk)
    if name is None or not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="image/webp")
    response["Content-Disposition"] = f'inline; filename="{pk}.webp"'
    return _public(response, PHOTO_MAX_AGE)


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    """The card's colours as CSS custom properties (validated hex, so nothing else can get in)."""
    design = selectors.design_get()
    primary = design.primary_color.lower() if _HEX.match(design.primary_color.lower()) else "#1d3b5c"
    accent = design.accent_color.lower() if _HEX.match(design.accent_color.lower()) else "#c8a04a"
    css = f":root{{--cat-primary:{primary};--cat-accent:{accent}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    return _versioned(request, response, design)


@require_safe
def logo(request: HttpRequest) -> HttpResponse:
    design = selectors.design_get()
    if not design.logo:
        raise Http404
    extension = (design.logo.name or "").rsplit(".", 1)[-1].lower()
    if extension not in LOGO_CONTENT_TYPES:
        raise Http404
    try:
        with design.logo.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=LOGO_CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'inline; filename="logo.{extension}"'
    return _versioned(request, response, design)


# ---------------------------------------------------------------------------------------------------------------
# Staff pages


@login_required
def label_sheet(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "catalogue.print_labels")
    try:
        products = selectors.label_products(actor=request.user, filters=request.GET)
    except ValidationError:
        products = Product.objects.none()
    page = paginate(request, products, per_page=LABELS_PER_SHEET)
    codes = qr.svg_inline_many([qr.card_url(request, p.code) for p in page.object_list])
    labels = [{"product": p, "qr": code} for p, code in zip(page.object_list, codes, strict=True)]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/label_sheet.html",
        {
            "labels": labels,
            "page": page,
            "filter_form": filter_form(LabelFilter, request.GET, actor=request.user),
            "selected": request.GET.getlist("ids"),
            "query": query.urlencode(),
            "design": selectors.design_get(),
            "can_design": access_for(request.user).has_perm("catalogue.manage_design"),
        },
    )


@login_required
def design_edit(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "catalogue.manage_design")
    row = selectors.design_get_for_update()
    form = DesignSettingsForm(request.POST or None, request.FILES or None, initial=DesignSettingsForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        try:
            services.design_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The catalogue design was saved."))
            return redirect("catalogue:design")
    return render(request, "catalogue/design_form.html", {"form": form, "row": row})


@login_required
def sync_status(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "catalogue.manage_sync")
    from django.conf import settings

    failed = paginate(request, selectors.sync_failed_list())
    return render(
        request,
        "catalogue/sync_status.html",
        {
            "summary": selectors.sync_summary(),
            "failed": failed,
            "enabled": sync_enabled(),
            "endpoint": settings.CATALOGUE_SYNC_URL,
            "can_design": access_for(request.user).has_perm("catalogue.manage_design"),
        },
    )


@login_required
@require_POST
def sync_retry(request: HttpRequest) -> HttpResponse:
    entry = request.POST.get("entry", "")
    ids = [int(entry)] if entry.isdigit() else None
    count = services.sync_retry_failed(user=request.user, entry_ids=ids)
    messages.success(request, _("%(n)s failed entries queued again.") % {"n": count})
    return redirect("catalogue:sync_status")


@login_required
@require_POST
def sync_resync(request: HttpRequest) -> HttpResponse:
    services.sync_resync(user=request.user)
    messages.success(request, _("A full re-sync was started: every product is queued for the edge."))
    return redirect("catalogue:sync_status")
