"""Bootstrap styling for Django forms and filter forms, in one place instead of in every template."""

from typing import Any

from django import forms


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if field.required and not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("aria-required", "true")


class StyledFormMixin:
    """Add to any form: widgets get Bootstrap classes, and invalid fields are marked once the form is validated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
