"""The switches of an SPC chart, read from the query string (a GET form)."""

from __future__ import annotations

from datetime import date

from django import forms

RUN_LENGTH_CHOICES = [("7", "7 points (NHS England's default)"), ("6", "6 points")]
SCREEN_CHOICES = [("on", "On: screen out very large moving ranges"), ("off", "Off")]
TWO_OF_THREE_CHOICES = [
    ("current", "NHS England's reading since November 2023 (points beyond the limits count)"),
    ("older", "NHSRplotthedots 0.2.2's older reading (only points between the lines count)"),
]


class SPCSwitchesForm(forms.Form):
    fix_after = forms.IntegerField(
        label="Fix the baseline after this many points",
        help_text="Leave blank to use every point. Making Data Count suggests 12 to 20.",
        required=False,
        min_value=2,
    )
    rebase_at = forms.CharField(
        label="Rebase at these dates",
        help_text="Dates of recorded changes, such as 2025-04-01, separated by commas. "
        "Each starts a new segment with its own limits.",
        required=False,
    )
    screen_outliers = forms.ChoiceField(
        label="Outlier screening", choices=SCREEN_CHOICES, initial="on", required=False
    )
    run_length = forms.ChoiceField(
        label="Run length for trends and shifts",
        choices=RUN_LENGTH_CHOICES,
        initial="7",
        required=False,
    )
    two_of_three = forms.ChoiceField(
        label="Reading of the 2-of-3 rule",
        choices=TWO_OF_THREE_CHOICES,
        initial="current",
        required=False,
    )
    target = forms.FloatField(
        label="Target value",
        help_text="Leave blank for no target; the assurance icon needs one.",
        required=False,
    )

    def clean_rebase_at(self) -> list[date]:
        text = self.cleaned_data.get("rebase_at") or ""
        dates = []
        for part in (piece.strip() for piece in text.split(",")):
            if not part:
                continue
            try:
                dates.append(date.fromisoformat(part))
            except ValueError:
                raise forms.ValidationError(
                    f"“{part}” is not a date: write dates as year-month-day, such as 2025-04-01"
                ) from None
        return sorted(set(dates))

    def xmr_arguments(self) -> dict:
        """Keyword arguments for `commissioning.spc.xmr` (call after `is_valid`)."""
        data = self.cleaned_data
        return {
            "fix_after": data.get("fix_after"),
            "rebase_at": data.get("rebase_at") or (),
            "screen_outliers": (data.get("screen_outliers") or "on") == "on",
            "run_length": int(data.get("run_length") or 7),
            "two_of_three_includes_beyond_limits": (data.get("two_of_three") or "current")
            == "current",
            "target": data.get("target"),
        }
