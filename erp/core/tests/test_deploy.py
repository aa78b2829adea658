"""Production settings: Django's deployment checks pass, and a missing or unsafe variable stops the process.

Each case runs `manage.py check` in a subprocess with an environment built from scratch, so nothing from the
developer's shell or a local `.env` file leaks in (config/env.py's `.env` reading is switched off there).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config.env import BASE_DIR

# Runs manage.py with the `.env` file ignored: the test owns the whole environment.
_RUNNER = """
import sys
import environ
environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)
from django.core.management import execute_from_command_line
if sys.argv[1:] == ["--load-settings"]:
    from django.conf import settings
    settings.INSTALLED_APPS  # importing the settings module is where a missing variable must fail
elif sys.argv[1:] == ["--db-options"]:
    from django.conf import settings
    import json
    print(json.dumps(settings.DATABASES["default"]["OPTIONS"]))
else:
    execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.django.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "erp.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", _RUNNER, *args],
        cwd=BASE_DIR,
        env={**base, "PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, f"check --deploy failed:\n{result.stdout}\n{result.stderr}"


@pytest.mark.slow
@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_settings_refuse_to_start_without(variable: str, tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env[variable]

    result = _manage(env, "--load-settings")

    output = result.stdout + result.stderr
    assert result.returncode != 0, f"started without {variable}:\n{output}"
    assert "ImproperlyConfigured" in output
    assert variable in output


@pytest.mark.slow
@pytest.mark.parametrize("hosts", ["*", "erp.example.com,*"])
def test_production_settings_refuse_a_wildcard_host(hosts: str, tmp_path: Path) -> None:
    env = {**_production_env(tmp_path), "ALLOWED_HOSTS": hosts}

    result = _manage(env, "--load-settings")

    output = result.stdout + result.stderr
    assert result.returncode != 0, f"started with ALLOWED_HOSTS={hosts}:\n{output}"
    assert "ImproperlyConfigured" in output
    assert "ALLOWED_HOSTS" in output


@pytest.mark.slow
def test_production_connections_get_the_same_planner_and_timeout_options_as_the_benchmarks(tmp_path: Path) -> None:
    # production.py builds its own DATABASES; it once dropped the join_collapse_limit the benchmarks were measured with.
    env = {**_production_env(tmp_path), "DATABASE_URL": "postgres://erp:secret@127.0.0.1:1/erp"}

    result = _manage(env, "--db-options")

    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    assert {"statement_timeout=30000", "join_collapse_limit=6", "from_collapse_limit=6", "random_page_cost=1.1"} <= set(
        options["options"].replace("-c ", "").split()
    )
    # Prepared statements: plans made once per connection, as measured.
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2

    behind_a_pooler = _manage({**env, "DB_SERVER_SIDE_BINDING": "false"}, "--db-options")
    assert json.loads(behind_a_pooler.stdout)["server_side_binding"] is False
    assert json.loads(behind_a_pooler.stdout)["prepare_threshold"] is None


@pytest.mark.django_db
def test_unknown_host_header_is_rejected(client: Any) -> None:
    response = client.get("/accounts/login/", HTTP_HOST="evil.com")

    assert response.status_code == 400
