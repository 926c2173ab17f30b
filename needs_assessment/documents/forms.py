"""Forms of the INA and insight pages. They only parse what the browser sends; the
actions validate again and write."""

from __future__ import annotations

from django import forms

from commissioning.models import Area
from needs_assessment.documents.figures import breakdown_label, category_label, measure_label
from needs_assessment.documents.profile_data import ProfileData
from needs_assessment.models import INASection, InsightSource

INPUT = {"class": "nhsuk-input"}
TEXTAREA = {"class": "nhsuk-textarea", "rows": 6}
SELECT = {"class": "nhsuk-select"}


class AssessmentCreateForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=None, empty_label=None, widget=forms.Select(attrs=SELECT), label="Cycle"
    )
    profile = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
        label="Needs profile",
        help_text="The figures the assessment is built on.",
    )
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))

    def __init__(self, *args, cycles, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda c: c.label
        self.fields["profile"].queryset = profiles
        self.fields["profile"].label_from_instance = profile_label
        self.fields["cycle"].error_messages["required"] = "Choose a commissioning cycle."
        self.fields["profile"].error_messages["required"] = "Choose a needs profile."
        self.fields["title"].error_messages["required"] = "Enter a title."


def profile_label(profile) -> str:
    snapshot = profile.snapshot
    return (
        f"{snapshot.period_start:%b %Y} to {snapshot.period_end:%b %Y}, "
        f"{profile.segmentation_model} ({profile.get_status_display().lower()}, "
        f"made {profile.created_at:%-d %b %Y})"
    )


class SectionForm(forms.Form):
    commentary = forms.CharField(
        required=False,
        label="Key findings",
        widget=forms.Textarea(attrs=TEXTAREA | {"rows": 8}),
        help_text="What this section shows, in plain words. Leave a blank line between paragraphs.",
    )


class SummaryForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    summary = forms.CharField(
        required=False,
        label="Summary",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="The opening paragraphs a board member reads first.",
    )


def evidence_options(data: ProfileData, section: str) -> list[tuple[str, str]]:
    """Profile figures a finding of `section` can cite, as (measure|breakdown|category,
    label) at the ICB level; the form's area says which area."""
    prefixes = {
        INASection.POPULATION: [("people", "")],
        INASection.SEGMENTS: [("segment_people", "segment"), ("cost_per_head", "segment")],
        INASection.RISK: [("tier_people", "tier")],
        INASection.PREVALENCE: [("prevalence:", "")],
        INASection.ACTIVITY: [("dsr:", ""), ("cost_per_head", "")],
        INASection.INEQUALITIES: [("sii:", ""), ("rii:", ""), ("core20_gap:", "")],
        INASection.UNDERSERVED: [("isr:", ""), ("isr:", "imd_decile"), ("isr:", "ethnicity")],
    }.get(section, [])
    options = []
    for prefix, breakdown in prefixes:
        for measure in data.measures(prefix, breakdown=breakdown):
            name = measure_label(measure)
            if measure.startswith("isr:"):
                name = f"{name} against need"
            if not breakdown:
                options.append((f"{measure}||", name))
                continue
            for row in data.categories(data.icb.id, measure, breakdown):
                label = category_label(breakdown, row["category"], data.segments)
                value = f"{measure}|{breakdown}|{row['category']}"
                options.append((value, f"{name}, {breakdown_label(breakdown)}: {label}"))
    return options


class FindingForm(forms.Form):
    title = forms.CharField(max_length=200, label="Finding", widget=forms.TextInput(attrs=INPUT))
    summary = forms.CharField(
        label="What was found", widget=forms.Textarea(attrs=TEXTAREA | {"rows": 4})
    )
    area = forms.ChoiceField(label="Area the evidence is about", widget=forms.Select(attrs=SELECT))
    evidence = forms.MultipleChoiceField(
        required=False, label="Evidence from the needs profile", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, options, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = options
        self.fields["area"].choices = [(a.id, a.name) for a in areas]
        self.fields["title"].error_messages["required"] = "Enter the finding in a few words."
        self.fields["summary"].error_messages["required"] = "Say what was found."

    def evidence_list(self) -> list[dict]:
        area = int(self.cleaned_data["area"])
        entries = []
        for value in self.cleaned_data["evidence"]:
            measure, breakdown, category = (value.split("|") + ["", ""])[:3]
            entries.append(
                {"area": area, "measure": measure, "breakdown": breakdown, "category": category}
            )
        return entries


class InsightForm(forms.Form):
    source = forms.ChoiceField(
        choices=[("", "Choose a source"), *InsightSource.choices],
        widget=forms.Select(attrs=SELECT),
    )
    date = forms.DateField(
        widget=forms.DateInput(attrs=INPUT | {"type": "date"}, format="%Y-%m-%d"),
        help_text="When the insight was gathered.",
    )
    group = forms.CharField(
        max_length=200,
        label="Who this is from",
        widget=forms.TextInput(attrs=INPUT),
        help_text="For example, carers of people with dementia in Riverside.",
    )
    themes = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs=INPUT),
        help_text="Separate themes with commas, for example: access, waiting times, transport.",
    )
    summary = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA | {"rows": 5}))
    quote = forms.CharField(
        required=False,
        label="Quote (optional)",
        widget=forms.Textarea(attrs=TEXTAREA | {"rows": 3}),
        help_text="In the person's own words, with nothing that could identify them.",
    )
    segments = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, segments, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = segments
        self.fields["segments"].label_from_instance = lambda s: f"{s.name} ({s.model})"
        self.fields["areas"].queryset = areas
        self.fields["areas"].label_from_instance = area_label
        self.fields["source"].error_messages["required"] = "Choose where this insight came from."
        self.fields["date"].error_messages["required"] = "Enter the date."
        self.fields["date"].error_messages["invalid"] = "Enter a real date, like 2026-03-14."
        self.fields["group"].error_messages["required"] = "Say who this is from."
        self.fields["summary"].error_messages["required"] = "Enter a summary."


def area_label(area: Area) -> str:
    if area.level == "neighbourhood" and area.parent_id:
        return f"{area.name} (neighbourhood in {area.parent.name})"
    return f"{area.name} ({area.get_level_display().lower()})"


class InsightSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search text",
        widget=forms.TextInput(attrs=INPUT | {"type": "search"}),
    )
    source = forms.ChoiceField(required=False, widget=forms.Select(attrs=SELECT))
    theme = forms.ChoiceField(required=False, widget=forms.Select(attrs=SELECT))
    segment = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    area = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, widget=forms.Select(attrs=SELECT)
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs=INPUT | {"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs=INPUT | {"type": "date"})
    )

    def __init__(self, *args, themes, segments, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Any source"), *InsightSource.choices]
        self.fields["theme"].choices = [("", "Any theme"), *[(t, t) for t in themes]]
        self.fields["segment"].choices = [("", "Any segment")] + [
            (s.pk, f"{s.name} ({s.model})") for s in segments
        ]
        self.fields["area"].choices = [("", "Any area")] + [(a.pk, area_label(a)) for a in areas]
        self.fields["date_from"].error_messages["invalid"] = "Enter a real date for From."
        self.fields["date_to"].error_messages["invalid"] = "Enter a real date for To."

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("q") or "",
            "source": data.get("source") or "",
            "theme": data.get("theme") or "",
            "segment": data.get("segment"),
            "area": data.get("area"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
