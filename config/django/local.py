"""The one-command demo and local development: SQLite, local-memory cache, tasks run eagerly after commit."""

from config.env import env

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-demo-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "erp-local"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
# runserver serves static files from the source folders; collectstatic only copies (no hashing or compressing).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]

# Profiling tools for developers only, switched on by environment flags; production settings never load them
# (and production installs only requirements/base.txt, which does not contain them).
if env.bool("DEBUG_TOOLBAR", default=False):
    INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
    MIDDLEWARE = [*MIDDLEWARE, "debug_toolbar.middleware.DebugToolbarMiddleware"]
    INTERNAL_IPS = ["127.0.0.1"]
if env.bool("DEBUG_SILK", default=False):
    # Records every request with its SQL and timings at /silk/ (run `manage.py migrate` once after switching on).
    INSTALLED_APPS = [*INSTALLED_APPS, "silk"]
    MIDDLEWARE = [*MIDDLEWARE, "silk.middleware.SilkyMiddleware"]
    SILKY_PYTHON_PROFILER = True
    SILKY_AUTHENTICATION = True
    SILKY_AUTHORISATION = True
