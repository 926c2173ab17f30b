"""One world for the whole matrix, built once for the package inside a transaction that is
rolled back at the end (building it per test would take the matrix past its time budget);
each test still runs in its own savepoint, so a POST probe's writes never leak.

The matrix uses a private in-memory cache: the API's per-user throttle counts live in the
cache, and the shared Redis holds the counts of every other test database's user 1 too
(the first run of this matrix met 429 for the commissioner that way)."""

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.access_matrix.world import build_world
from tests.conftest import universe as universe_fixture

PERSONAS = [
    "anonymous",
    "commissioner",
    "analyst",
    "provider_a_rep",
    "provider_b_rep",
    "partner",
    "outsider",
]


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    from django.conf import settings

    hashers = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    private_cache = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
    private_cache.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            u = universe_fixture._get_wrapped_function()(db=None)
            built = build_world(u)
            built.clients = {"anonymous": Client(raise_request_exception=False)}
            for persona in PERSONAS[1:]:
                client = Client(raise_request_exception=False)
                client.force_login(getattr(u, persona))
                built.clients[persona] = client
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.PASSWORD_HASHERS = hashers
            private_cache.disable()
