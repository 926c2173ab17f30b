"""Reading and checking a person-level file in the documented format (no database)."""

import pytest

from commissioning.demo.generator import build_demo, people_filename, write_demo
from commissioning.demo.person_file import PersonFileError, person_frame, read_people
from commissioning.person_load import STORED_COLUMNS

PERIOD_END = "2026-03-31"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo = build_demo(seed=11, people=2000)
    write_demo(demo, folder)
    return folder, demo


@pytest.fixture
def people(files):
    folder, _ = files
    return read_people(folder / people_filename(PERIOD_END))


@pytest.fixture
def codes(files):
    _, demo = files
    lsoas = demo.areas.loc[demo.areas["level"] == "lsoa", "code"]
    practices = demo.organisations.loc[demo.organisations["kind"] == "gp_practice", "ods_code"]
    return {
        "lsoa_ids": {code: i for i, code in enumerate(lsoas, start=1)},
        "practice_ids": {code: i for i, code in enumerate(practices, start=100)},
    }


def test_read_people_reads_back_what_was_generated(files, people):
    _, demo = files
    original = demo.people[PERIOD_END]
    assert len(people) == len(original)
    assert list(people["pseudo_id"]) == list(original["pseudo_id"])
    assert people["cost"].sum() == pytest.approx(original["cost"].sum(), abs=0.01)


def test_person_frame_maps_codes_to_ids_and_frailty_to_numbers(people, codes):
    frame = person_frame(people, period_end=PERIOD_END, **codes)
    assert list(frame.columns) == STORED_COLUMNS
    assert set(frame["lsoa_id"]) <= set(codes["lsoa_ids"].values())
    assert set(frame["practice_id"]) <= set(codes["practice_ids"].values())
    assert set(frame["frailty"]) <= {0, 1, 2, 3}
    assert frame["diabetes"].dtype == bool
    fit = (people["frailty"] == "fit").to_numpy()
    assert (frame.loc[fit, "frailty"] == 0).all()


def test_person_frame_refuses_direct_identifiers(people, codes):
    with pytest.raises(PersonFileError, match="nhs_number"):
        person_frame(people.assign(nhs_number="9434765919"), period_end=PERIOD_END, **codes)


def test_person_frame_refuses_unknown_lsoa(people, codes):
    codes["lsoa_ids"].pop(people["lsoa_code"].iloc[0])
    with pytest.raises(PersonFileError, match="unknown LSOA"):
        person_frame(people, period_end=PERIOD_END, **codes)


def test_person_frame_refuses_another_period(people, codes):
    with pytest.raises(PersonFileError, match="period_end"):
        person_frame(people, period_end="2025-03-31", **codes)


def test_person_frame_refuses_bad_values(people, codes):
    bad_sex = people.copy()
    bad_sex.loc[0, "sex"] = "X"
    with pytest.raises(PersonFileError, match="sex"):
        person_frame(bad_sex, period_end=PERIOD_END, **codes)
    duplicated = people.copy()
    duplicated.loc[1, "pseudo_id"] = duplicated.loc[0, "pseudo_id"]
    with pytest.raises(PersonFileError, match="unique"):
        person_frame(duplicated, period_end=PERIOD_END, **codes)
    negative = people.assign(gp_contacts=-1)
    with pytest.raises(PersonFileError, match="gp_contacts"):
        person_frame(negative, period_end=PERIOD_END, **codes)
