"""Forms of the prioritisation pages. They only collect input: the checks that matter are
in the actions, whose ValidationErrors the views put back on these forms."""

from __future__ import annotations

from django import forms

from commissioning import access
from commissioning.models import Organisation, User
from strategy.models import Strategy
from strategy.models.prioritisation import PanelMemberKind
from strategy.prioritisation import analysis, queries

TEXT = {"class": "nhsuk-input"}
TEXTAREA = {"class": "nhsuk-textarea", "rows": 4}
SELECT = {"class": "nhsuk-select"}
WEIGHT_CLASS = "nhsuk-input nhsuk-input--width-5"
NUMBER = {"class": "nhsuk-input nhsuk-input--width-10", "inputmode": "numeric"}


def finding_label(finding) -> str:
    link = getattr(finding, "ina_link", None)
    where = f"{link.get_section_display()}, " if link else ""
    return f"{finding.title} ({where}{finding.cycle.label})"


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


class PriorityForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What the priority sets out to change, and why.",
    )
    findings = FindingChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Needs assessment findings it rests on",
        help_text="Approved findings of the Integrated Needs Assessment. Choose at least one.",
        error_messages={"required": "Choose at least one finding the priority rests on."},
    )
    segment = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No particular segment",
        widget=forms.Select(attrs=SELECT),
        label="Population segment",
    )
    area = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No particular area",
        widget=forms.Select(attrs=SELECT),
    )
    group = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        label="Population group (optional)",
        help_text="For example Core20 (the 20% most deprived neighbourhoods), or people "
        "with a learning disability.",
    )

    def __init__(self, *args, strategy: Strategy, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = queries.approved_findings(user, strategy)
        self.fields["segment"].queryset = queries.cohort_segments(user, strategy)
        self.fields["area"].queryset = queries.cohort_areas(strategy)
        self.fields["area"].label_from_instance = lambda a: f"{a.name} ({a.get_level_display()})"


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    code = forms.CharField(
        max_length=40,
        widget=forms.TextInput(attrs=TEXT | {"spellcheck": "false"}),
        help_text="A short name for the API and exports: letters, digits and hyphens.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA | {"rows": 3}),
        help_text="What the criterion asks, and what a score of 5 means.",
    )
    weight = forms.DecimalField(
        min_value=0,
        max_digits=6,
        decimal_places=3,
        widget=forms.TextInput(
            attrs=TEXT | {"inputmode": "decimal", "class": "nhsuk-input nhsuk-input--width-5"}
        ),
    )


def weight_field_name(code: str) -> str:
    return f"weight-{code}"


class WeightsForm(forms.Form):
    """One weight per criterion (field `weight-<code>`)."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[weight_field_name(criterion.code)] = forms.CharField(
                label=criterion.name,
                initial=criterion.weight.normalize(),
                widget=forms.TextInput(attrs={"class": WEIGHT_CLASS, "inputmode": "decimal"}),
            )

    def weights(self) -> dict[str, str]:
        return {c.code: self.cleaned_data[weight_field_name(c.code)] for c in self.criteria}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name}, {obj.organisation} ({obj.get_role_display()})"


class PanelMemberForm(forms.Form):
    name = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
        help_text="As it should appear on the panel. Left blank, the account's name is used.",
    )
    kind = forms.ChoiceField(
        choices=PanelMemberKind.choices,
        widget=forms.Select(attrs=SELECT),
        label="Represents",
    )
    user = UserChoiceField(
        queryset=None,
        required=False,
        empty_label="No account: the ICB records their scores",
        widget=forms.Select(attrs=SELECT),
        label="Account",
        help_text="A member with an account scores for themselves; a provider or partner "
        "can score once the strategy is shared with their organisation.",
    )
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None, or the account's organisation",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = access.visible_to(user, Organisation).order_by("name")
        self.fields["organisation"].queryset = organisations
        self.fields["user"].queryset = (
            User.objects.filter(organisation__in=organisations, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "username")
        )


class RankingSettingsForm(forms.Form):
    """The sensitivity analysis's settings (GET parameters of the ranking page)."""

    top = forms.IntegerField(
        min_value=1, max_value=20, initial=analysis.DEFAULT_TOP_N, label="Top N"
    )
    variation = forms.IntegerField(
        min_value=0,
        max_value=90,
        initial=int(analysis.DEFAULT_VARIATION * 100),
        label="Weights vary by ± (%)",
    )
    draws = forms.IntegerField(
        min_value=100,
        max_value=analysis.MAX_DRAWS,
        initial=analysis.DEFAULT_DRAWS,
        label="Random draws",
    )
    seed = forms.IntegerField(
        min_value=0, max_value=2**32 - 1, initial=analysis.DEFAULT_SEED, label="Seed"
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = {
                name: data.get(name) or field.initial for name, field in self.base_fields.items()
            }
        super().__init__(data, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update(
                {"class": "nhsuk-input nhsuk-input--width-10", "inputmode": "numeric"}
            )

    def settings(self) -> queries.RankingSettings:
        if not self.is_bound or not self.is_valid():
            return queries.RankingSettings()
        data = self.cleaned_data
        return queries.RankingSettings(
            top_n=data["top"],
            variation=data["variation"] / 100,
            draws=data["draws"],
            seed=data["seed"],
        )
