from django.urls import path

from erp.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("my-visits/", views.my_visits, name="my_visits"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/print/", views.inspection_print, name="inspection_print"),
    path("<int:pk>/schedule/", views.inspection_schedule, name="inspection_schedule"),
    path("<int:pk>/transition/", views.inspection_transition, name="inspection_transition"),
    path("<int:pk>/repeat/", views.inspection_iterate, name="inspection_iterate"),
    path("<int:pk>/files/", views.inspection_file_add, name="inspection_file_add"),
    path("<int:pk>/files/<int:file_id>/", views.inspection_file_download, name="inspection_file_download"),
]
