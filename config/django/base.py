"""Settings shared by every environment. Environment-specific files import this and override.

No environment branching and no `print()` here (house style rule 17): values come from `config.env.env`.
"""

from typing import Any

import django_stubs_ext
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.env import BASE_DIR, env

# Lets `forms.ModelForm[User]`-style generics work at runtime for the type checker.
django_stubs_ext.monkeypatch()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "axes",
    "erp.core",
    "erp.accounts",
    "erp.inventory",
    "erp.customers",
    "erp.catalogue",
    "erp.outbox",
    "erp.notifications",
    "erp.integrations.whatsapp",
    "erp.orders",
    "erp.inspections",
    "erp.cutting",
    "erp.manufacturing",
    "erp.installations",
    "erp.complaints",
    "erp.api",
]

# Each entry earns its place (ARCHITECTURE.md explains the order).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "erp.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "erp.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "erp.accounts.middleware.ActivityMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "erp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "erp.accounts.context_processors.navigation",
            ],
        },
    },
]

# Form widgets render through Jinja2 (Django's own widget templates, shipped for both engines): a select of 47
# options cost 5.6 ms with the Django engine, 2.7 ms with Jinja2. Pages' templates stay Django templates.
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def postgres_options() -> dict[str, object]:
    """Options of every PostgreSQL connection (here and in production.py).

    Timeouts: a stuck query or an unreachable server fails fast instead of hanging a worker. The collapse limits
    bound the planner's join search: detail queries joining nine tables spent 17 ms planning and 1 ms running.

    Prepared statements: parameters are bound on the server and a query shape run twice on a connection is prepared,
    so PostgreSQL plans it once per connection instead of on every request (planning was most of a detail page's
    database time: the order page's main query planned in 11 ms and ran in 1.6 ms). PostgreSQL keeps a custom plan
    when the generic one would cost more (plan_cache_mode auto), so partial indexes keep working. Not compatible
    with a transaction-pooling PgBouncer: set DB_SERVER_SIDE_BINDING=false behind one.

    random_page_cost 1.1 (PostgreSQL's default, 4, prices a random read as a spinning disk's): the working set is in
    memory or on SSD, where an index lookup costs about what a sequential read does. With the default, the orders
    list filtered by status and sorted by total hash-joined every customer (a sequential scan of the table) to join
    25 orders to theirs: 12.5 ms at 5,000 customers; with 1.1 it looks the 25 up by primary key: 1.8 ms.
    """
    collapse = env.int("DB_JOIN_COLLAPSE_LIMIT", default=6)
    prepared = env.bool("DB_SERVER_SIDE_BINDING", default=True)
    return {
        "server_side_binding": prepared,
        "prepare_threshold": env.int("DB_PREPARE_THRESHOLD", default=2) if prepared else None,
        "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=5),
        "options": (
            f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=30000)}"
            f" -c join_collapse_limit={collapse} -c from_collapse_limit={collapse}"
            f" -c random_page_cost={env.float('DB_RANDOM_PAGE_COST', default=1.1)}"
        ),
    }


