"""Areas, organisations and indicator values through the ingest run: good files upsert in
one transaction, bad ones are rejected with their specific message and change nothing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from commissioning.demo import DEMO_ICB_CODE, DEMO_ICB_ODS
from commissioning.models import (
    Area,
    AreaLevel,
    IndicatorValue,
    Organisation,
    OrganisationKind,
    RunStatus,
)
from needs_assessment.models import UploadStatus
from tests import factories as f
from tests.needs_assessment.test_ingest_fixtures import (
    PERIOD_END,
    PERIOD_START,
    demo,
    demo_user,
    run_upload,
    upload_file,
    write_demo_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_icb(tmp_path, settings):
    """The demo ICB with nothing below it yet: its footprint, itself, its own organisation
    and an analyst. The demo files are in tmp_path / "demo"."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = write_demo_files(tmp_path / "demo")
    footprint = f.AreaFactory(code="E40000099", name="Vale and Downs footprint")
    icb = f.IcbAreaFactory(code=DEMO_ICB_CODE, name="NHS Vale and Downs ICB", parent=footprint)
    f.IcbOrganisationFactory(ods_code=DEMO_ICB_ODS, icb=icb)
    return icb, demo_user(), folder


def _upload(path, icb, user, kind, period=None):
    return run_upload(upload_file(path, icb=icb, by=user, kind=kind, period=period))


def _write(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _problem(upload, code):
    assert upload.status == UploadStatus.REJECTED, upload.report
    assert upload.run.status == RunStatus.FAILED
    problems = {p["code"]: p for p in upload.report["problems"]}
    assert code in problems, upload.report
    return problems[code]


def test_ingest_reference_then_people_from_scratch(bare_icb):
    icb, analyst, folder = bare_icb
    areas = _upload(folder / "areas.csv", icb, analyst, "areas")
    assert areas.status == UploadStatus.LOADED, areas.report
    lsoas = Area.objects.filter(icb=icb, level=AreaLevel.LSOA)
    expected = demo().areas
    assert lsoas.count() == (expected["level"] == "lsoa").sum()
    first = expected[expected["level"] == "lsoa"].iloc[0]
    lsoa = lsoas.get(code=first["code"])
    assert lsoa.imd_decile == int(first["imd_decile"])
    assert lsoa.population == int(first["population"])
    assert lsoa.parent.level == AreaLevel.NEIGHBOURHOOD and lsoa.parent.parent.parent == icb
    assert areas.run.result["created"] == len(expected) - 2  # all but footprint and ICB

    orgs = _upload(folder / "organisations.csv", icb, analyst, "organisations")
    assert orgs.status == UploadStatus.LOADED, orgs.report
    practices = Organisation.objects.filter(icb=icb, kind=OrganisationKind.GP_PRACTICE)
    assert practices.count() == (demo().organisations["kind"] == "gp_practice").sum()
    assert all(p.parent.kind == OrganisationKind.PCN for p in practices)

    path = folder / f"people_{PERIOD_END}.csv.gz"
    people = _upload(path, icb, analyst, "person_level", period=(PERIOD_START, PERIOD_END))
    assert people.status == UploadStatus.LOADED, people.report
    assert orgs.file and not people.file  # only person-level files are deleted once loaded


def test_ingest_areas_again_updates_in_place(bare_icb, tmp_path):
    icb, analyst, folder = bare_icb
    _upload(folder / "areas.csv", icb, analyst, "areas")
    frame = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False)
    lsoa = frame.index[frame["level"] == "lsoa"][0]
    frame.loc[lsoa, "imd_decile"] = "1" if frame.loc[lsoa, "imd_decile"] != "1" else "2"
    again = _upload(_write(frame, tmp_path / "areas2.csv"), icb, analyst, "areas")
    assert (again.run.result["created"], again.run.result["updated"]) == (0, 1)
    stored = Area.objects.get(code=frame.loc[lsoa, "code"])
    assert str(stored.imd_decile) == frame.loc[lsoa, "imd_decile"]


def _spoilt_areas(folder, column, value, level="lsoa", rows=(0,)):
    frame = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False)
    at = frame.index[frame["level"] == level]
    for i in rows:
        frame.loc[at[i], column] = value
    return frame, [int(at[i]) + 1 for i in rows]


