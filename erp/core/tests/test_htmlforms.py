"""The page-form reader used by the end-to-end page tests sends what a browser would."""

import pytest

from erp.core.testing.htmlforms import find_form, forms, has_form, marked

PAGE = """
<form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="t"></form>
<form method="post" action="/x/1/move/"><input type="hidden" name="to" value="done">
  <input type="text" name="reason" value="">
  <button type="submit">Done</button></form>
<form method="post" action="/x/1/move/"><input type="hidden" name="to" value="cancelled">
  <button type="submit">Cancel</button></form>
<form method="post" action="">
  <select name="kind"><option value="a">A</option><option value="b">B</option></select>
  <select name="picked"><option value="1">One</option><option value="2" selected>Two</option></select>
  <select name="bare"><option>Plain text</option></select>
  <input type="checkbox" name="item" value="7" checked><input type="checkbox" name="item" value="8">
  <input type="radio" name="result" value="passed"><input type="radio" name="result" value="failed">
  <textarea name="notes">
two lines</textarea>
  <input type="text" name="off" value="x" disabled>
  <input type="file" name="file">
  <input type="submit" name="save" value="Save">
</form>
<div data-department="cutting" data-status="pending"></div><span data-department="factory" data-status=""></span>
"""


def test_a_form_sends_the_controls_a_browser_would() -> None:
    form = find_form(PAGE, "/x/", url="/x/")
    assert form.data() == {"kind": "a", "picked": "2", "bare": "Plain text", "item": "7", "notes": "two lines"}
    assert form.options == {"kind": ["a", "b"], "picked": ["1", "2"], "bare": ["Plain text"]}
    assert form.checkboxes == [("item", "8"), ("result", "passed"), ("result", "failed")]
    assert form.buttons == [("save", "Save", "Save")]


def test_typed_values_replace_add_repeat_or_drop_controls() -> None:
    form = find_form(PAGE, "/x/", url="/x/")
    data = form.data(item=["7", "8"], result="passed", kind=None, new="1")
    assert data == {
        "picked": "2",
        "bare": "Plain text",
        "item": ["7", "8"],
        "notes": "two lines",
        "result": "passed",
        "new": "1",
    }


def test_forms_are_told_apart_by_their_action_and_hidden_values() -> None:
    assert find_form(PAGE, "/x/1/move/", to="cancelled").buttons == [("", "", "Cancel")]
    assert has_form(PAGE, "/x/1/move/", to="done")
    assert not has_form(PAGE, "/x/1/move/", to="started")
    assert not has_form(PAGE, "/x/")  # an empty action is the page's own address only when it is given
    with pytest.raises(AssertionError, match="expected one form"):
        find_form(PAGE, "/x/1/move/")  # two forms post there


def test_controls_outside_any_form_make_one_form_without_an_action() -> None:
    (body,) = forms('<input type="hidden" name="customer" value="5"><button name="action" value="add">Add</button>')
    assert (body.action, body.data(), body.buttons) == (None, {"customer": "5"}, [("action", "add", "Add")])


def test_marked_elements_carry_their_attributes() -> None:
    assert [(m["data-department"], m["data-status"]) for m in marked(PAGE, "data-department")] == [
        ("cutting", "pending"),
        ("factory", ""),
    ]
