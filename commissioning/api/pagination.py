from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """`?page_size=` up to API_MAX_PAGE_SIZE; asking for more gives the maximum."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
