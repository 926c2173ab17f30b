"""Route discovery: every URL pattern the project serves, found by walking the resolver.

A route is keyed by its name (namespaced, e.g. `payor:psr-detail`); a name used by more
than one pattern (DRF's `api-root` in each router) gets `@<prefix>` added. DRF's
format-suffix twins (`…\\.(?P<format>…)`) are kept as routes of their own, keyed
`<name>+format`, and are expected to answer as their base route does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Prefixes not in the matrix, each with the reason.
IGNORED = {
    "admin/": "Django admin: staff-only, guarded by Django's own is_staff check",
    "api/v1/schema/": "OpenAPI schema: describes routes, holds no data (fuzzed in tests/api)",
    "api/v1/docs/": "Swagger UI page for the schema: no data",
    "healthz": "liveness probe for the load balancer: no data, public by design",
    "login/": "the sign-in page itself: public by design",
    "logout/": "signs out whoever calls it: no data",
    "api/v1/auth/token/": "token sign-in (POST username/password): public by design",
}


@dataclass(frozen=True)
class Route:
    key: str
    name: str
    route: str
    params: tuple[str, ...]
    format_suffix: bool


def _walk(resolver: URLResolver, prefix: str, namespace: str | None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            if namespace and name:
                name = f"{namespace}:{name}"
            yield prefix + str(pattern.pattern), name, pattern.pattern.regex


def _params(regex: re.Pattern) -> tuple[str, ...]:
    return tuple(n for n in regex.groupindex if n != "format")


def discover() -> list[Route]:
    """Every route not under an IGNORED prefix, in resolver order."""
    found = []
    for route, name, regex in _walk(get_resolver(), "", None):
        if any(route.startswith(p) for p in IGNORED):
            continue
        suffix = "format" in regex.groupindex
        found.append((route, name, _params(regex), suffix))
    counts: dict[tuple[str, bool], int] = {}
    for _, name, _, suffix in found:
        counts[name, suffix] = counts.get((name, suffix), 0) + 1
    routes = []
    for route, name, params, suffix in found:
        key = name
        if counts[name, suffix] > 1:
            key = f"{name}@{route.split('^')[0].split('<')[0]}"
        if suffix:
            key += "+format"
        routes.append(Route(key, name, route, params, suffix))
    return routes


def path_for(route: Route, kwargs: dict) -> str:
    """Fill a route's converters or named groups with `kwargs` to make a request path."""
    text = route.route
    values = {**kwargs, "format": "json"} if route.format_suffix else kwargs
    text = text.replace("<drf_format_suffix:format>", ".json")
    for name, value in values.items():
        text = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), text)
        text = re.sub(rf"<(?:\w+:)?{name}>", str(value), text)
    text = text.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    if "<" in text or "(?P" in text:
        raise ValueError(f"{route.key}: no value for a parameter of {route.route}")
    return "/" + text
