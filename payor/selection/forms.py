"""Forms for the selection pages (labels and hints a commissioner understands)."""

from django import forms

from payor.models import PsrCriterionKind, PsrRoute, RepresentationStatus, VoteChoice

TEXT = {"class": "nhsuk-input"}
AREA = {"class": "nhsuk-textarea", "rows": 3}
SELECT = {"class": "nhsuk-select"}
DATE = {"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
WHEN = {"class": "nhsuk-input nhsuk-input--width-20", "type": "datetime-local"}


class PsrDecisionForm(forms.Form):
    reference = forms.CharField(max_length=40, widget=forms.TextInput(TEXT))
    title = forms.CharField(max_length=200, widget=forms.TextInput(TEXT))
    service = forms.CharField(max_length=200, widget=forms.TextInput(TEXT))
    route = forms.ChoiceField(choices=PsrRoute.choices, widget=forms.Select(attrs=SELECT))
    provider = forms.ModelChoiceField(queryset=None, widget=forms.Select(attrs=SELECT))
    estimated_value = forms.DecimalField(
        label="Estimated lifetime value (£)", required=False, min_value=0, decimal_places=2,
        widget=forms.NumberInput({"class": "nhsuk-input nhsuk-input--width-10", "step": "0.01"}),
    )  # fmt: skip
    decision_maker = forms.CharField(
        max_length=200, help_text="The committee, or the job titles of those who decided.",
        widget=forms.TextInput(TEXT),
    )  # fmt: skip
    decided_on = forms.DateField(widget=forms.DateInput(DATE))
    conflicts_declared = forms.CharField(required=False, widget=forms.Textarea(AREA))
    conflicts_managed = forms.CharField(
        label="How conflicts were managed", required=False, widget=forms.Textarea(AREA)
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        for code, label in PsrCriterionKind.choices:
            self.fields[f"{code}_assessment"] = forms.CharField(
                label=f"{label}: assessment", max_length=200, widget=forms.TextInput(TEXT)
            )
            self.fields[f"{code}_rationale"] = forms.CharField(
                label=f"{label}: rationale", widget=forms.Textarea(AREA)
            )

    def criteria(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            code: (data.pop(f"{code}_assessment"), data.pop(f"{code}_rationale"))
            for code in PsrCriterionKind.values
        }


class WhenForm(forms.Form):
    at = forms.DateTimeField(
        label="Date and time (UK time)", required=False,
        help_text="Leave blank for now.", widget=forms.DateTimeInput(WHEN),
    )  # fmt: skip


class RepresentationForm(forms.Form):
    made_by = forms.CharField(label="Made by", max_length=200, widget=forms.TextInput(TEXT))
    received_at = forms.DateTimeField(label="Received (UK time)", widget=forms.DateTimeInput(WHEN))
    summary = forms.CharField(widget=forms.Textarea(AREA))


class ResolveForm(forms.Form):
    representation = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in RepresentationStatus.choices if c[0] != RepresentationStatus.OPEN],
        widget=forms.Select(attrs=SELECT),
    )
    outcome = forms.CharField(label="Reasons", widget=forms.Textarea(AREA))


class CommitteeForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(TEXT))
    purpose = forms.CharField(required=False, widget=forms.Textarea(AREA))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="Your vote", choices=VoteChoice.choices, widget=forms.Select(attrs=SELECT)
    )
    recommendation = forms.CharField(
        label="Recommendation (optional)", required=False, widget=forms.Textarea(AREA)
    )


class DeclareForm(forms.Form):
    interest = forms.CharField(label="Interest declared", widget=forms.Textarea(AREA))
    how_managed = forms.CharField(label="How it is managed", required=False,
                                  widget=forms.Textarea(AREA))  # fmt: skip


class DecisionForm(forms.Form):
    decision = forms.CharField(label="The committee's decision", widget=forms.Textarea(AREA))
