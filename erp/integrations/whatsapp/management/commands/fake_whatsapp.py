"""`manage.py fake_whatsapp`: run the local fake Graph API for the demo (point WHATSAPP_API_BASE_URL at it)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from erp.integrations.whatsapp.fake import FakeGraphAPI


class Command(BaseCommand):
    help = "Run a local fake WhatsApp Cloud API (Graph) server with configurable latency, errors and 429s."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8787)
        parser.add_argument("--latency", type=float, default=0.2, help="seconds before each answer")
        parser.add_argument("--error-rate", type=float, default=0.0, help="share of 503 answers (0..1)")
        parser.add_argument("--rate-limit-every", type=int, default=0, help="answer every Nth request with a 429")

    def handle(self, *args: Any, **options: Any) -> None:
        fake = FakeGraphAPI(
            port=options["port"],
            latency=options["latency"],
            error_rate=options["error_rate"],
            rate_limit_every=options["rate_limit_every"],
        ).start()
        self.stdout.write(f"Fake Graph API on {fake.base_url} (set WHATSAPP_API_BASE_URL to it). Ctrl-C stops.")
        try:
            while True:
                time.sleep(5)
                self.stdout.write(f"{len(fake.requests)} requests, {len(fake.accepted())} accepted")
        except KeyboardInterrupt:
            fake.stop()
