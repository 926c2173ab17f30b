"""Issue 7 item 2, the other two halves of the matrix: API list endpoints never return a
row outside the persona's scope, and writes that reference a foreign id are refused.

Lists: every discovered API list route (a DRF viewset's `list`), for each signed-in persona,
returns only ids in `commissioning.access.visible_to(persona, <the viewset's model>)`;
provider B's lists hold none of provider A's contract, statement or scenario rows; the
outsider's (South's) lists hold none of the rows North's commissioner sees, except the
shared reference rows in SHARED.

Writes: each probe first sends the foreign id (refused with 400/403/404, the row count
unchanged), then the same request with a home id, which must succeed (201) — so a probe
cannot pass because the request was malformed in some other way.
"""

from __future__ import annotations

import pytest
from django.urls import resolve

from commissioning import access
from commissioning.models import Contract, Indicator, SegmentationModel
from evaluation.models import EvaluationPlan, FeedbackResponse, LoopFindingDetail
from payor.models import (
    CommitteeVote,
    ContractKpi,
    ContractTerms,
    ContractVariation,
    ContractYearValue,
    DecisionItem,
    PaymentStatement,
    ResourceShiftScenario,
)
from tests.access_matrix.conftest import PERSONAS
from tests.access_matrix.kwargs import kwargs_for
from tests.access_matrix.routes import discover, path_for

pytestmark = pytest.mark.django_db

# Rows every ICB may see: the indicator library and the library segmentation models.
SHARED = {Indicator, SegmentationModel}
# Models whose rows belong to one provider: provider B must never see provider A's.
PROVIDER_OWNED = {
    Contract,
    ContractTerms,
    ContractKpi,
    ContractVariation,
    ContractYearValue,
    PaymentStatement,
    ResourceShiftScenario,
}
# List routes whose rows are not model rows with ids (computed series), with the reason.
NOT_MODEL_ROWS = {
    "contract-performance-list": "rows are computed per contract (the contract's id is `contract`)",
    "indicator-values-list": "SPC series computed per indicator and owner, not rows",
    "outcome-tracking-list": "computed per outcome; needs ?strategy=",
}


def _model(view_class):
    for attribute in ("model",):
        if getattr(view_class, attribute, None) is not None:
            return view_class.model
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    return view_class.serializer_class.Meta.model


def _api_lists(world):
    found = []
    for route in discover():
        if not route.route.startswith("api/v1/") or route.params:
            continue
        path = path_for(route, kwargs_for(world, route, {}))
        func = resolve(path).func
        actions = getattr(func, "actions", None) or {}
        if actions.get("get") != "list" or route.key in NOT_MODEL_ROWS:
            continue
        found.append((route.key, path, _model(func.cls)))
    return found


def _ids(client, path) -> list[int]:
    ids, url = [], f"{path}?page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        ids += [row["id"] for row in rows]
        url = body.get("next") if isinstance(body, dict) else None
    return ids


@pytest.fixture(scope="module")
def listed(world):
    """{route key: (model, {persona: ids returned})} for every API list route."""
    return {
        key: (model, {p: _ids(world.clients[p], path) for p in PERSONAS[1:]})
        for key, path, model in _api_lists(world)
    }


def test_list_routes_found(listed):
    # The router has about 60 list routes; a discovery fault would make the checks vacuous.
    assert len(listed) >= 50, sorted(listed)
    empty = [key for key, (_, ids) in listed.items() if not ids["commissioner"]]
    assert not empty, f"the world has no row for these lists, so they check nothing: {empty}"


def test_lists_hold_only_visible_rows(world, listed):
    u = world.u
    leaks = []
    for key, (model, by_persona) in listed.items():
        for persona, ids in by_persona.items():
            allowed = set(
                access.visible_to(getattr(u, persona), model).values_list("pk", flat=True)
            )
            extra = set(ids) - allowed
            if extra:
                leaks.append(f"{key} × {persona}: {sorted(extra)} not visible to them")
    assert not leaks, "\n".join(leaks)


def test_provider_b_never_lists_provider_a_rows(listed):
    checked = 0
    for key, (model, by_persona) in listed.items():
        if model not in PROVIDER_OWNED:
            continue
        checked += 1
        a_rows = set(by_persona["provider_a_rep"])
        assert a_rows, f"{key}: provider A sees nothing, so the check is empty"
        assert not a_rows & set(by_persona["provider_b_rep"]), f"{key}: B lists A's rows"
    assert checked >= 7


