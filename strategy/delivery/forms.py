"""Forms of the delivery pages. They only parse what the browser sends (choices limited
to what the user may pick); the actions check everything again and write."""

from __future__ import annotations

from django import forms

from commissioning.models import Indicator
from strategy.delivery import measures
from strategy.delivery.codesign import PARTICIPANT_GROUPS
from strategy.delivery.trajectory import financial_year_label
from strategy.models import EvidenceStrength, OutcomeDomain, TrajectoryProfile
from strategy.models.interventions import PathwayStageKind

INPUT = {"class": "nhsuk-input"}
SHORT = {"class": "nhsuk-input nhsuk-input--width-10"}
TEXTAREA = {"class": "nhsuk-textarea", "rows": 4}
SELECT = {"class": "nhsuk-select"}
PROFILE_HINTS = {
    TrajectoryProfile.LINEAR: "The same step every year.",
    TrajectoryProfile.FRONT_LOADED: "Most of the change early: 36%, 64%, 84%, 96% and 100% "
    "of it by the end of years 1 to 5.",
    TrajectoryProfile.BACK_LOADED: "Most of the change late: 4%, 16%, 36%, 64% and 100% of "
    "it by the end of years 1 to 5.",
    TrajectoryProfile.STEP: "All of the change in one year (give the step year).",
}  # fmt: skip


def area_label(area) -> str:
    return f"{area.name} ({area.get_level_display().lower()})"


def library_indicators():
    """Indicators an outcome can use: those with a figure in the needs profile."""
    codes = [*measures.INDICATOR_MEASURES, *measures.EQUITY_INDICATORS]
    return Indicator.objects.filter(code__in=codes).order_by("name")


def _required(form: forms.Form, messages: dict) -> None:
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message
        form.fields[name].error_messages["invalid"] = message
        form.fields[name].error_messages["invalid_choice"] = message


def year_choices(first_year: int, horizon: int) -> list[tuple[int, str]]:
    """Plan years as "Year 1 (2026/27)" …"""
    return [
        (year, f"Year {year} ({financial_year_label(first_year + year - 1)})")
        for year in range(1, horizon + 1)
    ]


