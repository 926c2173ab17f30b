"""Forms for the core pages."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from commissioning import access
from commissioning.models import ContractStatus, Organisation


class ContractFilterForm(forms.Form):
    """Narrow the contract list by provider and status. The provider choices are the
    providers of the contracts the user can already see, so the filter reveals nothing."""

    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All providers"
    )
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *ContractStatus.choices], required=False
    )

    def __init__(self, *args, user, contracts: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = (
            access.visible_to(user, Organisation)
            .filter(pk__in=contracts.values("provider_id"))
            .order_by("name")
        )

    def filter(self, contracts: QuerySet) -> QuerySet:
        """`contracts` narrowed by the valid choices (an invalid choice narrows nothing)."""
        if not self.is_valid():
            return contracts
        if provider := self.cleaned_data.get("provider"):
            contracts = contracts.filter(provider=provider)
        if status := self.cleaned_data.get("status"):
            contracts = contracts.filter(status=status)
        return contracts