def test_outsider_never_lists_north_rows(world, listed):
    assert {"api:contract-list", "payor-payment-statement-list"} <= set(listed)
    for key, (model, by_persona) in listed.items():
        if model in SHARED:
            continue
        north = set(by_persona["commissioner"])
        assert not north & set(by_persona["outsider"]), f"{key}: South's user lists North's rows"


# --------------------------------------------------------------------------- writes

REFUSED = (400, 403, 404)


def _probe(client, url, model, foreign: dict, home: dict):
    before = model.objects.count()
    refused = client.post(url, foreign, content_type="application/json")
    assert refused.status_code in REFUSED, (url, foreign, refused.status_code, refused.content)
    assert model.objects.count() == before, f"{url}: a refused write saved a row"
    accepted = client.post(url, home, content_type="application/json")
    assert accepted.status_code == 201, (url, home, accepted.status_code, accepted.content)
    assert model.objects.count() == before + 1


def test_kpi_on_a_foreign_contract_refused(world):
    u, st = world.u, world.st
    body = {"indicator": st.indicator.pk, "target": "80"}
    _probe(
        world.clients["commissioner"], "/api/v1/payor/contract-kpis/", ContractKpi,
        {**body, "contract": u.contract_south.pk}, {**body, "contract": u.contract_b.pk},
    )  # fmt: skip


def test_committee_item_with_a_foreign_contract_refused(world):
    u, pay = world.u, world.pay
    body = {"meeting": pay.meeting.pk, "title": "Renew"}
    _probe(
        world.clients["commissioner"], f"/api/v1/payor/committees/{pay.committee.pk}/items/",
        DecisionItem,
        {**body, "contract": u.contract_south.pk}, {**body, "contract": u.contract_b.pk},
    )  # fmt: skip


def test_loop_finding_on_a_foreign_priority_refused(world):
    st = world.st
    body = {"title": "Falls fell", "summary": "Falls fell by a tenth."}
    _probe(
        world.clients["commissioner"], "/api/v1/evaluation/loop-findings/", LoopFindingDetail,
        {**body, "priorities": [st.south_priority.pk]}, {**body, "priorities": [st.priority.pk]},
    )  # fmt: skip


def test_evaluation_plan_for_a_foreign_intervention_refused(world):
    u, st = world.u, world.st
    body = {
        "question": "Did it work?", "indicator": st.indicator.pk, "area": u.place.pk,
        "method": "its", "source": "series", "intervention_date": "2025-01-01",
        "start_date": "2024-04-01", "end_date": "2025-06-30", "report_due": "2026-06-30",
        "owner": "Head of Evaluation",
    }  # fmt: skip
    _probe(
        world.clients["commissioner"], "/api/v1/evaluation/plans/", EvaluationPlan,
        {**body, "intervention": st.south_intervention.pk},
        {**body, "intervention": st.unplanned.pk},
    )  # fmt: skip


def test_feedback_response_to_a_survey_not_addressed_to_you_refused(world):
    survey = world.ev.survey  # addressed to provider A
    body = {"survey": survey.pk, "answers": {"q1": 3}, "respondent_kind": "service_user"}
    before = FeedbackResponse.objects.count()
    url = "/api/v1/evaluation/feedback-responses/"
    refused = world.clients["provider_b_rep"].post(url, body, content_type="application/json")
    assert refused.status_code in REFUSED, refused.content
    assert FeedbackResponse.objects.count() == before
    accepted = world.clients["provider_a_rep"].post(url, body, content_type="application/json")
    assert accepted.status_code == 201, accepted.content
    assert FeedbackResponse.objects.count() == before + 1


def test_vote_on_another_providers_committee_item_refused(world):
    url = f"/api/v1/payor/committee-items/{world.pay.item.pk}/vote/"
    before = CommitteeVote.objects.count()
    body = {"choice": "for"}
    refused = world.clients["provider_b_rep"].post(url, body, content_type="application/json")
    assert refused.status_code in REFUSED, refused.content
    assert CommitteeVote.objects.count() == before
    accepted = world.clients["provider_a_rep"].post(url, body, content_type="application/json")
    assert accepted.status_code == 201, accepted.content
    assert CommitteeVote.objects.count() == before + 1
