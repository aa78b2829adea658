"""Celery: Redis broker, JSON only, time and memory limits set once, one beat schedule in code."""

from celery.schedules import crontab
from kombu import Queue

from config.env import env
from config.settings.outbox import OUTBOX_DISPATCH_SECONDS

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="memory://"))
CELERY_RESULT_BACKEND = None  # results are written by services into our own tables
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Africa/Cairo"
CELERY_ENABLE_UTC = True

# Idempotent tasks acknowledge after running, so a killed worker's task is delivered again (and does nothing twice).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 256 * 1024  # KiB
CELERY_WORKER_MAX_TASKS_PER_CHILD = 100
# Must exceed the hard time limit, or Redis re-delivers tasks that are still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 900,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Queues: the documented worker command (README) consumes all of them.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (Queue("default"), Queue("messaging"), Queue("imports"))
# Outgoing messages (WhatsApp, notifications) all leave through the outbox, so a long import never delays them.
CELERY_TASK_ROUTES = {
    "erp.outbox.tasks.*": {"queue": "messaging"},
    "erp.*.tasks.*_import_*": {"queue": "imports"},
}

# The one beat schedule. Each cron links to crontab.guru for review.
CELERY_BEAT_SCHEDULE = {
    # https://crontab.guru/#15_3_*_*_*
    "accounts-api-tokens-purge": {
        "task": "erp.accounts.tasks.api_tokens_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    # https://crontab.guru/#30_3_*_*_*
    "accounts-security-events-prune": {
        "task": "erp.accounts.tasks.security_events_prune",
        "schedule": crontab(hour=3, minute=30),
    },
    # https://crontab.guru/#45_3_*_*_*
    "api-idempotency-records-prune": {
        "task": "erp.api.tasks.idempotency_records_prune",
        "schedule": crontab(hour=3, minute=45),
    },
    # Every few seconds (an interval, not a cron): hands due outbox events to workers (kicked on commit as well).
    "outbox-dispatch": {
        "task": "erp.outbox.tasks.outbox_dispatch",
        "schedule": OUTBOX_DISPATCH_SECONDS,
    },
    # https://crontab.guru/#50_3_*_*_*
    "outbox-purge-done": {
        "task": "erp.outbox.tasks.outbox_purge_done",
        "schedule": crontab(hour=3, minute=50),
    },
}

# The catalogue's edge sync: changes are kicked after commit; this catches anything missed and due retries.
# https://crontab.guru/#*_*_*_*_*
CELERY_BEAT_SCHEDULE["catalogue-sync-run"] = {
    "task": "erp.catalogue.tasks.catalogue_sync_run",
    "schedule": crontab(),
}

# Complaints: overdue flags (and automatic escalation) hourly; delay complaints daily at 09:00 Cairo (B §5.8).
# https://crontab.guru/#5_*_*_*_*
CELERY_BEAT_SCHEDULE["complaints-mark-overdue"] = {
    "task": "erp.complaints.tasks.complaints_mark_overdue",
    "schedule": crontab(minute=5),
}
# https://crontab.guru/#0_9_*_*_*
CELERY_BEAT_SCHEDULE["complaints-create-delay-complaints"] = {
    "task": "erp.complaints.tasks.complaints_create_delay_complaints",
    "schedule": crontab(hour=9, minute=0),
}
# Orders: active promo codes past their expiry become "expired" (using one checks the time anyway).
# https://crontab.guru/#5_*_*_*_*
CELERY_BEAT_SCHEDULE["orders-promo-expire-due"] = {
    "task": "erp.orders.tasks.promo_expire_due",
    "schedule": crontab(minute=5),
}
