"""Demo data framework: each app contributes a `demo.py` with `generate(ctx)`; the command runs them in app order.

Generators write with bulk inserts and draw every random choice from `ctx.rng`, so a seed reproduces the data.
"""

import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

SIZES: dict[str, dict[str, int]] = {
    # Later modules add their own volumes under their own keys (orders, customers, variants, ...).
    "small": {"branches": 3, "extra_users": 12},
    "medium": {"branches": 5, "extra_users": 60},
    "large": {"branches": 10, "extra_users": 200},
}

DEMO_PASSWORD = "HomeUpdate-2026"  # noqa: S105 - demo data only, documented in README

FIRST_NAMES = [
    "أحمد",
    "محمد",
    "محمود",
    "مصطفى",
    "عمر",
    "خالد",
    "يوسف",
    "كريم",
    "حسن",
    "إبراهيم",
    "طارق",
    "عمرو",
    "شريف",
    "هاني",
    "وليد",
    "سامح",
    "فاطمة",
    "مريم",
    "نورا",
    "هدى",
    "سارة",
    "منى",
    "ياسمين",
    "آية",
    "دينا",
    "رانيا",
    "شيماء",
    "إيمان",
    "نهى",
    "ريهام",
]
LAST_NAMES = [
    "عبد الرحمن",
    "السيد",
    "عبد الله",
    "حسين",
    "فؤاد",
    "الشريف",
    "منصور",
    "سليمان",
    "عثمان",
    "النجار",
    "الجمال",
    "عبد العزيز",
    "رشاد",
    "زكي",
    "فهمي",
    "البنا",
    "الشاذلي",
    "حمدي",
    "سالم",
    "عيسى",
]
BRANCHES = [
    ("CAI", "فرع القاهرة - مدينة نصر", "شارع عباس العقاد، مدينة نصر، القاهرة"),
    ("GIZ", "فرع الجيزة - المهندسين", "شارع جامعة الدول العربية، المهندسين، الجيزة"),
    ("ALX", "فرع الإسكندرية - سموحة", "شارع فوزي معاذ، سموحة، الإسكندرية"),
    ("MNS", "فرع المنصورة", "شارع الجمهورية، المنصورة"),
    ("TNT", "فرع طنطا", "شارع البحر، طنطا"),
    ("ZAG", "فرع الزقازيق", "شارع فاروق، الزقازيق"),
    ("ISM", "فرع الإسماعيلية", "شارع الثلاثيني، الإسماعيلية"),
    ("SHK", "فرع الشيخ زايد", "الحي الثاني عشر، الشيخ زايد"),
    ("TGM", "فرع التجمع الخامس", "شارع التسعين، التجمع الخامس"),
    ("ASY", "فرع أسيوط", "شارع الجمهورية، أسيوط"),
]


@dataclass
class DemoContext:
    size: str
    rng: random.Random
    stdout: Any
    volumes: dict[str, int] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, branch)

    def person_name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    def mobile(self) -> str:
        """An Egyptian mobile number in E.164 (+20 10/11/12/15 xxxxxxxx)."""
        return f"+20{self.rng.choice(['10', '11', '12', '15'])}{self.rng.randrange(10**8):08d}"


class Progress:
    """A text progress bar with the rate reached, for generators that insert many rows."""

    WIDTH = 30

    def __init__(self, stdout: Any, label: str, total: int) -> None:
        self.stdout, self.label, self.total = stdout, label, max(total, 1)
        self.done = 0
        self.started = time.monotonic()
        self._last_pct = -1
        self._tty = getattr(getattr(stdout, "_out", stdout), "isatty", lambda: False)() or sys.stdout.isatty()

    def advance(self, rows: int) -> None:
        self.done += rows
        pct = min(100, self.done * 100 // self.total)
        if pct == self._last_pct or (not self._tty and pct % 25 and pct != 100):
            return
        self._last_pct = pct
        filled = self.WIDTH * pct // 100
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{self.label:<18} [{bar}] {pct:3d}% {self.done:,}/{self.total:,} rows, {self.rate():,.0f} rows/s"
        self.stdout.write(("\r" + line) if self._tty else line, ending="" if self._tty and pct < 100 else "\n")

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)
