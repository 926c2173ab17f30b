"""Page-number pagination whose `?page_size=` is capped at settings.API_MAX_PAGE_SIZE."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class CappedPageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=`; asking for more than API_MAX_PAGE_SIZE gives the maximum."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        # Read per request (not at import) so that the setting can change under test.
        return settings.API_MAX_PAGE_SIZE
