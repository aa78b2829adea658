"""Production hashing: Argon2id at OWASP's minimum, and older Argon2 hashes upgraded at the next login."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client, override_settings

from config.django import base
from erp.accounts.models import User

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_new_passwords_use_owasp_argon2() -> None:
    encoded = make_password("Long-Enough-Password-1")
    assert encoded.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_older_argon2_hashes_are_upgraded_at_login(client: Client) -> None:
    user = User.objects.create(
        username="old_hash", password=Argon2PasswordHasher().encode("Long-Enough-Password-1", "saltsaltsalt")
    )
    assert "m=102400" in user.password
    response = client.post("/accounts/login/", {"username": "old_hash", "password": "Long-Enough-Password-1"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert "m=47104,t=1,p=1" in user.password
