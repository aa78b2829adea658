"""Every registered URL, as every role that may open it, within the query budget and constant at two data sizes.

The specs come from each app's `tests/urlspecs.py`; a URL name nobody declared fails `test_every_url_is_declared`.
"""

import fnmatch
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from erp.accounts import services
from erp.accounts.models import Branch, User
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import DEFAULT_PASSWORD, BranchFactory, UserFactory
from erp.core.testing.templatequeries import queries_in_templates
from erp.core.testing.urlbudget import ANONYMOUS, SUPERUSER, UrlSpec, World, collect_specs, iter_url_names
from erp.core.tests.test_static_budget import BUDGET_BYTES, BUDGET_REQUESTS, _measure

SPECS, EXEMPT = collect_specs()


def _spec_id(spec: UrlSpec) -> str:
    return f"{spec.name}{'?' + spec.query if spec.query else ''}"


def test_every_url_is_declared() -> None:
    declared = {s.name for s in SPECS}
    missing = [
        name
        for name in iter_url_names()
        if name not in declared and not any(fnmatch.fnmatch(name, e.name) for e in EXEMPT)
    ]
    assert not missing, f"URL names with no query-budget spec (add them to <app>/tests/urlspecs.py): {missing}"


def _world() -> World:
    branch_a: Branch = BranchFactory.create(code="CAI")
    branch_b: Branch = BranchFactory.create(code="ALX")
    users: dict[str, Any] = {
        role.value: UserFactory.create(username=f"w_{role.value}", branch=branch_a, roles=[role.value])
        for role in RoleKey
        if role != RoleKey.SYSTEM_ADMIN
    }
    users[RoleKey.REGION_MANAGER.value].managed_branches.set([branch_a])
    users[SUPERUSER] = User.objects.create_superuser(username="w_root", password=DEFAULT_PASSWORD, branch=branch_a)
    target = UserFactory.create(username="w_target", branch=branch_a, roles=[RoleKey.SALESPERSON])
    return World(branch_a=branch_a, branch_b=branch_b, users=users, extra={"target": target})


CASES = [pytest.param(spec, role, id=f"{_spec_id(spec)}-as-{role}") for spec in SPECS for role in spec.roles]


@pytest.mark.django_db
@pytest.mark.parametrize(("spec", "role"), CASES)
def test_url_within_query_budget(spec: UrlSpec, role: str, query_budget: Any, record_property: Any) -> None:
    world = _world()
    user = None if role == ANONYMOUS else world.users[role]
    url = reverse(spec.name, kwargs=spec.kwargs(world)) + (f"?{spec.query}" if spec.query else "")
    client: Any = APIClient() if spec.api else Client()

    def authenticate() -> None:
        if user is None:
            return
        if spec.api:
            _token, key = services.api_token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        else:
            client.force_login(user)

    authenticate()

    def fetch() -> Any:
        send = getattr(client, spec.method)
        if spec.api:
            return send(url, spec.data(world), format="json") if spec.method != "get" else send(url)
        return send(url, spec.data(world)) if spec.method != "get" else send(url)

    counts = query_budget(
        lambda n: spec.grow(world, n), fetch, status=spec.status, prepare=authenticate if spec.relogin else None
    )
    record_property("queries", counts)  # in the JUnit XML: BENCHMARKS.md's table is made from it
    if spec.relogin:
        authenticate()
    with queries_in_templates() as in_templates:
        response = fetch()
    assert not in_templates, f"templates ran queries (fetch them in the selector): {in_templates}"
    if spec.static_budget and spec.method == "get" and response.get("Content-Type", "").startswith("text/html"):
        # The static budget holds for every page, not only login and home (performance.md §3).
        first_load = _measure(response.content)
        record_property("first_load", (first_load.total, first_load.requests))  # BENCHMARKS.md's first-load table
        assert first_load.total <= BUDGET_BYTES, f"first load over budget: {first_load.report}"
        assert first_load.requests <= BUDGET_REQUESTS, f"too many requests: {first_load.report}"
