"""Every migration of the project reverses: on a database of its own (created and dropped here), `migrate` forward,
then every app of ours to zero, then forward again. A separate process runs it, so a failure half-way cannot leave
the test database without its tables."""

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

ROUND_TRIP = textwrap.dedent(
    """
    import django
    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    ours = [c.label for c in apps.get_app_configs() if c.name.startswith("erp.")]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_role")
        assert cursor.fetchone()[0] > 0, "post_migrate did not sync the roles"
    for label in reversed(ours):  # an app's dependants are unapplied with it
        call_command("migrate", label, "zero", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app || '.' || name FROM django_migrations WHERE app = ANY(%s)", [ours])
        left = [row[0] for row in cursor.fetchall()]
        assert not left, f"still applied after migrating to zero: {left}"
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE ANY(%s)",
                       [[f"{label}\\\\_%" for label in ours]])
        tables = [row[0] for row in cursor.fetchall()]
        assert not tables, f"tables left behind: {tables}"
    call_command("migrate", verbosity=0)
    print("round trip ok:", len(ours), "apps")
    """
)


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"erp_migrations_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)  # CREATE DATABASE cannot run inside a transaction
def test_every_migration_reverses_and_applies_again(scratch_database: str) -> None:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{scratch_database}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.django.test"}
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", ROUND_TRIP], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "round trip ok" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_roles_come_back_after_a_flush() -> None:
    """`flush` (run after every transactional test) sends post_migrate without a migration state: the roles and
    their permissions are synced again, as after `migrate`."""
    from django.core.management import call_command

    from erp.accounts.models import Role
    from erp.accounts.services import role_sync

    call_command("flush", interactive=False, verbosity=0)

    def grants() -> set[tuple[str, str]]:
        return set(Role.permissions.through.objects.values_list("role__key", "permission__codename"))

    after_flush = grants()
    assert Role.objects.filter(is_system=True).count() > 10 and len(after_flush) > 50
    role_sync()
    assert grants() == after_flush
