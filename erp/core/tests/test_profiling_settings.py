"""Profilers exist for developers (local settings, behind flags) and never reach production settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "from django.conf import settings; "
    "print(sorted(a for a in settings.INSTALLED_APPS if a in {'silk', 'debug_toolbar'}))"
)


def installed_profilers(module: str, **env: str) -> str:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": module}
    if module.endswith("production"):
        base.update(
            SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="erp.example.com",
            DATABASE_URL="sqlite:////tmp/p.db",
            REDIS_URL="redis://127.0.0.1:1/0",
        )
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", f"import django; django.setup(); {PROBE}"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=240,  # a cold interpreter importing Django on a busy shared machine
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_never_loads_profilers() -> None:
    assert installed_profilers("config.django.production", DEBUG_TOOLBAR="1", DEBUG_SILK="1") == "[]"


def test_local_loads_them_only_when_asked() -> None:
    assert installed_profilers("config.django.local") == "[]"
    assert installed_profilers("config.django.local", DEBUG_TOOLBAR="1", DEBUG_SILK="1") == "['debug_toolbar', 'silk']"
