"""The population summary's pure aggregation (no database)."""

import json

import pandas as pd

from commissioning.population_summary import AGE_LABELS, summarise


def test_summarise_counts_people_cost_and_pyramid():
    people = pd.DataFrame(
        {
            "age": [0, 4, 5, 89, 90, 104],
            "sex": ["F", "M", "F", "M", "F", "F"],
            "place": ["A", "A", "B", "B", "B", "B"],
            "neighbourhood": ["A1", "A1", "B1", "B2", "B2", "B2"],
            "cost": [10.0, 20.0, 30.5, 40.0, 0.0, 100.25],
            "emergency_admissions": [0, 1, 0, 2, 0, 1],
            "ae_attendances": [1, 1, 0, 0, 0, 3],
            "gp_contacts": [2, 2, 2, 2, 2, 2],
        }
    )
    summary = summarise(people)
    json.dumps(summary)  # plain JSON types only
    assert summary["people"] == 6
    assert summary["cost"] == 200.75
    assert [(r["place"], r["people"], r["emergency_admissions"]) for r in summary["by_place"]] == [
        ("A", 2, 1),
        ("B", 4, 3),
    ]
    pyramid = {(r["age_band"], r["sex"]): r["people"] for r in summary["pyramid"]}
    assert pyramid[("0-4", "F")] == 1 and pyramid[("0-4", "M")] == 1
    assert pyramid[("5-9", "F")] == 1
    assert pyramid[("85-89", "M")] == 1
    assert pyramid[("90+", "F")] == 2
    assert AGE_LABELS[0] == "0-4" and AGE_LABELS[-1] == "90+" and len(AGE_LABELS) == 19


def test_summarise_empty():
    assert summarise(pd.DataFrame())["people"] == 0
