"""Shared fixtures: the test universe of two ICBs and the personas who use them.

ICB "North" (ours) has a place, a neighbourhood and an LSOA, and two providers, A and B,
each with a contract. ICB "South" is another ICB. Personas: commissioner, analyst,
provider A's representative, provider B's, partner (North's council) and outsider (a
commissioner of South). Tests run against the real PostgreSQL and Redis that
`make test` starts (commissioning.devservices).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.test import Client

from commissioning.models import OrganisationKind, ProviderSector, Role
from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that only need users use a fast hasher.
    (test_settings checks that the real setting is Argon2.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """The shared segmentation models and indicators. Migrations install them, but a
    transactional test's flush removes them, so tests that run after one (all
    `transaction=True` tests, which pytest-django runs last) ask for this fixture."""
    from commissioning import reference_data as data
    from commissioning.models import Indicator, Segment, SegmentationModel

    data.install(SegmentationModel, Segment, Indicator)


@pytest.fixture
def universe(db):
    north = f.IcbAreaFactory(code="E54000001", name="North ICB")
    south = f.IcbAreaFactory(code="E54000002", name="South ICB")
    place = f.PlaceFactory(parent=north, name="Riverside")
    hood = f.NeighbourhoodFactory(parent=place, name="Riverside East")
    lsoa = f.LsoaFactory(parent=hood, imd_decile=1, population=1600)
    north_org = f.IcbOrganisationFactory(ods_code="QAA", name="North ICB", icb=north)
    south_org = f.IcbOrganisationFactory(ods_code="QBB", name="South ICB", icb=south)
    provider_a = f.OrganisationFactory(
        ods_code="RAA", name="Provider A Hospitals", icb=north, sector=ProviderSector.ACUTE
    )
    provider_b = f.OrganisationFactory(
        ods_code="RBB",
        name="Provider B Community",
        icb=north,
        sector=ProviderSector.COMMUNITY,
    )
    council = f.OrganisationFactory(
        ods_code="E06000001",
        name="North Council",
        icb=north,
        kind=OrganisationKind.LOCAL_AUTHORITY,
        sector="",
    )
    contract_a = f.ContractFactory(commissioner=north_org, provider=provider_a, reference="N-A-1")
    contract_b = f.ContractFactory(commissioner=north_org, provider=provider_b, reference="N-B-1")
    contract_south = f.ContractFactory(
        commissioner=south_org, provider=f.OrganisationFactory(icb=south), reference="S-1"
    )
    return SimpleNamespace(
        north=north,
        south=south,
        place=place,
        neighbourhood=hood,
        lsoa=lsoa,
        north_org=north_org,
        south_org=south_org,
        provider_a=provider_a,
        provider_b=provider_b,
        council=council,
        contract_a=contract_a,
        contract_b=contract_b,
        contract_south=contract_south,
        commissioner=f.UserFactory(
            username="commissioner", organisation=north_org, role=Role.COMMISSIONER
        ),
        analyst=f.UserFactory(username="analyst", organisation=north_org, role=Role.ANALYST),
        provider_a_rep=f.UserFactory(
            username="provider-a", organisation=provider_a, role=Role.PROVIDER
        ),
        provider_b_rep=f.UserFactory(
            username="provider-b", organisation=provider_b, role=Role.PROVIDER
        ),
        partner=f.UserFactory(username="partner", organisation=council, role=Role.PARTNER),
        outsider=f.UserFactory(username="outsider", organisation=south_org, role=Role.COMMISSIONER),
    )


PERSONAS = ["commissioner", "analyst", "provider_a_rep", "provider_b_rep", "partner", "outsider"]


@pytest.fixture
def client_for():
    """A browser client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# --------------------------------------------------------------------------- real worker


@pytest.fixture(scope="session", autouse=True)
def _own_celery_queue():
    """Runs sent by tests go to a queue of this session's own, so a `make run` worker on
    the same Redis never takes them (and the test worker never takes its runs)."""
    from django.conf import settings

    settings.CELERY_TASK_DEFAULT_QUEUE = f"test-{uuid.uuid4().hex[:12]}"
    yield


@pytest.fixture(scope="session", autouse=True)
def _own_cache_keys():
    """Cache keys (API throttle counts, keyed by user id) of this session's own: test
    databases restart ids at 1, so two sessions on one Redis would share counts."""
    from django.core.cache import cache

    previous = cache.key_prefix
    cache.key_prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield
    cache.key_prefix = previous


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real Celery worker process, on this session's queue, using the test database.

    Tests that use it need `transactional_db` so that what they write is committed and the
    worker can see it."""
    from django.conf import settings
    from django.db import connection

    from commissioning.celery import app

    name = f"testworker-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "DJANGO_DEBUG": "true",
    }
    celery = str(Path(sys.executable).parent / "celery")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                celery,
                "-A",
                "commissioning",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
                "--hostname",
                name,
                "--queues",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "--without-mingle",
                "--without-gossip",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"test worker did not start:\n{log_path.read_text()[-3000:]}")
    yield SimpleNamespace(name=name, process=process, log_path=log_path)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_for_run(run, seconds: float = 60):
    """Poll a run until it finishes (the worker writes to the database we read)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run.pk} still {run.status} after {seconds} s: {run.message}")
