"""A faster identity for the ORM's column expressions (installed by erp.core.apps at start-up).

Since Django 5.2, compiling a query with an ORDER BY hashes every selected column (`SQLCompiler._order_by_pairs`
maps each selected expression to its position). A column's hash is its `identity`, which Django computes for every
expression by binding the constructor's arguments with `inspect.signature`: about 55 µs per column. A detail
page's queries select 100-200 columns through `select_related` and order their prefetches, so this took 2-3 ms of
a query's 7 ms compile (the complaint page's main query), on every list and detail page.

`fast_col_identity` returns the very same tuple that Django's generic `Expression.identity` gives for a `Col`,
built directly from the constructor's arguments (kept by `@deconstructible`) instead of through `inspect`. Columns
of any subclass keep Django's generic path. `erp/core/tests/test_orm.py` checks that both give equal tuples for
every column of a set of real queries, and the speed-up.
"""

from typing import Any

from django.db.models import Field
from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable

_generic_identity = Expression.__dict__["identity"].real_func  # the function under Django's cached_property
_PARAMETERS = ("alias", "target", "output_field")


def _identity_of(value: Any) -> Any:
    """Expression._identity for the values a Col is built from (an alias, fields, or None)."""
    if isinstance(value, Field):
        if value.name and value.model:
            return value.model._meta.label, value.name
        return type(value)
    return make_hashable(value)


def fast_col_identity(self: Col) -> tuple[Any, ...]:
    if type(self) is not Col:
        return _generic_identity(self)  # type: ignore[no-any-return]
    args, kwargs = self._constructor_args  # type: ignore[attr-defined]
    if len(args) > len(_PARAMETERS) or set(kwargs) - set(_PARAMETERS):
        return _generic_identity(self)  # type: ignore[no-any-return]
    bound = dict(zip(_PARAMETERS, args, strict=False))
    bound.update(kwargs)
    return (
        Col,
        ("alias", _identity_of(bound["alias"])),
        ("target", _identity_of(bound["target"])),
        ("output_field", _identity_of(bound.get("output_field"))),
    )


def install() -> None:
    identity = cached_property(fast_col_identity)
    identity.__set_name__(Col, "identity")
    Col.identity = identity  # type: ignore[assignment, method-assign]
