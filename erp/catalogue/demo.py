"""The catalogue card's design with the company's Arabic name and contact. The edge sync stays off in the demo
(no CATALOGUE_SYNC_URL): product changes still queue outbox rows, which the status page shows as pending."""

from erp.catalogue.models import DesignSettings
from erp.core.demodata import DemoContext


def generate(ctx: DemoContext) -> None:
    if DesignSettings.objects.filter(pk=1).exists():
        ctx.stdout.write("catalogue: design settings exist already, skipped")
        return
    DesignSettings.objects.create(
        pk=1,
        company_name="هوم أبديت للستائر والمفروشات",
        phone="+20225551234",
        whatsapp="+201001234567",
        address="٢٥ شارع عباس العقاد، مدينة نصر، القاهرة",
        footer_text="الأسعار شاملة ضريبة القيمة المضافة · التفصيل والتركيب في جميع الفروع",
        primary_color="#1d3b5c",
        accent_color="#c8a04a",
    )
    ctx.stdout.write("catalogue: design settings filled; edge sync disabled (set CATALOGUE_SYNC_URL to enable)")
