"""The evaluation plan form. It only parses input; the rules live in actions.save_plan,
whose ValidationError messages are put back beside the fields."""

from __future__ import annotations

from django import forms

from commissioning.access import visible_to
from commissioning.models import Area, AreaLevel, Indicator
from evaluation.models import EvaluationMethod, EvaluationSource
from evaluation.plans.actions import CONDITIONS

DATE_HELP = "For example, 01/04/2025"
LEVELS = (AreaLevel.ICB, AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD)


def _css(widget) -> str:
    """The NHS.UK class of a widget."""
    if isinstance(widget, forms.Textarea):
        widget.attrs["rows"] = 3
        return "nhsuk-textarea"
    if isinstance(widget, forms.SelectMultiple):
        widget.attrs["size"] = 6
        return "app-select-multiple"
    if isinstance(widget, forms.Select):
        return "nhsuk-select"
    if isinstance(widget, forms.CheckboxInput):
        return "nhsuk-checkboxes__input"
    if isinstance(widget, forms.DateInput):
        return "nhsuk-input nhsuk-input--width-10"
    return "nhsuk-input"


class PlanForm(forms.Form):
    question = forms.CharField(
        label="Evaluation question",
        widget=forms.Textarea,
        help_text="What do you want to know? For example: did proactive frailty care reduce "
        "emergency admissions among people aged 65 and over in Riverside?",
    )
    inputs = forms.CharField(
        label="Inputs",
        widget=forms.Textarea,
        required=False,
        help_text="Money, staff and other resources put in.",
    )
    activities = forms.CharField(label="Activities", widget=forms.Textarea, required=False)
    outputs = forms.CharField(
        label="Outputs",
        widget=forms.Textarea,
        required=False,
        help_text="What the activities produce, e.g. people reviewed.",
    )
    outcomes = forms.CharField(
        label="Outcomes",
        widget=forms.Textarea,
        required=False,
        help_text="The changes in health or services expected.",
    )
    indicator = forms.ModelChoiceField(
        label="Primary measure",
        queryset=Indicator.objects.none(),
        required=False,
        help_text="Usually the indicator of the outcome the intervention serves.",
    )
    other_measures = forms.CharField(label="Other measures", widget=forms.Textarea, required=False)
    method = forms.ChoiceField(label="Method", choices=EvaluationMethod.choices)
    source = forms.ChoiceField(label="Data", choices=EvaluationSource.choices)
    condition = forms.ChoiceField(
        label="Condition (population snapshots only)",
        required=False,
        choices=[("", "Not needed")] + [(c, c.replace("_", " ").capitalize()) for c in CONDITIONS],
    )
    seasonality = forms.BooleanField(
        label="Allow for seasonal patterns (monthly data, interrupted time series)",
        required=False,
    )
    area = forms.ModelChoiceField(label="Intervention area", queryset=Area.objects.none())
    comparison_areas = forms.ModelMultipleChoiceField(
        label="Comparison areas (difference-in-differences)",
        queryset=Area.objects.none(),
        required=False,
        help_text="Areas without the intervention, to compare against.",
    )
    comparison = forms.CharField(
        label="Comparison: why these areas or cohorts", widget=forms.Textarea, required=False
    )
    intervention_date = forms.DateField(label="Date the intervention started", help_text=DATE_HELP)
    start_date = forms.DateField(label="Evaluation period start", help_text=DATE_HELP)
    end_date = forms.DateField(label="Evaluation period end", help_text=DATE_HELP)
    report_due = forms.DateField(label="Report due", help_text=DATE_HELP)
    owner = forms.CharField(label="Owner", max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = visible_to(user, Area).filter(icb_id=user.icb.pk, level__in=LEVELS)
        areas = areas.order_by("level", "name")
        self.fields["area"].queryset = areas
        self.fields["comparison_areas"].queryset = areas
        self.fields["indicator"].queryset = visible_to(user, Indicator).order_by("name")
        for field in self.fields.values():
            field.widget.attrs["class"] = _css(field.widget)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{self._name(field)}-hint"

    def _name(self, field) -> str:
        return next(name for name, f in self.fields.items() if f is field)

    def add_action_errors(self, error) -> None:
        """Put an action's ValidationError messages beside the fields they name."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class ApproachForm(forms.Form):
    statement = forms.CharField(
        label="The ICB's evaluation approach",
        widget=forms.Textarea(
            attrs={"class": "nhsuk-textarea", "rows": 6, "aria-describedby": "id_statement-hint"}
        ),
        help_text="How the ICB decides what to evaluate, with which methods, and how "
        "results feed the next cycle.",
    )
