from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from erp.accounts import services
from erp.accounts.access import access_for
from erp.accounts.models import ApiToken, Branch, Role, SecurityEvent, User
from erp.accounts.roles import ROLE_DEFINITIONS, RoleKey
from erp.core.exceptions import PermissionDeniedError

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Nile-Curtains-2026"


def role(key: str) -> Role:
    return Role.objects.get(key=key)


def test_role_sync_seeds_every_standard_role_idempotently() -> None:
    assert services.role_sync() == len(ROLE_DEFINITIONS)
    assert services.role_sync() == len(ROLE_DEFINITIONS)
    assert Role.objects.count() == len(ROLE_DEFINITIONS)
    admin_role = role(RoleKey.SYSTEM_ADMIN)
    assert admin_role.level == 0
    assert admin_role.permissions.filter(codename="manage_users").exists()


def test_roles_inherit_permissions(make_user: Callable[..., User], branch_a: Branch) -> None:
    region = make_user(RoleKey.REGION_MANAGER, branch=branch_a)
    access = access_for(region)
    assert {RoleKey.REGION_MANAGER, RoleKey.BRANCH_MANAGER, RoleKey.SALESPERSON} <= access.roles
    assert access.level == 2
    assert region.has_perm("accounts.manage_users")
    assert region.has_perm("accounts.manage_branches")
    assert not region.has_perm("accounts.view_security_events")


def test_direct_permission_grants_are_honoured(make_user: Callable[..., User], branch_a: Branch) -> None:
    seller = make_user(RoleKey.SALESPERSON, branch=branch_a)
    assert not seller.has_perm("accounts.view_security_events")
    seller.user_permissions.add(Permission.objects.get(codename="view_security_events"))
    seller = User.objects.get(pk=seller.pk)
    services.role_sync()  # any access change bumps the cached profiles
    assert seller.has_perm("accounts.view_security_events")


def test_branch_manager_creates_salesperson_in_own_branch(manager_a: User, branch_a: Branch) -> None:
    user = services.user_create(
        actor=manager_a,
        username="new_seller",
        password=GOOD_PASSWORD,
        first_name="منى",
        phone="٠١٠١٢٣٤٥٦٧٨",
        branch=branch_a,
        roles=[role(RoleKey.SALESPERSON)],
    )
    assert user.phone == "+201012345678"
    assert user.check_password(GOOD_PASSWORD)
    assert list(user.roles.values_list("key", flat=True)) == [RoleKey.SALESPERSON]
    assert SecurityEvent.objects.filter(kind="permission_change", user=manager_a).exists()


def test_branch_manager_cannot_create_in_another_branch(manager_a: User, branch_b: Branch) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=manager_a, username="x1", password=GOOD_PASSWORD, branch=branch_b)
    assert "branch" in exc.value.message_dict
    assert not User.objects.filter(username="x1").exists()


@pytest.mark.parametrize("key", [RoleKey.BRANCH_MANAGER, RoleKey.SALES_MANAGER, RoleKey.SYSTEM_ADMIN])
def test_manager_cannot_hand_out_equal_or_higher_roles(manager_a: User, branch_a: Branch, key: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=manager_a, username="x2", password=GOOD_PASSWORD, branch=branch_a, roles=[role(key)])
    assert "roles" in exc.value.message_dict
    assert not User.objects.filter(username="x2").exists()  # nothing half-saved


def test_salesperson_cannot_create_users(seller_a: User, branch_a: Branch) -> None:
    with pytest.raises(PermissionDeniedError):
        services.user_create(actor=seller_a, username="x3", password=GOOD_PASSWORD, branch=branch_a)


def test_bad_input_names_the_field(manager_a: User, branch_a: Branch) -> None:
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=manager_a, username="x4", password="short", branch=branch_a, phone="123")
    assert "phone" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=manager_a, username="x4", password="short", branch=branch_a)
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="x4").exists()


