"""Person-level uploads through the ingest run: a good file becomes the current snapshot
and queues the needs profile; every kind of bad file is rejected with its own message and
changes nothing."""

from __future__ import annotations

import pytest

from commissioning.models import AuditEvent, PersonRecord, PopulationSnapshot, RunStatus
from needs_assessment.models import NeedsProfile, UploadStatus
from tests.needs_assessment.test_ingest_fixtures import (
    PERIOD_END,
    demo_user,
    load_demo_reference,
    people_frame,
    run_upload,
    upload_file,
    write_demo_files,
    write_people_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_icb(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = write_demo_files(tmp_path / "demo")
    icb = load_demo_reference(folder)
    return icb, demo_user(), folder


def test_ingest_good_file_makes_current_snapshot_and_queues_profile(demo_icb):
    icb, analyst, folder = demo_icb
    upload = upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst)
    upload = run_upload(upload)
    assert upload.run.status == RunStatus.SUCCEEDED, upload.run.error
    assert upload.status == UploadStatus.LOADED
    snapshot = upload.snapshot
    expected = len(people_frame())
    assert snapshot.status == "current"
    assert snapshot.row_count == expected == upload.rows
    assert snapshot.checksum == upload.sha256
    assert snapshot.loaded_by == analyst
    assert (snapshot.period_start, snapshot.period_end) == (upload.period_start, PERIOD_END)
    assert PersonRecord.objects.filter(snapshot=snapshot).count() == expected
    assert NeedsProfile.objects.filter(snapshot=snapshot).exists()
    assert upload.report["valid"] is True
    assert not upload.file  # person-level files are not kept once loaded
    assert AuditEvent.objects.filter(verb="upload.load", object_id=str(upload.pk)).exists()
    assert upload.run.result["snapshot_id"] == snapshot.pk


def test_ingest_second_upload_supersedes_first(demo_icb, tmp_path):
    icb, analyst, folder = demo_icb
    first = run_upload(upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst))
    smaller = people_frame().iloc[:100]
    path = write_people_csv(smaller, tmp_path / "people.csv")
    second = run_upload(upload_file(path, icb=icb, by=analyst))
    assert second.status == UploadStatus.LOADED, second.report
    first.snapshot.refresh_from_db()
    assert first.snapshot.status == "superseded"
    current = PopulationSnapshot.objects.get(icb=icb, status="current")
    assert current == second.snapshot and current.row_count == 100


def _spoil(column, rows, value):
    def change(frame):
        frame[column] = frame[column].astype(object)
        for row in rows:
            frame.iloc[row - 1, frame.columns.get_loc(column)] = value
        return frame

    return change


def _duplicate_ids(frame):
    frame = frame.copy()
    frame.iloc[4, 0] = frame.iloc[1, 0]
    frame.iloc[9, 0] = frame.iloc[1, 0]
    return frame


# (problem kind, how to spoil the frame, column, first rows, words of the message)
BAD_VALUES = [
    ("unknown_lsoa", _spoil("lsoa_code", [3, 7], "E01999999"), "lsoa_code", [3, 7], "LSOA"),
    ("unknown_practice", _spoil("practice_code", [2], "Z99999"), "practice_code", [2], "practice"),
    ("bad_age", _spoil("age", [4, 5], 116), "age", [4, 5], "0 to 115"),
    ("bad_sex", _spoil("sex", [6], "X"), "sex", [6], "Sex code"),
    ("bad_ethnicity", _spoil("ethnicity", [8], "purple"), "ethnicity", [8], "Ethnicity"),
    ("bad_flag", _spoil("diabetes", [3, 9], 2), "diabetes", [3, 9], "0 or 1"),
    ("bad_frailty", _spoil("frailty", [1], "very"), "frailty", [1], "Frailty"),
    ("negative_value", _spoil("gp_contacts", [12], -1), "gp_contacts", [12], "Negative"),
    ("negative_value", _spoil("cost", [13], -5.5), "cost", [13], "Negative"),
    ("not_a_number", _spoil("bed_days", [2], ""), "bed_days", [2], "not a number"),
    ("not_a_number", _spoil("cost", [5], "£12"), "cost", [5], "not a number"),
    ("too_large", _spoil("bed_days", [3], 40000), "bed_days", [3], "too large"),
    ("wrong_period", _spoil("period_end", [1, 2], "2026-03-31"), "period_end", [1, 2], "period"),
    ("bad_id", _spoil("pseudo_id", [7], ""), "pseudo_id", [7], "pseudo_id"),
    ("duplicate_ids", _duplicate_ids, "pseudo_id", [2, 5, 10], "more than one row"),
]


