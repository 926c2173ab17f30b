"""Background-run handlers of stage 1 ingest (registered with @run_handler).

Run kind "ingest" (parameters: upload_id): check the stored file in the worker, then load
it or reject it whole. A rejected file fails the run with a short message; the upload
keeps the full validation report. A load's result has the rows and, under "measures", the
seconds of each step and the worker's memory (resident before, and the process's peak),
which the benchmark reads. Person-level files are deleted once processed (the database is
the record; the upload keeps the name, size, SHA-256 and report).
"""

from __future__ import annotations

import logging
import os
import resource

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from commissioning.runs import RunContext, run_handler
from needs_assessment.ingest.load import UploadRejected, ingest_person_level, ingest_small_file
from needs_assessment.ingest.progress import RunProgress
from needs_assessment.models import DataUpload, UploadKind, UploadStatus

logger = logging.getLogger(__name__)
RUN_KIND = "ingest"
UNFINISHED = [UploadStatus.RECEIVED, UploadStatus.VALIDATING]


class IngestFailed(Exception):
    """The load failed for a reason other than the file's content."""


@run_handler(
    RUN_KIND,
    label="Upload check and load",
    subject=("upload_id", "needs_assessment:upload-detail", "See the upload"),
)
def run_ingest(context: RunContext) -> dict:
    """Check and load one upload. Does nothing to an upload that is already finished (a
    second delivery of the same run, say)."""
    upload_id = context.parameters["upload_id"]
    claimed = DataUpload.objects.filter(Q(pk=upload_id), Q(status__in=UNFINISHED)).update(
        status=UploadStatus.VALIDATING
    )
    upload = DataUpload.objects.select_related("icb", "uploaded_by").get(pk=upload_id)
    if not claimed:
        return {"upload_id": upload.pk, "status": upload.status, "note": "already processed"}
    rss_before = current_rss_mb()
    progress = RunProgress(context.run)
    progress(2, "Opening the file", force=True)
    try:
        if upload.kind == UploadKind.PERSON_LEVEL:
            result = ingest_person_level(upload, progress)
        else:
            result = ingest_small_file(upload, progress)
    except UploadRejected as rejected:
        finish(upload, UploadStatus.REJECTED, report=rejected.report)
        raise
    except DatabaseError as error:
        # PostgreSQL's message may quote a row of the file: it goes to the worker's log,
        # not to the run, which people read.
        logger.exception("ingest of upload %s failed in the database", upload.pk)
        finish(upload, UploadStatus.FAILED)
        kind = type(getattr(error, "__cause__", None) or error).__name__
        raise IngestFailed(
            f"The database refused the data ({kind}); nothing was loaded. The worker's log "
            "has the details."
        ) from None
    except Exception:
        finish(upload, UploadStatus.FAILED)
        raise
    finally:
        progress.close()
    remove_person_level_file(upload)
    result["status"] = UploadStatus.LOADED
    result.setdefault("measures", {}).update(
        rss_before_mb=rss_before,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    return result


def current_rss_mb() -> int:
    """This process's resident memory now, in MB (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1024**2)


def finish(upload: DataUpload, status: str, *, report: dict | None = None) -> None:
    """Record how an upload ended when it did not load (outside the rolled-back load)."""
    fields = {"status": status, "finished_at": timezone.now()}
    if report is not None:
        fields["report"] = report
    DataUpload.objects.filter(pk=upload.pk).update(**fields)
    if status == UploadStatus.REJECTED:
        remove_person_level_file(upload)


def remove_person_level_file(upload: DataUpload) -> None:
    """Delete a processed person-level file from storage (not the upload record)."""
    if upload.kind != UploadKind.PERSON_LEVEL or not upload.file:
        return
    try:
        upload.file.delete(save=False)
    except OSError:
        logger.warning("could not delete the stored file of upload %s", upload.pk)
    DataUpload.objects.filter(pk=upload.pk).update(file="")