@pytest.mark.parametrize(
    ("code", "column", "value", "level", "words"),
    [
        ("bad_imd", "imd_decile", "11", "lsoa", "IMD decile"),
        ("bad_imd", "imd_decile", "", "lsoa", "IMD decile"),
        ("bad_imd", "imd_decile", "3", "place", "IMD decile"),
        ("unknown_parent", "parent_code", "E54000099-NH99", "lsoa", "Parent code not found"),
        ("wrong_parent_level", "parent_code", DEMO_ICB_CODE, "lsoa", "wrong level"),
        ("bad_level", "level", "ward", "lsoa", "level not recognised"),
        ("blank_value", "name", "", "neighbourhood", "blank"),
        ("negative_value", "population", "-4", "lsoa", "Negative"),
        ("other_icb", "code", "E54000001", "icb", "another ICB"),
    ],
)
def test_ingest_bad_areas_rejected_and_nothing_saved(
    bare_icb, tmp_path, code, column, value, level, words
):
    icb, analyst, folder = bare_icb
    frame, rows = _spoilt_areas(folder, column, value, level)
    upload = _upload(_write(frame, tmp_path / "areas.csv"), icb, analyst, "areas")
    problem = _problem(upload, code)
    assert words.lower() in problem["title"].lower()
    assert problem["first"][0] == {"row": rows[0], "column": column}
    assert not Area.objects.filter(level__in=["place", "neighbourhood", "lsoa"]).exists()


def test_ingest_area_of_another_icb_refused(bare_icb, tmp_path):
    icb, analyst, folder = bare_icb
    other = f.LsoaFactory(code="E01000001")  # an LSOA of some other ICB
    frame, rows = _spoilt_areas(folder, "code", other.code)
    upload = _upload(_write(frame, tmp_path / "areas.csv"), icb, analyst, "areas")
    problem = _problem(upload, "other_icb")
    assert problem["first"] == [{"row": rows[0], "column": "code"}]
    other.refresh_from_db()
    assert other.icb != icb


def test_ingest_duplicate_area_codes_refused(bare_icb, tmp_path):
    icb, analyst, folder = bare_icb
    frame = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False)
    frame = pd.concat([frame, frame.iloc[[-1]]], ignore_index=True)
    upload = _upload(_write(frame, tmp_path / "areas.csv"), icb, analyst, "areas")
    problem = _problem(upload, "duplicate_codes")
    assert problem["first"] == [{"row": len(frame), "column": "code"}]


def test_ingest_areas_missing_column_refused(bare_icb, tmp_path):
    icb, analyst, folder = bare_icb
    frame = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False)
    upload = _upload(
        _write(frame.drop(columns=["imd_decile"]), tmp_path / "a.csv"), icb, analyst, "areas"
    )
    assert list(_problem(upload, "missing_columns")["columns"]) == ["imd_decile"]


@pytest.fixture
def with_areas(bare_icb):
    icb, analyst, folder = bare_icb
    assert _upload(folder / "areas.csv", icb, analyst, "areas").status == UploadStatus.LOADED
    return icb, analyst, folder


def _spoilt_orgs(folder, column, value):
    kind = "nhs_trust" if column in ("opened", "closed") else "gp_practice"
    frame = pd.read_csv(folder / "organisations.csv", dtype=str, keep_default_na=False)
    at = frame.index[frame["kind"] == kind][0]
    frame.loc[at, column] = value
    return frame, int(at) + 1


@pytest.mark.parametrize(
    ("code", "column", "value", "words"),
    [
        ("bad_kind", "kind", "hospital", "kind or sector"),
        ("bad_kind", "sector", "space", "kind or sector"),
        ("other_icb", "icb_code", "E54000002", "another ICB"),
        ("unknown_parent", "parent_code", "U99999", "Parent code"),
        ("unknown_area", "area_code", "E02000001", "Area code"),
        ("bad_date", "opened", "01/04/2019", "YYYY-MM-DD"),
        ("date_order", "closed", "1990-01-01", "before"),
        ("blank_value", "name", "", "blank"),
    ],
)
def test_ingest_bad_organisations_rejected(with_areas, tmp_path, code, column, value, words):
    icb, analyst, folder = with_areas
    frame, row = _spoilt_orgs(folder, column, value)
    upload = _upload(_write(frame, tmp_path / "orgs.csv"), icb, analyst, "organisations")
    problem = _problem(upload, code)
    assert words.lower() in problem["title"].lower()
    assert {"row": row, "column": column} in problem["first"]
    assert Organisation.objects.filter(icb=icb).count() == 1  # only the ICB's own