def test_manage_only_lower_levels(
    manager_a: User, seller_a: User, make_user: Callable[..., User], branch_a: Branch
) -> None:
    peer = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)
    assert services.user_can_manage(actor=manager_a, target=seller_a)
    assert not services.user_can_manage(actor=manager_a, target=peer)
    assert not services.user_can_manage(actor=manager_a, target=manager_a)
    assert not services.user_can_manage(actor=seller_a, target=make_user(branch=branch_a))
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=manager_a, user=peer, data={"first_name": "x"})


def test_self_service_cannot_change_roles(seller_a: User) -> None:
    services.user_update(actor=seller_a, user=seller_a, data={"first_name": "سارة", "preferred_language": "en"})
    seller_a.refresh_from_db()
    assert seller_a.first_name == "سارة" and seller_a.preferred_language == "en"
    with pytest.raises(PermissionDeniedError):
        services.user_update(actor=seller_a, user=seller_a, data={"roles": [role(RoleKey.SALES_MANAGER)]})


def test_role_change_takes_effect_immediately(manager_a: User, seller_a: User) -> None:
    assert not seller_a.has_perm("accounts.manage_users")  # profile now cached
    admin = User.objects.create_superuser(username="boss", password=GOOD_PASSWORD)
    services.user_update(actor=admin, user=seller_a, data={"roles": [role(RoleKey.BRANCH_MANAGER)]})
    fresh = User.objects.get(pk=seller_a.pk)
    assert fresh.has_perm("accounts.manage_users")


def test_deactivate_revokes_tokens(manager_a: User, seller_a: User) -> None:
    token, key = services.api_token_issue(user=seller_a)
    assert services.api_token_get_active(key=key) is not None
    services.user_set_active(actor=manager_a, user=seller_a, active=False)
    assert services.api_token_get_active(key=key) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_password_reset_by_manager(manager_a: User, seller_a: User) -> None:
    services.user_set_password(actor=manager_a, user=seller_a, password=GOOD_PASSWORD + "x")
    seller_a.refresh_from_db()
    assert seller_a.check_password(GOOD_PASSWORD + "x")
    assert SecurityEvent.objects.filter(kind="password_changed", user=manager_a).exists()


def test_token_expiry_and_revocation(seller_a: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    token, key = services.api_token_issue(user=seller_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.api_token_get_active(key=key) is None
    token2, key2 = services.api_token_issue(user=seller_a)
    services.api_token_revoke(token=token2)
    assert services.api_token_get_active(key=key2) is None
    assert services.api_token_get_active(key="not-a-token") is None


def test_purge_removes_old_tokens(seller_a: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    token, _ = services.api_token_issue(user=seller_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=8))
    fresh, _ = services.api_token_issue(user=seller_a)
    assert services.api_tokens_purge() == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_only_one_main_branch(admin_user: User, branch_a: Branch) -> None:
    first = services.branch_create(actor=admin_user, data={"code": "gza", "name": "الجيزة", "is_main": True})
    assert first.code == "GZA"
    second = services.branch_create(actor=admin_user, data={"code": "٣٣", "name": "طنطا", "is_main": True})
    assert second.code == "33"
    assert list(Branch.objects.filter(is_main=True)) == [second]


def test_branch_manager_cannot_create_branches_or_edit_others(manager_a: User, branch_b: Branch) -> None:
    with pytest.raises(PermissionDeniedError):
        services.branch_create(actor=manager_a, data={"code": "NEW", "name": "x"})
    with pytest.raises(PermissionDeniedError):
        services.branch_update(actor=manager_a, branch=branch_b, data={"name": "x"})


def test_region_manager_edits_managed_branch(
    make_user: Callable[..., User], branch_a: Branch, branch_b: Branch
) -> None:
    region = make_user(RoleKey.REGION_MANAGER, branch=branch_a, managed=[branch_b])
    services.branch_update(actor=region, branch=branch_b, data={"address": "شارع فؤاد"})
    branch_b.refresh_from_db()
    assert branch_b.address == "شارع فؤاد"
    with pytest.raises(PermissionDeniedError):
        services.branch_update(actor=region, branch=branch_b, data={"is_main": True})
