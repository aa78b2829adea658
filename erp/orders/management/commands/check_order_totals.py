from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erp.orders.services import order_totals_mismatches


class Command(BaseCommand):
    help = "Verify that every order's stored totals equal its items, and its paid amount its payment allocations."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = order_totals_mismatches()
        for row in mismatches:
            problems = ", ".join(f"{name} {have} != {want}" for name, (have, want) in row.problems.items())
            self.stderr.write(f"{row.number}: {problems}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} order(s) with totals that differ from their items or payments")
        self.stdout.write(self.style.SUCCESS("Every order's totals equal its items and payments."))
