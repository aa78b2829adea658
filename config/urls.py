from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from erp.core import views as core_views

handler400 = "erp.core.views.bad_request"
handler403 = "erp.core.views.permission_denied"
handler404 = "erp.core.views.page_not_found"
handler500 = "erp.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("erp.accounts.urls")),
    path("inventory/", include("erp.inventory.urls")),
    path("catalogue/", include("erp.catalogue.urls")),
    path("p/", include("erp.catalogue.public_urls")),
    path("notifications/", include("erp.notifications.urls")),
    path("tasks/", include("erp.outbox.urls")),
    path("whatsapp/", include("erp.integrations.whatsapp.urls")),
    path("customers/", include("erp.customers.urls")),
    path("orders/", include("erp.orders.urls")),
    path("inspections/", include("erp.inspections.urls")),
    path("cutting/", include("erp.cutting.urls")),
    path("factory/", include("erp.manufacturing.urls")),
    path("installations/", include("erp.installations.urls")),
    path("complaints/", include("erp.complaints.urls")),
    path("exports/", include("erp.core.export_urls")),
    path("", include("erp.api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG and "debug_toolbar" in settings.INSTALLED_APPS:  # local settings only
    urlpatterns = [path("__debug__/", include("debug_toolbar.urls")), *urlpatterns]
if settings.DEBUG and "silk" in settings.INSTALLED_APPS:  # local settings only
    urlpatterns = [path("silk/", include("silk.urls", namespace="silk")), *urlpatterns]
