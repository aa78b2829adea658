"""Gunicorn for a 2-core machine: 3 sync workers x 2 threads, bounded timeouts, periodic recycling."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30  # a request that runs longer is killed: nothing slow belongs in a request
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers to cap slow leaks
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
