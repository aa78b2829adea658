import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from erp.accounts.models import Branch, User
from erp.api.idempotency import idempotency_records_prune, idempotent_create
from erp.api.models import IdempotencyRecord
from erp.api.views import BaseApi

pytestmark = pytest.mark.django_db


class BranchCreateApi(BaseApi):
    """A create endpoint used only by these tests: creates a branch, the simplest document there is."""

    class InputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(max_length=20)
        name = serializers.CharField(max_length=120)

    def post(self, request: Request) -> Response:
        return idempotent_create(request, scope="tests.branch", create=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branch = Branch.objects.create(**data.validated_data)
        return Response({"id": branch.pk, "code": branch.code}, status=201)


def call(user: User, body: dict[str, Any], key: str | None) -> Response:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    request = APIRequestFactory().post("/api/v1/tests/", body, format="json", **headers)
    force_authenticate(request, user=user)
    response: Response = BranchCreateApi.as_view()(request)
    return response


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user()


def test_same_key_replays_the_first_result(user: User) -> None:
    first = call(user, {"code": "X1", "name": "فرع"}, "k-1")
    again = call(user, {"code": "X1", "name": "فرع"}, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.data == first.data and again["Idempotent-Replayed"] == "true"
    assert Branch.objects.filter(code="X1").count() == 1


def test_without_a_key_every_request_creates(user: User) -> None:
    call(user, {"code": "A1", "name": "a"}, None)
    call(user, {"code": "A2", "name": "a"}, None)
    assert Branch.objects.filter(code__in=["A1", "A2"]).count() == 2 and not IdempotencyRecord.objects.exists()


def test_same_key_with_another_body_is_a_conflict(user: User) -> None:
    call(user, {"code": "B1", "name": "b"}, "k-2")
    other = call(user, {"code": "B2", "name": "b"}, "k-2")
    assert other.status_code == 409 and other.data["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.data["error"]["fields"]
    assert not Branch.objects.filter(code="B2").exists()


def test_errors_are_not_remembered(user: User) -> None:
    bad = call(user, {"code": "", "name": "c"}, "k-3")
    assert bad.status_code == 400 and not IdempotencyRecord.objects.exists()
    good = call(user, {"code": "C1", "name": "c"}, "k-3")
    assert good.status_code == 201 and Branch.objects.filter(code="C1").count() == 1


def test_keys_are_per_user(user: User, make_user: Callable[..., User]) -> None:
    call(user, {"code": "D1", "name": "d"}, "shared")
    other = call(make_user(), {"code": "D2", "name": "d"}, "shared")
    assert other.status_code == 201 and Branch.objects.filter(code__in=["D1", "D2"]).count() == 2


def test_overlong_key_is_a_field_error(user: User) -> None:
    response = call(user, {"code": "E1", "name": "e"}, "x" * 201)
    assert response.status_code == 400 and "Idempotency-Key" in response.data["error"]["fields"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_create_once(make_user: Callable[..., User]) -> None:
    user = make_user()
    start = threading.Barrier(6)

    def send(_: int) -> tuple[int, Any]:
        try:
            start.wait()
            response = call(user, {"code": "F1", "name": "f"}, "race")
            return response.status_code, response.data
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert {status for status, _ in results} == {201}
    assert len({str(data) for _, data in results}) == 1
    assert Branch.objects.filter(code="F1").count() == 1


def test_prune_drops_old_records(user: User) -> None:
    call(user, {"code": "G1", "name": "g"}, "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=3))
    call(user, {"code": "G2", "name": "g"}, "new")
    assert idempotency_records_prune() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
