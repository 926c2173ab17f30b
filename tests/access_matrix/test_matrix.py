"""The access-control matrix: every discovered route × every persona gets the expected GET
status (docs/access-matrix.md). A route with no expectation fails, naming the route.

Set MATRIX_RECORD=/path.json to write what each route answered instead of asserting, when
adding routes (then read every cell before copying it into expectations.py)."""

import json
import os

import pytest

from tests.access_matrix.conftest import PERSONAS
from tests.access_matrix.expectations import EXPECTED, KWARGS
from tests.access_matrix.kwargs import kwargs_for
from tests.access_matrix.routes import discover, path_for

pytestmark = pytest.mark.django_db
ROUTES = discover()
RECORD = os.environ.get("MATRIX_RECORD")
_recorded: dict = {}


def _base(key: str) -> str:
    return key.removesuffix("+format")


def _answer(response) -> str:
    if response.status_code in (301, 302):
        where = response.headers.get("Location", "")
        return "login" if where.startswith("/login/") else "302"
    return str(response.status_code)


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_route_has_an_expectation(route):
    assert _base(route.key) in EXPECTED, (
        f"route {route.key} ({route.route}) has no expectation in "
        "tests/access_matrix/expectations.py"
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_get_status(world, route, persona):
    key = _base(route.key)
    if key not in EXPECTED and not RECORD:
        pytest.fail(f"route {route.key} has no expectation")
    path = path_for(route, kwargs_for(world, route, KWARGS.get(key, {})))
    got = _answer(world.clients[persona].get(path))
    if RECORD:
        _recorded.setdefault(route.key, {})[persona] = got
        with open(RECORD, "w") as out:
            json.dump(_recorded, out, indent=0)
        return
    expected = dict(zip(PERSONAS, EXPECTED[key].split(), strict=True))[persona]
    assert got == expected, f"{route.key} × {persona}: GET {path} answered {got}, not {expected}"
