"""Catalogue-data pages: product and colour edits, bulk price updates, product images, Excel import jobs."""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erp.accounts.access import access_for, require_perm
from erp.accounts.models import SecurityEvent
from erp.accounts.services import security_event_record
from erp.core.exceptions import ApplicationError
from erp.core.exports import XLSX_CONTENT_TYPE, xlsx_response
from erp.core.keyset import keyset_page
from erp.core.paging import paginate
from erp.inventory import catalogue, images, imports, selectors
from erp.inventory.catalogue_forms import (
    BulkPriceForm,
    ImportUploadForm,
    ProductForm,
    ProductImageForm,
    VariantForm,
    apply_service_errors,
)
from erp.inventory.models import BulkPriceUpdate, ImportJob, ImportRowError, PriceChange, ProductImage, Variant

PREVIEW_ROWS = 200  # the preview lists this many products; the count covers them all

# ---------------------------------------------------------------------------------------------------------------
# Product and colour edits


@login_required
@require_http_methods(["GET", "POST"])
def product_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_catalogue")
    product = selectors.product_get(pk=pk)
    can_prices = catalogue.can_change_prices(request.user)
    form = ProductForm(request.POST or None, instance=product, can_change_prices=can_prices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not can_prices:
            for name in ("retail_price", "wholesale_price"):
                data.pop(name, None)
        try:
            catalogue.product_update(actor=request.user, product=product, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("inventory:product_detail", pk=product.pk)
    return render(request, "inventory/product_form.html", {"form": form, "product": product})


@login_required
@require_http_methods(["GET", "POST"])
def variant_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_catalogue")
    variant = get_object_or_404(Variant.objects.select_related("product"), pk=pk)
    can_prices = catalogue.can_change_prices(request.user)
    form = VariantForm(request.POST or None, instance=variant, can_change_prices=can_prices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not can_prices:
            for name in ("retail_price", "wholesale_price"):
                data.pop(name, None)
        try:
            catalogue.variant_update(actor=request.user, variant=variant, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The colour was saved."))
            return redirect("inventory:product_detail", pk=variant.product_id)
    return render(request, "inventory/variant_form.html", {"form": form, "variant": variant})


# ---------------------------------------------------------------------------------------------------------------
# Bulk price updates


@login_required
@require_http_methods(["GET", "POST"])
def bulk_price(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the preview (old → new per product); POST with `apply` and the preview's fingerprint:
    one transaction with its audit entry."""
    require_perm(request.user, "inventory.change_prices")
    form = BulkPriceForm(request.POST or None, initial=_bulk_initial(request))
    preview = None
    if request.method == "POST" and form.is_valid():
        params = form.params
        if "apply" in request.POST:
            try:
                audit = catalogue.bulk_price_apply(
                    actor=request.user,
                    params=params,
                    fingerprint=request.POST.get("fingerprint", ""),
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("%(n)s products got new prices.") % {"n": audit.product_count})
                return redirect("inventory:bulk_price_detail", pk=audit.pk)
        preview = catalogue.bulk_price_preview(params=params)
    context = {
        "form": form,
        "preview": preview,
        "lines": preview.lines[:PREVIEW_ROWS] if preview else [],
        "more": max(0, len(preview.lines) - PREVIEW_ROWS) if preview else 0,
    }
    return render(request, "inventory/bulk_price.html", context)


def _bulk_initial(request: HttpRequest) -> dict[str, Any]:
    return {"product_codes": request.GET.get("codes", "")}


@login_required
@require_GET
def bulk_price_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.change_prices")
    updates = BulkPriceUpdate.objects.select_related("user", "category")
    page = keyset_page(updates, order=("-id",), cursor=request.GET.get("after"))
    return render(request, "inventory/bulk_price_list.html", {"page": page, "query": ""})


@login_required
@require_GET
def bulk_price_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.change_prices")
    audit = get_object_or_404(BulkPriceUpdate.objects.select_related("user", "category"), pk=pk)
    changes = PriceChange.objects.filter(bulk_update=audit).select_related("product", "variant").order_by("id")
    page = paginate(request, changes, per_page=50)
    return render(request, "inventory/bulk_price_detail.html", {"audit": audit, "page": page})


# ---------------------------------------------------------------------------------------------------------------
# Images


@login_required
@require_POST
def product_image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_catalogue")
    product = selectors.product_get(pk=pk)
    variants = list(product.variants.all())
    form = ProductImageForm(request.POST, request.FILES, variants=variants)
    if form.is_valid():
        try:
            images.product_image_add(
                actor=request.user,
                product=product,
                file=form.cleaned_data["image"],
                variant=form.cleaned_data.get("variant"),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The image was added; its thumbnail follows in a moment."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("inventory:product_detail", pk=product.pk)


@login_required
@require_GET
def product_image_file(request: HttpRequest, pk: int, size: str) -> HttpResponseBase:
    """Serve an image to signed-in users who may see the catalogue (files are not public under MEDIA_URL)."""
    require_perm(request.user, "inventory.view_stock")
    image = get_object_or_404(ProductImage.objects.only("original", "thumbnail", "content_type"), pk=pk)
    if size == "thumb":
        name, content_type = image.thumbnail.name, "image/webp"
    elif size == "full":
        name, content_type = image.original.name, image.content_type
    else:
        raise Http404
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type or mimetypes.guess_type(name)[0]
    )
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{pk}-{size}"'
    return response


@login_required
@require_POST
def product_image_delete(request: HttpRequest, product_pk: int, pk: int) -> HttpResponse:
    """Deleting an image that is already gone (a double click, a retried request) is not an error."""
    require_perm(request.user, "inventory.manage_catalogue")
    image = ProductImage.objects.filter(product_id=product_pk, pk=pk).first()
    if image is not None:
        images.product_image_delete(actor=request.user, image=image)
        messages.success(request, _("The image was deleted."))
    return redirect("inventory:product_detail", pk=product_pk)


@login_required
@require_POST
def product_image_move(request: HttpRequest, product_pk: int, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.manage_catalogue")
    image = get_object_or_404(ProductImage, product_id=product_pk, pk=pk)
    offset = -1 if request.POST.get("direction") == "earlier" else 1
    images.product_image_move(actor=request.user, image=image, offset=offset)
    return redirect("inventory:product_detail", pk=product_pk)


# ---------------------------------------------------------------------------------------------------------------
# Import jobs


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The jobs, newest first, and the upload form: an upload returns at once (the dry run is a task)."""
    require_perm(request.user, "inventory.import_catalogue")
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(actor=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("inventory:import_detail", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by")
    page = keyset_page(jobs, order=("-id",), cursor=request.GET.get("after"))
    status = 400 if form.errors else 200
    return render(request, "inventory/import_list.html", {"form": form, "page": page, "query": ""}, status=status)


def _job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.import_catalogue")
    job = _job(pk)
    errors = paginate(request, ImportRowError.objects.filter(job=job).order_by("row", "id"), per_page=50)
    rows = [{"error": e, "text": imports.row_error_text(e)} for e in errors.object_list]
    earlier = (
        ImportJob.objects.filter(file_hash=job.file_hash, id__lt=job.pk, status=ImportJob.Status.DONE)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    return render(
        request,
        "inventory/import_detail.html",
        {
            "job": job,
            "page": errors,
            "rows": rows,
            "earlier": earlier,
            "failure": _(job.failure) if job.failure else "",
        },
    )


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The small progress fragment polled every 2 s while the job works; once it stops, the page reloads once."""
    require_perm(request.user, "inventory.import_catalogue")
    job = _job(pk)
    response = render(request, "inventory/_import_status.html", {"job": job})
    if request.headers.get("HX-Request") and not job.is_busy:
        response["HX-Refresh"] = "true"  # the job finished a phase: show its results (errors, counters)
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.import_catalogue")
    job = _job(pk)
    try:
        imports.import_job_confirm(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("inventory:import_detail", pk=job.pk)


@login_required
@require_GET
def import_errors_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "inventory.import_catalogue")
    job = _job(pk)
    errors = ImportRowError.objects.filter(job=job).order_by("row", "id").iterator(chunk_size=2000)
    rows = ([e.row, e.column, imports.row_error_text(e)] for e in errors)
    return xlsx_response(filename=f"import-{job.pk}-errors", headers=[_("Row"), _("Column"), _("Error")], rows=rows)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "inventory.import_catalogue")
    warehouses = list(selectors.warehouse_list(actor=request.user).filter(is_active=True))
    workbook = imports.template_workbook(warehouses)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="catalogue-template.xlsx"'
    response["Cache-Control"] = "no-store"
    workbook.save(response)
    return response


@login_required
@require_GET
def catalogue_export(request: HttpRequest) -> HttpResponse:
    """The whole catalogue in the import format (an export re-imports as a no-op)."""
    require_perm(request.user, "inventory.import_catalogue")
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, user=request.user, request=request, detail={"what": "catalogue"}
    )
    from erp.inventory.models import Warehouse

    warehouses = list(Warehouse.objects.filter(is_active=True).order_by("code"))
    return xlsx_response(
        filename="catalogue",
        headers=imports.export_headers(warehouses),
        rows=imports.catalogue_export_rows(warehouses),
    )


def product_gallery_context(request: HttpRequest, product: Any, variants: list[Variant]) -> dict[str, Any]:
    """What product detail adds for the catalogue data: gallery, price history and the edit rights."""
    access = access_for(request.user)
    can_manage = access.has_perm("inventory.manage_catalogue")
    return {
        "images": images.product_images(product=product),
        "price_history": catalogue.price_history(product=product),
        "can_manage_catalogue": can_manage,
        "image_form": ProductImageForm(variants=variants) if can_manage else None,
    }
