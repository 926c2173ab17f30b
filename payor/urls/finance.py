"""URLs of stage 3: finance."""

from django.urls import path

from payor.views import finance

urlpatterns = [
    path("finance/plans/", finance.plans, name="finance-plans"),
    path("finance/plans/<int:pk>/", finance.plan_detail, name="finance-plan"),
    path("finance/contracts/", finance.contracts, name="finance-contracts"),
    path("finance/contracts/<int:pk>/", finance.contract_detail, name="finance-contract"),
    path("finance/statements/<int:pk>/", finance.statement_detail, name="finance-statement"),
]
