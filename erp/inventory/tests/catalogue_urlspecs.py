"""Query-budget specs of the catalogue-data URLs (appended to SPECS in urlspecs.py)."""

from decimal import Decimal
from typing import Any

from erp.accounts.roles import RoleKey
from erp.core.testing.urlbudget import SUPERUSER, UrlSpec, World
from erp.inventory.tests import catalogue_factories as cf
from erp.inventory.tests import factories

VIEWERS = (SUPERUSER, RoleKey.SALES_MANAGER.value, RoleKey.SALESPERSON.value, RoleKey.WAREHOUSE_STAFF.value)
CATALOGUE_MANAGERS = (SUPERUSER, RoleKey.FACTORY_MANAGER.value)
PRICE_SETTERS = (SUPERUSER,)
IMPORTERS = (SUPERUSER, RoleKey.FACTORY_MANAGER.value)


def _base(world: World) -> dict[str, Any]:
    from erp.inventory.tests.urlspecs import catalogue

    return catalogue(world)


def _root(world: World) -> Any:
    return world.users[SUPERUSER]


def product(world: World) -> dict[str, int]:
    return {"pk": _base(world)["product"].pk}


def variant(world: World) -> dict[str, int]:
    return {"pk": _base(world)["product"].variants.get().pk}


def grow_products(world: World, n: int) -> None:
    """More products in the world's category (what bulk previews and exports go through)."""
    base = _base(world)
    factories.bulk_products(count=n, category_obj=base["product"].category)


def grow_listed_with_images(world: World, n: int) -> None:
    cf.bulk_images(factories.bulk_products(count=n, warehouse=_base(world)["warehouse"]))


def grow_history(world: World, n: int) -> None:
    cf.bulk_price_changes(_base(world)["product"], n)


def grow_images(world: World, n: int) -> None:
    cf.bulk_images([_base(world)["product"]] * 1, per_product=n)


def grow_audits(world: World, n: int) -> None:
    for _ in range(n):
        cf.bulk_update_audit(_root(world))


def _audit(world: World) -> Any:
    if "audit" not in world.extra:
        world.extra["audit"] = cf.bulk_update_audit(_root(world))
    return world.extra["audit"]


def audit(world: World) -> dict[str, int]:
    return {"pk": _audit(world).pk}


def grow_audit_changes(world: World, n: int) -> None:
    cf.bulk_price_changes(_base(world)["product"], n, bulk=_audit(world))


def an_image(world: World) -> dict[str, Any]:
    if "image" not in world.extra:
        world.extra["image"] = cf.stored_image(_base(world)["product"])
    return {"pk": world.extra["image"].pk, "size": "thumb"}


def image_of_product(world: World) -> dict[str, int]:
    an_image(world)
    return {"product_pk": _base(world)["product"].pk, "pk": world.extra["image"].pk}


def _job(world: World) -> Any:
    if "job" not in world.extra:
        world.extra["job"] = cf.job(_root(world))
    return world.extra["job"]


def a_job(world: World) -> dict[str, int]:
    return {"pk": _job(world).pk}


def grow_jobs(world: World, n: int) -> None:
    cf.bulk_jobs(_root(world), n)


def grow_job_errors(world: World, n: int) -> None:
    cf.bulk_row_errors(_job(world), n)


def bulk_preview_data(world: World) -> dict[str, Any]:
    return {
        "category": _base(world)["product"].category_id,
        "method": "percent",
        "direction": "up",
        "amount": "10",
        "apply_retail": "on",
        "rounding": "1",
        "preview": "1",
    }


def bulk_preview_api_data(world: World) -> dict[str, Any]:
    return {
        "category": _base(world)["product"].category_id,
        "method": "fixed",
        "direction": "up",
        "amount": str(Decimal(5)),
        "preview": True,
    }


def image_upload_data(world: World) -> dict[str, Any]:
    return {"image": cf.upload()}


SPECS = [
    UrlSpec("inventory:product_list", VIEWERS, grow_listed_with_images, query="ordering=name"),
    UrlSpec("inventory:product_detail", VIEWERS, grow_history, kwargs=product, query="with=history"),
    UrlSpec("inventory:product_detail", VIEWERS, grow_images, kwargs=product, query="with=images"),
    UrlSpec("inventory:product_update", CATALOGUE_MANAGERS, grow_products, kwargs=product),
    UrlSpec("inventory:variant_update", CATALOGUE_MANAGERS, grow_products, kwargs=variant),
    UrlSpec("inventory:bulk_price", PRICE_SETTERS, grow_products),
    UrlSpec("inventory:bulk_price", PRICE_SETTERS, grow_products, method="post", data=bulk_preview_data),
    UrlSpec("inventory:bulk_price_list", PRICE_SETTERS, grow_audits),
    UrlSpec("inventory:bulk_price_detail", PRICE_SETTERS, grow_audit_changes, kwargs=audit),
    UrlSpec(
        "inventory:product_image_upload",
        CATALOGUE_MANAGERS,
        grow_images,
        kwargs=product,
        method="post",
        data=image_upload_data,
        status=302,
    ),
    UrlSpec("inventory:product_image_file", VIEWERS, grow_images, kwargs=an_image),
    UrlSpec(
        "inventory:product_image_move",
        CATALOGUE_MANAGERS,
        grow_images,
        kwargs=image_of_product,
        method="post",
        data=lambda w: {"direction": "later"},
        status=302,
    ),
    UrlSpec(
        "inventory:product_image_delete",
        CATALOGUE_MANAGERS,
        grow_images,
        kwargs=image_of_product,
        method="post",
        status=302,  # the first call deletes; repeats find it gone and answer the same (idempotent)
    ),
    UrlSpec("inventory:import_list", IMPORTERS, grow_jobs),
    UrlSpec("inventory:import_template", IMPORTERS, grow_products),
    UrlSpec("inventory:catalogue_export", IMPORTERS, grow_products),
    UrlSpec("inventory:import_detail", IMPORTERS, grow_job_errors, kwargs=a_job),
    UrlSpec("inventory:import_status", IMPORTERS, grow_job_errors, kwargs=a_job),
    UrlSpec(
        "inventory:import_confirm",
        IMPORTERS,
        grow_job_errors,
        kwargs=a_job,
        method="post",
        status=302,  # a job with errors is refused (message + redirect): the refusal path is measured
    ),
    UrlSpec("inventory:import_errors_xlsx", IMPORTERS, grow_job_errors, kwargs=a_job),
    UrlSpec("api-inventory:product-price-history", VIEWERS, grow_history, kwargs=product, api=True),
    UrlSpec("api-inventory:bulk-price-update-list", PRICE_SETTERS, grow_audits, api=True, query="page_size=100"),
    UrlSpec(
        "api-inventory:bulk-price-update-list",
        PRICE_SETTERS,
        grow_products,
        api=True,
        method="post",
        data=bulk_preview_api_data,
    ),
    UrlSpec("api-inventory:import-job-detail", IMPORTERS, grow_job_errors, kwargs=a_job, api=True),
]
