"""The public catalogue under /p/ (no login): what a shelf QR code opens."""

from django.urls import path

from erp.catalogue import views

app_name = "catalogue_public"

urlpatterns = [
    path("theme.css", views.theme_css, name="theme"),
    path("logo", views.logo, name="logo"),
    path("photo/<int:pk>.webp", views.product_photo, name="photo"),
    path("<str:code>/", views.product_card, name="card"),
    path("<str:code>/qr.png", views.product_qr, name="qr"),
]
