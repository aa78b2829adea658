from typing import Any

from django.core.management.base import BaseCommand

from erp.catalogue.sync import catalogue_resync, sync_enabled


class Command(BaseCommand):
    help = "Queue the whole catalogue for the edge key-value store (a full re-sync)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = catalogue_resync()
        state = "the sync task was kicked" if sync_enabled() else "the sync is disabled: rows wait until it is on"
        self.stdout.write(f"catalogue: {queued} products queued for the edge ({state})")
