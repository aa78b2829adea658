from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.catalogue.models import DesignSettings
from erp.catalogue.services import LOGO_MAX_BYTES
from erp.core.forms import StyledFormMixin


class ColourInput(forms.TextInput):
    input_type = "color"


class DesignSettingsForm(StyledFormMixin, forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    whatsapp = forms.CharField(label=_("WhatsApp number"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    footer_text = forms.CharField(label=_("Footer text"), max_length=255, required=False)
    primary_color = forms.CharField(label=_("Primary colour"), max_length=7, widget=ColourInput)
    accent_color = forms.CharField(label=_("Accent colour"), max_length=7, widget=ColourInput)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most %(kb)s KB.") % {"kb": LOGO_MAX_BYTES // 1024},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    clear_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    @classmethod
    def initial_from(cls, row: DesignSettings) -> dict[str, Any]:
        return {
            name: getattr(row, name)
            for name in (
                "company_name",
                "phone",
                "whatsapp",
                "address",
                "footer_text",
                "primary_color",
                "accent_color",
            )
        }
