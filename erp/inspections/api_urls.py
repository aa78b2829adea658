from django.urls import path

from erp.inspections import apis

urlpatterns = [
    path("inspections/", apis.InspectionListApi.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", apis.InspectionDetailApi.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/transition/", apis.InspectionTransitionApi.as_view(), name="inspection-transition"),
    path("inspections/<int:pk>/timeline/", apis.InspectionTimelineApi.as_view(), name="inspection-timeline"),
    path("inspections/<int:pk>/files/", apis.InspectionFileListApi.as_view(), name="inspection-files"),
    path(
        "inspections/<int:pk>/files/<int:file_id>/",
        apis.InspectionFileDownloadApi.as_view(),
        name="inspection-file-download",
    ),
]
