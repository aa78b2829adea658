"""The transactional outbox: dispatch cadence, the claim lease and the retry policy (see erp/outbox)."""

from config.env import env

# How often beat runs the dispatcher (seconds); services also kick it on commit for low latency.
OUTBOX_DISPATCH_SECONDS = env.float("OUTBOX_DISPATCH_SECONDS", default=5.0)
# A dispatched event is not handed out again for this long. It must exceed the outbox task's hard time limit, so a
# running task is never duplicated; an event whose task was lost (worker killed, Redis restarted) is re-dispatched
# after it.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=150)
OUTBOX_TASK_SOFT_TIME_LIMIT = env.int("OUTBOX_TASK_SOFT_TIME_LIMIT", default=90)
OUTBOX_TASK_TIME_LIMIT = env.int("OUTBOX_TASK_TIME_LIMIT", default=120)
# Retries: base * 2**attempt seconds with ±50% jitter, capped, at most this many attempts; then "failed".
OUTBOX_BACKOFF_BASE_SECONDS = env.float("OUTBOX_BACKOFF_BASE_SECONDS", default=5.0)
OUTBOX_BACKOFF_MAX_SECONDS = env.float("OUTBOX_BACKOFF_MAX_SECONDS", default=900.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Events claimed per dispatcher run (one UPDATE and one publish each); the dispatcher re-runs while more are due.
OUTBOX_BATCH_SIZE = 200

CELERY_TASK_ANNOTATIONS = {
    "erp.outbox.tasks.outbox_process": {
        "soft_time_limit": OUTBOX_TASK_SOFT_TIME_LIMIT,
        "time_limit": OUTBOX_TASK_TIME_LIMIT,
    },
    "erp.outbox.tasks.outbox_dispatch": {"soft_time_limit": 60, "time_limit": 90},
}
