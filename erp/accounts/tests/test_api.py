from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from erp.accounts import services
from erp.accounts.models import Branch, SecurityEvent, User
from erp.accounts.roles import RoleKey
from erp.accounts.tests.factories import DEFAULT_PASSWORD, BranchFactory, UserFactory, bulk_users

pytestmark = pytest.mark.django_db


def bearer(client: APIClient, user: User) -> APIClient:
    _token, key = services.api_token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


# --- tokens ---------------------------------------------------------------------------------------------------


def test_token_obtain_use_and_revoke(api_client: APIClient, seller_a: User) -> None:
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "seller_a", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    assert response.json()["expires_at"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.get("/api/v1/me/").status_code == 200
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    denied = api_client.get("/api/v1/me/")
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "not_authenticated"


def test_token_obtain_wrong_password(api_client: APIClient, seller_a: User) -> None:
    response = api_client.post("/api/v1/auth/token/", {"username": "seller_a", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_token_obtain_validation_names_fields(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error" and set(body["fields"]) == {"username", "password"}


def test_token_endpoint_locks_out_after_five_failures(api_client: APIClient, seller_a: User, seller_b: User) -> None:
    with override_settings(FEATURE_RATE_LIMITS=False):
        for _ in range(5):
            api_client.post("/api/v1/auth/token/", {"username": "seller_a", "password": "bad"}, format="json")
        locked = api_client.post(
            "/api/v1/auth/token/", {"username": "seller_a", "password": DEFAULT_PASSWORD}, format="json"
        )
        assert locked.status_code == 403
        assert locked.json()["error"]["code"] == "locked_out"
        other = api_client.post(
            "/api/v1/auth/token/", {"username": "seller_b", "password": DEFAULT_PASSWORD}, format="json"
        )
        assert other.status_code == 201


def test_expired_token_is_refused(api_client: APIClient, seller_a: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from erp.accounts.models import ApiToken

    bearer(api_client, seller_a)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert api_client.get("/api/v1/me/").status_code == 401


def test_unauthenticated_requests_are_refused(api_client: APIClient) -> None:
    for path in ["/api/v1/me/", "/api/v1/users/", "/api/v1/branches/"]:
        response = api_client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


# --- me -------------------------------------------------------------------------------------------------------


def test_me_lists_roles_and_permissions(api_client: APIClient, manager_a: User) -> None:
    data = bearer(api_client, manager_a).get("/api/v1/me/").json()
    assert data["username"] == "manager_a"
    assert data["branch"]["code"] == "CAI"
    assert [r["key"] for r in data["roles"]] == ["branch_manager"]
    assert set(data["effective_roles"]) == {"branch_manager", "salesperson"}
    assert "accounts.manage_users" in data["permissions"]


def test_session_auth_works_with_csrf(seller_a: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(seller_a)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/api/v1/auth/token/revoke/").status_code == 403  # no CSRF token


# --- branches -------------------------------------------------------------------------------------------------


def test_branch_list_is_scoped(api_client: APIClient, manager_a: User, branch_a: Branch, branch_b: Branch) -> None:
    data = bearer(api_client, manager_a).get("/api/v1/branches/").json()
    assert set(data) == {"next", "previous", "results"}
    assert [b["code"] for b in data["results"]] == ["CAI"]
    assert api_client.get(f"/api/v1/branches/{branch_b.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/branches/{branch_a.pk}/").status_code == 200


def test_branch_create_and_update(api_client: APIClient, admin_user: User, manager_a: User, branch_a: Branch) -> None:
    bearer(api_client, admin_user)
    created = api_client.post("/api/v1/branches/", {"code": "mns", "name": "المنصورة"}, format="json")
    assert created.status_code == 201 and created.json()["code"] == "MNS"
    duplicate = api_client.post("/api/v1/branches/", {"code": "MNS", "name": "x"}, format="json")
    assert duplicate.status_code == 400 and "code" in duplicate.json()["error"]["fields"]
    patched = api_client.patch(f"/api/v1/branches/{branch_a.pk}/", {"phone": "0223456780"}, format="json")
    assert patched.status_code == 200 and patched.json()["phone"] == "+20223456780"

    manager = bearer(APIClient(), manager_a)
    denied = manager.post("/api/v1/branches/", {"code": "X", "name": "x"}, format="json")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"


# --- users ----------------------------------------------------------------------------------------------------


def test_user_list_is_scoped_and_filtered(
    api_client: APIClient, manager_a: User, seller_a: User, seller_b: User
) -> None:
    data = bearer(api_client, manager_a).get("/api/v1/users/").json()
    names = {u["username"] for u in data["results"]}
    assert names == {"manager_a", "seller_a"}
    filtered = api_client.get("/api/v1/users/", {"role": "salesperson"}).json()
    assert [u["username"] for u in filtered["results"]] == ["seller_a"]
    assert api_client.get(f"/api/v1/users/{seller_b.pk}/").status_code == 404


def test_salesperson_sees_only_self(api_client: APIClient, seller_a: User, manager_a: User) -> None:
    data = bearer(api_client, seller_a).get("/api/v1/users/").json()
    assert [u["username"] for u in data["results"]] == ["seller_a"]
    assert api_client.get(f"/api/v1/users/{manager_a.pk}/").status_code == 404


def test_user_create_update_and_password(
    api_client: APIClient, manager_a: User, branch_a: Branch, branch_b: Branch
) -> None:
    bearer(api_client, manager_a)
    payload: dict[str, Any] = {
        "username": "api_user",
        "password": "Silk-Road-2026",
        "branch": branch_a.pk,
        "roles": ["salesperson"],
        "phone": "01012345678",
    }
    created = api_client.post("/api/v1/users/", payload, format="json")
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    assert created.json()["phone"] == "+201012345678"
    assert "password" not in created.json()

    wrong_branch = api_client.post(
        "/api/v1/users/", {**payload, "username": "u2", "branch": branch_b.pk}, format="json"
    )
    assert wrong_branch.status_code == 400 and "branch" in wrong_branch.json()["error"]["fields"]
    high_role = api_client.post(
        "/api/v1/users/", {**payload, "username": "u3", "roles": ["sales_manager"]}, format="json"
    )
    assert high_role.status_code == 400 and "roles" in high_role.json()["error"]["fields"]
    assert not User.objects.filter(username__in=["u2", "u3"]).exists()

    patched = api_client.patch(f"/api/v1/users/{user_id}/", {"first_name": "ليلى", "is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    reset = api_client.post(f"/api/v1/users/{user_id}/set-password/", {"password": "Brand-New-Pass-1"}, format="json")
    assert reset.status_code == 204
    assert User.objects.get(pk=user_id).check_password("Brand-New-Pass-1")


def test_error_messages_follow_accept_language(api_client: APIClient, manager_a: User, branch_a: Branch) -> None:
    bearer(api_client, manager_a)
    payload = {"username": "u9", "password": "Silk-Road-2026", "branch": branch_a.pk, "phone": "1"}
    english = api_client.post("/api/v1/users/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    arabic = api_client.post("/api/v1/users/", payload, format="json", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert english["error"]["fields"]["phone"] == ["Enter a valid phone number."]
    assert arabic["error"]["fields"]["phone"] != english["error"]["fields"]["phone"]


def test_pagination_page_size_is_capped(api_client: APIClient, admin_user: User, branch_a: Branch) -> None:
    UserFactory.create_batch(5, branch=branch_a)
    bearer(api_client, admin_user)
    first = api_client.get("/api/v1/users/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert not {u["id"] for u in first["results"]} & {u["id"] for u in second["results"]}
    big = api_client.get("/api/v1/users/", {"page_size": 1000}).json()
    assert len(big["results"]) == 6


def test_unknown_api_path_is_json_404(api_client: APIClient, seller_a: User) -> None:
    response = bearer(api_client, seller_a).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_responses_carry_strict_csp(api_client: APIClient, seller_a: User) -> None:
    response = bearer(api_client, seller_a).get("/api/v1/me/")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_denied_api_call_is_recorded(api_client: APIClient, manager_a: User) -> None:
    bearer(api_client, manager_a).post("/api/v1/branches/", {"code": "Q", "name": "q"}, format="json")
    assert SecurityEvent.objects.filter(kind="permission_denied", user=manager_a).exists()


# --- throttling (flag on and off) ------------------------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_auth_throttle_follows_the_flag(api_client: APIClient, enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from erp.api.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    with override_settings(FEATURE_RATE_LIMITS=enabled):
        codes = [
            api_client.post(
                "/api/v1/auth/token/", {"username": f"nobody{i}", "password": "x"}, format="json"
            ).status_code
            for i in range(4)
        ]
    if enabled:
        assert codes[:3] == [401, 401, 401] and codes[3] == 429
    else:
        assert codes == [401, 401, 401, 401]


# --- schema and docs --------------------------------------------------------------------------------------------


def test_openapi_schema_and_docs(client: Any, seller_a: User) -> None:
    client.force_login(seller_a)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/users/" in schema.content.decode()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200


# --- query budgets ----------------------------------------------------------------------------------------------


def _grow_users(branch: Branch) -> Callable[[int], None]:
    def grow(n: int) -> None:
        bulk_users(branch=branch, count=n, role=RoleKey.SALESPERSON)

    return grow


@pytest.mark.parametrize("path", ["/api/v1/users/", "/api/v1/users/?search=user&page_size=100", "/api/v1/me/"])
def test_user_endpoints_query_budget(
    api_client: APIClient, admin_user: User, branch_a: Branch, query_budget: Callable[..., list[int]], path: str
) -> None:
    bearer(api_client, admin_user)
    query_budget(_grow_users(branch_a), lambda: api_client.get(path))


def test_branch_list_query_budget(
    api_client: APIClient, admin_user: User, query_budget: Callable[..., list[int]]
) -> None:
    bearer(api_client, admin_user)
    query_budget(lambda n: BranchFactory.create_batch(n), lambda: api_client.get("/api/v1/branches/?page_size=100"))


def test_detail_query_budget(
    api_client: APIClient, admin_user: User, seller_a: User, branch_a: Branch, query_budget: Callable[..., list[int]]
) -> None:
    bearer(api_client, admin_user)
    query_budget(_grow_users(branch_a), lambda: api_client.get(f"/api/v1/users/{seller_a.pk}/"))
    query_budget(_grow_users(branch_a), lambda: api_client.get(f"/api/v1/branches/{branch_a.pk}/"), sizes=(110, 120))


def test_invalid_filter_is_a_400_naming_the_field(api_client: APIClient, manager_a: User, branch_b: Branch) -> None:
    bearer(api_client, manager_a)
    response = api_client.get("/api/v1/users/", {"branch": branch_b.pk})  # not a branch the manager may choose
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"branch"}
    assert api_client.get("/api/v1/users/", {"is_active": "maybe"}).status_code == 400