# How many prepared statements a connection keeps (least recently used first out; psycopg's default is 100, fewer
# than the query shapes of a worker serving every page). Applied in erp/core/apps.py when a connection opens.
DB_PREPARED_MAX = env.int("DB_PREPARED_MAX", default=500)


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgres_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "erp.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "erp.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in the database with a cache in front: Redis down means slower, never logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Idle timeout (seconds) enforced by ActivityMiddleware; staff keep working all day, admins get less.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 8)
SESSION_IDLE_TIMEOUT_SUPERUSER = env.int("SESSION_IDLE_TIMEOUT_SUPERUSER", default=60 * 30)
# "Last seen" and the idle clock are written at most this often per user.
LAST_SEEN_INTERVAL = 300
# Background polls that neither count as activity nor load the user (see ActivityMiddleware).
SESSION_ACTIVITY_IGNORED_PATHS = ["/notifications/bell/"]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Cairo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "erp" / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# Private uploads (inspection files, receipts, complaint attachments): outside MEDIA_ROOT, served only by
# permission-checked views (erp/core/files.py).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
PRIVATE_UPLOAD_MAX_BYTES = env.int("PRIVATE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Uploads: product photos (JPEG/PNG/WebP) and Excel import files, checked for type and size before storing.
PRODUCT_IMAGE_MAX_BYTES = env.int("PRODUCT_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_FILE_MAX_BYTES = env.int("IMPORT_FILE_MAX_BYTES", default=20 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365
# Source maps are fetched only by developer tools: compressing them costs most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Cache: Redis with short socket timeouts; errors are ignored (and logged) so pages survive a Redis outage.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "erp",
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
            "LOG_IGNORED_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Feature flags (the roadmap's rollback plan): each can be switched off by the environment without new code.
FEATURE_CACHING = env.bool("FEATURE_CACHING", default=True)
FEATURE_RATE_LIMITS = env.bool("FEATURE_RATE_LIMITS", default=True)
FEATURE_ASYNC_SIDE_EFFECTS = env.bool("FEATURE_ASYNC_SIDE_EFFECTS", default=True)

ADMIN_URL = env.str("ADMIN_URL", default="django-admin/")

# django-axes: lock a username from one address after 5 failures; lockouts are kept in the database.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "erp.accounts.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are recorded once, as SecurityEvent rows

# CORS: an explicit allow-list, never allow-all.
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# JSON API responses carry the strictest policy.
API_CONTENT_SECURITY_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE]}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "erp.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "erp.api.pagination.CursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "erp.api.exception_handlers.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "erp.api.throttling.UserRateThrottle",
        "erp.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("THROTTLE_USER", default="1200/minute"),
        "anon": env.str("THROTTLE_ANON", default="60/minute"),
        "auth": env.str("THROTTLE_AUTH", default="10/minute"),
        "export": env.str("THROTTLE_EXPORT", default="10/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 7)

SPECTACULAR_SETTINGS = {
    "TITLE": "Home Update ERP API",
    "DESCRIPTION": "REST API v1 of Home Update ERP (see docs/api.md for conventions).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ProductKindEnum": "erp.inventory.models.Product.Kind",
        "StockMovementKindEnum": "erp.inventory.models.StockMovement.Kind",
        # Every lifecycle has its own "status" choices and two "method"s exist: one named enum each.
        "SyncEntryStatusEnum": "erp.catalogue.models.SyncEntry.Status",
        "CustomerStatusEnum": "erp.customers.models.Customer.Status",
        "TransferStatusEnum": "erp.inventory.models.Transfer.Status",
        "PurchaseOrderStatusEnum": "erp.inventory.models.PurchaseOrder.Status",
        "StockCountStatusEnum": "erp.inventory.models.StockCount.Status",
        "BulkPriceUpdateMethodEnum": "erp.inventory.models.BulkPriceUpdate.Method",
        "ImportJobStatusEnum": "erp.inventory.models.ImportJob.Status",
        "PromoCodeStatusEnum": "erp.orders.models.PromoCode.Status",
        "OrderStatusEnum": "erp.orders.models.Order.Status",
        "OrderHandoffStatusEnum": "erp.orders.models.OrderHandoff.Status",
        "PaymentMethodEnum": "erp.orders.models.Payment.Method",
        "OutboxEventStatusEnum": "erp.outbox.models.OutboxEvent.Status",
        "WhatsAppMessageStatusEnum": "erp.integrations.whatsapp.models.WhatsAppMessage.Status",
        "OrderTypeEnum": "erp.orders.models.Order.Type",
        "NotificationKindEnum": "erp.notifications.models.Kind",
    },
}
# The operations modules name their enums in erp/<app>/enums.py (plain strings), so they never edit this file.
for _ops_app in ("inspections", "cutting", "manufacturing", "installations", "complaints"):
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
        __import__(f"erp.{_ops_app}.enums", fromlist=["ENUM_NAMES"]).ENUM_NAMES
    )

from config.settings.catalogue import *  # noqa: E402,F403
from config.settings.celery import *  # noqa: E402,F403
from config.settings.logging import *  # noqa: E402,F403
from config.settings.outbox import *  # noqa: E402,F403
from config.settings.whatsapp import *  # noqa: E402,F403
