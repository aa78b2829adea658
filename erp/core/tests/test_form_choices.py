"""prefetch_choices (erp/core/forms.py): every model choice is fetched when the form is built, a query shared by
several fields runs once, and a query is compiled only to run it unless another field of its model needs comparing."""

from typing import Any
from unittest import mock

import pytest
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from erp.accounts.models import Branch, User
from erp.core.forms import StyledFormMixin

pytestmark = pytest.mark.django_db


def users() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


class TwoPeople(StyledFormMixin, forms.Form):
    first = forms.ModelChoiceField(queryset=User.objects.none())
    second = forms.ModelChoiceField(queryset=User.objects.none())
    branch = forms.ModelChoiceField(queryset=Branch.objects.none())

    def __init__(self, *args: Any, second: QuerySet[User] | None = None, **kwargs: Any) -> None:
        self._second = second
        super().__init__(*args, **kwargs)

    def choice_querysets(self) -> dict[str, QuerySet[Any]]:
        return {
            "first": users(),
            "second": self._second if self._second is not None else users(),
            "branch": Branch.objects.order_by("code"),
        }


def compiled() -> Any:
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def test_a_query_shared_by_two_fields_runs_once_and_templates_run_none(branch_a: Branch) -> None:
    User.objects.create_user(username="amal", password="x")  # noqa: S106 - a test password
    with CaptureQueriesContext(connection) as built:
        form = TwoPeople()
    assert len(built) == 2  # the users once, the branches once
    with CaptureQueriesContext(connection) as rendered:
        html = str(form["first"]) + str(form["second"]) + str(form["branch"])
    assert len(rendered) == 0
    assert html.count(">amal<") == 2 and branch_a.code in html


def test_different_queries_of_one_model_run_apart(branch_a: Branch) -> None:
    User.objects.create_user(username="amal", password="x")  # noqa: S106
    User.objects.create_user(username="badr", password="x", is_active=False)  # noqa: S106
    with CaptureQueriesContext(connection) as built:
        form = TwoPeople(second=User.objects.filter(is_active=False))
    assert len(built) == 3
    assert ">badr<" in str(form["second"]) and ">badr<" not in str(form["first"])


def test_a_models_only_field_is_compiled_once(branch_a: Branch) -> None:
    class OneBranch(StyledFormMixin, forms.Form):
        branch = forms.ModelChoiceField(queryset=Branch.objects.none())

        def choice_querysets(self) -> dict[str, QuerySet[Any]]:
            return {"branch": Branch.objects.order_by("code")}

    with compiled() as as_sql, CaptureQueriesContext(connection) as built:
        OneBranch()
    assert len(built) == 1 and as_sql.call_count == 1


def test_no_choices_in_scope_need_no_query() -> None:
    with CaptureQueriesContext(connection) as built:
        form = TwoPeople(second=User.objects.filter(pk__in=[]))
    assert str(form["second"]).count("<option") == 1  # the empty label only
    assert len(built) == 2
