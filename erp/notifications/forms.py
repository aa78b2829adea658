from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.notifications.models import Kind, Priority


class NotificationSettingsForm(StyledFormMixin, forms.Form):
    muted_kinds = forms.MultipleChoiceField(
        label=_("Do not notify me about"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    min_priority = forms.TypedChoiceField(
        label=_("Minimum priority"), choices=Priority.choices, coerce=int, initial=Priority.LOW
    )
