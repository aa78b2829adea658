"""The only place the environment is read. Everything else imports `env` from here."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer may keep overrides in a local, untracked `.env` file; production passes real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
