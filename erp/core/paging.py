from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: Any, *, per_page: int = PAGE_SIZE) -> Page[Any]:
    """A page of `queryset`, evaluated here (with its prefetches) so that the template runs no query."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page
