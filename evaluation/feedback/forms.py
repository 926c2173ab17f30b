"""Forms of the feedback pages. They only check shape; the actions check the rules."""

from __future__ import annotations

from django import forms

from commissioning import access
from commissioning.models import Area, Organisation
from evaluation.models import AgeBand, Audience, RespondentKind
from strategy.models import Intervention, Outcome

LIKERT_CHOICES = [
    ("", "Not answered"),
    ("5", "Strongly agree"),
    ("4", "Agree"),
    ("3", "Neither agree nor disagree"),
    ("2", "Disagree"),
    ("1", "Strongly disagree"),
]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=200)
    audience = forms.ChoiceField(choices=Audience.choices, label="Who is it for?")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description (optional)"
    )
    likert = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Likert statements",
        help_text="One statement a line, answered from Strongly disagree to Strongly agree.",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Free-text questions",
        help_text="One question a line, answered in the respondent's own words.",
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Organisation asked to collect responses (optional)",
        empty_label="None: the ICB collects",
    )
    interventions = forms.ModelMultipleChoiceField(
        queryset=Intervention.objects.none(), required=False, label="Linked interventions"
    )
    outcomes = forms.ModelMultipleChoiceField(
        queryset=Outcome.objects.none(), required=False, label="Linked outcomes"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        icb_id = user.icb.pk
        self.fields["provider"].queryset = access.visible_to(user, Organisation).exclude(kind="icb")
        self.fields["interventions"].queryset = Intervention.objects.filter(
            priority__strategy__icb_id=icb_id
        )
        self.fields["outcomes"].queryset = Outcome.objects.filter(priority__strategy__icb_id=icb_id)


class ResponseForm(forms.Form):
    respondent_kind = forms.ChoiceField(choices=RespondentKind.choices, label="Who is responding?")
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Place (optional)",
        empty_label="Not said",
    )
    age_band = forms.ChoiceField(
        choices=[("", "Not said"), *AgeBand.choices], required=False, label="Age band (optional)"
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            icb_id=survey.icb_id, level="place"
        ).order_by("name")
        for q in survey.questions:
            if q["kind"] == "likert":
                field = forms.ChoiceField(choices=LIKERT_CHOICES, required=False, label=q["text"])
            else:
                field = forms.CharField(
                    required=False,
                    max_length=4000,
                    label=q["text"],
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[q["key"]] = field
        self.question_keys = [q["key"] for q in survey.questions]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One row per response, one column per question (an export from Microsoft "
        "Forms, SmartSurvey or similar).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Save the file as CSV UTF-8 and upload it again.") from exc


class ThemeForm(forms.Form):
    name = forms.CharField(max_length=120, label="Theme name")
    description = forms.CharField(required=False, label="Description (optional)")
