"""The person-level table, partitioned by snapshot (see commissioning.models.population)."""

from django.db import migrations

FLAGS = [
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
COUNTS = [
    "ae_attendances",
    "emergency_admissions",
    "elective_admissions",
    "bed_days",
    "outpatient_appointments",
    "gp_contacts",
    "community_contacts",
    "mental_health_contacts",
]

CREATE = f"""
CREATE TABLE person_record (
    -- No foreign key to the snapshot: a snapshot's rows are its partition, dropped with it
    -- (commissioning.signals), which is instant where a cascade would delete row by row.
    snapshot_id bigint NOT NULL,
    pseudo_id varchar(64) NOT NULL,
    age smallint NOT NULL CHECK (age BETWEEN 0 AND 115),
    sex char(1) NOT NULL CHECK (sex IN ('F', 'M', 'I', 'U')),
    ethnicity varchar(8) NOT NULL,
    lsoa_id bigint NOT NULL,
    practice_id bigint NOT NULL,
    {", ".join(f"{flag} boolean NOT NULL" for flag in FLAGS)},
    frailty smallint NOT NULL CHECK (frailty BETWEEN 0 AND 3),
    {", ".join(f"{flag} boolean NOT NULL" for flag in OTHER_FLAGS)},
    {", ".join(f"{count} smallint NOT NULL CHECK ({count} >= 0)" for count in COUNTS)},
    cost numeric(12, 2) NOT NULL CHECK (cost >= 0),
    PRIMARY KEY (snapshot_id, pseudo_id)
) PARTITION BY LIST (snapshot_id);
"""


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, reverse_sql="DROP TABLE person_record CASCADE;"),
    ]
