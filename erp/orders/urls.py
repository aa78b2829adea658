from django.urls import path

from erp.orders import entry_views, views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("type/<str:order_type>/", views.order_list, name="order_list_type"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/transition/", views.order_transition_view, name="order_transition"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/invoice/", views.order_invoice, name="order_invoice"),
    path("<int:pk>/contract/", views.order_contract, name="order_contract"),
    path("promo-codes/", views.promo_list, name="promo_list"),
    path("promo-codes/<int:pk>/cancel/", views.promo_cancel, name="promo_cancel"),
    # Order entry (erp/orders/entry_views.py) and drafts.
    path("new/", entry_views.entry_new, name="entry_new"),
    path("new/save/", entry_views.entry_save, name="entry_save"),
    path("new/refresh/", entry_views.entry_refresh, name="entry_refresh"),
    path("new/customers/", entry_views.entry_customers, name="entry_customers"),
    path("new/products/", entry_views.entry_products, name="entry_products"),
    path("new/review/", entry_views.entry_review, name="entry_review"),
    path("new/place/", entry_views.entry_place, name="entry_place"),
    path("drafts/", entry_views.draft_list, name="draft_list"),
    path("drafts/<int:pk>/", entry_views.entry_draft, name="entry_draft"),
    path("drafts/<int:pk>/delete/", entry_views.draft_delete, name="draft_delete"),
    path("<int:pk>/items/", entry_views.order_items_edit, name="order_items_edit"),
    path("payments/<int:pk>/receipt/", entry_views.payment_receipt, name="payment_receipt"),
]
