"""Ingest one stored upload in the worker: check it, then load it or reject it whole.

Person-level files are checked and copied in one pass: each chunk is checked as it is
read and, while no problem has been found, streamed into a fresh partition
(`commissioning.person_load.load_people_stream`). The snapshot, the partition, the
upload's "loaded" status and the queued needs profile are one transaction: a rejected
file, an error or a killed worker leaves everything as it was.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import psycopg.errors
from django.db import IntegrityError, transaction
from django.utils import timezone

from commissioning.models import (
    Area,
    AreaLevel,
    AuditEvent,
    Organisation,
    OrganisationKind,
    PopulationSnapshot,
)
from commissioning.person_load import load_people_stream
from needs_assessment.ingest import indicators, reference
from needs_assessment.ingest.person import PERSON_COLUMNS, PersonChecker, check_person_header
from needs_assessment.ingest.progress import RunProgress
from needs_assessment.ingest.report import ValidationReport
from needs_assessment.ingest.source import Source, SourceError, open_source, read_chunks
from needs_assessment.ingest.tables import check_header, read_text_frame
from needs_assessment.models import DataUpload, UploadKind, UploadStatus

logger = logging.getLogger(__name__)
FORMAT_LABELS = {"csv": "CSV", "csv.gz": "gzip-compressed CSV", "parquet": "Parquet"}


class UploadRejected(Exception):
    """The file has problems; nothing was loaded. `report` is the stored report."""

    def __init__(self, report: dict):
        self.report = report
        problems = report.get("problems", [])
        kinds = len(problems)
        first = f" (first: {problems[0]['title']})" if problems else ""
        super().__init__(
            f"The file was rejected and nothing was loaded: {kinds} kind"
            f"{'s' if kinds != 1 else ''} of problem{first}. The upload's page lists them all."
        )


def upload_path(upload: DataUpload) -> Path:
    return Path(upload.file.path)


def file_facts(source: Source | None, upload: DataUpload) -> dict:
    facts = {"name": upload.original_name, "size_bytes": upload.size_bytes}
    if source is not None:
        facts.update(format=FORMAT_LABELS[source.format], columns=len(source.columns))
    return facts


def open_checked(upload: DataUpload, report: ValidationReport) -> Source:
    """Open the stored file, or reject the upload with the reason."""
    try:
        source = open_source(upload_path(upload))
    except SourceError as exc:
        report.add(exc.code, detail=str(exc))
        raise UploadRejected(report.as_dict(file=file_facts(None, upload))) from None
    report.column_order = {name: i for i, name in enumerate(source.columns)}
    return source


def finish_reading(source: Source, upload: DataUpload, report: ValidationReport) -> None:
    """Checks that need the whole file: shape of rows, emptiness, the file's checksum."""
    if source.skipped_rows:
        lines = ", ".join(map(str, source.skipped_lines[:5]))
        report.add(
            "bad_row_shape",
            count=source.skipped_rows,
            detail=f"First at line {lines} of the file." if lines else "",
        )
        report.notes.append("Row numbers after a row with the wrong number of values may be off.")
    if report.rows == 0 and not report.has_errors:
        report.add("empty_file", detail="The file has a header but no rows.")
    if upload.sha256 and source.sha256() != upload.sha256:
        report.add("unreadable_file", detail="The stored file differs from the one uploaded.")


# --------------------------------------------------------------------------- person level


def known_codes(icb: Area) -> tuple[dict[str, int], dict[str, int]]:
    """The ICB's LSOA codes and GP practice ODS codes, each with its database id."""
    lsoas = Area.objects.filter(icb=icb, level=AreaLevel.LSOA).values_list("code", "id")
    practices = Organisation.objects.filter(icb=icb, kind=OrganisationKind.GP_PRACTICE)
    return dict(lsoas), dict(practices.values_list("ods_code", "id"))


def ingest_person_level(upload: DataUpload, progress: RunProgress) -> dict:
    """Check and load a person-level upload as the ICB's current snapshot of its period,
    then queue the needs profile. Raises UploadRejected with the report if the file has
    any problem."""
    report = ValidationReport()
    source = open_checked(upload, report)
    if not check_person_header(source.columns, report):
        raise UploadRejected(report.as_dict(file=file_facts(source, upload)))
    lsoa_ids, practice_ids = known_codes(upload.icb)
    checker = PersonChecker(
        period_end=upload.period_end, lsoa_ids=lsoa_ids, practice_ids=practice_ids, report=report
    )

    def chunks():
        try:
            for chunk in read_chunks(source, PERSON_COLUMNS):
                stored = checker.check(chunk)
                progress(5 + 75 * source.fraction_read(), f"Checked {checker.rows:,} rows")
                if stored is not None:
                    yield stored
        except SourceError as exc:
            report.add(exc.code, detail=f"{exc} (after {checker.rows:,} rows)")
        finish_reading(source, upload, report)
        if report.has_errors:
            checker.duplicate_report()
            raise UploadRejected(report.as_dict(file=file_facts(source, upload)))
        progress(80, f"Checked {checker.rows:,} rows; building the index", force=True)

    steps = {"attaching": (92, "Making the new snapshot current")}
    clock = {"start": time.perf_counter()}

    def on_step(step: str) -> None:
        clock[step] = time.perf_counter()
        if step in steps:
            progress(*steps[step], force=True)

    try:
        with transaction.atomic():
            one_load_at_a_time(upload)
            snapshot = PopulationSnapshot.objects.create(
                icb=upload.icb,
                period_start=upload.period_start,
                period_end=upload.period_end,
                source=upload.source or upload.original_name,
                loaded_by=upload.uploaded_by,
            )
            load_people_stream(
                snapshot=snapshot,
                chunks=chunks(),
                checksum=upload.sha256,
                by=upload.uploaded_by,
                on_step=on_step,
            )
            profile = mark_loaded(
                upload,
                snapshot=snapshot,
                rows=checker.rows,
                report=report,
                facts=file_facts(source, upload),
            )
    except IntegrityError as exc:
        # The partition's primary key found a repeated pseudo_id: find them all.
        if not _primary_key_violated(exc) or not checker.duplicate_report():
            raise
        raise UploadRejected(report.as_dict(file=file_facts(source, upload))) from None
    clock["end"] = time.perf_counter()
    return {
        "upload_id": upload.pk,
        "snapshot_id": snapshot.pk,
        "rows": checker.rows,
        "needs_profile_id": profile.pk if profile else None,
        "measures": {
            "seconds": step_seconds(clock),
            "rows_per_second": round(checker.rows / (clock["end"] - clock["start"])),
        },
    }


