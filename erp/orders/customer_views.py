"""Pages the orders module adds for the customer page: the printable payment receipt."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from erp.accounts.access import require_perm
from erp.orders import selectors


@login_required
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment (or refund) receipt with its allocations, for print; 404 when none of its orders is visible."""
    require_perm(request.user, "orders.view_orders")
    payment = selectors.payment_receipt_get(actor=request.user, pk=pk)
    return render(
        request, "orders/payment_receipt.html", {"payment": payment, "allocations": list(payment.allocations.all())}
    )
