"""Qualitative insight records: writes (keyword-only, by=user, atomic, audited) and the
search behind the list page and the API.

Themes are typed as a comma-separated list and stored as an array, trimmed, with
repeats (ignoring case) dropped. Records are the ICB staff's (see needs_assessment.access).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.utils import timezone

from commissioning import access
from commissioning.models import Area, AreaLevel, AuditEvent, Segment
from needs_assessment.models import InsightRecord, InsightSource

MAX_THEMES = 20
MAX_THEME_LENGTH = 60
LINKABLE_LEVELS = (AreaLevel.ICB, AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD)


def parse_themes(text: str | list | None) -> list[str]:
    """ "Access, waiting times, access" gives ["Access", "waiting times"]. A list is
    cleaned the same way. Raises ValidationError for a theme that is too long."""
    parts = text if isinstance(text, list) else (text or "").split(",")
    themes: list[str] = []
    seen: set[str] = set()
    for part in parts:
        theme = " ".join(str(part).split())
        if not theme or theme.lower() in seen:
            continue
        if len(theme) > MAX_THEME_LENGTH:
            raise ValidationError(
                {
                    "themes": f"The theme “{theme[:30]}…” is {len(theme)} characters; "
                    f"{MAX_THEME_LENGTH} at most."
                }
            )
        seen.add(theme.lower())
        themes.append(theme)
    if len(themes) > MAX_THEMES:
        raise ValidationError({"themes": f"At most {MAX_THEMES} themes ({len(themes)} given)."})
    return themes


def can_write_insight(user) -> bool:
    return access.is_icb_staff(user)


def linkable_segments(user) -> QuerySet:
    """Segments an insight record can be linked to: those of the models the user sees."""
    return (
        access.visible_to(user, Segment)
        .select_related("model")
        .order_by("model__name", "-model__version", "priority")
    )


def linkable_areas(user, icb: Area) -> QuerySet:
    """The ICB itself, then each place followed by its neighbourhoods (not LSOAs: too
    small to name)."""
    place = Case(
        When(level=AreaLevel.PLACE, then=F("name")),
        When(level=AreaLevel.NEIGHBOURHOOD, then=F("parent__name")),
        default=Value(""),
    )
    rank = Case(When(level=AreaLevel.ICB, then=0), When(level=AreaLevel.PLACE, then=1), default=2)
    return (
        access.visible_to(user, Area)
        .filter(icb=icb, level__in=LINKABLE_LEVELS)
        .select_related("parent")
        .annotate(place_name=place, level_rank=rank)
        .order_by("place_name", "level_rank", "name")
    )


def _clean(user, icb: Area, data: dict) -> dict:
    errors = {}
    if data.get("source") not in InsightSource.values:
        errors["source"] = "Choose where this insight came from."
    day = data.get("date")
    if not isinstance(day, date):
        errors["date"] = "Enter the date, for example 14 3 2026."
    elif day > timezone.localdate():
        errors["date"] = "The date must be today or in the past."
    for field, message in (("group", "Say who this is from."), ("summary", "Enter a summary.")):
        if not (data.get(field) or "").strip():
            errors[field] = message
    if len((data.get("group") or "").strip()) > 200:
        errors["group"] = "Who this is from must be 200 characters or fewer."
    try:
        themes = parse_themes(data.get("themes"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
        themes = []
    segment_ids = {getattr(s, "pk", s) for s in data.get("segments") or []}
    segments = list(linkable_segments(user).filter(pk__in=segment_ids))
    if len(segments) != len(segment_ids):
        errors["segments"] = "One of the segments is not one you can link to."
    area_ids = {getattr(a, "pk", a) for a in data.get("areas") or []}
    areas = list(linkable_areas(user, icb).filter(pk__in=area_ids))
    if len(areas) != len(area_ids):
        errors["areas"] = "One of the areas is not a place or neighbourhood of your ICB."
    if errors:
        raise ValidationError(errors)
    return {
        "source": data["source"],
        "date": day,
        "group": data["group"].strip(),
        "themes": themes,
        "summary": data["summary"].strip(),
        "quote": (data.get("quote") or "").strip(),
        "segments": segments,
        "areas": areas,
    }


def _audit(by, verb: str, record: InsightRecord) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"insight.{verb}",
        object_type="insight_record",
        object_id=str(record.pk),
        data={"source": record.source, "themes": record.themes},
    )


@transaction.atomic
def create_insight(*, by, **data) -> InsightRecord:
    """A new insight record for the user's ICB. `data`: source, date, group, themes (text
    or list), summary, quote, segments and areas (objects or ids). Raises ValidationError
    with a message for each field that is wrong; nothing is saved then."""
    if not can_write_insight(by):
        raise PermissionDenied("Only ICB staff can add insight records.")
    icb = by.icb
    clean = _clean(by, icb, data)
    segments, areas = clean.pop("segments"), clean.pop("areas")
    record = InsightRecord.objects.create(icb=icb, created_by=by, updated_by=by, **clean)
    record.segments.set(segments)
    record.areas.set(areas)
    _audit(by, "create", record)
    return record


@transaction.atomic
def update_insight(*, record: InsightRecord, by, **data) -> InsightRecord:
    """Replace an insight record's fields (as `create_insight` takes them)."""
    if not can_write_insight(by):
        raise PermissionDenied("Only ICB staff can change insight records.")
    record = access.get_visible_or_404(by, InsightRecord.objects.select_for_update(), pk=record.pk)
    clean = _clean(by, record.icb, data)
    segments, areas = clean.pop("segments"), clean.pop("areas")
    for field, value in clean.items():
        setattr(record, field, value)
    record.updated_by = by
    record.save()
    record.segments.set(segments)
    record.areas.set(areas)
    _audit(by, "update", record)
    return record


def search_insight(
    user,
    *,
    text: str = "",
    source: str = "",
    theme: str = "",
    segment: int | None = None,
    area: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Insight records the user may see that match every filter given. `text` matches
    the summary, quote, group or any theme (ignoring case); `theme` is one theme
    (ignoring case); `area` matches records linked to that area or to an area inside it."""
    joined = Func(F("themes"), Value(" | "), function="array_to_string", output_field=TextField())
    records = access.visible_to(user, InsightRecord).annotate(theme_text=joined)
    if text := text.strip():
        records = records.filter(
            Q(summary__icontains=text)
            | Q(quote__icontains=text)
            | Q(group__icontains=text)
            | Q(theme_text__icontains=text)
        )
    if source:
        records = records.filter(source=source)
    if theme := theme.strip():
        records = records.filter(theme_text__iregex=rf"(^| \| ){_regex_escape(theme)}($| \| )")
    if segment:
        records = records.filter(segments__id=segment)
    if area:
        records = records.filter(
            Q(areas__id=area) | Q(areas__parent_id=area) | Q(areas__parent__parent_id=area)
        )
    if date_from:
        records = records.filter(date__gte=date_from)
    if date_to:
        records = records.filter(date__lte=date_to)
    return records.distinct().order_by("-date", "-created_at", "-pk")


def _regex_escape(text: str) -> str:
    """Escape for a PostgreSQL regular expression (ARE)."""
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\-" else ch for ch in text)


def all_themes(user) -> list[str]:
    """Every theme used in the user's ICB's insight records, for the filter."""
    themes: dict[str, str] = {}
    for row in access.visible_to(user, InsightRecord).values_list("themes", flat=True):
        for theme in row:
            themes.setdefault(theme.lower(), theme)
    return sorted(themes.values(), key=str.lower)
