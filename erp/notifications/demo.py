"""Demo notifications: a realistic mix of every type and priority, delivered to the recipients the rules choose."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from erp.accounts.models import User
from erp.core.demodata import DemoContext
from erp.notifications.models import Kind, Notification, Priority
from erp.notifications.services import notification_deliver

SIZES = {"small": 40, "medium": 200, "large": 600}

SAMPLES = [
    (Kind.CUSTOMER, "customer_created", Priority.LOW, "عميل جديد: {name}", "تم تسجيل العميل في {branch}."),
    (Kind.ORDER, "order_created", Priority.NORMAL, "طلب جديد رقم ORD-{n:05d}", "طلب ستائر للعميل {name}."),
    (Kind.ORDER, "order_status_changed", Priority.NORMAL, "تغيرت حالة الطلب ORD-{n:05d}", "الطلب الآن قيد التصنيع."),
    (Kind.INSPECTION, "inspection_created", Priority.NORMAL, "معاينة جديدة للعميل {name}", "موعد المعاينة غدًا."),
    (Kind.FACTORY, "manufacturing_status_changed", Priority.HIGH, "أمر تصنيع جاهز", "أمر التصنيع MO-{n:05d} جاهز."),
    (Kind.CUTTING, "cutting_item_rejected", Priority.HIGH, "رفض بند قص", "بند في أمر القص CUT-{n:05d} مرفوض."),
    (Kind.INSTALLATION, "installation_scheduled", Priority.NORMAL, "تركيب مجدول", "تركيب للعميل {name}."),
    (Kind.COMPLAINT, "complaint_escalated", Priority.URGENT, "تصعيد شكوى", "شكوى العميل {name} تم تصعيدها."),
    (Kind.STOCK, "stock_shortage", Priority.HIGH, "نقص في المخزون", "رصيد القماش أقل من الحد الأدنى."),
    (Kind.SYSTEM, "system", Priority.LOW, "تحديث النظام", "تمت إضافة صفحة الإشعارات."),
]


@transaction.atomic
def generate(ctx: DemoContext) -> None:
    if Notification.objects.exists():
        ctx.stdout.write("notifications: exist already, skipped")
        return
    branches = ctx.shared.get("branches") or []
    actors = list(User.objects.filter(is_active=True).order_by("pk")[:50])
    count = SIZES.get(ctx.size, 40)
    for n in range(count):
        kind, event, priority, title, body = SAMPLES[n % len(SAMPLES)]
        branch = ctx.rng.choice(branches) if branches else None
        actor = ctx.rng.choice(actors) if actors else None
        first, last = ctx.person_name()
        words = {"name": f"{first} {last}", "branch": branch.name if branch else "", "n": n + 1}
        note = notification_deliver(
            idempotency_key=f"demo:{n}",
            payload={
                "kind": kind,
                "event": event,
                "priority": int(priority),
                "title": title.format(**words),
                "body": body.format(**words),
                "link": "/notifications/",
                "actor_id": actor.pk if actor else None,
                "branch_id": branch.pk if branch else None,
            },
        )
        Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=count - n))
    ctx.stdout.write(f"notifications: {count} notifications")
