from django.db.models import QuerySet

from erp.core.phones import normalize_phone
from erp.integrations.whatsapp.models import Event, WhatsAppMessage


def message_list(*, status: str = "", event: str = "", phone: str = "") -> QuerySet[WhatsAppMessage]:
    """The message log, filtered. An invalid phone raises ValidationError (the page shows nothing)."""
    qs = WhatsAppMessage.objects.all()
    if status in WhatsAppMessage.Status.values:
        qs = qs.filter(status=status)
    if event in Event.values:
        qs = qs.filter(event=event)
    if phone:
        qs = qs.filter(phone=normalize_phone(phone))
    return qs
