"""The scenario form: inputs as a commissioner reads them (percentages, pounds)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from commissioning.models import CommissioningCycle
from payor.models import SETTING_LABELS, SETTINGS, ScenarioProfile
from strategy.models import Intervention

HUNDRED = Decimal("100")


def _percent(label: str, help_text: str, initial: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=Decimal(initial),
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-5", "step": "0.01"}
        ),
    )


def _number(widget_width: int = 10, **kwargs):
    attrs = {"class": f"nhsuk-input nhsuk-input--width-{widget_width}"}
    return forms.DecimalField(widget=forms.NumberInput(attrs=attrs), **kwargs)


class ScenarioForm(forms.Form):
    """Percentages are entered as 0-100 and handed to actions as shares (0-1)."""

    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "nhsuk-input"}))
    cycle = forms.ModelChoiceField(
        queryset=CommissioningCycle.objects.none(),
        required=False,
        label="Commissioning cycle",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    emergency_spend = _number(
        label="Acute emergency spend in the base year (£)", min_value=0, decimal_places=2
    )
    emergency_admissions = forms.IntegerField(
        label="Emergency admissions in the base year",
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
    )
    shift_percent = _percent("Share of emergency spend to move (%)", "For example 5.", "5")
    years = forms.IntegerField(
        label="Over how many years",
        min_value=1,
        max_value=10,
        initial=3,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-3"}),
    )
    profile = forms.ChoiceField(
        label="Time profile",
        choices=ScenarioProfile.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    step_year = forms.IntegerField(
        label="Step year (step profile only)",
        required=False,
        min_value=1,
        max_value=10,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-3"}),
    )
    community_percent = _percent(
        "Share of moved money to community (%)", "The rest goes to prevention.", "80"
    )
    double_running_percent = _percent(
        "Double running (% of moved money still paid to acute)",
        "While old and new services overlap.",
        "50",
    )
    double_running_years = forms.IntegerField(
        label="Years of double running",
        min_value=0,
        max_value=10,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-3"}),
    )
    intervention = forms.ModelChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        label="Take the effect from a strategy intervention",
        help_text="Leave the mean effect blank to use the intervention's expected effect.",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    effect_percent = _percent("Mean effect (% of targeted admissions avoided)", "", "30")
    effect_percent.required = False
    effect_sd_percent = _percent("Uncertainty of the effect (standard deviation, %)", "", "10")
    draws = forms.IntegerField(
        min_value=10,
        max_value=100_000,
        initial=2000,
        label="Number of draws",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    seed = forms.IntegerField(
        min_value=0,
        initial=1,
        label="Random seed",
        help_text="The same seed gives the same result.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    threshold_percent = _percent("Flag providers whose ICB income moves more than (%)", "", "2")
    allocation = forms.CharField(
        required=False,
        label="ICB allocation per year (£, optional)",
        help_text="One amount per year, separated by commas, e.g. 2500000000, 2560000000.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for setting in SETTINGS:
            self.fields[f"base_{setting}"] = _number(
                label=f"{SETTING_LABELS[setting]} (£)",
                min_value=0,
                decimal_places=2,
                required=False,
            )
        if user is not None and getattr(user, "icb", None) is not None:
            self.fields["cycle"].queryset = CommissioningCycle.objects.filter(icb=user.icb)
            self.fields["intervention"].queryset = Intervention.objects.filter(
                priority__strategy__icb=user.icb
            ).order_by("name")

    def clean_allocation(self):
        raw = self.cleaned_data["allocation"].strip()
        if not raw:
            return []
        try:
            return [
                Decimal(part.strip().replace("£", "").replace("_", "")) for part in raw.split(",")
            ]
        except ArithmeticError as exc:
            raise forms.ValidationError("Give numbers in pounds separated by commas.") from exc

    def action_data(self) -> dict:
        """The cleaned form as keyword arguments of the actions."""
        data = self.cleaned_data
        effect = data.get("effect_percent")
        base = {s: data.get(f"base_{s}") for s in SETTINGS}
        return {
            "name": data["name"],
            "cycle": data.get("cycle"),
            "emergency_spend": data["emergency_spend"],
            "emergency_admissions": data["emergency_admissions"],
            "shift_share": data["shift_percent"] / HUNDRED,
            "years": data["years"],
            "profile": data["profile"],
            "step_year": data.get("step_year"),
            "community_share": data["community_percent"] / HUNDRED,
            "double_running_share": data["double_running_percent"] / HUNDRED,
            "double_running_years": data["double_running_years"],
            "intervention": data.get("intervention"),
            "effect_mean": None if effect is None else float(effect / HUNDRED),
            "effect_sd": float(data["effect_sd_percent"] / HUNDRED),
            "draws": data["draws"],
            "seed": data["seed"],
            "threshold": data["threshold_percent"] / HUNDRED,
            "allocation": data["allocation"],
            "base_spend": None if all(v is None for v in base.values()) else base,
        }
