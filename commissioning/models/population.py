"""Population snapshots and the person-level table.

The person-level table (`person_record`) is a PostgreSQL table partitioned by LIST on
`snapshot_id`: one partition per snapshot. A load fills a fresh table with COPY and
attaches it as a partition in the same transaction that makes the snapshot current, so
readers see the old snapshot or the new one, never half; dropping an old snapshot is
dropping a table, not deleting millions of rows. The table is made by SQL in the
migration (Django cannot declare partitioning); the model below is for reading it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

# Long-term condition flags (QOF registers), in the order of the input format.
LTC_FLAGS = [
    "hypertension",
    "diabetes",
    "asthma",
    "copd",
    "chd",
    "heart_failure",
    "atrial_fibrillation",
    "stroke_tia",
    "ckd",
    "cancer",
    "depression",
    "smi",
    "dementia",
    "learning_disability",
    "epilepsy",
    "osteoporosis",
]
OTHER_FLAGS = ["palliative", "homeless", "substance_misuse", "mental_health_contact"]
ACTIVITY_COUNTS = [
    "ae_attendances",
    "emergency_admissions",
    "elective_admissions",
    "bed_days",
    "outpatient_appointments",
    "gp_contacts",
    "community_contacts",
    "mental_health_contacts",
]
FRAILTY_CATEGORIES = ["fit", "mild", "moderate", "severe"]

# How pages name the person-level fields (one place for every stage).
LTC_LABELS = {
    "hypertension": "Hypertension",
    "diabetes": "Diabetes",
    "asthma": "Asthma",
    "copd": "COPD",
    "chd": "Coronary heart disease",
    "heart_failure": "Heart failure",
    "atrial_fibrillation": "Atrial fibrillation",
    "stroke_tia": "Stroke or TIA",
    "ckd": "Chronic kidney disease",
    "cancer": "Cancer",
    "depression": "Depression",
    "smi": "Severe mental illness",
    "dementia": "Dementia",
    "learning_disability": "Learning disability",
    "epilepsy": "Epilepsy",
    "osteoporosis": "Osteoporosis",
}
OTHER_FLAG_LABELS = {
    "palliative": "Palliative care register",
    "homeless": "Homeless",
    "substance_misuse": "Substance misuse",
    "mental_health_contact": "In contact with mental health services",
}
ACTIVITY_LABELS = {
    "ae_attendances": "A&E attendances",
    "emergency_admissions": "Emergency admissions",
    "elective_admissions": "Elective admissions",
    "bed_days": "Bed days",
    "outpatient_appointments": "Outpatient appointments",
    "gp_contacts": "GP contacts",
    "community_contacts": "Community care contacts",
    "mental_health_contacts": "Mental health contacts",
}
SEX_CODES = ["F", "M", "I", "U"]  # female, male, indeterminate, not known
ETHNICITY_GROUPS = ["white", "mixed", "asian", "black", "other", "unknown"]


class SnapshotStatus(models.TextChoices):
    LOADING = "loading", "Loading"
    CURRENT = "current", "Current"
    SUPERSEDED = "superseded", "Superseded"
    FAILED = "failed", "Failed"


class PopulationSnapshot(models.Model):
    """One load of the linked person-level dataset for one ICB and one 12-month period."""

    icb = models.ForeignKey(
        "commissioning.Area",
        on_delete=models.PROTECT,
        related_name="population_snapshots",
        limit_choices_to={"level": "icb"},
    )
    period_start = models.DateField()
    period_end = models.DateField()
    source = models.CharField(max_length=200, help_text="Where the data came from.")
    status = models.CharField(
        max_length=20, choices=SnapshotStatus.choices, default=SnapshotStatus.LOADING
    )
    row_count = models.PositiveIntegerField(default=0)
    checksum = models.CharField(max_length=64, blank=True, default="", help_text="SHA-256.")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["icb", "period_end"],
                condition=Q(status="current"),
                name="one_current_snapshot_per_icb_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.icb.name} {self.period_start:%b %Y}-{self.period_end:%b %Y} ({self.status})"

    @property
    def partition_name(self) -> str:
        return f"person_record_s{self.pk}"


class PersonRecord(models.Model):
    """One pseudonymised person in one snapshot. Read-only through the ORM; written by COPY.

    No page, export or API response serves these rows: they are aggregated first.
    """

    pk = models.CompositePrimaryKey("snapshot_id", "pseudo_id")
    snapshot = models.ForeignKey(PopulationSnapshot, on_delete=models.DO_NOTHING)
    pseudo_id = models.CharField(max_length=64)
    age = models.SmallIntegerField()
    sex = models.CharField(max_length=1)
    ethnicity = models.CharField(max_length=8)
    lsoa = models.ForeignKey("commissioning.Area", on_delete=models.DO_NOTHING, related_name="+")
    practice = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.DO_NOTHING, related_name="+"
    )
    hypertension = models.BooleanField()
    diabetes = models.BooleanField()
    asthma = models.BooleanField()
    copd = models.BooleanField()
    chd = models.BooleanField()
    heart_failure = models.BooleanField()
    atrial_fibrillation = models.BooleanField()
    stroke_tia = models.BooleanField()
    ckd = models.BooleanField()
    cancer = models.BooleanField()
    depression = models.BooleanField()
    smi = models.BooleanField()
    dementia = models.BooleanField()
    learning_disability = models.BooleanField()
    epilepsy = models.BooleanField()
    osteoporosis = models.BooleanField()
    frailty = models.SmallIntegerField(help_text="0 fit, 1 mild, 2 moderate, 3 severe.")
    palliative = models.BooleanField()
    homeless = models.BooleanField()
    substance_misuse = models.BooleanField()
    mental_health_contact = models.BooleanField()
    ae_attendances = models.SmallIntegerField()
    emergency_admissions = models.SmallIntegerField()
    elective_admissions = models.SmallIntegerField()
    bed_days = models.SmallIntegerField()
    outpatient_appointments = models.SmallIntegerField()
    gp_contacts = models.SmallIntegerField()
    community_contacts = models.SmallIntegerField()
    mental_health_contacts = models.SmallIntegerField()
    cost = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        managed = False
        db_table = "person_record"

    def __str__(self) -> str:
        return f"person {self.pseudo_id} in snapshot {self.snapshot_id}"
