from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erp.inventory.services import stock_ledger_mismatches


class Command(BaseCommand):
    help = "Verify that every stock balance equals the sum of its ledger rows."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = stock_ledger_mismatches()
        for row in mismatches:
            where = f"variant {row['variant']} @ warehouse {row['warehouse']}"
            self.stderr.write(f"{where}: balance {row['balance']} != ledger {row['ledger']}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} stock balance(s) differ from the ledger")
        self.stdout.write(self.style.SUCCESS("Every stock balance equals its ledger."))
