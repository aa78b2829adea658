from rest_framework.pagination import CursorPagination as DrfCursorPagination


class CursorPagination(DrfCursorPagination):
    """Keyset pagination: no COUNT(*), stable under inserts. Views set `ordering` to an indexed, unique-ending key."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"
