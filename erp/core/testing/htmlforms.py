"""Read a rendered page the way a browser submits it, for end-to-end tests through the pages.

`forms(html)` lists the page's forms (action, method, the controls a browser would send without a submitter, the
submit buttons); controls outside any form (an htmx partial swapped into a form) make one form with action None.
`Form.data(**changes)` is the POST body with values changed or added (a list value sends the name several times;
None drops it). `marked(html, attr)` lists the attributes of every element carrying `attr` (data-* markers that
pages expose for tests and scripts, such as each department's status on the order page).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Form:
    action: str | None
    method: str
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, label)
    checkboxes: list[tuple[str, str]] = field(default_factory=list)  # unchecked (name, value): what may be ticked
    options: dict[str, list[str]] = field(default_factory=dict)  # each select's choices

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def data(self, **changes: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.fields:
            if name in out:
                out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
            else:
                out[name] = value
        for name, value in changes.items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.loose = Form(action=None, method="post", attrs={})
        self.current: Form | None = None
        self.select: dict[str, Any] | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: dict[str, Any] | None = None
        self.button: dict[str, Any] | None = None
        self.marked: list[dict[str, str]] = []

    @property
    def form(self) -> Form:
        return self.current or self.loose

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        self.marked.append({"_tag": tag, **attrs})
        if tag == "form":
            self.current = Form(action=attrs.get("action", ""), method=attrs.get("method", "get").lower(), attrs=attrs)
            self.forms.append(self.current)
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind == "submit":
                self.form.buttons.append((name, attrs.get("value", ""), attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                pair = (name, attrs.get("value", "on"))
                (self.form.fields if "checked" in attrs else self.form.checkboxes).append(pair)
            elif kind not in _NOT_SENT:
                self.form.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name and not disabled:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "textarea" and name and not disabled:
            self.textarea = {"name": name, "text": ""}
        elif tag == "button" and not disabled:
            self.button = {"name": name or "", "value": attrs.get("value", ""), "type": attrs.get("type", "submit")}
            self.button["text"] = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data
        if self.button is not None:
            self.button["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            values = [o["value"] if o["value"] is not None else o["text"].strip() for o in options]
            self.form.options[self.select["name"]] = values
            chosen = [o for o in options if o["selected"]] or ([] if self.select["multiple"] else options[:1])
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self.form.fields.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.fields.append((self.textarea["name"], self.textarea["text"].removeprefix("\n")))
            self.textarea = None
        elif tag == "button" and self.button is not None:
            if self.button["type"] == "submit" or self.button["name"]:
                self.form.buttons.append(
                    (self.button["name"], self.button["value"], " ".join(self.button["text"].split()))
                )
            self.button = None


def _parse(html: str | bytes) -> _Parser:
    parser = _Parser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def forms(html: str | bytes, url: str | None = None) -> list[Form]:
    """The page's forms; an empty action (the form posts back to the page) becomes `url` when given."""
    parser = _parse(html)
    loose = parser.loose
    found = parser.forms + ([loose] if loose.fields or loose.buttons else [])
    if url is not None:
        for form in found:
            if form.action == "":
                form.action = url
    return found


def _matching(html: str | bytes, action: str | None, url: str | None, fields: dict[str, str]) -> list[Form]:
    return [
        f
        for f in forms(html, url)
        if f.action == action and all(f.value(name) == value for name, value in fields.items())
    ]


def find_form(html: str | bytes, action: str | None, *, url: str | None = None, **fields: str) -> Form:
    """The one form posting to `action` whose controls hold every `fields` value (for example to="completed");
    `url` is the page's address, for forms that post back to it."""
    found = _matching(html, action, url, fields)
    if len(found) != 1:
        seen = [(f.action, f.fields[:6]) for f in forms(html, url)]
        raise AssertionError(f"expected one form to {action} with {fields}, found {len(found)}; the page has {seen}")
    return found[0]


def has_form(html: str | bytes, action: str | None, *, url: str | None = None, **fields: str) -> bool:
    return bool(_matching(html, action, url, fields))


def marked(html: str | bytes, attr: str) -> list[dict[str, str]]:
    return [a for a in _parse(html).marked if attr in a]
