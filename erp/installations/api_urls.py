from django.urls import path

from erp.installations import apis

urlpatterns = [
    path("installations/", apis.InstallationListApi.as_view(), name="installation-list"),
    path("installations/<int:pk>/", apis.InstallationDetailApi.as_view(), name="installation-detail"),
    path(
        "installations/<int:pk>/transition/", apis.InstallationTransitionApi.as_view(), name="installation-transition"
    ),
    path("installation-teams/", apis.TeamListApi.as_view(), name="team-list"),  # api.md
    path("technicians/", apis.TechnicianListApi.as_view(), name="technician-list"),
    path("drivers/", apis.DriverListApi.as_view(), name="driver-list"),
    path("vehicles/", apis.VehicleListApi.as_view(), name="vehicle-list"),
    path("modification-requests/", apis.ModificationRequestListApi.as_view(), name="modification-request-list"),
    path(
        "modification-requests/<int:pk>/",
        apis.ModificationRequestDetailApi.as_view(),
        name="modification-request-detail",
    ),
    path(
        "modification-requests/<int:pk>/transition/",
        apis.ModificationRequestTransitionApi.as_view(),
        name="modification-request-transition",
    ),
]
