"""The upload form of the browser. The API takes the same fields (api/uploads.py); both end
in `actions.receive_upload`, which checks them again."""

from __future__ import annotations

from django import forms

from needs_assessment.models import UploadKind

INPUT = {"class": "nhsuk-input"}
KIND_HINTS = {
    UploadKind.PERSON_LEVEL: (
        "One row per person for one 12-month period: pseudonymised id, age, sex, ethnicity, "
        "LSOA, practice, condition flags, activity and cost. Becomes the ICB's population "
        "data for the period, and the needs profile is computed from it."
    ),
    UploadKind.AREAS: (
        "Places, neighbourhoods and LSOAs of the ICB, with each LSOA's IMD decile and "
        "population. Adds new areas and updates existing ones."
    ),
    UploadKind.ORGANISATIONS: (
        "Trusts, practices, primary care networks, councils and other organisations of the "
        "ICB, by ODS code. Adds new ones and updates existing ones."
    ),
    UploadKind.INDICATORS: (
        "Values of indicators in the library for the ICB's areas or providers, with "
        "intervals, numerators and denominators. Replaces stored values with the same key."
    ),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=UploadKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of file this is."},
    )
    period_start = forms.DateField(
        label="First day of the period",
        required=False,
        help_text="For example 1 April 2024. Needed for person-level data.",
        widget=forms.DateInput(attrs=INPUT | {"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label="Last day of the period",
        required=False,
        help_text="For example 31 March 2025. Every row's period_end must be this date.",
        widget=forms.DateInput(attrs=INPUT | {"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.CharField(
        label="Where the data came from",
        required=False,
        max_length=200,
        help_text="For example “Linked dataset extract, NECS, May 2025”.",
        widget=forms.TextInput(attrs=INPUT),
    )
    file = forms.FileField(
        label="The file",
        help_text="CSV (UTF-8), gzip-compressed CSV (.csv.gz) or Parquet, up to 2 GB.",
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty.",
        },
    )

    def kind_options(self) -> list[dict]:
        """The kind radios with their hints, for the template."""
        chosen = self["kind"].value()
        return [
            {"value": value, "label": label, "hint": KIND_HINTS[value], "checked": value == chosen}
            for value, label in UploadKind.choices
        ]
