"""Every export applies disclosure control, whoever makes it (DESIGN.md section 5): a
small cell is "*" in the file the REST API serves, even to an ICB commissioner (the
browser routes have the same checks in tests/needs_assessment/test_documents_export.py
and tests/strategy/test_lifecycle_export.py)."""

import io

import pytest
from openpyxl import load_workbook

from tests.api import API, token_client
from tests.needs_assessment.test_documents_world import make_world
from tests.strategy.test_lifecycle_export import plan  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _rows(data: bytes, sheet: str) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def _row(rows, first):
    return next(row for row in rows if row and row[0] == first)


def test_ina_workbook_from_the_api_suppresses_small_cells(universe):
    world = make_world(universe)
    response = token_client(universe.commissioner).get(
        f"{API}/needs-assessment/assessments/{world.v1.pk}/export/"
    )
    assert response.status_code == 200
    population = _rows(response.content, "2 Our population")
    assert _row(population, "North ICB")[1] == 1605  # 1603, rounded even for ICB staff
    assert _row(population, "Age band")[1:3] == ["0-4", "*"]  # 3 people
    prevalence = _rows(response.content, "5 Long-term conditions")
    assert _row(prevalence, "COPD")[1:6] == ["*", 1605, "*", "*", "*"]  # 5 people


def test_strategy_workbook_from_the_api_suppresses_small_cells(universe, plan):  # noqa: F811
    response = token_client(universe.commissioner).get(
        f"{API}/strategy/strategies/{plan.pk}/export/"
    )
    assert response.status_code == 200
    priorities = _rows(response.content, "Priorities and ranking")
    falls = next(row for row in priorities if row[1] == "Falls")
    assert falls[4] == "*"  # a cohort of 6 people
    interventions = _rows(response.content, "Interventions")
    assert interventions[3][4] == "*"  # a cohort of 3
    assert all(
        not (isinstance(cell, int) and 0 < cell < 8) for row in priorities[3:] for cell in row[4:5]
    )


def test_segment_sizes_get_secondary_suppression_where_the_total_would_pin_one():
    """Segments of 8, 8 and 1 people (total 17): rounded alone they would show 10, 10, *
    and 15, leaving the small segment exactly 1; served controlled, a second segment is
    suppressed with everything that would give its size away."""
    from needs_assessment.segmentation.queries import sizes_display

    def segment(code, people):
        return {"code": code, "name": code, "colour": "#000", "priority": 1, "people": people,
                "cost": 1000.0 * people, "ae": people}  # fmt: skip

    result = {"people": 17, "cost": 17000.0, "unassigned": 0,
              "segments": [segment("a", 8), segment("b", 8), segment("c", 1)]}  # fmt: skip
    shown = sizes_display(result, controlled=True)
    assert shown["people"] == 15
    people = [row["people"] for row in shown["rows"]]
    assert people.count("*") == 2 and people[2] == "*"
    hidden = next(row for row in shown["rows"][:2] if row["people"] == "*")
    assert hidden["share"] == hidden["cost_per_head"] == hidden["cost"] == "*"
    exact = sizes_display(result, controlled=False)
    assert [row["people"] for row in exact["rows"]] == [8, 8, 1]
