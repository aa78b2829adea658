"""Wait for a server, then warm its workers: `python load/wait_ready.py URL PID SECONDS [WARM_URL [COUNT]]`.

bin/loadtest uses it for gunicorn: wait until /readyz answers 200 while the master (PID) is alive, then request
WARM_URL COUNT times over concurrent connections, so that every worker has imported the views, the URL
configuration, the templates and the translations before locust measures anything (a cold worker's first request
costs a second or more). Exit status 0 when ready, 1 with a message otherwise.
"""

import os
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

LOOPBACK = ("http://127.0.0.1:", "http://localhost:")


def _status(url: str, timeout: float = 5) -> int | None:
    if not url.startswith(LOOPBACK):
        raise ValueError(f"only loopback URLs are requested, not {url}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback http, checked above
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return None


def wait_ready(url: str, pid: int, seconds: float) -> str | None:
    """None once `url` answers 200; otherwise why not (the process died, or time ran out)."""
    if not url.startswith(LOOPBACK):
        return f"only loopback URLs are polled, not {url}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return f"process {pid} exited"
        if _status(url) == 200:
            return None
        time.sleep(0.2)
    return f"{url} did not answer 200 within {seconds:.0f} s"


def warm(url: str, count: int) -> list[int | None]:
    """`count` GETs of `url`, six at a time, each on a connection of its own (so they spread over the workers).
    A cold worker on a busy machine may take seconds to answer its first request: each may take up to 30 s."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(lambda u: _status(u, timeout=30), [url] * count))


if __name__ == "__main__":
    problem = wait_ready(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
    if problem:
        sys.exit(problem)
    if len(sys.argv) > 4:
        statuses = warm(sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 24)
        if any(status != 200 for status in statuses):
            sys.exit(f"warming {sys.argv[4]} answered {sorted(set(map(str, statuses)))}")
