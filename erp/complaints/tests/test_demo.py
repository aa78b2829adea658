import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management.base import OutputWrapper

from erp.accounts.roles import RoleKey
from erp.complaints import demo
from erp.complaints.models import Complaint, CustomerEvaluation
from erp.complaints.tests import factories as f
from erp.core.demodata import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_fills_every_state(admin_user: Any, make_user: Callable[..., Any], branch_a: Any) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    for _ in range(4):
        customer = f.customer(branch=branch_a, created_by=seller)
        for _ in range(4):
            f.order(customer=customer, created_by=seller)
    ctx = DemoContext(size="small", rng=random.Random(7), stdout=OutputWrapper(io.StringIO()))
    demo.generate(ctx)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"new", "in_progress", "resolved", "pending_evaluation", "closed"}
    assert Complaint.objects.filter(is_overdue=True).exists()
    assert Complaint.objects.filter(escalation_level__gt=0).exists()
    assert Complaint.objects.filter(source="auto").exists()
    assert CustomerEvaluation.objects.exists()
    count = Complaint.objects.count()
    demo.generate(ctx)  # a second run adds nothing
    assert Complaint.objects.count() == count
