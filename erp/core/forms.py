"""Bootstrap styling for Django forms and filter forms, in one place instead of in every template.

Choice fields backed by querysets are evaluated here, when the form is built by the view, and rendered from that
cached result: a template never runs a query (the URL budget test checks it).
"""

from typing import Any

from django import forms
from django.db.models import QuerySet


class CachedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """Iterates the field's (already evaluated) queryset instead of re-running it with `.iterator()`."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


def prefetch_choices(form: forms.BaseForm, overrides: dict[str, QuerySet[Any]] | None = None) -> None:
    """Give each model choice field its queryset (overrides first), evaluated once per distinct query."""
    results: dict[tuple[Any, str], list[Any]] = {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        field.iterator = CachedModelChoiceIterator
        if overrides and name in overrides:
            field.queryset = overrides[name]
        else:
            field.queryset = field.queryset  # re-binds the widget's choices to the cached iterator
        queryset: Any = field.queryset
        if queryset is None:
            continue
        key = (queryset.model, str(queryset.query))
        if key not in results:
            results[key] = list(queryset)
        queryset._result_cache = results[key]
        queryset._prefetch_done = True


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
    """Add to any form: widgets get Bootstrap classes, invalid fields are marked once the form is validated, and
    model choices are fetched up front (a form narrows them by overriding `choice_querysets`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefetch_choices(self, self.choice_querysets())  # type: ignore[arg-type]
        style_fields(self)  # type: ignore[arg-type]

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {}

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
