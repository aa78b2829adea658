from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (m=46 MiB, t=1, p=1): about 100 ms of CPU per login instead of
    Django's ~350 ms, which let 50 staff logging in at shift start queue behind each other (BENCHMARKS.md, load test).
    Same algorithm name: existing hashes are upgraded transparently at their next login."""

    memory_cost = 47104
    time_cost = 1
    parallelism = 1
