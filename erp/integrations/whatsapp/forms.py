from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.forms import StyledFormMixin
from erp.integrations.whatsapp.models import Event


class WhatsAppSettingsForm(StyledFormMixin, forms.Form):
    is_enabled = forms.BooleanField(label=_("Sending enabled"), required=False)
    phone_number_id = forms.CharField(label=_("Phone number id"), max_length=40, required=False)
    business_account_id = forms.CharField(label=_("Business account id"), max_length=40, required=False)
    default_language = forms.CharField(label=_("Default language"), max_length=10, initial="ar")
    enabled_events = forms.MultipleChoiceField(
        label=_("Events that send messages"), choices=Event.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class WhatsAppTemplateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Meta template name"), max_length=120)
    language = forms.CharField(label=_("Language"), max_length=10, required=False)
    parameters = forms.CharField(
        label=_("Parameters"), required=False, help_text=_("Body parameter names in order, separated by commas")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
