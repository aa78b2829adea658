from django.urls import path

from erp.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("labels/", views.label_sheet, name="labels"),
    path("design/", views.design_edit, name="design"),
    path("sync/", views.sync_status, name="sync_status"),
    path("sync/retry/", views.sync_retry, name="sync_retry"),
    path("sync/resync/", views.sync_resync, name="sync_resync"),
]
