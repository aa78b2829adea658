"""The inlined select and input templates (erp/core/jinja2/erp/forms/) render exactly what Django's own do, for
every kind of select and input the forms use, and styled forms use them."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms

from erp.core.forms import FAST_INPUT, FAST_SELECT, StyledFormMixin, style_fields

GROUPED = [
    ("", "—"),
    ("Fabrics", [("linen", "Linen & <cotton>"), ("velvet", 'Velvet "royal"')]),
    ("Rails", [("wood", "خشب"), ("metal", "معدن")]),
    ("none", "بدون"),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "أ"), ("b", "ب"), ("c", "<script>")])
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "three")], required=False)
    maybe = forms.NullBooleanField(required=False)
    disabled = forms.ChoiceField(choices=[("x", "x")], disabled=True, required=False)


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.DecimalField(max_digits=8, decimal_places=3, min_value=Decimal(0), required=False)
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel"}), required=False)


def both(form: forms.Form, name: str, fast_template: str = FAST_SELECT) -> tuple[str, str]:
    widget = form.fields[name].widget
    original = widget.template_name
    widget.template_name = fast_template
    fast = str(form[name])
    widget.template_name = original
    return fast, str(form[name])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "grouped": "velvet", "many": ["1", "3"], "maybe": "true"},
        {"plain": "zzz", "grouped": "", "many": [], "maybe": "false"},
        {"grouped": "none", "maybe": "unknown"},
    ],
)
@pytest.mark.parametrize("name", ["plain", "grouped", "many", "maybe", "disabled"])
def test_the_same_html_as_djangos_template(data: Any, name: str) -> None:
    form = Everything(data)
    form.is_valid()
    form.fields[name].widget.attrs.update({"class": "form-select", "aria-required": "true", "data-x": 'a"b'})
    fast, django = both(form, name)
    assert fast == django
    assert fast.startswith("<select") and fast.count("<option") >= 1


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": 'x"<y>&', "day": "2026-11-29", "amount": "12.500", "email": "a@b.eg", "secret": "s", "phone": "010"},
        {"text": "", "day": "not a day", "amount": "-1", "email": "nope"},
    ],
)
@pytest.mark.parametrize("name", ["text", "day", "amount", "email", "secret", "phone"])
def test_inputs_render_the_same_html_as_djangos_template(data: Any, name: str) -> None:
    form = Inputs(data, initial={"day": datetime.date(2026, 1, 2), "amount": Decimal("3.250")})
    form.is_valid()
    form.fields[name].widget.attrs.update({"class": "form-control", "aria-required": "true", "disabled": False})
    fast, django = both(form, name, FAST_INPUT)
    assert fast == django
    assert fast.startswith("<input")


def test_styled_forms_use_them_for_plain_selects_and_inputs_only() -> None:
    class Styled(StyledFormMixin, forms.Form):
        kind = forms.ChoiceField(choices=[("a", "a")])
        tags = forms.MultipleChoiceField(choices=[("a", "a")], widget=forms.CheckboxSelectMultiple)
        note = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)
        hidden = forms.CharField(widget=forms.HiddenInput)

        def choice_querysets(self) -> dict[str, Any]:
            return {}

    form = Styled()
    assert form.fields["kind"].widget.template_name == FAST_SELECT
    assert form.fields["tags"].widget.template_name != FAST_SELECT
    assert form.fields["note"].widget.template_name == FAST_INPUT
    assert form.fields["body"].widget.template_name == forms.Textarea.template_name
    assert form.fields["hidden"].widget.template_name == forms.HiddenInput.template_name
    assert 'class="form-control" aria-required="true"' in str(form["note"])
    plain = Everything()
    style_fields(plain)
    assert plain.fields["many"].widget.template_name == FAST_SELECT
    assert plain.fields["maybe"].widget.template_name == FAST_SELECT
