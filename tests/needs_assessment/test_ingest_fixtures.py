"""Helpers for the ingest tests: the demo ICB's files (made by the demo generator), its
reference data in the test database, an analyst of it, and uploads through the action.

Kept in a test module (no tests of its own) so that the ingest test modules share it
without a conftest that other parts of stage 1 also edit.
"""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
from django.core.files import File

from commissioning.demo import DEMO_ICB_CODE, DEMO_ICB_ODS
from commissioning.demo.generator import build_demo, write_demo, write_people
from commissioning.demo.loader import load_areas, load_organisations, read_reference
from commissioning.models import Area, Organisation, Role
from commissioning.runs import execute
from needs_assessment.ingest.actions import receive_upload
from tests import factories as f

PERIOD_START, PERIOD_END = date(2024, 4, 1), date(2025, 3, 31)
DEMO_PEOPLE = 400
_demo_cache: dict[int, object] = {}


def demo(people: int = DEMO_PEOPLE):
    """The demo ICB (cached per size: the generator is deterministic)."""
    if people not in _demo_cache:
        _demo_cache[people] = build_demo(seed=11, people=people)
    return _demo_cache[people]


def write_demo_files(folder: Path, people: int = DEMO_PEOPLE) -> Path:
    """areas.csv, organisations.csv and people_<period_end>.csv.gz in `folder`."""
    write_demo(demo(people), folder)
    return folder


def people_frame(people: int = DEMO_PEOPLE) -> pd.DataFrame:
    """The first period's people as the generator made them (a copy to spoil)."""
    return demo(people).people[PERIOD_END.isoformat()].copy()


def write_people_csv(frame: pd.DataFrame, path: Path, *, compress: bool = False) -> Path:
    """A people frame as a CSV (or, with compress, the generator's gzip CSV)."""
    if compress:
        write_people(frame, path)
    else:
        frame.to_csv(path, index=False, lineterminator="\n")
    return path


def load_demo_reference(folder: Path) -> Area:
    """The demo ICB's areas and organisations in the test database; returns the ICB."""
    areas = load_areas(read_reference(folder / "areas.csv"))
    load_organisations(read_reference(folder / "organisations.csv"), areas)
    return Area.objects.get(code=DEMO_ICB_CODE)


def demo_user(role: str = Role.ANALYST, username: str = "demo-analyst"):
    """A user of the demo ICB's own organisation."""
    return f.UserFactory(
        username=username, organisation=Organisation.objects.get(ods_code=DEMO_ICB_ODS), role=role
    )


def upload_file(
    path: Path,
    *,
    icb: Area,
    by,
    kind: str = "person_level",
    period: tuple[date, date] | None = (PERIOD_START, PERIOD_END),
    source: str = "Test extract",
):
    """Receive `path` as an upload through the action (the run is queued, not run)."""
    start, end = period if period else (None, None)
    with open(path, "rb") as raw:
        return receive_upload(
            icb=icb,
            kind=kind,
            file=File(raw, name=path.name),
            period_start=start,
            period_end=end,
            source=source,
            by=by,
        )


def run_upload(upload):
    """Do the upload's ingest run here, as a worker would, and return the fresh upload."""
    execute(upload.run_id)
    upload.refresh_from_db()
    upload.run.refresh_from_db()
    return upload


def gzip_file(path: Path) -> Path:
    target = path.with_name(path.name + ".gz")
    with open(path, "rb") as raw, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(raw, packed)
    return target
