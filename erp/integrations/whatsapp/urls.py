from django.urls import path

from erp.integrations.whatsapp import views

app_name = "whatsapp"

urlpatterns = [
    path("webhook/meta/", views.webhook, name="webhook"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/edit/", views.template_update, name="template_update"),
    path("settings/", views.settings_edit, name="settings"),
]
