"""Load tests (locust): `bin/loadtest` runs `load/locustfile.py` against gunicorn on 127.0.0.1."""
