import io
import re

import pytest
from django.core.management import call_command

from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.core.demodata import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def run(size: str = "small", seed: int = 1) -> str:
    out = io.StringIO()
    call_command("demo_data", size=size, seed=seed, stdout=out)
    return out.getvalue()


def test_small_demo_has_every_role_and_prints_logins() -> None:
    output = run()
    for role in RoleKey:
        username = "admin" if role == RoleKey.SYSTEM_ADMIN else role.value
        assert username in output
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        if role != RoleKey.SYSTEM_ADMIN:
            assert list(user.roles.values_list("key", flat=True)) == [role.value]
    assert DEMO_PASSWORD in output
    assert Branch.objects.count() == 3 and Branch.objects.filter(is_main=True).count() == 1
    arabic = re.compile("[\u0600-\u06ff]")
    assert all(arabic.search(u.first_name) for u in User.objects.exclude(username="admin"))
    assert all(re.fullmatch(r"\+201[0125]\d{8}", u.phone) for u in User.objects.all())


def test_same_seed_same_people() -> None:
    run(seed=7)
    first = list(User.objects.order_by("username").values_list("username", "first_name", "last_name", "phone"))
    User.objects.all().delete()
    Branch.objects.all().delete()
    run(seed=7)
    again = list(User.objects.order_by("username").values_list("username", "first_name", "last_name", "phone"))
    assert first == again


def test_second_run_creates_nothing_twice() -> None:
    run()
    count = User.objects.count()
    assert "skipped" in run()
    assert User.objects.count() == count


def test_sizes_grow() -> None:
    run(size="medium")
    assert Branch.objects.count() == 5
    assert User.objects.count() > 60
