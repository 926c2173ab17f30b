"""Receiving an upload: store the file, record it and queue the worker run that checks it.

The request never parses the file: it only checks the form (kind, period, size), hashes
the bytes while storing them under a generated name, and answers at once. Everything
else happens in the "ingest" run (needs_assessment.ingest.handlers).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from commissioning import access
from commissioning.access import Permission
from commissioning.models import Area, AreaLevel, AuditEvent
from commissioning.runs import start_run
from needs_assessment.ingest.handlers import RUN_KIND
from needs_assessment.models import DataUpload, UploadKind, UploadStatus

# The largest file accepted: 2 GiB. A three-million-person CSV is about 380 MB (about 110 MB
# gzipped), so this leaves room for wide extracts while refusing what is surely a mistake.
# A constant, not a setting: the worker's memory does not grow with the file (it streams),
# but the disk holding uploads must have room for a few files of this size.
MAX_UPLOAD_BYTES = 2 * 1024**3
MAX_PERIOD_DAYS = 366
HASH_BLOCK = 1 << 20


def may_upload(user, icb: Area | None) -> bool:
    """Whether `user` may upload files for `icb`: the ICB's analysts and commissioners
    (LOAD_DATA; a commissioner goes from a file to an approved INA in the browser) and
    administrators. Providers, partners and other ICBs' staff may not."""
    if icb is None or not access.has_permission(user, Permission.LOAD_DATA):
        return False
    return access.visible_to(user, Area).filter(pk=icb.pk, level=AreaLevel.ICB).exists()


def check_upload(
    *, kind: str, file, period_start: date | None, period_end: date | None
) -> dict[str, str]:
    """What is wrong with the request, by field ({} if nothing). The file's content is not
    looked at here."""
    errors = {}
    if kind not in UploadKind.values:
        errors["kind"] = "Choose what kind of file this is."
    if file is None:
        errors["file"] = "Choose a file to upload."
    elif file.size == 0:
        errors["file"] = "The file is empty."
    elif file.size > MAX_UPLOAD_BYTES:
        errors["file"] = (
            f"The file is {file.size / 1024**3:.1f} GB; the largest accepted is 2 GB. "
            "Compress it with gzip (.csv.gz) or save it as Parquet."
        )
    if kind == UploadKind.PERSON_LEVEL:
        if period_start is None:
            errors["period_start"] = "Enter the first day of the 12-month period."
        if period_end is None:
            errors["period_end"] = "Enter the last day of the 12-month period."
    elif (period_start is None) != (period_end is None):
        errors["period_end" if period_end is None else "period_start"] = (
            "Enter both dates of the period, or neither."
        )
    if period_start and period_end:
        if period_end <= period_start:
            errors["period_end"] = "The end of the period must be after its start."
        elif kind == UploadKind.PERSON_LEVEL and (period_end - period_start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = "A person-level file covers 12 months at most."
    return errors


@transaction.atomic
def receive_upload(
    *,
    icb: Area,
    kind: str,
    file,
    period_start: date | None,
    period_end: date | None,
    source: str,
    by,
) -> DataUpload:
    """Store `file` (a Django File or UploadedFile) for `icb`, record the upload with the
    file's size and SHA-256, and queue the ingest run (sent once this transaction commits).

    Raises ValidationError (a dict by field) if the request is wrong, PermissionError if
    `by` may not upload for `icb`."""
    if not may_upload(by, icb):
        raise PermissionError("You cannot upload data for this ICB.")
    errors = check_upload(kind=kind, file=file, period_start=period_start, period_end=period_end)
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256()
    for block in file.chunks(HASH_BLOCK):
        digest.update(block)
    file.seek(0)
    upload = DataUpload(
        icb=icb,
        kind=kind,
        original_name=PurePath(file.name or "upload").name[:255],
        size_bytes=file.size,
        sha256=digest.hexdigest(),
        period_start=period_start,
        period_end=period_end,
        source=(source or "").strip()[:200],
        uploaded_by=by,
    )
    upload.file.save("upload", file, save=False)  # upload_path ignores the name given
    try:
        upload.save()
        upload.run = start_run(kind=RUN_KIND, by=by, icb=icb, parameters={"upload_id": upload.pk})
        upload.save(update_fields=["run"])
        AuditEvent.objects.create(
            actor=by,
            verb="upload.receive",
            object_type="data_upload",
            object_id=str(upload.pk),
            data={"kind": kind, "size": upload.size_bytes, "sha256": upload.sha256},
        )
    except BaseException:
        upload.file.delete(save=False)  # no stored file without its record
        raise
    return upload


@transaction.atomic
def retry_upload(*, upload: DataUpload, by) -> DataUpload:
    """Check and load a failed upload again (its worker died, say), from the stored file.
    Raises PermissionError if `by` may not upload, ValueError if it cannot be retried."""
    if not may_upload(by, upload.icb):
        raise PermissionError("You cannot upload data for this ICB.")
    upload = (
        DataUpload.objects.select_for_update(of=("self",)).select_related("run").get(pk=upload.pk)
    )
    if upload.current_status != UploadStatus.FAILED or not upload.file:
        raise ValueError("Only a failed upload whose file is still stored can be tried again.")
    upload.status = UploadStatus.RECEIVED
    upload.finished_at = None
    upload.report = {}
    upload.run = start_run(
        kind=RUN_KIND, by=by, icb=upload.icb, parameters={"upload_id": upload.pk}
    )
    upload.save(update_fields=["status", "finished_at", "report", "run"])
    AuditEvent.objects.create(
        actor=by,
        verb="upload.retry",
        object_type="data_upload",
        object_id=str(upload.pk),
        data={"run": upload.run.pk},
    )
    return upload
