"""The public catalogue's edge sync: disabled unless both the endpoint and its API key are set."""

from config.env import env

# POST endpoint of the edge key-value store's sync worker, e.g. https://qr.example.com/sync
CATALOGUE_SYNC_URL = env.str("CATALOGUE_SYNC_URL", default="")
CATALOGUE_SYNC_API_KEY = env.str("CATALOGUE_SYNC_API_KEY", default="")
CATALOGUE_SYNC_CONNECT_TIMEOUT = env.float("CATALOGUE_SYNC_CONNECT_TIMEOUT", default=3.0)
CATALOGUE_SYNC_READ_TIMEOUT = env.float("CATALOGUE_SYNC_READ_TIMEOUT", default=10.0)
# Where the QR codes point (the edge's host when it serves the cards); empty: this site's own /p/<code>/.
CATALOGUE_PUBLIC_BASE_URL = env.str("CATALOGUE_PUBLIC_BASE_URL", default="")
