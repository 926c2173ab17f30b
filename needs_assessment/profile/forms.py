"""The form that asks for a new needs profile: which snapshot, which segmentation model."""

from __future__ import annotations

from django import forms

from needs_assessment.profile import queries


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            f"{obj.period_start:%B %Y} to {obj.period_end:%B %Y}: {obj.row_count:,} people "
            f"({obj.get_status_display().lower()})"
        )


class ModelChoiceWithVersion(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        owner = "shared library" if obj.icb_id is None else "your ICB"
        return f"{obj.name}, version {obj.version} ({owner})"


class NewProfileForm(forms.Form):
    """Choose a loaded snapshot of the user's ICB and a segmentation model they can see.
    Only objects in the user's scope are offered or accepted."""

    snapshot = SnapshotChoiceField(
        queryset=None,
        label="Population data",
        help_text="The 12 months of person-level data to profile.",
        error_messages={
            "required": "Choose the population data to profile",
            "invalid_choice": "Choose population data from the list",
        },
    )
    segmentation_model = ModelChoiceWithVersion(
        queryset=None,
        label="Segmentation model",
        help_text="How people are put into population segments.",
        error_messages={
            "required": "Choose a segmentation model",
            "invalid_choice": "Choose a segmentation model from the list",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = queries.snapshots_to_profile(user)
        self.fields["segmentation_model"].queryset = queries.segmentation_models_for(user)