@pytest.fixture
def loaded_before(demo_icb):
    """The demo ICB with a good snapshot already current, to check nothing changes."""
    icb, analyst, folder = demo_icb
    good = run_upload(upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst))
    assert good.status == UploadStatus.LOADED
    return icb, analyst, good.snapshot


def assert_nothing_changed(icb, snapshot):
    assert list(PopulationSnapshot.objects.filter(icb=icb)) == [snapshot]
    snapshot.refresh_from_db()
    assert snapshot.status == "current"
    assert PersonRecord.objects.count() == snapshot.row_count
    assert NeedsProfile.objects.count() == 1  # the good snapshot's only


def assert_rejected(upload, code):
    assert upload.status == UploadStatus.REJECTED
    assert upload.run.status == RunStatus.FAILED
    assert "rejected" in upload.run.message
    problems = {p["code"]: p for p in upload.report["problems"]}
    assert code in problems, upload.report
    assert upload.report["valid"] is False
    return problems[code]


@pytest.mark.parametrize(("code", "spoil", "column", "rows", "words"), BAD_VALUES)
def test_ingest_bad_value_rejected_with_report(
    loaded_before, tmp_path, code, spoil, column, rows, words
):
    icb, analyst, snapshot = loaded_before
    path = write_people_csv(spoil(people_frame()), tmp_path / "bad.csv")
    upload = run_upload(upload_file(path, icb=icb, by=analyst))
    problem = assert_rejected(upload, code)
    assert [p["code"] for p in upload.report["problems"]] == [code]
    assert words.lower() in problem["title"].lower()
    assert problem["guidance"]
    assert problem["count"] == len(rows) - (1 if code == "duplicate_ids" else 0)
    assert problem["first"] == [{"row": row, "column": column} for row in rows]
    assert problem["columns"] == {column: problem["count"]}
    assert_nothing_changed(icb, snapshot)


