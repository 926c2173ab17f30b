"""The one router class of the API: DRF's DefaultRouter (API root view included) without
the `.json` format-suffix twin of every route, so each resource has one URL (the twins
answered 500 on custom actions that take no `format` argument)."""

from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    include_format_suffixes = False