class OutcomeForm(forms.Form):
    priority = forms.ModelChoiceField(
        queryset=None, empty_label="Choose a priority", widget=forms.Select(attrs=SELECT)
    )
    indicator = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose an indicator",
        widget=forms.Select(attrs=SELECT),
        help_text="From the indicator library; the baseline comes from the same figure in "
        "the needs assessment.",
    )
    domain = forms.ChoiceField(choices=OutcomeDomain.choices, widget=forms.Select(attrs=SELECT))
    equity_measure = forms.ChoiceField(
        required=False,
        label="For an equity outcome, what it targets",
        choices=[("", "Not an equity outcome"), *measures.EQUITY_MEASURES.items()],
        widget=forms.Select(attrs=SELECT),
    )
    area = forms.ModelChoiceField(
        queryset=None, widget=forms.Select(attrs=SELECT), label="Area it is measured for"
    )
    target_value = forms.FloatField(
        label="Year-5 target",
        widget=forms.TextInput(attrs=SHORT | {"inputmode": "decimal"}),
        help_text="In the indicator's unit, for example 1,450 per 100,000 or 7.2%.",
    )
    profile = forms.ChoiceField(
        label="Time profile",
        choices=TrajectoryProfile.choices,
        widget=forms.RadioSelect,
        help_text="How the change is spread over the five years.",
    )
    step_year = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Step year (step profile only)",
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    owner = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))

    def __init__(self, *args, priorities, areas, strategy, edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["indicator"].queryset = library_indicators()
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = area_label
        self.fields["step_year"].choices = [("", "No step")] + year_choices(
            strategy.first_year, strategy.horizon_years
        )
        if edit:
            for name in ("priority", "indicator", "domain", "equity_measure", "area"):
                del self.fields[name]
        _required(
            self,
            {
                name: message
                for name, message in {
                    "priority": "Choose a priority.",
                    "indicator": "Choose an indicator.",
                    "area": "Choose an area.",
                    "target_value": "Enter the year-5 target as a number, for example 1450.",
                    "owner": "Say who owns this outcome.",
                }.items()
                if name in self.fields
            },
        )

    def profile_options(self) -> list[dict]:
        """The time profiles as radio options, each with its hint."""
        chosen = str(self["profile"].value() or "")
        return [
            {
                "value": value,
                "label": label,
                "hint": PROFILE_HINTS[value],
                "id": f"id_profile_{n}",
                "checked": chosen == value,
            }  # fmt: skip
            for n, (value, label) in enumerate(TrajectoryProfile.choices)
        ]


class BaselineForm(forms.Form):
    aggregate = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label="Figure to freeze as the baseline",
        empty_label=None,
    )

    def __init__(self, *args, candidates, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aggregate"].queryset = candidates
        whole = candidates.filter(breakdown="").first()
        if whole is not None:
            self.initial.setdefault("aggregate", whole.pk)
        self.fields["aggregate"].label_from_instance = label
        _required(self, {"aggregate": "Choose the figure to freeze as the baseline."})


class InterventionForm(forms.Form):
    priority = forms.ModelChoiceField(
        queryset=None, empty_label="Choose a priority", widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs=TEXTAREA), label="What it is (optional)"
    )
    outcome = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Not linked to an outcome",
        widget=forms.Select(attrs=SELECT),
        label="Outcome it moves",
        help_text="One of the priority's outcomes.",
    )
    segment = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any segment",
        widget=forms.Select(attrs=SELECT), label="Cohort: population segment (optional)",
    )  # fmt: skip
    area = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The whole area of the outcome",
        widget=forms.Select(attrs=SELECT), label="Cohort: area (optional)",
    )  # fmt: skip
    cohort_size = forms.IntegerField(
        required=False,
        min_value=1,
        label="People reached (optional)",
        widget=forms.TextInput(attrs=SHORT | {"inputmode": "numeric"}),
        help_text="Leave blank to take the number of people in the segment and area from the "
        "needs assessment.",
    )
    evidence_source = forms.CharField(
        required=False, max_length=300, widget=forms.TextInput(attrs=INPUT),
        label="Evidence source",
        help_text="For example a NICE guideline or a published evaluation.",
    )  # fmt: skip
    evidence_strength = forms.ChoiceField(
        choices=EvidenceStrength.choices, widget=forms.Select(attrs=SELECT)
    )
    expected_effect = forms.FloatField(
        min_value=-100,
        max_value=100,
        label="Expected effect among the people reached (%)",
        widget=forms.TextInput(attrs=SHORT | {"inputmode": "decimal"}),
        help_text="A relative change: -15 means 15% fewer emergency admissions among them.",
    )
    cost_per_year = forms.DecimalField(
        min_value=0, decimal_places=2, max_digits=14, label="Cost per year (£)",
        widget=forms.TextInput(attrs=SHORT | {"inputmode": "decimal"}),
    )  # fmt: skip
    start_year = forms.TypedChoiceField(coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, priorities, outcomes, segments, areas, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["outcome"].queryset = outcomes
        self.fields["outcome"].label_from_instance = lambda o: f"{o.priority}: {o.indicator.name}"
        self.fields["segment"].queryset = segments
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = area_label
        self.fields["start_year"].choices = year_choices(
            strategy.first_year, strategy.horizon_years
        )
        _required(
            self,
            {
                "priority": "Choose a priority.",
                "name": "Enter a name.",
                "expected_effect": "Give the expected effect as a percentage from -100 to 100.",
                "cost_per_year": "Give the cost per year in pounds, 0 or more.",
                "start_year": "Choose the plan year it starts in.",
            },
        )

    def values(self) -> dict:
        """The cleaned data as the actions take it (the effect as a fraction)."""
        data = dict(self.cleaned_data)
        data.pop("priority")
        data["expected_effect"] = data["expected_effect"] / 100
        return data


class PathwayForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    priority = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No priority", widget=forms.Select(attrs=SELECT)
    )
    segment = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No segment",
        widget=forms.Select(attrs=SELECT), label="Cohort: population segment",
    )  # fmt: skip
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs=TEXTAREA), label="Description (optional)"
    )

    def __init__(self, *args, priorities, segments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["segment"].queryset = segments
        _required(self, {"name": "Enter a name."})


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=PathwayStageKind.choices, widget=forms.Select(attrs=SELECT))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs=TEXTAREA), label="What happens at this stage"
    )
    providers = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Providers at this stage",
    )  # fmt: skip

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = providers
        _required(self, {"stage": "Choose a stage."})


class EngagementForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    date = forms.DateField(
        widget=forms.DateInput(attrs=SHORT | {"type": "date"}),
        help_text="When it took place.",
    )
    method = forms.CharField(
        max_length=60, widget=forms.TextInput(attrs=INPUT),
        help_text="Workshop, survey, focus group, citizens' panel…",
    )  # fmt: skip
    participant_groups = forms.MultipleChoiceField(
        choices=PARTICIPANT_GROUPS, widget=forms.CheckboxSelectMultiple, label="Who took part"
    )
    participants = forms.IntegerField(
        min_value=0, required=False, label="Number of people (optional)",
        widget=forms.TextInput(attrs=SHORT | {"inputmode": "numeric"}),
    )  # fmt: skip
    what_they_said = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA), label="What they said")
    what_changed = forms.CharField(
        required=False, widget=forms.Textarea(attrs=TEXTAREA), label="What changed as a result"
    )
    priorities = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Priorities it informed",
    )  # fmt: skip

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = priorities
        _required(
            self,
            {
                "title": "Enter a title.",
                "date": "Enter the date it took place, for example 2026-03-14.",
                "method": "Say how people were engaged.",
                "participant_groups": "Say who took part.",
                "what_they_said": "Say what people said.",
            },
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["priorities"] = list(data["priorities"])
        data["participants"] = data["participants"] or 0
        return data
