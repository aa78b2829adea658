from django.urls import path

from erp.core import exportviews

app_name = "exports"

urlpatterns = [
    path("<int:pk>/", exportviews.job_detail, name="job_detail"),
    path("<int:pk>/status/", exportviews.job_status, name="job_status"),
    path("<int:pk>/download/", exportviews.job_download, name="job_download"),
]
