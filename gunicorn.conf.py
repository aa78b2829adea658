"""Gunicorn for a 2-core machine: 3 gthread workers x 2 threads, bounded timeouts, periodic recycling."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Kept after the load test (BENCHMARKS.md, "Load test"): a request costs ~30 ms of CPU and little waiting (4-8 queries
# on loopback), so more processes than cores + 1 would only add memory (~110 MiB each); 2 threads cover the waits.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30  # a request that runs longer is killed: nothing slow belongs in a request
graceful_timeout = 30
keepalive = 5
# Recycle workers to cap slow leaks. bin/loadtest sets GUNICORN_MAX_REQUESTS=0 so that one worker serves the whole run
# and its memory growth can be measured (performance.md: < 10 % over 10,000 requests).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200 if max_requests else 0
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
