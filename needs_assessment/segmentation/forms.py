"""Forms of the segmentation pages: copying a model, and choosing what to run or compare.

Choices come from the access-scoped queries, so a forged id is simply not a valid choice.
"""

from __future__ import annotations

from django import forms

from commissioning.queries import period_label


def model_label(model) -> str:
    owner = "library" if model.icb_id is None else "your ICB"
    state = "published" if model.is_published else "draft"
    return f"{model.name}, version {model.version} ({owner}, {state})"


def snapshot_label(snapshot) -> str:
    suffix = "" if snapshot.status == "current" else f" ({snapshot.get_status_display().lower()})"
    return f"{period_label(snapshot)}: {snapshot.row_count:,} people{suffix}"


class CopyForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Name of the copy",
        help_text="For example, North ICB segmentation. Your ICB's models need different names.",
        error_messages={"required": "Enter a name for the copy"},
    )
    description = forms.CharField(
        required=False,
        max_length=2000,
        label="Description (optional)",
        help_text="What the copy is for, or how it differs from the original.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SnapshotChoiceForm(forms.Form):
    """Which of the ICB's loaded snapshots to run on (the newest current one by default)."""

    snapshot = forms.TypedChoiceField(
        coerce=int,
        label="Population data",
        error_messages={"invalid_choice": "Choose population data your ICB has loaded"},
    )

    def __init__(self, *args, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].choices = [(s.pk, snapshot_label(s)) for s in snapshots]
        if snapshots and not self.is_bound:
            self.initial.setdefault("snapshot", snapshots[0].pk)
        self.snapshots = {s.pk: s for s in snapshots}

    def chosen_snapshot(self):
        return self.snapshots[self.cleaned_data["snapshot"]]


class CompareForm(SnapshotChoiceForm):
    model_a = forms.TypedChoiceField(
        coerce=int,
        label="From: first model or version",
        help_text="Shown on the left of the flow chart and as the rows of the table.",
        error_messages={"required": "Choose the first model", "invalid_choice": "Choose a model"},
    )
    model_b = forms.TypedChoiceField(
        coerce=int,
        label="To: second model or version",
        help_text="Shown on the right of the flow chart and as the columns of the table.",
        error_messages={"required": "Choose the second model", "invalid_choice": "Choose a model"},
    )
    field_order = ["model_a", "model_b", "snapshot"]

    def __init__(self, *args, models, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a model")] + [(m.pk, model_label(m)) for m in models]
        self.fields["model_a"].choices = choices
        self.fields["model_b"].choices = choices
        self.models = {m.pk: m for m in models}

    def clean(self):
        data = super().clean()
        if data.get("model_a") and data.get("model_a") == data.get("model_b"):
            self.add_error("model_b", "Choose a different model or version from the first")
        return data
