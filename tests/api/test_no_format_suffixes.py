"""The API has one URL per resource: no `.json` format-suffix twins (they answered 500 on
custom actions that do not take a `format` argument)."""

from django.urls import URLPattern, URLResolver, get_resolver


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def test_no_route_takes_a_format_suffix():
    suffixed = [p for p in _patterns(get_resolver()) if "format" in p]
    assert suffixed == []
