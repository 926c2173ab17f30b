"""Forms of the strategy pages. They only parse what the browser sends; the actions
validate again and write."""

from __future__ import annotations

from django import forms

from commissioning.models import AreaLevel

INPUT = {"class": "nhsuk-input"}
TEXTAREA = {"class": "nhsuk-textarea", "rows": 5}
SELECT = {"class": "nhsuk-select"}
LEVEL_OF_AREA = {
    AreaLevel.FOOTPRINT: "footprint",
    AreaLevel.ICB: "icb",
    AreaLevel.PLACE: "place",
    AreaLevel.NEIGHBOURHOOD: "neighbourhood",
}


def area_label(area) -> str:
    if area.level == AreaLevel.ICB:
        return f"{area.name} (the whole ICB)"
    return f"{area.get_level_display()}: {area.name}"


class StrategyCreateForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    cycle = forms.ModelChoiceField(
        queryset=None, empty_label=None, widget=forms.Select(attrs=SELECT), label="Cycle"
    )
    area = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs=SELECT),
        label="Covers",
        help_text="The ICB as a whole, one of its places or neighbourhoods, or the multi-ICB "
        "footprint.",
    )
    needs_assessment = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None yet",
        widget=forms.Select(attrs=SELECT),
        label="Builds on the needs assessment",
        help_text="An approved Integrated Needs Assessment of your ICB.",
    )
    first_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        label="First year of the plan",
        help_text="The financial year the five years start in: 2026 means 2026/27.",
        widget=forms.NumberInput(attrs=INPUT | {"class": "nhsuk-input nhsuk-input--width-4"}),
    )
    vision = forms.CharField(
        required=False,
        label="Vision",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What the plan is for, in a few sentences.",
    )

    def __init__(self, *args, cycles, areas, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda c: c.label
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = area_label
        self.fields["needs_assessment"].queryset = assessments
        self.fields["needs_assessment"].label_from_instance = lambda a: (
            f"{a.title}, {a.cycle.label} version {a.version}"
        )
        self.fields["title"].error_messages["required"] = "Enter a title."
        self.fields["cycle"].error_messages["required"] = "Choose a commissioning cycle."
        self.fields["first_year"].error_messages["required"] = (
            "Enter the first year of the plan, e.g. 2026."
        )

    def level(self) -> str:
        return LEVEL_OF_AREA.get(self.cleaned_data["area"].level, "")


class StrategyEditForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=INPUT))
    vision = forms.CharField(
        required=False, label="Vision", widget=forms.Textarea(attrs=TEXTAREA | {"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = "Enter a title."


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note (optional)",
        widget=forms.TextInput(attrs=INPUT),
        help_text="Why, in a few words: it is kept with the record.",
    )


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        widget=forms.Select(attrs=SELECT),
        label="Organisation",
        empty_label="Choose a provider or partner",
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].error_messages["required"] = "Choose an organisation."


class CommentForm(forms.Form):
    priority = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
        label="About",
        empty_label="The strategy as a whole",
    )
    text = forms.CharField(
        max_length=5000,
        label="Your comment",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Only your organisation and the ICB see it.",
    )

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = priorities
        self.fields["text"].error_messages["required"] = "Enter your comment."


class ResponseForm(forms.Form):
    response = forms.CharField(
        max_length=5000,
        label="The ICB's response",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="The commenting organisation sees it beside their comment.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].error_messages["required"] = "Enter a response."
