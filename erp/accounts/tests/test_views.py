from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse, set_script_prefix

from erp.accounts.models import Branch, SecurityEvent, User
from erp.accounts.roles import SECTIONS, RoleKey
from erp.accounts.tests.factories import DEFAULT_PASSWORD, BranchFactory, bulk_users

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- authentication -------------------------------------------------------------------------------------------


def test_login_sets_preferred_language_and_records_event(client: Client, seller_a: User) -> None:
    seller_a.preferred_language = "en"
    seller_a.save()
    response = client.post(LOGIN, {"username": "seller_a", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    assert SecurityEvent.objects.filter(kind="login", user=seller_a).count() == 1
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome" in home.content.decode()


def test_session_key_rotates_on_login(client: Client, seller_a: User) -> None:
    client.get(LOGIN)
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(LOGIN, {"username": "seller_a", "password": DEFAULT_PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_wrong_password_is_a_clear_error(client: Client, seller_a: User) -> None:
    response = client.post(LOGIN, {"username": "seller_a", "password": "nope"})
    assert response.status_code == 200
    assert "form" in response.context and response.context["form"].non_field_errors()
    assert SecurityEvent.objects.filter(kind="login_failed", username="seller_a").count() == 1


def test_five_failures_lock_the_account_but_not_others(client: Client, seller_a: User, seller_b: User) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": "seller_a", "password": "wrong-password"})
    locked = client.post(LOGIN, {"username": "seller_a", "password": DEFAULT_PASSWORD})
    assert locked.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="lockout", username="seller_a").exists()
    other = Client().post(LOGIN, {"username": "seller_b", "password": DEFAULT_PASSWORD})
    assert other.status_code == 302


def test_logout_is_post_and_ends_the_session(client: Client, seller_a: User) -> None:
    login(client, seller_a)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind="logout", user=seller_a).exists()


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/accounts/users/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_change(client: Client, seller_a: User) -> None:
    login(client, seller_a)
    response = client.post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": "Fresh-Linen-2027", "new_password2": "Fresh-Linen-2027"},
    )
    assert response.status_code == 302
    seller_a.refresh_from_db()
    assert seller_a.check_password("Fresh-Linen-2027")
    assert client.get("/").status_code == 200  # still logged in after changing own password


def test_profile_update_normalises_phone(client: Client, seller_a: User) -> None:
    login(client, seller_a)
    response = client.post(
        "/accounts/profile/",
        {"first_name": "هدى", "last_name": "سالم", "email": "", "phone": "01112345678", "preferred_language": "ar"},
    )
    assert response.status_code == 302
    seller_a.refresh_from_db()
    assert seller_a.phone == "+201112345678"
    bad = client.post("/accounts/profile/", {"first_name": "x", "phone": "12", "preferred_language": "ar"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["phone"]


# --- navigation and permissions -------------------------------------------------------------------------------


def test_menu_shows_only_allowed_sections(client: Client, seller_a: User, manager_a: User, admin_user: User) -> None:
    body = login(client, seller_a).get("/").content.decode()
    assert reverse("accounts:user_list") not in body
    body = login(Client(), manager_a).get("/").content.decode()
    assert reverse("accounts:user_list") in body and reverse("accounts:security_event_list") not in body
    body = login(Client(), admin_user).get("/").content.decode()
    assert reverse("accounts:security_event_list") in body


def test_menu_links_are_reversed_once_and_follow_the_script_prefix(admin_user: User) -> None:
    users = next(s for s in SECTIONS if s.key == "users")
    assert users.url == reverse("accounts:user_list") == "/accounts/users/"
    set_script_prefix("/erp/")
    try:
        assert users.url == "/erp/accounts/users/"
    finally:
        set_script_prefix("/")
    assert users.url == "/accounts/users/"
    page = login(Client(), admin_user).get("/accounts/users/").content.decode()
    assert 'class="nav-link active" aria-current="page" href="/accounts/users/"' in page


def test_salesperson_gets_403_on_user_management(client: Client, seller_a: User) -> None:
    login(client, seller_a)
    response = client.get("/accounts/users/")
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind="permission_denied", user=seller_a).exists()


def test_branch_manager_cannot_open_another_branchs_user(
    client: Client, manager_a: User, seller_b: User, seller_a: User
) -> None:
    login(client, manager_a)
    assert client.get(f"/accounts/users/{seller_b.pk}/").status_code == 404
    assert client.get(f"/accounts/users/{seller_b.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/users/{seller_b.pk}/toggle-active/").status_code == 404
    assert client.get(f"/accounts/users/{seller_a.pk}/").status_code == 200


def test_user_list_is_scoped_and_searchable(client: Client, manager_a: User, seller_a: User, seller_b: User) -> None:
    login(client, manager_a)
    body = client.get("/accounts/users/").content.decode()
    assert "seller_a" in body and "seller_b" not in body
    found = client.get("/accounts/users/", {"search": "seller"}).content.decode()
    assert "seller_a" in found
    empty = client.get("/accounts/users/", {"search": "zzz"})
    assert list(empty.context["page"].object_list) == []
    partial = client.get("/accounts/users/", {"search": "seller"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "seller_a" in partial.content.decode()


def test_user_export_is_scoped_and_logged(client: Client, manager_a: User, seller_a: User, seller_b: User) -> None:
    import io

    from openpyxl import load_workbook

    login(client, manager_a)
    response = client.get("/accounts/users/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="users-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    usernames = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "seller_a" in usernames and "seller_b" not in usernames
    assert SecurityEvent.objects.filter(kind="export", user=manager_a).exists()


def test_create_user_through_the_form(client: Client, manager_a: User, branch_a: Branch) -> None:
    from erp.accounts.models import Role

    login(client, manager_a)
    form_page = client.get("/accounts/users/new/")
    assert form_page.status_code == 200
    offered = {r.key for r in form_page.context["form"].fields["roles"].queryset}
    assert RoleKey.BRANCH_MANAGER not in offered and RoleKey.SALESPERSON in offered
    salesperson = Role.objects.get(key=RoleKey.SALESPERSON)
    data = {
        "username": "new_one",
        "first_name": "كريم",
        "last_name": "عادل",
        "phone": "01001234567",
        "branch": branch_a.pk,
        "preferred_language": "ar",
        "roles": [salesperson.pk],
        "password1": "Velvet-Drapes-99",
        "password2": "Velvet-Drapes-99",
    }
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 302
    created = User.objects.get(username="new_one")
    assert created.branch == branch_a and created.phone == "+201001234567"
    # A duplicate username is refused with an error on the field, nothing saved twice.
    again = client.post("/accounts/users/new/", data)
    assert again.status_code == 200 and again.context["form"].errors["username"]
    assert User.objects.filter(username="new_one").count() == 1


def test_create_user_mismatched_passwords(client: Client, manager_a: User, branch_a: Branch) -> None:
    login(client, manager_a)
    response = client.post(
        "/accounts/users/new/",
        {"username": "x", "branch": branch_a.pk, "preferred_language": "ar", "password1": "a", "password2": "b"},
    )
    assert response.status_code == 200 and response.context["form"].errors["password2"]
    assert not User.objects.filter(username="x").exists()


def test_edit_deactivate_and_reset_password(client: Client, manager_a: User, seller_a: User, branch_a: Branch) -> None:
    login(client, manager_a)
    response = client.post(
        f"/accounts/users/{seller_a.pk}/edit/",
        {"username": "seller_a", "first_name": "جديد", "branch": branch_a.pk, "preferred_language": "en"},
    )
    assert response.status_code == 302
    seller_a.refresh_from_db()
    assert seller_a.first_name == "جديد" and seller_a.preferred_language == "en"
    assert client.post(f"/accounts/users/{seller_a.pk}/toggle-active/").status_code == 302
    seller_a.refresh_from_db()
    assert not seller_a.is_active
    response = client.post(
        f"/accounts/users/{seller_a.pk}/password/", {"password1": "Another-Pass-77", "password2": "Another-Pass-77"}
    )
    assert response.status_code == 302
    seller_a.refresh_from_db()
    assert seller_a.check_password("Another-Pass-77")


def test_deactivated_user_is_logged_out(client: Client, manager_a: User, seller_a: User) -> None:
    seller_client = login(Client(), seller_a)
    assert seller_client.get("/").status_code == 200
    login(client, manager_a).post(f"/accounts/users/{seller_a.pk}/toggle-active/")
    assert seller_client.get("/").status_code == 302


def test_manager_cannot_edit_peer(
    client: Client, manager_a: User, make_user: Callable[..., User], branch_a: Branch
) -> None:
    peer = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)
    login(client, manager_a)
    assert client.get(f"/accounts/users/{peer.pk}/").status_code == 200
    assert client.get(f"/accounts/users/{peer.pk}/edit/").status_code == 403
    assert client.post(f"/accounts/users/{peer.pk}/toggle-active/").status_code == 403


def test_branches_pages(
    client: Client,
    admin_user: User,
    manager_a: User,
    make_user: Callable[..., User],
    branch_a: Branch,
    branch_b: Branch,
) -> None:
    login(client, admin_user)
    assert client.get("/accounts/branches/").status_code == 200
    response = client.post(
        "/accounts/branches/new/", {"code": "pts", "name": "بورسعيد", "phone": "", "is_active": "on"}
    )
    assert response.status_code == 302 and Branch.objects.filter(code="PTS").exists()
    dup = client.post("/accounts/branches/new/", {"code": "PTS", "name": "x", "is_active": "on"})
    assert dup.status_code == 200 and dup.context["form"].errors["code"]

    assert login(Client(), manager_a).get("/accounts/branches/").status_code == 403  # branch managers: no
    region = make_user(RoleKey.REGION_MANAGER, branch=branch_a, managed=[branch_a])
    manager = login(Client(), region)
    assert manager.get("/accounts/branches/new/").status_code == 403
    listing = manager.get("/accounts/branches/")
    assert listing.status_code == 200
    body = "".join(b.name for b in listing.context["page"].object_list)
    assert branch_a.name in body and branch_b.name not in body
    assert manager.get(f"/accounts/branches/{branch_b.pk}/edit/").status_code == 404
    assert manager.get(f"/accounts/branches/{branch_a.pk}/edit/").status_code == 200


def test_security_events_page(client: Client, admin_user: User, manager_a: User, seller_a: User) -> None:
    Client().post(LOGIN, {"username": "seller_a", "password": "bad"})
    login(client, admin_user)
    response = client.get("/accounts/security-events/", {"kind": "login_failed"})
    assert response.status_code == 200
    assert [e.username for e in response.context["events"]] == ["seller_a"]
    assert login(Client(), manager_a).get("/accounts/security-events/").status_code == 403


# --- translated error pages ----------------------------------------------------------------------------------


def test_404_page_is_translated(client: Client, seller_a: User) -> None:
    login(client, seller_a)
    arabic = client.get("/no-such-page/")
    assert arabic.status_code == 404 and 'lang="ar"' in arabic.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/no-such-page/")
    assert english.status_code == 404 and "does not exist" in english.content.decode()


def test_pages_are_arabic_first_whatever_the_browser_says(client: Client, seller_a: User) -> None:
    """A browser configured in English still gets Arabic until the user picks English."""
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="ar"' in page.content.decode() and 'dir="rtl"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="en"' in page.content.decode() and 'dir="ltr"' in page.content.decode()


# --- query budgets ------------------------------------------------------------------------------------------


def _grow_users(branch: Branch) -> Callable[[int], None]:
    def grow(n: int) -> None:
        bulk_users(branch=branch, count=n, role=RoleKey.SALESPERSON)

    return grow


@pytest.mark.parametrize("path", ["/accounts/users/", "/accounts/users/?search=user", "/accounts/users/?export=xlsx"])
def test_user_list_query_budget(
    client: Client, admin_user: User, branch_a: Branch, query_budget: Callable[..., list[int]], path: str
) -> None:
    login(client, admin_user)
    query_budget(_grow_users(branch_a), lambda: client.get(path))


def test_branch_list_query_budget(client: Client, admin_user: User, query_budget: Callable[..., list[int]]) -> None:
    login(client, admin_user)
    query_budget(lambda n: [BranchFactory() for _ in range(n)], lambda: client.get("/accounts/branches/"))


def test_security_events_query_budget(client: Client, admin_user: User, query_budget: Callable[..., list[int]]) -> None:
    login(client, admin_user)

    def grow(n: int) -> None:
        SecurityEvent.objects.bulk_create(SecurityEvent(kind="login_failed", username=f"u{i}") for i in range(n))

    query_budget(grow, lambda: client.get("/accounts/security-events/"))


@pytest.mark.parametrize("path", ["/", "/accounts/profile/", "/accounts/password/", "/accounts/users/new/"])
def test_page_query_budget(
    client: Client, manager_a: User, branch_a: Branch, query_budget: Callable[..., list[int]], path: str
) -> None:
    login(client, manager_a)
    query_budget(_grow_users(branch_a), lambda: client.get(path))


def test_user_detail_query_budget(
    client: Client, admin_user: User, seller_a: User, branch_a: Branch, query_budget: Callable[..., list[int]]
) -> None:
    login(client, admin_user)
    query_budget(_grow_users(branch_a), lambda: client.get(f"/accounts/users/{seller_a.pk}/"))


def test_login_page_query_budget(client: Client, branch_a: Branch, query_budget: Callable[..., list[int]]) -> None:
    query_budget(_grow_users(branch_a), lambda: client.get(LOGIN))


@pytest.mark.parametrize("suffix", ["edit/", "password/"])
def test_user_form_pages_query_budget(
    client: Client,
    admin_user: User,
    seller_a: User,
    branch_a: Branch,
    query_budget: Callable[..., list[int]],
    suffix: str,
) -> None:
    login(client, admin_user)
    query_budget(_grow_users(branch_a), lambda: client.get(f"/accounts/users/{seller_a.pk}/{suffix}"))


def test_branch_form_pages_query_budget(
    client: Client, admin_user: User, branch_a: Branch, query_budget: Callable[..., list[int]]
) -> None:
    login(client, admin_user)
    query_budget(lambda n: BranchFactory.create_batch(n), lambda: client.get("/accounts/branches/new/"))
    query_budget(
        lambda n: BranchFactory.create_batch(n),
        lambda: client.get(f"/accounts/branches/{branch_a.pk}/edit/"),
        sizes=(110, 200),
    )


def test_invalid_filter_shows_the_error_and_no_rows(client: Client, manager_a: User, branch_b: Branch) -> None:
    login(client, manager_a)
    response = client.get("/accounts/users/", {"branch": branch_b.pk})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert response.context["filter_form"].errors["branch"]


def test_security_events_keyset_pages(client: Client, admin_user: User) -> None:
    SecurityEvent.objects.bulk_create(SecurityEvent(kind="login_failed", username=f"u{i}") for i in range(30))
    login(client, admin_user)
    first = client.get("/accounts/security-events/", {"kind": "login_failed"})
    assert len(first.context["events"]) == 25 and first.context["page"].next_cursor
    second = client.get(
        "/accounts/security-events/", {"kind": "login_failed", "after": first.context["page"].next_cursor}
    )
    assert len(second.context["events"]) == 5
    assert not {e.pk for e in first.context["events"]} & {e.pk for e in second.context["events"]}
