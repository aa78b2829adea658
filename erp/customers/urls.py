from django.urls import path

from erp.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("lookup/", views.customer_lookup, name="customer_lookup"),
    path("check-phone/", views.check_phone, name="check_phone"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_form, name="type_create"),
    path("types/<int:pk>/edit/", views.type_form, name="type_update"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views.category_update, name="category_update"),
    path("<str:code>/", views.customer_detail, name="customer_detail"),
    path("<str:code>/sections/<slug:key>/", views.customer_section, name="customer_section"),
    path("<str:code>/edit/", views.customer_update, name="customer_update"),
    path("<str:code>/contacts/", views.customer_contacts, name="customer_contacts"),
    path("<str:code>/notes/", views.customer_note_add, name="customer_note_add"),
    path("<str:code>/status/", views.customer_set_status, name="customer_set_status"),
]
