import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from erp.core.demodata import DEMO_PASSWORD, SIZES, DemoContext
from erp.core.discovery import app_modules


class Command(BaseCommand):
    help = "Generate realistic demo data (Arabic names, Egyptian phones, every role) at a given size."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, size: str, seed: int, **options: Any) -> None:
        ctx = DemoContext(size=size, rng=random.Random(seed), stdout=self.stdout, volumes=dict(SIZES[size]))  # noqa: S311
        started = time.monotonic()
        for module in app_modules("demo"):
            if not hasattr(module, "generate"):
                raise CommandError(f"{module.__name__} has no generate(ctx)")
            module.generate(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({size}, seed {seed}) ready in {time.monotonic() - started:.1f} s.")
        )
        if ctx.logins:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
            width = max(len(u) for u, _, _ in ctx.logins)
            for username, role, branch in ctx.logins:
                self.stdout.write(f"  {username.ljust(width)}  {role} · {branch}")
