from rest_framework.pagination import PageNumberPagination


class CountedPagination(PageNumberPagination):
    """``?page=N&page_size=M``; every page carries the total ``count``."""

    page_size_query_param = "page_size"
    max_page_size = 200
