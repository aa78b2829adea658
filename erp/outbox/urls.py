from django.urls import path

from erp.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.task_health, name="task_health"),
    path("events/<int:pk>/retry/", views.event_retry, name="event_retry"),
]
