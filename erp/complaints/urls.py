from django.urls import path

from erp.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("new/customers/", views.customer_options, name="customer_options"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/action/", views.complaint_action, name="complaint_action"),
    path("<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("<int:pk>/escalate/", views.complaint_escalate, name="complaint_escalate"),
    path("<int:pk>/comment/", views.complaint_comment, name="complaint_comment"),
    path("<int:pk>/evaluate/", views.complaint_evaluate, name="complaint_evaluate"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/<int:pk>/", views.type_update, name="type_update"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/holidays/", views.holiday_add, name="holiday_add"),
    path("calendar/holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
