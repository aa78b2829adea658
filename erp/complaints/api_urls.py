from django.urls import path

from erp.complaints import apis

urlpatterns = [
    path("complaints/", apis.ComplaintListApi.as_view(), name="complaint-list"),
    path("complaints/<int:pk>/", apis.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<int:pk>/transition/", apis.ComplaintTransitionApi.as_view(), name="complaint-transition"),
    path("complaints/<int:pk>/updates/", apis.ComplaintUpdatesApi.as_view(), name="complaint-updates"),
    path("complaint-types/", apis.ComplaintTypeListApi.as_view(), name="complaint-type-list"),
    path("complaint-types/<int:pk>/", apis.ComplaintTypeDetailApi.as_view(), name="complaint-type-detail"),
]
