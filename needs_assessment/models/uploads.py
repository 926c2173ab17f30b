"""Uploaded files: stored under a generated name, validated and loaded by a worker."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def upload_path(instance: "DataUpload", filename: str) -> str:
    """A generated name: the user's file name is kept only as data, never as a path."""
    return f"uploads/{instance.icb_id}/{uuid.uuid4().hex}"


class UploadKind(models.TextChoices):
    PERSON_LEVEL = "person_level", "Person-level linked dataset"
    AREAS = "areas", "Areas and LSOAs with IMD"
    ORGANISATIONS = "organisations", "Organisations"
    INDICATORS = "indicators", "Indicator values"


class UploadStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    VALIDATING = "validating", "Validating"
    REJECTED = "rejected", "Rejected"
    LOADED = "loaded", "Loaded"
    FAILED = "failed", "Failed"


class DataUpload(models.Model):
    """One file an analyst sent. A rejected file changes nothing; `report` says why."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="uploads",
        limit_choices_to={"level": "icb"},
    )
    kind = models.CharField(max_length=20, choices=UploadKind.choices)
    file = models.FileField(upload_to=upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(
        max_length=12, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="Validation report: problems with counts and first rows/columns.",
    )
    snapshot = models.ForeignKey(
        "commissioning.PopulationSnapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    run = models.ForeignKey(
        "commissioning.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="person_level")
                | (Q(period_start__isnull=False) & Q(period_end__isnull=False)),
                name="person_level_upload_has_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.current_status in (
            UploadStatus.REJECTED,
            UploadStatus.LOADED,
            UploadStatus.FAILED,
        )

    @property
    def current_status(self) -> str:
        """The status to show: an upload whose run failed without reaching the upload (a
        worker killed mid-load, say) has failed too, whatever `status` still says."""
        unfinished = self.status in (UploadStatus.RECEIVED, UploadStatus.VALIDATING)
        if unfinished and self.run_id and self.run.status == "failed":
            return UploadStatus.FAILED
        return self.status

    @property
    def current_status_label(self) -> str:
        return UploadStatus(self.current_status).label
