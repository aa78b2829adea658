from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from erp.accounts import selectors
from erp.accounts.models import Branch, User
from erp.core.forms import StyledFormMixin


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names (or to the form as a whole)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class LoginForm(StyledFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )


class ProfileForm(StyledFormMixin, forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "preferred_language"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"})}


class UserForm(StyledFormMixin, forms.ModelForm[User]):
    """Create or edit a user. Branch and role choices are limited to what the acting manager may assign."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "branch",
            "preferred_language",
            "roles",
            "managed_branches",
        ]
        widgets = {
            "roles": forms.CheckboxSelectMultiple,
            "managed_branches": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
            "username": forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "none"}),
        }

    def __init__(self, *args: Any, actor: User, creating: bool, **kwargs: Any) -> None:
        self.actor = actor
        self.creating = creating
        super().__init__(*args, **kwargs)
        self.fields["roles"].label_from_instance = lambda role: role.name  # type: ignore[attr-defined]
        self.fields["managed_branches"].help_text = _("Only for region managers.")
        if creating:
            self.fields["password1"].required = True
            self.fields["password2"].required = True
        else:
            del self.fields["password1"]
            del self.fields["password2"]

    def choice_querysets(self) -> dict[str, Any]:
        branches = selectors.branch_choices(actor=self.actor)
        return {"branch": branches, "managed_branches": branches, "roles": selectors.role_choices(actor=self.actor)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.creating and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data

    def _post_clean(self) -> None:
        # The service validates and saves; skip ModelForm's instance construction and model validation here.
        pass


class SetPasswordForm(StyledFormMixin, forms.Form):
    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("New password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class BranchForm(StyledFormMixin, forms.ModelForm[Branch]):
    class Meta:
        model = Branch
        fields = ["code", "name", "address", "phone", "is_active", "is_main"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
            "code": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def _post_clean(self) -> None:
        pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass
