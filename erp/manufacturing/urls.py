from django.urls import path

from erp.manufacturing import views

app_name = "manufacturing"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("orders/", views.order_list, name="order_list"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/print/", views.order_print, name="order_print"),
    path("orders/<int:pk>/transition/", views.order_transition, name="order_transition"),
    path("orders/<int:pk>/reply/", views.order_reply, name="order_reply"),
    path("orders/<int:pk>/line/", views.order_change_line, name="order_change_line"),
    path("orders/<int:pk>/receive/", views.order_receive, name="order_receive"),
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("receipt/", views.receipt, name="receipt"),
    path("lines/", views.line_list, name="line_list"),
    path("lines/<int:pk>/", views.line_edit, name="line_edit"),
]
