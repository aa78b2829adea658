from django.urls import path

from erp.installations import views

app_name = "installations"

urlpatterns = [
    path("", views.installation_list, name="installation_list"),
    path("to-schedule/", views.needs_scheduling, name="needs_scheduling"),
    path("to-schedule/<int:order_pk>/", views.schedule_create, name="schedule_create"),
    path("day/", views.daily_schedule, name="daily_schedule"),
    path("week/", views.week_calendar, name="week_calendar"),
    path("team-day/", views.team_day, name="team_day"),
    path("team-day/<int:team_pk>/", views.team_day, name="team_day_jobs"),
    path("<int:pk>/", views.installation_detail, name="installation_detail"),
    path("<int:pk>/schedule/", views.installation_reschedule, name="installation_reschedule"),
    path("<int:pk>/start/", views.installation_start, name="installation_start"),
    path("<int:pk>/complete/", views.installation_complete, name="installation_complete"),
    path("<int:pk>/cancel/", views.installation_cancel, name="installation_cancel"),
    path("<int:pk>/receipt/", views.installation_receipt, name="installation_receipt"),
    path("<int:pk>/modifications/new/", views.modification_create, name="modification_create"),
    path("modifications/", views.modification_list, name="modification_list"),
    path("modifications/<int:pk>/", views.modification_detail, name="modification_detail"),
    path("modifications/<int:pk>/action/", views.modification_action, name="modification_action"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("technicians/", views.technician_list, name="technician_list"),
    path("technicians/<int:pk>/", views.technician_edit, name="technician_edit"),
    path("drivers/", views.driver_list, name="driver_list"),
    path("drivers/<int:pk>/", views.driver_edit, name="driver_edit"),
    path("vehicles/", views.vehicle_list, name="vehicle_list"),
    path("vehicles/<int:pk>/", views.vehicle_edit, name="vehicle_edit"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/<int:pk>/", views.mission_edit, name="mission_edit"),
]