# --------------------------------------------------------------------------- indicators


@pytest.fixture
def indicator_rows(with_areas):
    icb, analyst, folder = with_areas
    _upload(folder / "organisations.csv", icb, analyst, "organisations")
    place = Area.objects.filter(icb=icb, level=AreaLevel.PLACE).order_by("code").first()
    rows = pd.DataFrame(
        {
            "indicator_code": ["EMADM_DSR", "EMADM_DSR", "HYP_PREV"],
            "area_code": [icb.code, place.code, ""],
            "ods_code": ["", "", "R9A"],
            "period_start": ["2024-04-01"] * 3,
            "period_end": ["2025-03-31"] * 3,
            "breakdown": ["", "", "sex"],
            "category": ["", "", "F"],
            "value": ["1234.5", "1500", "14.2"],
            "lower_ci": ["1200", "1450.1", "13.9"],
            "upper_ci": ["1270", "1552", "14.6"],
            "numerator": ["5230", "1800", "2100"],
            "denominator": ["420000", "120000", "14800"],
        }
    )
    return icb, analyst, rows


def test_ingest_indicator_values_upserted(indicator_rows, tmp_path):
    icb, analyst, rows = indicator_rows
    upload = _upload(_write(rows, tmp_path / "ind.csv"), icb, analyst, "indicators")
    assert upload.status == UploadStatus.LOADED, upload.report
    assert IndicatorValue.objects.count() == 3
    provider = IndicatorValue.objects.get(provider__ods_code="R9A")
    assert (provider.breakdown, provider.category, provider.value) == ("sex", "F", 14.2)
    assert provider.period_end == date(2025, 3, 31)
    rows.loc[0, "value"] = "1250"
    again = _upload(_write(rows, tmp_path / "ind2.csv"), icb, analyst, "indicators")
    assert again.status == UploadStatus.LOADED
    assert IndicatorValue.objects.count() == 3  # replaced, not added
    assert IndicatorValue.objects.get(area=icb).value == 1250


@pytest.mark.parametrize(
    ("code", "column", "value", "words"),
    [
        ("unknown_indicator", "indicator_code", "NOPE", "library"),
        ("unknown_area", "area_code", "E02999999", "Area code"),
        ("unknown_organisation", "ods_code", "RZZ", "ODS code"),
        ("area_or_organisation", "area_code", "", "not both"),
        ("bad_date", "period_end", "31/03/2025", "YYYY-MM-DD"),
        ("date_order", "period_end", "2023-03-31", "before"),
        ("not_a_number", "value", "n/a", "not a number"),
        ("negative_value", "denominator", "-1", "Negative"),
        ("bad_interval", "lower_ci", "2000", "interval"),
    ],
)
def test_ingest_bad_indicator_values_rejected(indicator_rows, tmp_path, code, column, value, words):
    icb, analyst, rows = indicator_rows
    rows.loc[1, column] = value
    upload = _upload(_write(rows, tmp_path / "ind.csv"), icb, analyst, "indicators")
    problem = _problem(upload, code)
    assert words.lower() in problem["title"].lower()
    assert problem["first"][0] == {"row": 2, "column": column}
    assert not IndicatorValue.objects.exists()


def test_ingest_indicator_values_outside_upload_period_refused(indicator_rows, tmp_path):
    icb, analyst, rows = indicator_rows
    path = _write(rows, tmp_path / "ind.csv")
    upload = _upload(path, icb, analyst, "indicators", period=(date(2025, 4, 1), date(2026, 3, 31)))
    assert _problem(upload, "outside_period")["count"] == 3
    assert not IndicatorValue.objects.exists()


def test_ingest_indicator_duplicate_rows_refused(indicator_rows, tmp_path):
    icb, analyst, rows = indicator_rows
    rows = pd.concat([rows, rows.iloc[[0]]], ignore_index=True)
    upload = _upload(_write(rows, tmp_path / "ind.csv"), icb, analyst, "indicators")
    assert _problem(upload, "duplicate_codes")["first"] == [{"row": 4, "column": "indicator_code"}]