def _upload_bytes(tmp_path, icb, analyst, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return run_upload(upload_file(path, icb=icb, by=analyst))


def test_ingest_missing_columns_named(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    frame = people_frame().drop(columns=["cost", "dementia"])
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    problem = assert_rejected(upload, "missing_columns")
    assert problem["count"] == 2
    assert set(problem["columns"]) == {"cost", "dementia"}
    assert "missing" in problem["title"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_direct_identifiers_refused(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    frame = people_frame().assign(nhs_number="9434765919")
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    problem = assert_rejected(upload, "direct_identifiers")
    assert list(problem["columns"]) == ["nhs_number"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_repeated_column_names_refused(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    text = write_people_csv(people_frame(), tmp_path / "p.csv").read_text()
    header, rest = text.split("\n", 1)
    fixed = header.replace("asthma", "diabetes", 1) + "\n" + rest
    upload = _upload_bytes(tmp_path, icb, analyst, "dup.csv", fixed.encode())
    problem = assert_rejected(upload, "duplicate_columns")
    assert list(problem["columns"]) == ["diabetes"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_row_with_wrong_number_of_values_refused(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    lines = write_people_csv(people_frame(), tmp_path / "p.csv").read_text().split("\n")
    lines[5] += ",extra"
    upload = _upload_bytes(tmp_path, icb, analyst, "shape.csv", "\n".join(lines).encode())
    problem = assert_rejected(upload, "bad_row_shape")
    assert problem["count"] == 1
    assert "line 6" in problem["detail"]
    assert_nothing_changed(icb, snapshot)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, "Excel workbook"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_ingest_wrong_file_type_named(loaded_before, tmp_path, content, words):
    icb, analyst, snapshot = loaded_before
    upload = _upload_bytes(tmp_path, icb, analyst, "people.csv", content)
    problem = assert_rejected(upload, "wrong_file_type")
    assert words in problem["detail"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_truncated_gzip_unreadable(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    path = write_people_csv(people_frame(), tmp_path / "p.csv.gz", compress=True)
    cut = path.read_bytes()[: path.stat().st_size // 2]
    upload = _upload_bytes(tmp_path, icb, analyst, "cut.csv.gz", cut)
    problem = assert_rejected(upload, "unreadable_file")
    assert problem["detail"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_not_utf8_unreadable(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    text = write_people_csv(people_frame(), tmp_path / "p.csv").read_bytes()
    spoilt = text.replace(b",white,", b",wh\xe9te,", 1)
    upload = _upload_bytes(tmp_path, icb, analyst, "latin1.csv", spoilt)
    problem = assert_rejected(upload, "unreadable_file")
    assert "UTF-8" in problem["detail"]
    assert_nothing_changed(icb, snapshot)


@pytest.mark.parametrize("content", [b"", b"pseudo_id,period_end\n", b"\n\n"])
def test_ingest_empty_file_refused(loaded_before, tmp_path, content):
    icb, analyst, snapshot = loaded_before
    upload = _upload_bytes(tmp_path, icb, analyst, "empty.csv", content or b" ")
    assert upload.status == UploadStatus.REJECTED
    codes = {p["code"] for p in upload.report["problems"]}
    assert codes & {"empty_file", "missing_columns"}
    assert_nothing_changed(icb, snapshot)


def test_ingest_header_only_has_no_rows(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    path = write_people_csv(people_frame().iloc[:0], tmp_path / "p.csv")
    upload = run_upload(upload_file(path, icb=icb, by=analyst))
    problem = assert_rejected(upload, "empty_file")
    assert problem["count"] == 1
    assert_nothing_changed(icb, snapshot)


def test_ingest_reports_every_kind_at_once(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    frame = people_frame()
    for spoil in (_spoil("age", [3], 200), _spoil("sex", [4], "Q"), _duplicate_ids):
        frame = spoil(frame)
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    codes = [p["code"] for p in upload.report["problems"]]
    assert codes == ["duplicate_ids", "bad_age", "bad_sex"]
    assert_nothing_changed(icb, snapshot)


def test_ingest_row_numbers_right_across_chunks(loaded_before, tmp_path, monkeypatch):
    from needs_assessment.ingest import source

    monkeypatch.setattr(source, "BLOCK_BYTES", 4096)  # dozens of chunks
    icb, analyst, snapshot = loaded_before
    frame = _spoil("ethnicity", [2, 150, 399], "x")(people_frame())
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    problem = assert_rejected(upload, "bad_ethnicity")
    assert [cell["row"] for cell in problem["first"]] == [2, 150, 399]
    assert problem["examples"] == ["x"]


def test_ingest_parquet_loads(demo_icb, tmp_path):
    icb, analyst, _ = demo_icb
    frame = people_frame()
    frame["period_end"] = frame["period_end"].map(
        lambda d: __import__("datetime").date.fromisoformat(d)
    )
    path = tmp_path / "people.parquet"
    frame.to_parquet(path, index=False)
    upload = run_upload(upload_file(path, icb=icb, by=analyst))
    assert upload.status == UploadStatus.LOADED, upload.report
    assert upload.report["file"]["format"] == "Parquet"
    assert upload.snapshot.row_count == len(frame)


def test_ingest_parquet_bad_values_rejected(demo_icb, tmp_path):
    icb, analyst, _ = demo_icb
    frame = _spoil("asthma", [5], 7)(people_frame())
    frame["asthma"] = frame["asthma"].astype(int)
    path = tmp_path / "people.parquet"
    frame.to_parquet(path, index=False)
    upload = run_upload(upload_file(path, icb=icb, by=analyst))
    problem = assert_rejected(upload, "bad_flag")
    assert problem["first"] == [{"row": 5, "column": "asthma"}]
    assert not PopulationSnapshot.objects.exists()


def test_ingest_database_error_fails_run_without_quoting_rows(loaded_before, tmp_path, monkeypatch):
    from needs_assessment.ingest import person

    monkeypatch.setattr(person, "MAX_AGE", 200)  # let an age through that the table refuses
    icb, analyst, snapshot = loaded_before
    frame = _spoil("age", [3], 150)(people_frame())
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    assert upload.status == UploadStatus.FAILED
    assert upload.run.status == RunStatus.FAILED
    assert "database refused the data" in upload.run.message
    pseudo_id = frame.iloc[2]["pseudo_id"]
    assert pseudo_id not in upload.run.message and pseudo_id not in upload.run.error
    assert_nothing_changed(icb, snapshot)
    assert upload.file  # kept, so that the load can be tried again


def test_ingest_excel_style_csv_loads(demo_icb, tmp_path):
    """A CSV saved by Excel: byte-order mark, capitalised headers, Windows line endings."""
    icb, analyst, _ = demo_icb
    frame = people_frame()
    frame.columns = [c.upper() if i % 2 else c for i, c in enumerate(frame.columns)]
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False, lineterminator="\r\n").encode())
    upload = run_upload(upload_file(path, icb=icb, by=analyst))
    assert upload.status == UploadStatus.LOADED, upload.report
    assert upload.rows == len(frame)


def test_ingest_extra_columns_ignored_with_note(demo_icb, tmp_path):
    icb, analyst, _ = demo_icb
    frame = people_frame().assign(gp_name_internal="x", extract_batch=3)
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    assert upload.status == UploadStatus.LOADED, upload.report
    assert "gp_name_internal, extract_batch" in upload.report["notes"][0]


def test_ingest_run_delivered_again_does_nothing(demo_icb):
    from commissioning.runs import RunContext
    from needs_assessment.ingest.handlers import run_ingest

    icb, analyst, folder = demo_icb
    upload = run_upload(upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst))
    again = run_ingest(RunContext(upload.run))
    assert again["note"] == "already processed"
    assert PopulationSnapshot.objects.count() == 1


def test_ingest_report_shows_stray_spaces(loaded_before, tmp_path):
    icb, analyst, snapshot = loaded_before
    frame = _spoil("sex", [2], "F ")(people_frame())
    upload = run_upload(
        upload_file(write_people_csv(frame, tmp_path / "p.csv"), icb=icb, by=analyst)
    )
    assert assert_rejected(upload, "bad_sex")["examples"] == ["“F ”"]


def test_failed_upload_checked_again_from_its_page(
    loaded_before, tmp_path, monkeypatch, client_for
):
    from needs_assessment.ingest import person

    icb, analyst, snapshot = loaded_before
    with monkeypatch.context() as patch:
        patch.setattr(person, "MAX_AGE", 200)
        frame = _spoil("age", [3], 150)(people_frame())
        path = write_people_csv(frame, tmp_path / "p.csv")
        failed = run_upload(upload_file(path, icb=icb, by=analyst))
    assert failed.status == UploadStatus.FAILED
    page = client_for(analyst).get(f"/needs-assessment/uploads/{failed.pk}/").content.decode()
    assert "Check and load it again" in page
    response = client_for(analyst).post(f"/needs-assessment/uploads/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == UploadStatus.RECEIVED and failed.run.status == "queued"
    again = run_upload(failed)  # the checks are back to normal: now the age is caught
    assert again.status == UploadStatus.REJECTED
    assert [p["code"] for p in again.report["problems"]] == ["bad_age"]
    assert_nothing_changed(icb, snapshot)


def test_loaded_upload_cannot_be_retried(demo_icb):
    from needs_assessment.ingest.actions import retry_upload

    icb, analyst, folder = demo_icb
    upload = run_upload(upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst))
    with pytest.raises(ValueError, match="Only a failed upload"):
        retry_upload(upload=upload, by=analyst)