def one_load_at_a_time(upload: DataUpload) -> None:
    """Within the load's transaction, wait for any other load of the same ICB and period
    to finish, so that the later one supersedes the earlier rather than both trying to
    become current."""
    from django.db import connection

    with connection.cursor() as cursor:
        key = upload.icb_id * 1_000_000 + upload.period_end.toordinal()  # ordinals < 10**6
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _primary_key_violated(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.UniqueViolation) and str(
        cause.diag.constraint_name or ""
    ).endswith("_pkey")


def step_seconds(clock: dict[str, float]) -> dict[str, float]:
    """How long each part of a load took: checking and copying (one pass), building the
    primary key, attaching and analysing, and in total."""
    marks = [clock["start"], clock["indexing"], clock["attaching"], clock["end"]]
    names = ["check_and_copy", "index", "attach_and_commit"]
    seconds = {name: round(b - a, 3) for name, a, b in zip(names, marks, marks[1:], strict=False)}
    seconds["total"] = round(clock["end"] - clock["start"], 3)
    return seconds


def mark_loaded(
    upload: DataUpload, *, snapshot=None, rows: int, report: ValidationReport, facts: dict
):
    """Record the upload as loaded (inside the load's transaction) and, for a snapshot,
    queue its needs profile. A profile that cannot be queued does not undo the load."""
    upload.status = UploadStatus.LOADED
    upload.snapshot = snapshot
    upload.rows = rows
    upload.report = report.as_dict(file=facts)
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "snapshot", "rows", "report", "finished_at"])
    AuditEvent.objects.create(
        actor=upload.uploaded_by,
        verb="upload.load",
        object_type="data_upload",
        object_id=str(upload.pk),
        data={"kind": upload.kind, "rows": rows, "snapshot": snapshot.pk if snapshot else None},
    )
    if snapshot is None:
        return None
    from needs_assessment.actions import start_needs_profile

    try:
        with transaction.atomic():
            return start_needs_profile(snapshot=snapshot, by=upload.uploaded_by)
    except Exception:  # noqa: BLE001 - the data is loaded; the profile can be started later
        logger.exception("could not queue the needs profile of snapshot %s", snapshot.pk)
        upload.report["notes"].append(
            "The needs profile could not be started automatically; start it from the "
            "population data page."
        )
        upload.save(update_fields=["report"])
        return None


# --------------------------------------------------------------------------- small files


def ingest_small_file(upload: DataUpload, progress: RunProgress) -> dict:
    """Check an areas, organisations or indicator-values file whole; upsert it in one
    transaction, or raise UploadRejected with the report."""
    report = ValidationReport()
    source = open_checked(upload, report)
    kind = upload.kind
    if kind == UploadKind.AREAS:
        header_ok = check_header(source.columns, reference.AREA_COLUMNS, report)
        wanted = reference.AREA_COLUMNS
    elif kind == UploadKind.ORGANISATIONS:
        header_ok = check_header(source.columns, reference.ORGANISATION_COLUMNS, report)
        wanted = reference.ORGANISATION_COLUMNS
    else:
        header_ok = indicators.check_indicator_header(source.columns, report)
        wanted = indicators.COLUMNS
    if not header_ok:
        raise UploadRejected(report.as_dict(file=file_facts(source, upload)))
    progress(10, "Reading the file")
    try:
        frame = read_text_frame(source, wanted, report)
    except SourceError as exc:
        report.add(exc.code, detail=str(exc))
        raise UploadRejected(report.as_dict(file=file_facts(source, upload))) from None
    finish_reading(source, upload, report)
    progress(40, f"Checking {len(frame):,} rows")
    if kind == UploadKind.AREAS:
        rows = reference.check_areas(frame, upload.icb, report)
    elif kind == UploadKind.ORGANISATIONS:
        rows = reference.check_organisations(frame, upload.icb, report)
    else:
        rows = indicators.check_indicator_values(
            frame,
            upload.icb,
            report,
            period_start=upload.period_start,
            period_end=upload.period_end,
        )
    if report.has_errors:
        raise UploadRejected(report.as_dict(file=file_facts(source, upload)))
    progress(70, f"Saving {len(frame):,} rows")
    with transaction.atomic():
        if kind == UploadKind.AREAS:
            counts = reference.upsert_areas(rows, upload.icb)
        elif kind == UploadKind.ORGANISATIONS:
            counts = reference.upsert_organisations(rows, upload.icb)
        else:
            counts = {"saved": indicators.upsert_indicator_values(rows)}
        mark_loaded(upload, rows=len(frame), report=report, facts=file_facts(source, upload))
    return {"upload_id": upload.pk, "rows": len(frame), **counts}
