"""Tests: real PostgreSQL and Redis (started by bin/test), fast hashing, eager tasks unless a test asks for a worker."""

import tempfile
from pathlib import Path

from config.env import env

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz-abcdef"  # noqa: S105 - tests only
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A real worker started by an integration test runs with CELERY_TASK_ALWAYS_EAGER=false in its environment.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env.str("REDIS_URL", default="memory://")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CORS_ALLOWED_ORIGINS = ["https://partner.example.com"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Each xdist worker has its own database; give it its own cache key space in the shared Redis too.
CACHES["default"]["KEY_PREFIX"] = f"erp-test-{env.str('PYTEST_XDIST_WORKER', default='main')}"  # noqa: F405

# WhatsApp secrets for tests only (the fake Graph API and the webhook tests sign with them).
# Never the internet: a closed local port unless a test points it at its fake Graph API.
WHATSAPP_API_BASE_URL = env.str("WHATSAPP_API_BASE_URL", default="http://127.0.0.1:9/v18.0")
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="test-token")
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="test-app-secret")  # noqa: S105 - tests only
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="test-verify-token")  # noqa: S105 - tests only
# Uploaded files (product photos, import files) go to a throwaway directory per xdist worker, never into the tree.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"erp-test-media-{env.str('PYTEST_XDIST_WORKER', default='main')}"
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / f"erp-test-private-{env.str('PYTEST_XDIST_WORKER', default='main')}"
