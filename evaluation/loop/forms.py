"""Forms of the loop part: an evaluation finding, and closing a cycle."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

CONCERN_FIELDS = ("priorities", "outcomes", "interventions", "contracts")
CONCERN_LABELS = {
    "priorities": "Priorities it concerns",
    "outcomes": "Outcomes it concerns",
    "interventions": "Interventions it concerns",
    "contracts": "Contracts it concerns",
}


def parse_links(text: str) -> list[dict]:
    """Evidence links typed one a line as "label | address" (or just the address)."""
    links = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        label, _, url = line.rpartition("|")
        if not url.strip():
            raise ValidationError(f"Line {number}: give the address after the |.")
        links.append({"label": label.strip() or url.strip(), "url": url.strip()})
    return links


def links_text(links) -> str:
    return "\n".join(f"{link.label} | {link.url}" for link in links)


class FindingForm(forms.Form):
    """Title, what was found, its evidence and what it concerns (choices: the ICB's own)."""

    title = forms.CharField(
        max_length=200,
        label="Title",
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
        error_messages={"required": "Enter a title for the finding."},
    )
    summary = forms.CharField(
        label="What was found",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 5}),
        error_messages={"required": "Enter what was found."},
    )
    evidence = forms.CharField(
        required=False,
        label="Evidence",
        help_text="What the finding rests on: SPC signals, evaluation results, feedback.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 4}),
    )
    links = forms.CharField(
        required=False,
        label="Evidence links",
        help_text="One a line: a label, a | and the address, for example "
        "“Emergency admissions SPC chart | /evaluation/spc/…”.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )

    def __init__(self, *args, choices: dict[str, list[tuple[int, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        for name in CONCERN_FIELDS:
            self.fields[name] = forms.TypedMultipleChoiceField(
                required=False,
                coerce=int,
                label=CONCERN_LABELS[name],
                choices=choices.get(name, []),
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": "%(value)s is not one of this ICB's choices; choose again."
                },
            )

    def clean_links(self) -> list[dict]:
        return parse_links(self.cleaned_data.get("links", ""))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        required=False,
        label="Why is it withdrawn? (optional)",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )
