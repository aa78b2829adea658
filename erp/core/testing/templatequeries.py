"""Catch queries that run while a template renders: selectors must fetch everything a page shows beforehand."""

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.template.base import Template

_depth = 0


@contextlib.contextmanager
def queries_in_templates() -> Iterator[list[str]]:
    """Yields a list that fills with the SQL of every query executed inside template rendering."""
    found: list[str] = []
    original = Template.render

    def render(self: Template, context: Any) -> Any:
        global _depth
        _depth += 1
        try:
            return original(self, context)
        finally:
            _depth -= 1

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if _depth:
            found.append(sql)
        return execute(sql, params, many, context)

    Template.render = render  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(wrapper):
            yield found
    finally:
        Template.render = original  # type: ignore[method-assign]
