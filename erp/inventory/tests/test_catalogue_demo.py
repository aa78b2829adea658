import pytest

from erp.core.tests.test_demo_data import run

pytestmark = pytest.mark.django_db


def test_demo_has_price_history_photos_and_a_finished_import() -> None:
    from erp.inventory.models import BulkPriceUpdate, ImportJob, PriceChange, ProductImage

    run()
    bulk = BulkPriceUpdate.objects.get()
    assert bulk.product_count > 0 and bulk.changes.count() == bulk.change_count > 0
    assert PriceChange.objects.filter(source="manual").exists()
    assert ProductImage.objects.exclude(thumbnail="").count() == ProductImage.objects.count() > 0
    job = ImportJob.objects.get()
    assert job.status == "done" and job.created == job.total == job.processed > 0 and job.error_count == 0
